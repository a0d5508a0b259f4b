import type { KubeObject } from '../store';

/**
 * The defaulting a real API server applies on create (k8s.io/kubernetes the `defaults.go` of each API group and the
 * registry strategies' PrepareForCreate), limited to the fields kubectl describe, rollout status and the
 * simulated controllers read. `stringData` is folded into `data` here, as the Secret strategy does.
 */
export function applyCreateDefaults(resource: string, object: KubeObject): KubeObject {
  const defaulted = structuredClone(object);
  switch (resource) {
    case 'pods':
      defaultPodSpec(spec(defaulted));
      defaulted.status = { phase: 'Pending', qosClass: 'BestEffort' };
      break;
    case 'deployments':
      defaultFields(spec(defaulted), {
        replicas: 1,
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
        revisionHistoryLimit: 10,
        progressDeadlineSeconds: 600,
      });
      defaultTemplate(spec(defaulted));
      break;
    case 'replicasets':
      defaultFields(spec(defaulted), { replicas: 1 });
      defaultTemplate(spec(defaulted));
      break;
    case 'statefulsets':
      defaultFields(spec(defaulted), {
        replicas: 1,
        podManagementPolicy: 'OrderedReady',
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
        revisionHistoryLimit: 10,
      });
      defaultTemplate(spec(defaulted));
      break;
    case 'daemonsets':
      defaultFields(spec(defaulted), {
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
        revisionHistoryLimit: 10,
      });
      defaultTemplate(spec(defaulted));
      break;
    case 'jobs':
      defaultFields(spec(defaulted), { parallelism: 1, completions: 1, backoffLimit: 6, completionMode: 'NonIndexed', suspend: false });
      defaultTemplate(spec(defaulted));
      break;
    case 'cronjobs': {
      const cronSpec = spec(defaulted);
      defaultFields(cronSpec, { concurrencyPolicy: 'Allow', suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1 });
      const jobTemplate = child(cronSpec, 'jobTemplate');
      defaultFields(child(jobTemplate, 'spec'), { backoffLimit: 6, completionMode: 'NonIndexed', suspend: false });
      defaultTemplate(child(jobTemplate, 'spec'));
      break;
    }
    case 'secrets':
      foldStringData(defaulted);
      if (!defaulted.type) defaulted.type = 'Opaque';
      break;
    case 'namespaces':
      defaulted.metadata.labels = { ...defaulted.metadata.labels, 'kubernetes.io/metadata.name': defaulted.metadata.name };
      defaultFields(spec(defaulted), { finalizers: ['kubernetes'] });
      defaulted.status = { phase: 'Active' };
      break;
  }
  return defaulted;
}

/** Secrets never store `stringData`: its values are written over `data`, base64-encoded (also on update). */
export function foldStringData(secret: KubeObject): void {
  const stringData = secret.stringData;
  if (stringData === null || typeof stringData !== 'object') {
    delete secret.stringData;
    return;
  }
  const data = { ...((secret.data as Record<string, string> | undefined) ?? {}) };
  for (const [key, value] of Object.entries(stringData as Record<string, unknown>)) {
    data[key] = Buffer.from(String(value), 'utf8').toString('base64');
  }
  secret.data = data;
  delete secret.stringData;
}

/** The kubelet pulls `:latest` (written or implied) on every start; everything else only when missing. */
export function defaultImagePullPolicy(image: string): 'Always' | 'IfNotPresent' {
  const withoutDigest = image.split('@')[0] ?? '';
  const hasDigest = image.includes('@');
  const lastComponent = withoutDigest.slice(withoutDigest.lastIndexOf('/') + 1);
  const colon = lastComponent.indexOf(':');
  const tag = colon >= 0 ? lastComponent.slice(colon + 1) : hasDigest ? '' : 'latest';
  return tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultTemplate(workloadSpec: Record<string, unknown>): void {
  defaultPodSpec(child(child(workloadSpec, 'template'), 'spec'));
}

function defaultPodSpec(podSpec: Record<string, unknown>): void {
  defaultFields(podSpec, {
    restartPolicy: 'Always',
    terminationGracePeriodSeconds: 30,
    dnsPolicy: 'ClusterFirst',
    securityContext: {},
    schedulerName: 'default-scheduler',
    enableServiceLinks: true,
    preemptionPolicy: 'PreemptLowerPriority',
    priority: 0,
  });
  if (!podSpec.serviceAccountName) podSpec.serviceAccountName = (podSpec.serviceAccount as string | undefined) || 'default';
  podSpec.serviceAccount = podSpec.serviceAccountName;
  for (const key of ['containers', 'initContainers']) {
    const containers = podSpec[key];
    if (!Array.isArray(containers)) continue;
    for (const container of containers as Record<string, unknown>[]) {
      defaultFields(container, {
        imagePullPolicy: defaultImagePullPolicy(String(container.image ?? '')),
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
        resources: {},
      });
    }
  }
  // SetDefaults_ImageVolumeSource: the pull policy is defaulted from the reference as a container's is.
  for (const volume of Array.isArray(podSpec.volumes) ? (podSpec.volumes as Record<string, unknown>[]) : []) {
    const image = volume?.image as Record<string, unknown> | undefined;
    if (image && typeof image === 'object' && image.reference) defaultFields(image, { pullPolicy: defaultImagePullPolicy(String(image.reference)) });
  }
}

function defaultFields(target: Record<string, unknown>, defaults: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(defaults)) {
    if (target[key] === undefined || target[key] === null) target[key] = structuredClone(value);
  }
}

function spec(object: KubeObject): Record<string, unknown> {
  return child(object, 'spec');
}

function child(parent: Record<string, unknown>, key: string): Record<string, unknown> {
  const value = parent[key];
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  const created: Record<string, unknown> = {};
  parent[key] = created;
  return created;
}
