import { randomUUID } from 'node:crypto';
import { parseImageRef } from '../../lib/image-ref';
import { AdmissionError, type AdmissionHook } from '../contracts';
import type { KubeObject, ObjectStore } from '../store';
import type { Container, Pod, PodSpec, PodTemplate } from './objects';

/**
 * What the API server does to an object between decoding and storing it on create: the built-in defaulting of
 * each type, the ServiceAccount admission plugin for pods, and `stringData` folded into `data` for secrets.
 * The simulator runs it for every create, whether it comes through the API or from a controller.
 */
export const admit: AdmissionHook = (resource, object, store) => {
  const admitted = structuredClone(object);
  switch (resource) {
    case 'pods':
      admitPod(admitted as Pod, store);
      break;
    case 'secrets':
      foldStringData(admitted);
      break;
    case 'namespaces':
      admitted.status = { phase: 'Active', ...(admitted.status as object | undefined) };
      admitted.metadata.labels = { 'kubernetes.io/metadata.name': admitted.metadata.name, ...admitted.metadata.labels };
      break;
    case 'deployments':
      defaultDeployment(admitted);
      break;
    case 'replicasets':
      defaultReplicated(admitted);
      break;
    case 'statefulsets':
      defaultStatefulSet(admitted);
      break;
    case 'daemonsets':
      defaultDaemonSet(admitted);
      break;
    case 'jobs':
      defaultJob(admitted);
      break;
    case 'cronjobs':
      defaultCronJob(admitted);
      break;
  }
  return admitted;
};

/**
 * The ServiceAccount admission plugin (plugin/pkg/admission/serviceaccount): a pod without an account runs
 * as `default`, the account must exist, and when the pod names no pull secrets it gets the account's — once,
 * at creation; later changes to the account never reach existing pods.
 */
function admitPod(pod: Pod, store: ObjectStore): void {
  const namespace = pod.metadata.namespace ?? 'default';
  const spec = pod.spec;
  const accountName = spec.serviceAccountName || spec.serviceAccount || 'default';
  spec.serviceAccountName = accountName;
  spec.serviceAccount = accountName;
  const account = store.get('serviceaccounts', namespace, accountName);
  if (!account) {
    throw new AdmissionError(
      403,
      `pods "${pod.metadata.name || pod.metadata.generateName || ''}" is forbidden: error looking up service account ${namespace}/${accountName}: serviceaccount "${accountName}" not found`,
    );
  }
  if (!spec.imagePullSecrets?.length) {
    const accountSecrets = (account.imagePullSecrets as { name?: string }[] | undefined) ?? [];
    if (accountSecrets.length > 0) spec.imagePullSecrets = accountSecrets.map((secret) => ({ name: secret.name }));
  }
  defaultPodSpec(spec);
  spec.tolerations ??= [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  ];
  spec.priority ??= 0;
  spec.preemptionPolicy ??= 'PreemptLowerPriority';
  pod.status = { phase: 'Pending', qosClass: 'BestEffort', ...pod.status };
}

/** `SetDefaults_PodSpec` and `SetDefaults_Container`, which also apply inside every workload's template. */
function defaultPodSpec(spec: PodSpec): void {
  spec.restartPolicy ??= 'Always';
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.schedulerName ??= 'default-scheduler';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.securityContext ??= {};
  spec.enableServiceLinks ??= true;
  for (const container of [...(spec.initContainers ?? []), ...spec.containers, ...(spec.ephemeralContainers ?? [])]) {
    defaultContainer(container);
  }
}

function defaultContainer(container: Container): void {
  container.imagePullPolicy ??= defaultPullPolicy(container.image ?? '');
  container.terminationMessagePath ??= '/dev/termination-log';
  container.terminationMessagePolicy ??= 'File';
  container.resources ??= {};
}

/**
 * `Always` when the image resolves to the `latest` tag (written or implied), `IfNotPresent` otherwise —
 * including references that do not parse, which validation leaves for the kubelet to report.
 */
export function defaultPullPolicy(image: string): 'Always' | 'IfNotPresent' {
  try {
    const ref = parseImageRef(image);
    const tag = ref.tag ?? (ref.digest ? null : 'latest');
    return tag === 'latest' ? 'Always' : 'IfNotPresent';
  } catch {
    return 'IfNotPresent';
  }
}

function foldStringData(secret: KubeObject): void {
  const stringData = secret.stringData as Record<string, string> | undefined;
  if (stringData) {
    const data = { ...(secret.data as Record<string, string> | undefined) };
    for (const [key, value] of Object.entries(stringData)) data[key] = Buffer.from(value, 'utf8').toString('base64');
    secret.data = data;
    delete secret.stringData;
  }
  secret.type ??= 'Opaque';
}

type Spec = Record<string, unknown> & { template?: PodTemplate };

function specOf(object: KubeObject): Spec {
  object.spec ??= {};
  return object.spec as Spec;
}

function defaultTemplate(spec: Spec): void {
  if (spec.template?.spec) defaultPodSpec(spec.template.spec);
}

function defaultReplicated(object: KubeObject): Spec {
  const spec = specOf(object);
  spec.replicas ??= 1;
  spec.revisionHistoryLimit ??= 10;
  defaultTemplate(spec);
  return spec;
}

function defaultDeployment(object: KubeObject): void {
  const spec = defaultReplicated(object);
  spec.progressDeadlineSeconds ??= 600;
  spec.strategy ??= { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } };
}

function defaultStatefulSet(object: KubeObject): void {
  const spec = defaultReplicated(object);
  spec.podManagementPolicy ??= 'OrderedReady';
  spec.updateStrategy ??= { type: 'RollingUpdate', rollingUpdate: { partition: 0 } };
  spec.persistentVolumeClaimRetentionPolicy ??= { whenDeleted: 'Retain', whenScaled: 'Retain' };
}

function defaultDaemonSet(object: KubeObject): void {
  const spec = specOf(object);
  spec.revisionHistoryLimit ??= 10;
  spec.updateStrategy ??= { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } };
  defaultTemplate(spec);
}

/**
 * The Job strategy's PrepareForCreate: unless the user manages the selector, the job selects its pods by its
 * own uid, so the uid is fixed here rather than by the store.
 */
function defaultJob(object: KubeObject): void {
  const spec = specOf(object);
  spec.parallelism ??= 1;
  spec.completions ??= 1;
  spec.backoffLimit ??= 6;
  spec.completionMode ??= 'NonIndexed';
  spec.suspend ??= false;
  spec.podReplacementPolicy ??= 'TerminatingOrFailed';
  defaultTemplate(spec);
  if (spec.manualSelector) return;
  const uid = (object.metadata.uid ??= randomUUID());
  const jobLabels = {
    'batch.kubernetes.io/controller-uid': uid,
    'batch.kubernetes.io/job-name': object.metadata.name,
    'controller-uid': uid,
    'job-name': object.metadata.name,
  };
  spec.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
  if (spec.template) {
    spec.template.metadata = { ...spec.template.metadata, labels: { ...spec.template.metadata?.labels, ...jobLabels } };
  }
}

function defaultCronJob(object: KubeObject): void {
  const spec = specOf(object);
  spec.concurrencyPolicy ??= 'Allow';
  spec.suspend ??= false;
  spec.successfulJobsHistoryLimit ??= 3;
  spec.failedJobsHistoryLimit ??= 1;
  const jobTemplate = spec.jobTemplate as { spec?: Spec } | undefined;
  if (jobTemplate?.spec) defaultTemplate(jobTemplate.spec);
}
