import { respond } from '@/lib/api/respond';
import { currentIdentity, type Identity } from '@/lib/security/identity';

export const dynamic = 'force-dynamic';

/** GET /api/identity: whether pullfix runs with a kubeconfig or in a pod, and then as which service account. */
export async function GET(): Promise<Response> {
  return respond(async (): Promise<Identity> => currentIdentity());
}
