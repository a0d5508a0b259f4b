import 'server-only';
import type { ImageRef } from '../image-ref';
import { checkImageAccess, confirmLogin, listTags, type RegistryClientOptions, type RegistryLogin } from './client';
import type { CheckResult } from '../pull-verification';
import type { RegistryFailure } from './errors';

export interface AccessProbe {
  result: CheckResult;
  /** Plain words for a person; never a password or a token. */
  message: string;
  /** Whether the registry accepted the login itself, whatever it then allowed; null when the test never got that far. */
  loginAccepted: boolean | null;
  /** Whether the repository exists, as far as the registry's answers tell; null when they do not. */
  repositoryExists: boolean | null;
}

/** Tags read to tell a missing tag from a refused repository: one page is enough to see the repository answer. */
const TAG_PAGE = 1000;

/**
 * Can `login` pull `image`, and when not, why? Many registries (Docker Hub, GHCR, Quay, ACR, Artifact Registry)
 * answer "unauthorized" or "denied" alike for a wrong password, a repository the account may not pull and one
 * that does not exist. So a refused pull is followed by the login alone (a wrong password is refused there),
 * then by the tag listing, which some registries answer "NAME_UNKNOWN" where the pull said "unauthorized", and
 * which shows whether a refused tag exists at all.
 */
export async function probeAccess(image: ImageRef, login: RegistryLogin, options: RegistryClientOptions = {}): Promise<AccessProbe> {
  const pull = await checkImageAccess(image, login, options);
  if (pull.ok) {
    return { result: 'can-pull', message: `${login.username} can pull ${image.familiar} (${pull.digest}).`, loginAccepted: true, repositoryExists: true };
  }
  if (pull.cause !== 'unauthorized' && pull.cause !== 'not-found') return unreachable(pull);
  if (pull.cause === 'not-found') return missing(image, login, options, pull);

  const signIn = await confirmLogin(image, login, options);
  if (!signIn.ok) {
    if (signIn.cause !== 'unauthorized') return unreachable(signIn);
    return { result: 'rejected', message: signIn.message, loginAccepted: false, repositoryExists: null };
  }

  const tags = await listTags(image, login, { ...options, limit: TAG_PAGE, pages: 1 });
  if (!tags.ok && tags.cause === 'not-found') return { result: 'not-found', message: tags.message, loginAccepted: true, repositoryExists: false };
  const reference = image.digest ?? image.tag ?? 'latest';
  if (tags.ok && tags.tags.includes(reference)) {
    return {
      result: 'no-access',
      message: `${login.username} may list the tags of ${image.repository} on ${image.registry} but may not pull ${reference}.`,
      loginAccepted: true,
      repositoryExists: true,
    };
  }
  if (tags.ok && tags.complete && image.digest === null) {
    return {
      result: 'not-found',
      message: `${image.repository} exists on ${image.registry} but has no tag ${reference}, though the registry answered "unauthorized": check the tag.`,
      loginAccepted: true,
      repositoryExists: true,
    };
  }
  return {
    result: 'rejected',
    message: `${image.registry} accepted the login of ${login.username} but refused it access to ${image.repository}: ${login.username} may not pull it, or it does not exist (the registry answers both alike).`,
    loginAccepted: true,
    repositoryExists: tags.ok ? true : null,
  };
}

/**
 * The manifest is not there. Distribution answers MANIFEST_UNKNOWN for a repository it has never heard of too,
 * so the tag listing says which is missing: the repository, or only the tag.
 */
async function missing(image: ImageRef, login: RegistryLogin, options: RegistryClientOptions, pull: RegistryFailure): Promise<AccessProbe> {
  const tags = await listTags(image, login, { ...options, limit: TAG_PAGE, pages: 1 });
  if (!tags.ok && tags.cause === 'not-found') return { result: 'not-found', message: tags.message, loginAccepted: true, repositoryExists: false };
  return { result: 'not-found', message: pull.message, loginAccepted: true, repositoryExists: tags.ok ? true : null };
}

function unreachable(failure: RegistryFailure): AccessProbe {
  return { result: 'unreachable', message: failure.message, loginAccepted: null, repositoryExists: null };
}
