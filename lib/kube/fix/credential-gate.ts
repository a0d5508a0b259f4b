import 'server-only';

import { ApiError } from '../../api/errors';
import type { FixRequest } from '../../api/fix-request';
import type { ImageRef } from '../../image-ref';
import { REFUSED, type CredentialCheckView } from '../../pull-verification';
import type { RegistryLogin } from '../../registry/client';
import { clientsFor, type KubeClients } from '../config';
import { secretLoginFor } from '../registry-credentials';
import { sharedVerifier } from '../verification';
import { verificationEnabled } from '../verification/verify-finding';
import { getPod } from '../reads';
import { containerImage } from './options';

/**
 * Before an apply: the credential the fix would put in front of the kubelet, tested against the registry (the
 * cached answer when fresh). A refusal stops the apply with a 422 that names it, unless the request accepts it
 * (`acceptUnverified`, after the person ticked the box naming the refusal). A credential that cannot be tested
 * (unreadable, no entry for this registry, the registry unreachable) does not stop it. Returns the check.
 */
export async function assertCredentialAccepted(context: string, namespace: string, request: FixRequest): Promise<CredentialCheckView | null> {
  if (request.mode !== 'apply' || !verificationEnabled()) return null;
  const clients = clientsFor(context);
  const image = containerImage(await getPod(clients, namespace, request.pod), request.container).ref;
  const chosen = await chosenLogin(clients, namespace, request.source, image);
  if (chosen === null) return null;
  const check = await sharedVerifier().check(image, chosen.login);
  if (!REFUSED.has(check.result) || request.acceptUnverified === true) return check;
  throw new ApiError(
    'credential-refused',
    422,
    `${image.registry} refused ${chosen.what} (${check.result}): ${check.message} Applying it would not fix the pull; choose a credential that can pull ${image.repository}, or send acceptUnverified: true to apply it anyway.`,
  );
}

async function chosenLogin(
  clients: KubeClients,
  namespace: string,
  source: FixRequest['source'],
  image: ImageRef,
): Promise<{ login: RegistryLogin; what: string } | null> {
  if (source.kind === 'new') {
    return { login: { username: source.username, password: source.password }, what: `the credentials typed for ${source.username}` };
  }
  const from = source.kind === 'copy' ? source.fromNamespace : namespace;
  try {
    const login = await secretLoginFor(clients, from, source.name, image.normalized);
    return { login, what: `the credentials of ${login.username} in secret ${from}/${source.name}` };
  } catch (error) {
    // Unreadable, missing or without an entry for this registry: nothing to test here; the fix's own steps say why.
    if (error instanceof ApiError && error.status < 500) return null;
    throw error;
  }
}
