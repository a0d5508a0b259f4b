import 'server-only';

import type { V1Pod, V1Secret } from '@kubernetes/client-node';
import type { PullFailure } from '../../api/types';
import type { NamespaceCredentials } from '../credentials';
import type { UnverifiedFailure } from '../failure-items';
import { verificationEnabled, verifyFinding, type VerifyOptions } from './verify-finding';

/** What verifying one item needs: its pod and its namespace's credentials, as the diagnosis read them. */
export interface ItemCredentials {
  pod: V1Pod;
  credentials: NamespaceCredentials;
}

/**
 * The failures query's last step, on the read path and the cache alike: each refused pull's verdict checked
 * against the registry with every credential in reach. The secrets of other namespaces are read only when
 * some pull was refused; an item whose pod or credentials are unknown is answered as not tested.
 */
export async function verifyItems(
  items: UnverifiedFailure[],
  credentialsOf: (item: UnverifiedFailure) => ItemCredentials | null,
  secretsElsewhere: () => Promise<V1Secret[] | null>,
  options: VerifyOptions,
): Promise<PullFailure[]> {
  const refused = items.some((item) => item.cause === 'unauthorized' && item.image !== null);
  const elsewhere = refused && verificationEnabled() ? await secretsElsewhere() : null;
  return Promise.all(
    items.map(async (item): Promise<PullFailure> => {
      const known = credentialsOf(item);
      if (!known) return { ...item, verification: { state: 'not-tested', checkedAt: null } };
      const verified = await verifyFinding({ ...item, pod: known.pod }, known.credentials, elsewhere, options);
      return { ...item, verdict: verified.verdict, verification: verified.verification };
    }),
  );
}
