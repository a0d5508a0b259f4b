import 'server-only';
/**
 * Putting back what an incident fix changed before a later step failed: a secret it created is deleted, a secret
 * whose data it replaced gets its old data back, a workload it patched or restarted gets its old pod template back
 * (the controller then rolls back to the pods it had).
 */
import type { V1Secret } from '@kubernetes/client-node';
import type { KubeClients } from '../config';
import { toApiError } from '../errors';
import type { WorkloadObject } from '../reads';
import type { StepTouch } from './incident-plan';
import { patchWorkload, type FixWorkload } from './workloads';

/** Restores one object; answers what was done, in words for the error message. */
export async function restore(clients: KubeClients, touch: StepTouch): Promise<string> {
  if (touch.kind === 'secret') return touch.before ? restoreSecretData(clients, touch.namespace, touch.before) : deleteCreatedSecret(clients, touch.namespace, touch.name);
  await restoreTemplate(clients, touch.namespace, touch.workload, touch.before);
  return `${touch.workload.kind} ${touch.namespace}/${touch.workload.name} has its pod template back`;
}

async function deleteCreatedSecret(clients: KubeClients, namespace: string, name: string): Promise<string> {
  try {
    await clients.core.deleteNamespacedSecret({ namespace, name });
  } catch (error) {
    if (toApiError(error, clients).code !== 'not-found') throw error;
  }
  return `Secret ${namespace}/${name}, created for this fix, was deleted again`;
}

/** The old data and type under the current resourceVersion: whoever changed it since, this put it back. */
async function restoreSecretData(clients: KubeClients, namespace: string, before: V1Secret): Promise<string> {
  const name = before.metadata?.name ?? '';
  const current = await clients.core.readNamespacedSecret({ namespace, name });
  const body: V1Secret = {
    ...current,
    type: before.type,
    data: before.data,
    metadata: { ...current.metadata, labels: before.metadata?.labels, annotations: before.metadata?.annotations },
  };
  await clients.core.replaceNamespacedSecret({ namespace, name, body });
  return `Secret ${namespace}/${name} has its old data back`;
}

/**
 * The whole pod template as it was, with the strategic merge `$patch: replace` directive: pull secrets the fix
 * added and the restart annotation it set go, whatever else the template held stays as read before the apply.
 */
async function restoreTemplate(clients: KubeClients, namespace: string, workload: FixWorkload, before: WorkloadObject): Promise<void> {
  // As JSON: client-node's typed objects hold Dates where the API has strings.
  const template = { ...(JSON.parse(JSON.stringify(before.template ?? {})) as Record<string, unknown>), $patch: 'replace' };
  const patch = workload.kind === 'CronJob' ? { spec: { jobTemplate: { spec: { template } } } } : { spec: { template } };
  await patchWorkload(clients, namespace, workload, patch, false);
}
