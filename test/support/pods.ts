import { clientsFor } from '../../lib/kube/config';
import { waitUntil } from './wait';

/** The name of a live (not terminating) pod of `namespace` whose name starts with `prefix`, once there is one. */
export function podOf(namespace: string, prefix: string): Promise<string> {
  return waitUntil(
    async () => {
      const pods = await clientsFor('sim-admin').core.listNamespacedPod({ namespace });
      const pod = pods.items.find((candidate) => candidate.metadata?.name?.startsWith(prefix) && !candidate.metadata.deletionTimestamp);
      return pod?.metadata?.name;
    },
    { what: `a pod ${prefix}* in ${namespace}`, timeoutMs: 30_000, intervalMs: 500 },
  );
}
