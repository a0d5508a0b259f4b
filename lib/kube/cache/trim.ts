import 'server-only';

import type { CoreV1Event, V1Job, V1Node, V1ObjectMeta, V1Pod, V1ReplicaSet, V1Secret, V1ServiceAccount } from '@kubernetes/client-node';

/**
 * Each cached object cut down on arrival to what the diagnosis, the pod detail, the fix options and the fix
 * progress read: no managedFields, no unrelated spec, no other annotations. A pod the API server sends is
 * several kilobytes; its trimmed copy a few hundred bytes, which is what lets 50,000 pods sit in memory.
 * The objects are plain JSON as the API server writes them (timestamps stay strings).
 */

export function trimPod(pod: V1Pod): V1Pod {
  const spec = pod.spec;
  const status = pod.status;
  // Image volumes (KEP-4639) are pulled like containers; every other kind of volume is unrelated spec.
  const imageVolumes = (spec?.volumes ?? []).filter((volume) => volume.image).map(({ name, image }) => ({ name, image }));
  const imageVolumeNames = new Set(imageVolumes.map((volume) => volume.name));
  const container = (each: CachedContainer) => trimContainer(each, imageVolumeNames);
  return {
    metadata: trimMeta(pod.metadata, { labels: true, annotations: true }),
    spec: spec && {
      containers: spec.containers.map(container),
      initContainers: spec.initContainers?.map(container),
      ephemeralContainers: spec.ephemeralContainers?.map(container),
      volumes: imageVolumes.length > 0 ? imageVolumes : undefined,
      imagePullSecrets: spec.imagePullSecrets,
      serviceAccountName: spec.serviceAccountName,
      nodeName: spec.nodeName,
    },
    status: status && {
      phase: status.phase,
      conditions: status.conditions?.map(({ type, status: value, reason }) => ({ type, status: value, reason })),
      containerStatuses: status.containerStatuses?.map(trimContainerStatus),
      initContainerStatuses: status.initContainerStatuses?.map(trimContainerStatus),
      ephemeralContainerStatuses: status.ephemeralContainerStatuses?.map(trimContainerStatus),
    },
  } as V1Pod;
}

export function trimEvent(event: CoreV1Event): CoreV1Event {
  const { kind, name, namespace, uid, fieldPath } = event.involvedObject;
  return {
    metadata: trimMeta(event.metadata),
    involvedObject: { kind, name, namespace, uid, fieldPath },
    reason: event.reason,
    message: event.message,
    type: event.type,
    count: event.count,
    firstTimestamp: event.firstTimestamp,
    lastTimestamp: event.lastTimestamp,
    eventTime: event.eventTime,
    series: event.series,
    source: event.source,
    reportingComponent: event.reportingComponent,
    reportingInstance: event.reportingInstance,
  };
}

/** Pull secrets keep their data: it is decoded on the server and never leaves it (design §6). */
export function trimSecret(secret: V1Secret): V1Secret {
  return { metadata: trimMeta(secret.metadata), type: secret.type, data: secret.data };
}

export function trimServiceAccount(account: V1ServiceAccount): V1ServiceAccount {
  // Credential providers require annotations on it (KEP-4412): keep them, but not kubectl's last-applied copy.
  const annotations = Object.fromEntries(Object.entries(account.metadata?.annotations ?? {}).filter(([key]) => key !== LAST_APPLIED));
  return { metadata: { ...trimMeta(account.metadata), annotations }, imagePullSecrets: account.imagePullSecrets };
}

/** ReplicaSets and Jobs are read for their owner and, for fix progress, their selector. */
export function trimReplicaSet(replicaSet: V1ReplicaSet): V1ReplicaSet {
  return { metadata: trimMeta(replicaSet.metadata, { labels: true }), spec: replicaSet.spec && ({ selector: replicaSet.spec.selector } as V1ReplicaSet['spec']) };
}

export function trimJob(job: V1Job): V1Job {
  return { metadata: trimMeta(job.metadata, { labels: true }), spec: job.spec && { selector: job.spec.selector, template: {} } };
}

/**
 * A node keeps what the KEP-2535 verdicts read: its kubelet's version and the names of the images it holds
 * (status.images; sizes and everything else dropped). The resourceVersion stays for the watch's ordering.
 */
export function trimNode(node: V1Node): V1Node {
  const { name, resourceVersion } = node.metadata ?? {};
  const images = (node.status?.images ?? []).map((image) => ({ names: image.names ?? [] }));
  return { metadata: { name, resourceVersion }, status: { nodeInfo: { kubeletVersion: node.status?.nodeInfo?.kubeletVersion ?? '' } as NonNullable<V1Node['status']>['nodeInfo'], images } };
}

const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

function trimMeta(metadata: V1ObjectMeta | undefined, keep: { labels?: boolean; annotations?: boolean } = {}): V1ObjectMeta {
  if (!metadata) return {};
  return {
    name: metadata.name,
    namespace: metadata.namespace,
    uid: metadata.uid,
    resourceVersion: metadata.resourceVersion,
    creationTimestamp: metadata.creationTimestamp,
    deletionTimestamp: metadata.deletionTimestamp,
    ownerReferences: metadata.ownerReferences,
    labels: keep.labels ? metadata.labels : undefined,
    annotations: keep.annotations ? restartAnnotation(metadata.annotations) : undefined,
  };
}

/** The one annotation read (fix progress tells a restarted template's pods by it); last-applied copies are large. */
function restartAnnotation(annotations: Record<string, string> | undefined): Record<string, string> | undefined {
  const restartedAt = annotations?.[RESTARTED_AT];
  return restartedAt === undefined ? undefined : { [RESTARTED_AT]: restartedAt };
}

interface CachedContainer {
  name: string;
  image?: string;
  imagePullPolicy?: string;
  volumeMounts?: { name: string; mountPath: string }[];
}

/** A container keeps its mounts of image volumes only: a failed one is what the container waits on. */
function trimContainer(container: CachedContainer, imageVolumes: ReadonlySet<string>): CachedContainer {
  const mounts = (container.volumeMounts ?? []).filter((mount) => imageVolumes.has(mount.name)).map(({ name, mountPath }) => ({ name, mountPath }));
  return { name: container.name, image: container.image, imagePullPolicy: container.imagePullPolicy, volumeMounts: mounts.length > 0 ? mounts : undefined };
}

function trimContainerStatus(status: NonNullable<NonNullable<V1Pod['status']>['containerStatuses']>[number]) {
  const { name, state, lastState, ready, restartCount, image, imageID, started } = status;
  return { name, state, lastState, ready, restartCount, image, imageID, started };
}
