import { lookupCredentials } from '../../lib/pull-secrets/keyring';
import { loginOf, PullSecretError, readPullSecret } from '../../lib/pull-secrets/read';
import type { PullCredential } from '../contracts';
import type { KubeObject } from '../store';

export type CredentialLookup = { ok: true; credentials: PullCredential[] } | { ok: false; message: string };

/**
 * The kubelet's `MakeDockerKeyring` + `Lookup` over a pod's pull secrets (credential-rules.md §4): secrets whose
 * type and data key disagree are skipped; a secret that cannot be decoded fails the whole lookup with Go's
 * error text (the pull then fails with it); the remaining entries are matched against the image in the
 * kubelet's order. `repository` is what the kubelet looks up: the normalized name without tag or digest
 * (`docker.io/library/nginx`), used as given. Secrets are read by the app's own decoder, so the simulated
 * kubelet and the diagnosis cannot disagree about a secret.
 */
export function lookupPullCredentials(secrets: KubeObject[], repository: string): CredentialLookup {
  const byKey = new Map<string, PullCredential[]>();
  for (const secret of secrets) {
    let entries;
    try {
      entries = readPullSecret({ type: secret.type as string | undefined, data: secret.data as Record<string, string> | undefined }).entries;
    } catch (error) {
      if (!(error instanceof PullSecretError)) throw error;
      if (error.code === 'wrong-type' || error.code === 'missing-key') continue;
      return { ok: false, message: error.kubeletMessage };
    }
    for (const entry of entries) {
      const { username, password } = loginOf(entry);
      byKey.set(entry.server, [...(byKey.get(entry.server) ?? []), { username, password }]);
    }
  }
  const credentials = lookupCredentials([...byKey.keys()], repository).flatMap((key) => byKey.get(key) ?? []);
  return { ok: true, credentials };
}
