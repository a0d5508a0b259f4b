import 'server-only';

import type { CoreV1Event, V1Node, V1Pod } from '@kubernetes/client-node';
import type { ApiWarning } from '../api/types';
import type { KubeClients } from './config';
import { credentialProvidersFor } from './credential-providers';
import { indexSecrets, type NamespaceCredentials } from './credentials';
import { ApiError } from '../api/errors';
import { intermediateKinds, ownerIndex, type OwnerIndex } from './owners';
import { listEvents, listJobs, listReplicaSets, listPullSecrets, listServiceAccounts } from './reads';

/** Everything a diagnosis reads about one namespace, each part read with one list call. */
export interface NamespaceReads {
  credentials: NamespaceCredentials;
  owners: OwnerIndex;
  /** The events about pods, or null when the user may not list events. */
  events: CoreV1Event[] | null;
  /**
   * The cluster's nodes by name, trimmed to their kubelet version and image names (KEP-2535's verdicts), read
   * once per answer and shared by its namespaces; null or absent when they were not read or may not be.
   */
  nodes?: ReadonlyMap<string, V1Node> | null;
}

/**
 * At most five list calls for a namespace, whatever the number of pods: events, secrets and service accounts,
 * plus ReplicaSets and Jobs only when `pods` are owned by one. A 403 on any of them degrades the diagnosis and
 * adds a warning that says what could not be read; any other failure fails the query.
 */
export async function readNamespace(
  clients: KubeClients,
  namespace: string,
  pods: V1Pod[],
  warnings: ApiWarning[],
): Promise<NamespaceReads> {
  const kinds = intermediateKinds(pods);
  const read = <T>(what: ReadTopic, call: () => Promise<T>) => readOrWarn(clients, namespace, what, call, warnings);

  const [events, secrets, serviceAccounts, replicaSets, jobs] = await Promise.all([
    read('events', () => listEvents(clients, namespace, 'involvedObject.kind=Pod')),
    read('secrets', () => listPullSecrets(clients, namespace)),
    read('service accounts', () => listServiceAccounts(clients, namespace)),
    kinds.has('ReplicaSet') ? read('ReplicaSets', () => listReplicaSets(clients, namespace)) : null,
    kinds.has('Job') ? read('Jobs', () => listJobs(clients, namespace)) : null,
  ]);
  return {
    events,
    credentials: {
      secrets: secrets ? indexSecrets(secrets) : null,
      serviceAccounts: serviceAccounts ? new Map(serviceAccounts.map((account) => [account.metadata?.name ?? '', account])) : null,
      providers: credentialProvidersFor(clients.context),
    },
    owners: ownerIndex(replicaSets ?? [], jobs ?? []),
  };
}

export type ReadTopic = 'events' | 'missing-secret warnings' | 'secrets' | 'service accounts' | 'ReplicaSets' | 'Jobs';

/** What each read lists, and what the diagnosis loses without it, told to the person in the warning. */
const CONSEQUENCE: Record<ReadTopic, { code: ApiWarning['code']; resource: string; loss: string }> = {
  events: { code: 'events-forbidden', resource: 'events', loss: "the kubelet's events are not shown" },
  'missing-secret warnings': {
    code: 'events-forbidden',
    resource: 'events',
    loss: 'pods whose pull secret is missing but that still pull anonymously are not listed',
  },
  secrets: {
    code: 'secrets-forbidden',
    resource: 'secrets',
    loss: 'the diagnosis comes from the pods and events only: which pull secrets exist, match or are malformed is unknown',
  },
  'service accounts': {
    code: 'service-accounts-forbidden',
    resource: 'service accounts',
    loss: "the service accounts' pull secrets are not checked",
  },
  ReplicaSets: { code: 'owners-forbidden', resource: 'ReplicaSets', loss: 'pods are shown under their ReplicaSet instead of their Deployment' },
  Jobs: { code: 'owners-forbidden', resource: 'Jobs', loss: 'pods are shown under their Job instead of their CronJob' },
};

/** Runs one read; a 403 becomes a warning and null, so the rest of the diagnosis still comes through. */
export async function readOrWarn<T>(
  clients: KubeClients,
  namespace: string | null,
  what: ReadTopic,
  call: () => Promise<T>,
  warnings: ApiWarning[],
): Promise<T | null> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof ApiError) || error.code !== 'forbidden') throw error;
    warnings.push(forbiddenWarning(clients.context, namespace, what));
    return null;
  }
}

export function forbiddenWarning(context: string, namespace: string | null, what: ReadTopic): ApiWarning {
  const { code, resource, loss } = CONSEQUENCE[what];
  const where = namespace === null ? 'across namespaces' : `in namespace "${namespace}"`;
  return { code, namespace, message: `the user of context "${context}" may not list ${resource} ${where}, so ${loss}` };
}
