import 'server-only';

import { currentIdentity } from '../../security/identity';
import { contextUser } from '../config';

/** The identity pullfix acts as in `context`: in a pod its service account, else the context's kubeconfig user. */
export function actingAs(context: string): string {
  return currentIdentity().user ?? contextUser(context);
}
