import 'server-only';

import type { CoreV1Event, V1Node, V1Pod } from '@kubernetes/client-node';
import type { ApiWarning, FailuresResponse } from '../api/types';
import { clientsFor, type KubeClients } from './config';
import { failingPods, failureItems, missingSecretWarnings } from './failure-items';
import { readNamespace, readOrWarn, type NamespaceReads } from './namespace-reads';
import { MISSING_PULL_SECRET_EVENT } from './pull-waits';
import { listEvents, listNodes, listPods, POD_PAGE_SIZE, unlessRefused } from './reads';
import { readSecretsElsewhere } from './verification/verify-finding';
import { verifyItems } from './verification/verify-items';

/** Namespaces read at once: each read is up to five concurrent lists, and API servers throttle bursts. */
const NAMESPACE_CONCURRENCY = 8;

/** How long the failures query waits for registry tests before answering with what the cache holds. */
export const VERIFY_WAIT_MS = 3_000;

/**
 * The most API calls one failures query makes: the pod list pages, one list of the kubelet's missing-secret
 * warnings, at most five lists per namespace that has failures (events, secrets, service accounts,
 * ReplicaSets, Jobs), one list of secrets across namespaces when a refused pull's credentials are verified,
 * and one list of nodes when something fails on a node. It does not grow with the number of pods beyond the
 * page count.
 */
export function failuresCallBudget(pods: number, affectedNamespaces: number): number {
  return Math.max(1, Math.ceil(pods / POD_PAGE_SIZE)) + 2 + (affectedNamespaces > 0 ? 1 : 0) + 5 * affectedNamespaces;
}

/** Every container in the context (one namespace, or all when null) that cannot pull its image, diagnosed. */
export async function listPullFailures(context: string, namespace: string | null): Promise<FailuresResponse> {
  const clients = clientsFor(context);
  const fetchedAt = new Date().toISOString();
  const warnings: ApiWarning[] = [];
  const pods = await listPods(clients, namespace);
  const warned = await podsWarnedOfMissingSecrets(clients, namespace, warnings);
  const failing = [...failingPods(pods, warned).keys()];

  const affected = [...new Set(failing.map((pod) => pod.metadata?.namespace ?? ''))].sort();
  const reads = new Map<string, NamespaceReads>();
  const [nodes] = await Promise.all([
    failingNodes(clients, failing),
    forEachConcurrently(affected, NAMESPACE_CONCURRENCY, async (name) => {
      const inNamespace = failing.filter((pod) => pod.metadata?.namespace === name);
      reads.set(name, await readNamespace(clients, name, inNamespace, warnings));
    }),
  ]);
  for (const read of reads.values()) read.nodes = nodes;
  const items = failureItems(pods, warned, reads);
  const podsByKey = new Map(pods.map((pod) => [`${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`, pod]));
  const verified = await verifyItems(
    items,
    (item) => {
      const pod = podsByKey.get(`${item.namespace}/${item.pod}`);
      const read = reads.get(item.namespace);
      return pod && read ? { pod, credentials: read.credentials } : null;
    },
    () => readSecretsElsewhere(clients),
    { waitMs: VERIFY_WAIT_MS },
  );
  return { items: verified, fetchedAt, warnings: warnings.sort(byNamespaceAndCode) };
}

/**
 * The nodes, in one list, when a failing pod runs on one (KEP-2535's verdicts read its kubelet version and
 * images); null when none does, or when the user may not list nodes: the verdicts are then made without them,
 * as the pod detail's are when it may not get the node.
 */
async function failingNodes(clients: KubeClients, failing: V1Pod[]): Promise<ReadonlyMap<string, V1Node> | null> {
  if (!failing.some((pod) => pod.spec?.nodeName)) return null;
  const nodes = await unlessRefused(listNodes(clients), 'forbidden');
  return nodes && new Map(nodes.map((node) => [node.metadata?.name ?? '', node]));
}

/**
 * The kubelet's FailedToRetrieveImagePullSecret warnings, by pod: the pull goes on anonymously, so the pod may
 * show no pull failure at all, or one whose real cause is this missing secret.
 */
async function podsWarnedOfMissingSecrets(
  clients: KubeClients,
  namespace: string | null,
  warnings: ApiWarning[],
): Promise<Map<string, CoreV1Event>> {
  const fieldSelector = `reason=${MISSING_PULL_SECRET_EVENT}`;
  const list = await readOrWarn(
    clients,
    namespace,
    'missing-secret warnings',
    () => listEvents(clients, namespace, fieldSelector),
    warnings,
  );
  return missingSecretWarnings(list ?? []);
}

export function byNamespaceAndCode(a: ApiWarning, b: ApiWarning): number {
  return (a.namespace ?? '').localeCompare(b.namespace ?? '') || a.code.localeCompare(b.code);
}

async function forEachConcurrently<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

