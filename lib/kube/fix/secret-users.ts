import 'server-only';
/** Who in a namespace reads a pull secret: what replacing its data changes besides the pod being fixed. */
import type { V1PodTemplateSpec } from '@kubernetes/client-node';
import type { PatchableKind } from '../../fix-plan';
import type { SecretUsers } from '../../secret-diff';
import type { KubeClients } from '../config';
import { listPods, listServiceAccounts, listWorkloads, unlessRefused } from '../reads';
import { templatePullSecrets } from './workloads';

const LISTED_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'CronJob', 'Job'] as const satisfies readonly PatchableKind[];

/**
 * The pods, workloads (by their pod template) and service accounts of the namespace that name `secret` as a
 * pull secret. Lists the user may not read are left out and named in `note`.
 */
export async function secretUsers(clients: KubeClients, namespace: string, secret: string): Promise<SecretUsers> {
  const [pods, accounts, ...workloads] = await Promise.all([
    unlessRefused(listPods(clients, namespace), 'forbidden'),
    unlessRefused(listServiceAccounts(clients, namespace), 'forbidden'),
    ...LISTED_KINDS.map((kind) => unlessRefused(listWorkloads(clients, namespace, kind), 'forbidden')),
  ]);
  const unread = [pods === null ? 'pods' : null, accounts === null ? 'service accounts' : null, ...LISTED_KINDS.map((kind, index) => (workloads[index] === null ? kind : null))].filter(
    (what) => what !== null,
  );
  return {
    pods: (pods ?? []).filter((pod) => (pod.spec?.imagePullSecrets ?? []).some((reference) => reference.name === secret)).map((pod) => pod.metadata?.name ?? ''),
    workloads: LISTED_KINDS.flatMap((kind, index) =>
      (workloads[index] ?? []).filter((workload) => names(workload.template, secret)).map((workload) => ({ kind, name: workload.name })),
    ),
    serviceAccounts: (accounts ?? []).filter((account) => (account.imagePullSecrets ?? []).some((reference) => reference.name === secret)).map((account) => account.metadata?.name ?? ''),
    note: unread.length > 0 ? `could not list ${unread.join(', ')} in namespace "${namespace}": other users of ${secret} may be missing` : null,
  };
}

function names(template: V1PodTemplateSpec | undefined, secret: string): boolean {
  return templatePullSecrets(template).includes(secret);
}
