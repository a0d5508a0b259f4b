import { randomBytes } from 'node:crypto';
import { verifiesCachedImages } from '../../lib/diagnosis';
import { goQuote, ImageRefError, parseImageRef, type ImageRef } from '../../lib/image-ref';
import { realClock, type Clock, type ClockTimer } from '../clock';
import type { PullCredential, PullImage, PullOutcome } from '../contracts';
import { StoreError, type KubeObject, type ObjectStore, type StoreEvent } from '../store';
import { defaultPullPolicy } from './admission';
import { providerCredentials, type SimCredentialProvider } from './credential-provider';
import { lookupPullCredentials } from './credentials';
import { EventRecorder } from './events';
import { failedImageMounts, imageVolumesOf, type ImageVolumePull } from './image-volumes';
import { presentedSecrets, PulledImageRecords } from './pulled-images';
import { timestamp, type Condition, type Container, type ContainerStatus, type Pod, type PodStatus } from './objects';

export interface KubeletOptions {
  store: ObjectStore;
  pullImage: PullImage;
  /** The first image pull back-off; it doubles after every failure up to 30 times this (10 s → 300 s in a real kubelet). */
  backoffMs: number;
  /** How long containers of run-to-completion pods (Jobs, init containers) run before exiting 0. */
  containerRunMs: number;
  /** The platform pulls ask for. */
  platform?: string;
  /** The node's credential provider plugins; their credentials follow the pull secrets' (UnionDockerKeyring). */
  credentialProviders?: SimCredentialProvider[];
  /** Back-off windows, container run times, timestamps and event times; the real clock unless a test drives it. */
  clock?: Clock;
  log?: (line: string) => void;
}

export interface Kubelet {
  stop(): void;
}

const BACKOFF_CAP_FACTOR = 30;

/**
 * The node agents of the simulated cluster, with the scheduler's one job (binding pods to nodes). For each pod
 * it walks init containers in order, then regular and ephemeral containers, ensuring each image as the
 * kubelet's image manager does — reference parsing, pull policy, per-image back-off, pull secrets looked up as
 * the keyring does — then "runs" the containers, and writes container statuses, conditions and events in the
 * real kubelet's words.
 */
export function startKubelet(options: KubeletOptions): Kubelet {
  const kubelet = new SimKubelet(options);
  kubelet.start();
  return kubelet;
}

interface ContainerRuntime {
  state: 'waiting' | 'running' | 'terminated';
  reason?: string;
  message?: string;
  startedAt?: string;
  finishedAt?: string;
  image?: string;
  imageID?: string;
  containerID?: string;
  /** The image whose failed pull keeps a waiting container from starting: its own, or an image volume's. */
  pulling?: string;
  /** When a run-to-completion container exits. */
  exitsAt?: number;
}

interface PodRuntime {
  uid: string;
  namespace: string;
  name: string;
  nodeName?: string;
  podIP?: string;
  startTime?: string;
  specFingerprint: string;
  containers: Map<string, ContainerRuntime>;
  syncing: boolean;
  again: boolean;
  timer?: ClockTimer;
  wakeAt?: number;
}

interface BackOffEntry {
  lastFailureAt: number;
  durationMs: number;
  lastError: string;
}

type ContainerKind = 'init' | 'regular' | 'ephemeral';

type EnsureResult = { ok: true; image: string; imageID: string } | { ok: false; reason: string; message: string };

/** One image for the image manager: a container's, or an image volume's (whose events have no field path). */
interface ImageToEnsure {
  image: string;
  policy: 'Always' | 'IfNotPresent' | 'Never';
  fieldPath?: string;
}

type ImageVolumePulls = () => Promise<Map<string, ImageVolumePull>>;

class SimKubelet implements Kubelet {
  private readonly store: ObjectStore;
  private readonly clock: Clock;
  private readonly pods = new Map<string, PodRuntime>();
  private readonly backOff = new Map<string, BackOffEntry>();
  private readonly nodeImages = new Map<string, Map<string, string>>();
  private readonly pulledRecords = new Map<string, PulledImageRecords>();
  private readonly recorders = new Map<string, EventRecorder>();
  private readonly scheduler: EventRecorder;
  private unsubscribe: (() => void) | null = null;
  private podIpCounter = 0;
  private stopped = false;

  constructor(private readonly options: KubeletOptions) {
    this.store = options.store;
    this.clock = options.clock ?? realClock;
    this.scheduler = new EventRecorder(this.store, { component: 'default-scheduler' }, this.clock);
  }

  start(): void {
    this.unsubscribe = this.store.watch((event) => this.onEvent(event));
    for (const node of this.store.snapshot('nodes')) this.learnNode(node);
    for (const pod of this.store.snapshot('pods') as Pod[]) this.track(pod);
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
    for (const runtime of this.pods.values()) this.clock.clearTimeout(runtime.timer);
    this.pods.clear();
  }

  private onEvent(event: StoreEvent): void {
    if (event.resource === 'nodes' && event.type !== 'DELETED') this.learnNode(event.object);
    if (event.resource !== 'pods') return;
    const pod = event.object as Pod;
    const uid = pod.metadata.uid ?? '';
    if (event.type === 'DELETED') {
      const runtime = this.pods.get(uid);
      if (runtime) this.clock.clearTimeout(runtime.timer);
      this.pods.delete(uid);
      for (const key of this.backOff.keys()) if (key.startsWith(`${uid}_`)) this.backOff.delete(key);
      return;
    }
    const runtime = this.pods.get(uid);
    if (!runtime) {
      this.track(pod);
    } else if (specFingerprint(pod) !== runtime.specFingerprint) {
      runtime.specFingerprint = specFingerprint(pod);
      this.wake(runtime, 0);
    }
  }

  /** Nodes advertise the images they hold in `status.images`; the scenario preloads images that way. */
  private learnNode(node: KubeObject): void {
    const images = this.nodeImages.get(node.metadata.name) ?? new Map<string, string>();
    const listed = ((node.status as { images?: { names?: string[] }[] } | undefined)?.images ?? []).flatMap((image) => image.names ?? []);
    for (const name of listed) {
      if (name.includes('@')) continue;
      const digest = listed.find((other) => other.startsWith(`${name.replace(/:[^:/]+$/, '')}@`));
      images.set(name, digest ?? name);
    }
    this.nodeImages.set(node.metadata.name, images);
  }

  private track(pod: Pod): void {
    if (this.stopped) return;
    const runtime: PodRuntime = {
      uid: pod.metadata.uid ?? '',
      namespace: pod.metadata.namespace ?? 'default',
      name: pod.metadata.name,
      nodeName: pod.spec.nodeName,
      specFingerprint: specFingerprint(pod),
      containers: new Map(),
      syncing: false,
      again: false,
    };
    this.pods.set(runtime.uid, runtime);
    this.adopt(runtime, pod);
  }

  /**
   * A pod that already carries container statuses (a kubelet restart, or a scenario that writes settled pods
   * directly) is taken over as it stands: running containers keep running, and images that were failing are
   * retried after a full back-off, as they would be by a kubelet that had been failing them all along.
   */
  private adopt(runtime: PodRuntime, pod: Pod): void {
    const status = pod.status ?? {};
    const statuses = [
      ...(status.initContainerStatuses ?? []).map((s) => ['init', s] as const),
      ...(status.containerStatuses ?? []).map((s) => ['regular', s] as const),
      ...(status.ephemeralContainerStatuses ?? []).map((s) => ['ephemeral', s] as const),
    ];
    if (statuses.length === 0 || !pod.spec.nodeName) {
      this.wake(runtime, 0);
      return;
    }
    runtime.podIP = status.podIP;
    runtime.startTime = status.startTime;
    let retryIn = Number.POSITIVE_INFINITY;
    for (const [kind, containerStatus] of statuses) {
      const state = containerStatus.state;
      const key = containerKey(kind, containerStatus.name);
      const identity = { image: containerStatus.image, imageID: containerStatus.imageID, containerID: containerStatus.containerID };
      if (state.running) {
        runtime.containers.set(key, { state: 'running', startedAt: state.running.startedAt, ...identity });
      } else if (state.terminated) {
        runtime.containers.set(key, { state: 'terminated', reason: state.terminated.reason, startedAt: state.terminated.startedAt, finishedAt: state.terminated.finishedAt, ...identity });
      } else if (state.waiting?.reason === 'ErrImagePull' || state.waiting?.reason === 'ImagePullBackOff') {
        // Spread the retries over one back-off window, so adopted pods do not all pull at once.
        const cap = this.options.backoffMs * BACKOFF_CAP_FACTOR;
        const elapsed = Math.random() * cap;
        const lastError = state.waiting.message?.replace(/^Back-off pulling image "(?:[^"\\]|\\.)*": /, '') ?? '';
        this.backOff.set(`${runtime.uid}_${containerImage(pod, kind, containerStatus.name)}`, {
          lastFailureAt: this.clock.now() - elapsed,
          durationMs: cap,
          lastError: lastError.startsWith('ErrImagePull: ') ? lastError : `ErrImagePull: ${lastError}`,
        });
        runtime.containers.set(key, { state: 'waiting', reason: state.waiting.reason, message: state.waiting.message });
        retryIn = Math.min(retryIn, cap - elapsed);
      } else {
        retryIn = 0;
      }
    }
    if (Number.isFinite(retryIn)) this.wake(runtime, retryIn);
  }

  private wake(runtime: PodRuntime, delayMs: number): void {
    if (this.stopped) return;
    const at = this.clock.now() + delayMs;
    if (runtime.timer && runtime.wakeAt !== undefined && runtime.wakeAt <= at) return;
    this.clock.clearTimeout(runtime.timer);
    runtime.wakeAt = at;
    runtime.timer = this.clock.setTimeout(() => {
      runtime.timer = undefined;
      runtime.wakeAt = undefined;
      void this.sync(runtime);
    }, Math.max(0, delayMs));
  }

  private async sync(runtime: PodRuntime): Promise<void> {
    if (runtime.syncing) {
      runtime.again = true;
      return;
    }
    runtime.syncing = true;
    try {
      do {
        runtime.again = false;
        await this.syncOnce(runtime);
      } while (runtime.again && !this.stopped && this.pods.get(runtime.uid) === runtime);
    } catch (error) {
      if (!(error instanceof StoreError && error.reason === 'NotFound')) {
        this.options.log?.(`kubelet ${runtime.namespace}/${runtime.name}: ${error instanceof Error ? error.stack : String(error)}`);
        this.wake(runtime, this.options.backoffMs);
      }
    } finally {
      runtime.syncing = false;
    }
  }

  private async syncOnce(runtime: PodRuntime): Promise<void> {
    let pod = this.store.get('pods', runtime.namespace, runtime.name) as Pod | undefined;
    if (!pod || pod.metadata.uid !== runtime.uid || pod.metadata.deletionTimestamp) return;
    if (!pod.spec.nodeName) {
      pod = this.bind(pod);
      if (!pod) return;
    }
    runtime.nodeName = pod.spec.nodeName;
    if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return;
    runtime.startTime ??= timestamp(this.clock.now());
    runtime.podIP ??= this.allocatePodIp(runtime.nodeName ?? '');

    const now = this.clock.now();
    let pullSecrets: KubeObject[] | null = null;
    const secrets = (): KubeObject[] => (pullSecrets ??= this.pullSecrets(pod));
    // SyncPod ensures the image volumes once, before it starts any container (getImageVolumes).
    const synced = pod;
    let volumePulls: Promise<Map<string, ImageVolumePull>> | null = null;
    const imageVolumePulls: ImageVolumePulls = () => (volumePulls ??= this.ensureImageVolumes(synced, runtime, secrets));

    let initialized = true;
    for (const container of pod.spec.initContainers ?? []) {
      const state = runtime.containers.get(containerKey('init', container.name));
      if (state?.state === 'terminated') continue;
      initialized = false;
      if (state?.state === 'running') {
        this.finishIfDue(pod, runtime, 'init', container, now);
        if (runtime.containers.get(containerKey('init', container.name))?.state === 'terminated') {
          initialized = true;
          continue;
        }
        break;
      }
      await this.startContainer(pod, runtime, 'init', container, secrets, imageVolumePulls);
      break;
    }

    if (initialized) {
      for (const kind of ['regular', 'ephemeral'] as const) {
        const containers = kind === 'regular' ? pod.spec.containers : (pod.spec.ephemeralContainers ?? []);
        for (const container of containers) {
          const state = runtime.containers.get(containerKey(kind, container.name));
          if (state?.state === 'terminated') continue;
          if (state?.state === 'running') {
            if (kind === 'regular' && pod.spec.restartPolicy !== 'Always') this.finishIfDue(pod, runtime, kind, container, now);
            continue;
          }
          await this.startContainer(pod, runtime, kind, container, secrets, imageVolumePulls);
        }
      }
    }

    this.writeStatus(runtime);
    this.scheduleNext(runtime, pod);
  }

  /** The scheduler's part: the Ready node whose NoSchedule taints the pod tolerates, running the fewest pods. */
  private bind(pod: Pod): Pod | undefined {
    const nodes = this.store
      .list('nodes')
      .filter((node) => isNodeReady(node) && toleratesNoSchedule(pod, node))
      .map((node) => node.metadata.name);
    if (nodes.length === 0) return undefined;
    const load = new Map(nodes.map((name) => [name, 0]));
    for (const runtime of this.pods.values()) {
      if (runtime.nodeName && load.has(runtime.nodeName)) load.set(runtime.nodeName, (load.get(runtime.nodeName) ?? 0) + 1);
    }
    const nodeName = [...load].sort(([, a], [, b]) => a - b)[0]?.[0];
    if (!nodeName) return undefined;
    const spec = { ...pod.spec, nodeName };
    const runtime = this.pods.get(pod.metadata.uid ?? '');
    if (runtime) runtime.specFingerprint = JSON.stringify(spec);
    const bound = this.store.update('pods', { ...pod, spec }) as Pod;
    this.scheduler.record(bound, {
      type: 'Normal',
      reason: 'Scheduled',
      message: `Successfully assigned ${bound.metadata.namespace}/${bound.metadata.name} to ${nodeName}`,
    });
    return bound;
  }

  /**
   * `getPullSecretsForPod`: the pod's `imagePullSecrets` in order; names that do not resolve are reported in
   * one Warning event and left out.
   */
  private pullSecrets(pod: Pod): KubeObject[] {
    const found: KubeObject[] = [];
    const missing: string[] = [];
    for (const reference of pod.spec.imagePullSecrets ?? []) {
      if (!reference.name) continue;
      const secret = this.store.get('secrets', pod.metadata.namespace, reference.name);
      if (secret) found.push(secret);
      else missing.push(reference.name);
    }
    if (missing.length > 0) {
      this.recorder(pod).record(pod, {
        type: 'Warning',
        reason: 'FailedToRetrieveImagePullSecret',
        message: `Unable to retrieve some image pull secrets (${missing.join(', ')}); attempting to pull the image may not succeed.`,
      });
    }
    return found;
  }

  private async startContainer(
    pod: Pod,
    runtime: PodRuntime,
    kind: ContainerKind,
    container: Container,
    secrets: () => KubeObject[],
    imageVolumePulls: ImageVolumePulls,
  ): Promise<void> {
    const key = containerKey(kind, container.name);
    const fieldPath = fieldPathOf(kind, container.name);
    const recorder = this.recorder(pod);
    // "We fail late here to populate the ErrImagePull and ImagePullBackOff correctly to the end user": a failed
    // image volume fails each container that mounts it, before its own image is ensured.
    const failedMounts = failedImageMounts(container, await imageVolumePulls());
    for (const failed of failedMounts) recorder.record(pod, { type: 'Warning', reason: 'Failed', message: `Error: ${failed.reason}`, fieldPath });
    const lastFailed = failedMounts.at(-1);
    if (lastFailed) {
      runtime.containers.set(key, { state: 'waiting', reason: lastFailed.reason, message: lastFailed.message, pulling: lastFailed.image });
      return;
    }
    const image = container.image ?? '';
    const result = await this.ensureImage(pod, runtime, { image, policy: container.imagePullPolicy ?? defaultPullPolicy(image), fieldPath }, secrets);
    if (!result.ok) {
      runtime.containers.set(key, { state: 'waiting', reason: result.reason, message: result.message, pulling: image });
      recorder.record(pod, { type: 'Warning', reason: 'Failed', message: `Error: ${result.reason}`, fieldPath });
      return;
    }
    const startedAt = timestamp(this.clock.now());
    const runsToCompletion = kind === 'init' || (kind === 'regular' && pod.spec.restartPolicy !== 'Always');
    runtime.containers.set(key, {
      state: 'running',
      startedAt,
      image: result.image,
      imageID: result.imageID,
      containerID: `containerd://${randomBytes(32).toString('hex')}`,
      ...(runsToCompletion ? { exitsAt: this.clock.now() + this.options.containerRunMs } : {}),
    });
    recorder.record(pod, { type: 'Normal', reason: 'Created', message: `Created container ${container.name}`, fieldPath });
    recorder.record(pod, { type: 'Normal', reason: 'Started', message: `Started container ${container.name}`, fieldPath });
  }

  private finishIfDue(pod: Pod, runtime: PodRuntime, kind: ContainerKind, container: Container, now: number): void {
    const state = runtime.containers.get(containerKey(kind, container.name));
    if (!state || state.state !== 'running' || state.exitsAt === undefined || state.exitsAt > now) return;
    state.state = 'terminated';
    state.reason = 'Completed';
    state.finishedAt = timestamp(now);
  }

  /**
   * `getImageVolumes`: each image volume's image ensured by the image manager with the pod's pull secrets, its
   * events recorded on the pod itself (`ref.GetReference(pod)`: no field path); a failure is kept per volume.
   */
  private async ensureImageVolumes(pod: Pod, runtime: PodRuntime, secrets: () => KubeObject[]): Promise<Map<string, ImageVolumePull>> {
    const pulls = new Map<string, ImageVolumePull>();
    for (const volume of imageVolumesOf(pod)) {
      const result = await this.ensureImage(pod, runtime, { image: volume.reference, policy: volume.pullPolicy }, secrets);
      pulls.set(volume.name, result.ok ? { ok: true } : { ok: false, reason: result.reason, message: result.message, image: volume.reference });
    }
    return pulls;
  }

  /** `imageManager.EnsureImageExists` for one image: a container's or an image volume's. */
  private async ensureImage(pod: Pod, runtime: PodRuntime, { image, policy, fieldPath }: ImageToEnsure, secrets: () => KubeObject[]): Promise<EnsureResult> {
    const recorder = this.recorder(pod);
    const quoted = goQuote(image);
    let ref: ImageRef;
    try {
      ref = parseImageRef(image);
    } catch (error) {
      const detail = error instanceof ImageRefError ? error.kubeletMessage : String(error);
      const message = `Failed to apply default image tag ${quoted}: ${detail}`;
      recorder.record(pod, { type: 'Warning', reason: 'InspectFailed', message, fieldPath });
      return { ok: false, reason: 'InvalidImageName', message };
    }
    const images = this.nodeImages.get(runtime.nodeName ?? '') ?? new Map<string, string>();
    const present = images.get(ref.normalized);
    const repository = `${ref.registry}/${ref.repository}`;
    const node = runtime.nodeName ?? '';
    const verifying = verifiesCachedImages(this.kubeletVersion(node));
    if (policy !== 'Always' && present !== undefined) {
      if (!verifying) {
        recorder.record(pod, { type: 'Normal', reason: 'Pulled', message: `Container image ${quoted} already present on machine`, fieldPath });
        return { ok: true, image: ref.normalized, imageID: present };
      }
      if (!this.recordsOf(node).mustAttemptPull(present, repository, presentedSecrets(secrets(), repository))) {
        recorder.record(pod, { type: 'Normal', reason: 'Pulled', message: `Container image ${quoted} already present on machine and can be accessed by the pod`, fieldPath });
        return { ok: true, image: ref.normalized, imageID: present };
      }
    }
    // imageNotPresentOnNeverPolicyError: an image present but not permitted is reported as not present, so a pod
    // cannot learn that an image it may not use is on the node.
    if (policy === 'Never') {
      const message = `Container image ${quoted} is not present with pull policy of Never`;
      recorder.record(pod, { type: 'Warning', reason: 'ErrImageNeverPull', message, fieldPath });
      return { ok: false, reason: 'ErrImageNeverPull', message };
    }

    const backOffKey = `${runtime.uid}_${image}`;
    const entry = this.backOff.get(backOffKey);
    if (entry && this.clock.now() - entry.lastFailureAt < entry.durationMs) {
      recorder.record(pod, { type: 'Normal', reason: 'BackOff', message: `Back-off pulling image ${quoted}`, fieldPath });
      return { ok: false, reason: 'ImagePullBackOff', message: `Back-off pulling image ${quoted}: ${entry.lastError}` };
    }

    recorder.record(pod, { type: 'Normal', reason: 'Pulling', message: `Pulling image ${quoted}`, fieldPath });
    const started = this.clock.now();
    const lookup = lookupPullCredentials(secrets(), `${ref.registry}/${ref.repository}`);
    const outcome: PullOutcome & { size?: number } = lookup.ok
      ? await this.options.pullImage(ref.normalized, [...lookup.credentials, ...this.providerCredentials(pod, ref)], this.options.platform ?? 'linux/amd64')
      : { ok: false, reason: 'ErrImagePull', message: lookup.message };
    if (!outcome.ok) {
      recorder.record(pod, { type: 'Warning', reason: 'Failed', message: `Failed to pull image ${quoted}: ${outcome.message}`, fieldPath });
      this.recordFailure(backOffKey, entry, `${outcome.reason}: ${outcome.message}`);
      return { ok: false, reason: outcome.reason, message: outcome.message };
    }
    this.backOff.delete(backOffKey);
    const elapsed = goDuration(this.clock.now() - started);
    const imageID = `${ref.registry}/${ref.repository}@${outcome.digest}`;
    images.set(ref.normalized, imageID);
    this.nodeImages.set(node, images);
    if (verifying) this.recordsOf(node).recordPulled(imageID, repository, presentedSecrets(secrets(), repository));
    this.advertise(node, ref.normalized, imageID, outcome.size ?? 0);
    const size = outcome.size === undefined ? '' : ` Image size: ${outcome.size} bytes.`;
    recorder.record(pod, {
      type: 'Normal',
      reason: 'Pulled',
      message: `Successfully pulled image ${quoted} in ${elapsed} (${elapsed} including waiting).${size}`,
      fieldPath,
    });
    return { ok: true, image: ref.normalized, imageID };
  }

  private kubeletVersion(nodeName: string): string | undefined {
    return (this.store.get('nodes', undefined, nodeName)?.status as { nodeInfo?: { kubeletVersion?: string } } | undefined)?.nodeInfo?.kubeletVersion;
  }

  private recordsOf(nodeName: string): PulledImageRecords {
    let records = this.pulledRecords.get(nodeName);
    if (!records) {
      records = new PulledImageRecords();
      this.pulledRecords.set(nodeName, records);
    }
    return records;
  }

  /** The node status lists the images on the node by name and digest, as the kubelet's image list does. */
  private advertise(nodeName: string, name: string, imageID: string, sizeBytes: number): void {
    const node = this.store.get('nodes', undefined, nodeName);
    if (!node) return;
    const status = (node.status ?? {}) as { images?: { names?: string[]; sizeBytes?: number }[] };
    const images = (status.images ?? []).filter((image) => !(image.names ?? []).includes(name));
    this.store.update('nodes', { ...node, status: { ...status, images: [...images, { names: [name, imageID], sizeBytes }] } });
  }

  /** What the node's credential providers add, reading the pod's service account as it is now, at each pull. */
  private providerCredentials(pod: Pod, ref: ImageRef): PullCredential[] {
    const providers = this.options.credentialProviders ?? [];
    if (providers.length === 0) return [];
    const account = this.store.get('serviceaccounts', pod.metadata.namespace, pod.spec.serviceAccountName ?? 'default');
    return providerCredentials(providers, `${ref.registry}/${ref.repository}`, account);
  }

  /** client-go's flowcontrol.Backoff: the first failure waits the initial duration, each further one doubles it, up to the cap. */
  private recordFailure(key: string, previous: BackOffEntry | undefined, lastError: string): void {
    const cap = this.options.backoffMs * BACKOFF_CAP_FACTOR;
    const durationMs = previous ? Math.min(cap, previous.durationMs * 2) : this.options.backoffMs;
    this.backOff.set(key, { lastFailureAt: this.clock.now(), durationMs, lastError });
  }

  /**
   * The next sync: soon after a failed pull (the pod worker's quick retry, which finds the image in back-off
   * and reports ImagePullBackOff), when a back-off window ends, or when a running container exits.
   */
  private scheduleNext(runtime: PodRuntime, pod: Pod): void {
    const now = this.clock.now();
    let next = Number.POSITIVE_INFINITY;
    for (const [key, state] of runtime.containers) {
      if (state.state === 'running' && state.exitsAt !== undefined) next = Math.min(next, state.exitsAt - now);
      if (state.state !== 'waiting') continue;
      if (state.reason === 'ErrImagePull' || state.reason === 'RegistryUnavailable') {
        next = Math.min(next, Math.min(this.options.backoffMs / 4, 500));
      } else if (state.reason === 'ImagePullBackOff') {
        const image = state.pulling ?? containerImage(pod, kindOfKey(key), nameOfKey(key));
        const entry = this.backOff.get(`${runtime.uid}_${image}`);
        if (entry) next = Math.min(next, entry.lastFailureAt + entry.durationMs - now);
      }
    }
    if (Number.isFinite(next)) this.wake(runtime, Math.max(1, next));
  }

  private writeStatus(runtime: PodRuntime): void {
    const pod = this.store.get('pods', runtime.namespace, runtime.name) as Pod | undefined;
    if (!pod || pod.metadata.uid !== runtime.uid) return;
    const status = podStatus(pod, runtime, this.nodeAddress(runtime.nodeName ?? ''), timestamp(this.clock.now()));
    if (JSON.stringify(pod.status ?? {}) === JSON.stringify(status)) return;
    this.store.update('pods', { ...pod, status });
  }

  private nodeAddress(nodeName: string): string {
    const node = this.store.get('nodes', undefined, nodeName);
    const addresses = (node?.status as { addresses?: { type: string; address: string }[] } | undefined)?.addresses ?? [];
    return addresses.find((address) => address.type === 'InternalIP')?.address ?? '';
  }

  private allocatePodIp(nodeName: string): string {
    const nodeIndex = Math.max(0, this.store.list('nodes').findIndex((node) => node.metadata.name === nodeName));
    this.podIpCounter += 1;
    return `10.244.${nodeIndex}.${(this.podIpCounter % 250) + 2}`;
  }

  private recorder(pod: Pod): EventRecorder {
    const host = pod.spec.nodeName ?? '';
    let recorder = this.recorders.get(host);
    if (!recorder) {
      recorder = new EventRecorder(this.store, { component: 'kubelet', host }, this.clock);
      this.recorders.set(host, recorder);
    }
    return recorder;
  }
}

/** The pod status a real kubelet reports for these container states (`generateAPIPodStatus`). */
function podStatus(pod: Pod, runtime: PodRuntime, hostIP: string, now: string): PodStatus {
  const previous = pod.status ?? {};
  const init = (pod.spec.initContainers ?? []).map((container) => containerStatus('init', container, runtime, 'PodInitializing', now));
  const initialized = init.every((status) => status.state.terminated?.reason === 'Completed');
  const waitingReason = initialized ? 'ContainerCreating' : 'PodInitializing';
  const regular = pod.spec.containers.map((container) => containerStatus('regular', container, runtime, waitingReason, now));
  const ephemeral = (pod.spec.ephemeralContainers ?? []).map((container) => containerStatus('ephemeral', container, runtime, waitingReason, now));
  for (const status of [...init, ...ephemeral]) status.ready = false;

  const phase = podPhase(pod, initialized, regular);
  const succeeded = phase === 'Succeeded';
  const unready = regular.filter((status) => !status.ready).map((status) => status.name);
  const incomplete = init.filter((status) => !status.state.terminated).map((status) => status.name);
  const containersReady = unready.length === 0 && !succeeded;
  const conditions: Condition[] = [
    { type: 'PodReadyToStartContainers', status: succeeded ? 'False' : 'True' },
    initialized
      ? { type: 'Initialized', status: 'True' }
      : { type: 'Initialized', status: 'False', reason: 'ContainersNotInitialized', message: `containers with incomplete status: [${incomplete.join(' ')}]` },
    containersReady
      ? { type: 'Ready', status: 'True' }
      : succeeded
        ? { type: 'Ready', status: 'False', reason: 'PodCompleted' }
        : { type: 'Ready', status: 'False', reason: 'ContainersNotReady', message: `containers with unready status: [${unready.join(' ')}]` },
    containersReady
      ? { type: 'ContainersReady', status: 'True' }
      : succeeded
        ? { type: 'ContainersReady', status: 'False', reason: 'PodCompleted' }
        : { type: 'ContainersReady', status: 'False', reason: 'ContainersNotReady', message: `containers with unready status: [${unready.join(' ')}]` },
    { type: 'PodScheduled', status: 'True' },
  ].map((condition) => withTransition(condition as Condition, previous.conditions ?? [], now));

  return {
    phase,
    conditions,
    hostIP,
    hostIPs: [{ ip: hostIP }],
    podIP: runtime.podIP,
    podIPs: [{ ip: runtime.podIP ?? '' }],
    startTime: runtime.startTime,
    ...(init.length > 0 ? { initContainerStatuses: init } : {}),
    containerStatuses: regular,
    ...(ephemeral.length > 0 ? { ephemeralContainerStatuses: ephemeral } : {}),
    qosClass: previous.qosClass ?? 'BestEffort',
  };
}

/** `getPhase`: Pending while initializing or while any container waits; Succeeded once every container of a non-restarting pod exited 0. */
function podPhase(pod: Pod, initialized: boolean, regular: ContainerStatus[]): PodStatus['phase'] {
  if (!initialized) return 'Pending';
  if (regular.some((status) => status.state.waiting)) return 'Pending';
  if (regular.some((status) => status.state.running)) return 'Running';
  if (pod.spec.restartPolicy === 'Always') return 'Running';
  return regular.every((status) => status.state.terminated?.reason === 'Completed') ? 'Succeeded' : 'Failed';
}

function containerStatus(kind: ContainerKind, container: Container, runtime: PodRuntime, waitingReason: string, now: string): ContainerStatus {
  const state = runtime.containers.get(containerKey(kind, container.name));
  const base = { name: container.name, restartCount: 0, lastState: {} };
  if (!state || state.state === 'waiting') {
    return {
      ...base,
      image: container.image ?? '',
      imageID: '',
      ready: false,
      started: false,
      state: { waiting: state ? { reason: state.reason ?? waitingReason, ...(state.message ? { message: state.message } : {}) } : { reason: waitingReason } },
    };
  }
  const identity = { image: state.image ?? container.image ?? '', imageID: state.imageID ?? '', containerID: state.containerID };
  if (state.state === 'running') {
    return { ...base, ...identity, ready: true, started: true, state: { running: { startedAt: state.startedAt ?? now } } };
  }
  return {
    ...base,
    ...identity,
    ready: false,
    started: false,
    state: {
      terminated: {
        exitCode: 0,
        reason: state.reason ?? 'Completed',
        startedAt: state.startedAt ?? now,
        finishedAt: state.finishedAt ?? now,
        ...(state.containerID ? { containerID: state.containerID } : {}),
      },
    },
  };
}

function withTransition(condition: Condition, previous: Condition[], now: string): Condition {
  const before = previous.find((candidate) => candidate.type === condition.type);
  const lastTransitionTime = before && before.status === condition.status ? (before.lastTransitionTime ?? now) : now;
  return { type: condition.type, status: condition.status, lastProbeTime: null, lastTransitionTime, ...(condition.reason ? { reason: condition.reason } : {}), ...(condition.message ? { message: condition.message } : {}) };
}

/** Go's `time.Duration.String()` of a duration truncated to milliseconds, as the Pulled event prints it. */
export function goDuration(milliseconds: number): string {
  const ms = Math.max(0, Math.floor(milliseconds));
  if (ms === 0) return '0s';
  if (ms < 1000) return `${ms}ms`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = (ms % 60_000) / 1000;
  const secondsText = `${seconds.toFixed(3).replace(/\.?0+$/, '')}s`;
  return minutes > 0 ? `${minutes}m${secondsText}` : secondsText;
}

function isNodeReady(node: KubeObject): boolean {
  const conditions = (node.status as { conditions?: Condition[] } | undefined)?.conditions;
  return conditions?.some((condition) => condition.type === 'Ready' && condition.status === 'True') ?? true;
}

/** The TaintToleration filter for NoSchedule taints: each needs a toleration with its key (or one that tolerates all). */
function toleratesNoSchedule(pod: Pod, node: KubeObject): boolean {
  const taints = ((node.spec as { taints?: { key: string; effect: string }[] } | undefined)?.taints ?? []).filter((taint) => taint.effect === 'NoSchedule');
  const tolerations = (pod.spec.tolerations as { key?: string; operator?: string; effect?: string }[] | undefined) ?? [];
  return taints.every((taint) =>
    tolerations.some((toleration) => (toleration.key === undefined ? toleration.operator === 'Exists' : toleration.key === taint.key) && (toleration.effect === undefined || toleration.effect === taint.effect)),
  );
}

function specFingerprint(pod: Pod): string {
  return JSON.stringify(pod.spec);
}

function containerKey(kind: ContainerKind, name: string): string {
  return `${kind}:${name}`;
}

function kindOfKey(key: string): ContainerKind {
  return key.slice(0, key.indexOf(':')) as ContainerKind;
}

function nameOfKey(key: string): string {
  return key.slice(key.indexOf(':') + 1);
}

function fieldPathOf(kind: ContainerKind, name: string): string {
  const field = kind === 'init' ? 'initContainers' : kind === 'ephemeral' ? 'ephemeralContainers' : 'containers';
  return `spec.${field}{${name}}`;
}

function containerImage(pod: Pod, kind: ContainerKind, name: string): string {
  const containers = kind === 'init' ? pod.spec.initContainers : kind === 'ephemeral' ? pod.spec.ephemeralContainers : pod.spec.containers;
  return containers?.find((container) => container.name === name)?.image ?? '';
}
