import 'server-only';

import type {
  CoreV1Event,
  V1Job,
  V1LabelSelector,
  V1Namespace,
  V1Node,
  V1ObjectMeta,
  V1Pod,
  V1PodTemplateSpec,
  V1ReplicaSet,
  V1Secret,
  V1ServiceAccount,
} from '@kubernetes/client-node';
import type { ApiErrorCode } from '../api/types';
import type { PatchableKind } from '../fix-plan';
import type { KubeClients } from './config';
import { ApiError } from '../api/errors';
import { kubeCall } from './errors';
import { PULL_SECRET_TYPES } from './credentials';
import { trimNode } from './cache/trim';
import type { RawList } from './transport';

/**
 * One function per read of the cluster (the Next.js dashboard's data layer). Each maps client-node's failure to
 * an ApiError in `kubeCall`, so callers only decide what a code means to them. A `get` throws 'not-found' when
 * the object does not exist; a `find` answers null instead. Lists answer the items of every page.
 */

/** Pods come in pages of this size, so a big cluster's list is never one huge answer. */
export const POD_PAGE_SIZE = 500;

export function getPod(clients: KubeClients, namespace: string, name: string): Promise<V1Pod> {
  return kubeCall(clients, () => clients.core.readNamespacedPod({ namespace, name }));
}

export function getNode(clients: KubeClients, name: string): Promise<V1Node> {
  return kubeCall(clients, () => clients.core.readNode({ name }));
}

export function getJob(clients: KubeClients, namespace: string, name: string): Promise<V1Job> {
  return kubeCall(clients, () => clients.batch.readNamespacedJob({ namespace, name }));
}

export function getNamespace(clients: KubeClients, name: string): Promise<V1Namespace> {
  return kubeCall(clients, () => clients.core.readNamespace({ name }));
}

export async function listNamespaceNames(clients: KubeClients): Promise<string[]> {
  return (await kubeCall(clients, () => clients.core.listNamespace())).items.map((namespace) => namespace.metadata?.name ?? '');
}

export function getServiceAccount(clients: KubeClients, namespace: string, name: string): Promise<V1ServiceAccount> {
  return kubeCall(clients, () => clients.core.readNamespacedServiceAccount({ namespace, name }));
}

export function getSecret(clients: KubeClients, namespace: string, name: string): Promise<V1Secret> {
  return kubeCall(clients, () => clients.core.readNamespacedSecret({ namespace, name }));
}

/** The secret, or null when it does not exist: for steps that create it when it is missing. */
export function findSecret(clients: KubeClients, namespace: string, name: string): Promise<V1Secret | null> {
  return unlessRefused(getSecret(clients, namespace, name), 'not-found');
}

/** A workload's metadata and pod template, whatever its kind. */
export interface WorkloadObject {
  metadata: V1ObjectMeta;
  template: V1PodTemplateSpec | undefined;
  /** The label selector of its pods; undefined for a CronJob, whose Jobs each get their own. */
  selector?: V1LabelSelector;
  /** The CronJob's schedule; null for other kinds. */
  schedule: string | null;
}

export function getWorkload(clients: KubeClients, namespace: string, workload: { kind: PatchableKind; name: string }): Promise<WorkloadObject> {
  const request = { namespace, name: workload.name };
  return kubeCall(clients, async () => {
    switch (workload.kind) {
      case 'Deployment':
        return shape(await clients.apps.readNamespacedDeployment(request));
      case 'StatefulSet':
        return shape(await clients.apps.readNamespacedStatefulSet(request));
      case 'DaemonSet':
        return shape(await clients.apps.readNamespacedDaemonSet(request));
      case 'ReplicaSet':
        return shape(await clients.apps.readNamespacedReplicaSet(request));
      case 'Job':
        return shape(await clients.batch.readNamespacedJob(request));
      case 'CronJob': {
        const cronJob = await clients.batch.readNamespacedCronJob(request);
        return { metadata: cronJob.metadata ?? {}, template: cronJob.spec?.jobTemplate.spec?.template, schedule: cronJob.spec?.schedule ?? null };
      }
    }
  });
}

/** Every workload of one kind in the namespace, as name and pod template. */
export async function listWorkloads(clients: KubeClients, namespace: string, kind: Exclude<PatchableKind, 'ReplicaSet'>): Promise<Array<{ name: string; template: V1PodTemplateSpec | undefined }>> {
  const request = { namespace };
  return kubeCall(clients, async () => {
    switch (kind) {
      case 'Deployment':
        return (await clients.apps.listNamespacedDeployment(request)).items.map(named);
      case 'StatefulSet':
        return (await clients.apps.listNamespacedStatefulSet(request)).items.map(named);
      case 'DaemonSet':
        return (await clients.apps.listNamespacedDaemonSet(request)).items.map(named);
      case 'Job':
        return (await clients.batch.listNamespacedJob(request)).items.map(named);
      case 'CronJob':
        return (await clients.batch.listNamespacedCronJob(request)).items.map((cronJob) => ({ name: cronJob.metadata?.name ?? '', template: cronJob.spec?.jobTemplate.spec?.template }));
    }
  });
}

function named(workload: { metadata?: V1ObjectMeta; spec?: { template?: V1PodTemplateSpec } }): { name: string; template: V1PodTemplateSpec | undefined } {
  return { name: workload.metadata?.name ?? '', template: workload.spec?.template };
}

/** Every pod of the namespace (all namespaces for null), page by page. */
export function listPods(clients: KubeClients, namespace: string | null): Promise<V1Pod[]> {
  return kubeCall(clients, async () => {
    const pods: V1Pod[] = [];
    let next: string | undefined;
    do {
      const page = namespace
        ? await clients.core.listNamespacedPod({ namespace, limit: POD_PAGE_SIZE, _continue: next })
        : await clients.core.listPodForAllNamespaces({ limit: POD_PAGE_SIZE, _continue: next });
      pods.push(...page.items);
      next = page.metadata?._continue || undefined;
    } while (next);
    return pods;
  });
}

/** The namespace's pods that match label and field selectors, in one call. */
export async function listPodsMatching(
  clients: KubeClients,
  namespace: string,
  selectors: { labelSelector?: string; fieldSelector?: string },
): Promise<V1Pod[]> {
  return (await kubeCall(clients, () => clients.core.listNamespacedPod({ namespace, ...selectors }))).items;
}

export async function listEvents(clients: KubeClients, namespace: string | null, fieldSelector: string): Promise<CoreV1Event[]> {
  const list = await kubeCall(clients, () =>
    namespace ? clients.core.listNamespacedEvent({ namespace, fieldSelector }) : clients.core.listEventForAllNamespaces({ fieldSelector }),
  );
  return list.items;
}

/**
 * The pull secrets of a namespace (or of every namespace), in one list, as the cache holds them: a field selector
 * cannot OR the two pull types, so the built-in types that never hold registry credentials stay on the server and
 * any other type is dropped on arrival. A secret of another type named in imagePullSecrets is then missing on both
 * paths, as it is to the kubelet, which skips it.
 */
export async function listPullSecrets(clients: KubeClients, namespace: string | null): Promise<V1Secret[]> {
  const fieldSelector = NON_PULL_SECRET_TYPES.map((type) => `type!=${type}`).join(',');
  const list = await kubeCall(clients, () =>
    namespace ? clients.core.listNamespacedSecret({ namespace, fieldSelector }) : clients.core.listSecretForAllNamespaces({ fieldSelector }),
  );
  return list.items.filter((secret) => PULL_SECRET_TYPES.has(secret.type ?? ''));
}

/** Kubernetes' built-in Secret types other than the pull types, and Helm's releases (often the largest Secrets). */
const NON_PULL_SECRET_TYPES = [
  'Opaque',
  'kubernetes.io/service-account-token',
  'kubernetes.io/basic-auth',
  'kubernetes.io/ssh-auth',
  'kubernetes.io/tls',
  'bootstrap.kubernetes.io/token',
  'helm.sh/release.v1',
];

export async function listServiceAccounts(clients: KubeClients, namespace: string): Promise<V1ServiceAccount[]> {
  return (await kubeCall(clients, () => clients.core.listNamespacedServiceAccount({ namespace }))).items;
}

export async function listReplicaSets(clients: KubeClients, namespace: string, labelSelector?: string): Promise<V1ReplicaSet[]> {
  return (await kubeCall(clients, () => clients.apps.listNamespacedReplicaSet({ namespace, labelSelector }))).items;
}

export async function listJobs(clients: KubeClients, namespace: string): Promise<V1Job[]> {
  return (await kubeCall(clients, () => clients.batch.listNamespacedJob({ namespace }))).items;
}

/**
 * Every node, in one list read as plain JSON and trimmed as the cache trims it (name, kubelet version, image
 * names): a node's status.images makes the typed list costly, and the verdicts read nothing else of it.
 */
export async function listNodes(clients: KubeClients): Promise<V1Node[]> {
  const list = await kubeCall(clients, () => clients.transport.getJson<RawList<V1Node>>('/api/v1/nodes'));
  return list.items.map(trimNode);
}

/** The read's answer, or null when the cluster refused it with one of `codes`: for reads that only degrade an answer. */
export async function unlessRefused<T>(read: Promise<T>, ...codes: ApiErrorCode[]): Promise<T | null> {
  try {
    return await read;
  } catch (error) {
    if (error instanceof ApiError && codes.includes(error.code)) return null;
    throw error;
  }
}

function shape(object: { metadata?: V1ObjectMeta; spec?: { template?: V1PodTemplateSpec; selector?: V1LabelSelector } }): WorkloadObject {
  return { metadata: object.metadata ?? {}, template: object.spec?.template, selector: object.spec?.selector, schedule: null };
}
