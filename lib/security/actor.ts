import 'server-only';

import { ACCESS_TOKEN_ENV } from './access';
import { currentIdentity } from './identity';
import { clientKey } from './rate-limit';

/**
 * Who an audit line names: pullfix acts with the kubeconfig user's credentials (in a pod, the service
 * account's), and the person behind the browser is either on this machine (no token) or whoever holds the
 * access token. The client's address and the Host it asked for are named too.
 */
export function requestActor(request: Request, kubeUser: string): string {
  const identity = currentIdentity();
  const acting = identity.user ? `service account ${identity.user}` : `kubeconfig user "${kubeUser}"`;
  const person = process.env[ACCESS_TOKEN_ENV] ? 'access-token holder' : 'local user';
  return `${acting} for the ${person} at ${clientKey(request)} (Host ${JSON.stringify(request.headers.get('host') ?? '')})`;
}
