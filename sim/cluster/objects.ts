import type { KubeObject, ObjectMeta, OwnerReference } from '../store';

/**
 * The slices of Kubernetes object shapes the cluster's controllers and kubelet read and write. The store keeps
 * plain JSON; these types name the fields this part relies on without claiming to cover the whole API.
 */

export interface LocalObjectReference {
  name?: string;
}

export interface Container {
  name: string;
  image?: string;
  imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  terminationMessagePath?: string;
  terminationMessagePolicy?: string;
  resources?: Record<string, unknown>;
  volumeMounts?: VolumeMount[];
  [key: string]: unknown;
}

export interface VolumeMount {
  name: string;
  mountPath?: string;
  readOnly?: boolean;
}

/** A pod volume; only the image source (KEP-4639) matters to image pulls. */
export interface Volume {
  name: string;
  image?: { reference?: string; pullPolicy?: 'Always' | 'IfNotPresent' | 'Never' };
  [key: string]: unknown;
}

export interface PodSpec {
  nodeName?: string;
  serviceAccountName?: string;
  serviceAccount?: string;
  imagePullSecrets?: LocalObjectReference[];
  initContainers?: Container[];
  containers: Container[];
  ephemeralContainers?: Container[];
  volumes?: Volume[];
  restartPolicy?: 'Always' | 'OnFailure' | 'Never';
  [key: string]: unknown;
}

export interface PodTemplate {
  metadata?: Partial<ObjectMeta>;
  spec: PodSpec;
}

export interface ContainerState {
  waiting?: { reason: string; message?: string };
  running?: { startedAt: string };
  terminated?: { exitCode: number; reason: string; startedAt: string; finishedAt: string; containerID?: string };
}

export interface ContainerStatus {
  name: string;
  image: string;
  imageID: string;
  containerID?: string;
  ready: boolean;
  started: boolean;
  restartCount: number;
  state: ContainerState;
  lastState: ContainerState;
}

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string | null;
  lastUpdateTime?: string;
  lastProbeTime?: string | null;
}

export interface PodStatus {
  phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
  conditions?: Condition[];
  hostIP?: string;
  hostIPs?: { ip: string }[];
  podIP?: string;
  podIPs?: { ip: string }[];
  startTime?: string;
  qosClass?: string;
  initContainerStatuses?: ContainerStatus[];
  containerStatuses?: ContainerStatus[];
  ephemeralContainerStatuses?: ContainerStatus[];
}

export interface Pod extends KubeObject {
  spec: PodSpec;
  status?: PodStatus;
}

export interface Workload extends KubeObject {
  spec: {
    replicas?: number;
    selector?: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] };
    template: PodTemplate;
    [key: string]: unknown;
  };
  status?: Record<string, unknown>;
}

export function ownerReference(owner: KubeObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** The object's controller, as `metav1.GetControllerOf` finds it. */
export function controllerOf(object: KubeObject): OwnerReference | undefined {
  return object.metadata.ownerReferences?.find((reference) => reference.controller);
}

export function isOwnedBy(object: KubeObject, owner: KubeObject): boolean {
  return controllerOf(object)?.uid === owner.metadata.uid;
}

/** Timestamps as the API server writes them: RFC 3339, whole seconds. */
export function timestamp(at: number = Date.now()): string {
  return new Date(at).toISOString().replace(/\.\d+Z$/, 'Z');
}

/** The five lowercase alphanumerics of a generated name, as `names.SimpleNameGenerator` picks them. */
export function randomSuffix(length = 5): string {
  let suffix = '';
  for (let i = 0; i < length; i++) {
    suffix += SAFE_ALPHABET[Math.floor(Math.random() * SAFE_ALPHABET.length)];
  }
  return suffix;
}

/**
 * apimachinery's `rand.SafeEncodeString`: every character mapped onto an alphabet without vowels or
 * look-alike digits, so generated names never spell words.
 */
export function safeEncode(value: string): string {
  let encoded = '';
  for (let i = 0; i < value.length; i++) {
    encoded += SAFE_ALPHABET[value.charCodeAt(i) % SAFE_ALPHABET.length];
  }
  return encoded;
}

const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function isPodActive(pod: Pod): boolean {
  return pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed' && !pod.metadata.deletionTimestamp;
}

export function isPodReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((condition) => condition.type === 'Ready' && condition.status === 'True') ?? false;
}
