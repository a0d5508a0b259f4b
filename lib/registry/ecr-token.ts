/**
 * How old the ECR token in a pull secret is. ECR's GetAuthorizationToken returns base64 of "AWS:<password>"
 * (the secret's auth, or its username AWS and password), and the password — what `aws ecr get-login-password`
 * prints — is itself base64 of a JSON envelope whose `expiration` is the Unix time the token stops working,
 * 12 hours after it was issued. When the envelope cannot be read, the token's age cannot be known: the
 * secret's creation time is the best evidence, and is said to be only that.
 */
export const ECR_TOKEN_LIFETIME_MS = 12 * 3_600_000;

const ECR_HOST = /^(?:https?:\/\/)?\d{12}\.dkr[.-]ecr(?:-fips)?\.[a-z0-9-]+\.(?:amazonaws\.com(?:\.cn)?|on\.aws)(?::\d+)?(?:\/.*)?$/i;

export type EcrTokenAge =
  | { source: 'token'; issuedAt: string; expiresAt: string; expired: boolean; text: string }
  | { source: 'secret-created'; created: string | null; expired: boolean | null; text: string };

/** The age of the token in one entry of a pull secret, or null when the entry is not an ECR login. */
export function ecrTokenAge(entry: { server: string; username: string; password: string }, secretCreated: string | null, now: Date): EcrTokenAge | null {
  if (!ECR_HOST.test(entry.server) || entry.username !== 'AWS') return null;
  const expiration = envelopeExpiration(entry.password);
  if (expiration !== null) {
    const expiresAt = new Date(expiration * 1000);
    const issuedAt = new Date(expiresAt.getTime() - ECR_TOKEN_LIFETIME_MS);
    const expired = now.getTime() >= expiresAt.getTime();
    return {
      source: 'token',
      issuedAt: issuedAt.toISOString(),
      expiresAt: expiresAt.toISOString(),
      expired,
      text: expired
        ? `the ECR token expired at ${expiresAt.toISOString()} (ECR tokens last 12 h): refresh it`
        : `the ECR token was issued at ${issuedAt.toISOString()} and expires at ${expiresAt.toISOString()}`,
    };
  }
  const created = secretCreated === null ? null : new Date(secretCreated);
  if (created === null || Number.isNaN(created.getTime())) {
    return { source: 'secret-created', created: null, expired: null, text: 'the ECR token does not say when it expires, and the secret has no creation time: its age is unknown (ECR tokens last 12 h)' };
  }
  const expired = now.getTime() - created.getTime() >= ECR_TOKEN_LIFETIME_MS;
  return {
    source: 'secret-created',
    created: created.toISOString(),
    expired,
    text: `the ECR token does not say when it expires; the secret was created at ${created.toISOString()}${
      expired ? ', more than 12 h ago: a token put in then has expired unless the secret was refreshed since' : ', less than 12 h ago'
    }`,
  };
}

function envelopeExpiration(password: string): number | null {
  let envelope: unknown;
  try {
    envelope = JSON.parse(Buffer.from(password, 'base64').toString('utf8'));
  } catch {
    return null;
  }
  if (typeof envelope !== 'object' || envelope === null) return null;
  const expiration = (envelope as { expiration?: unknown }).expiration;
  return typeof expiration === 'number' && Number.isFinite(expiration) && expiration > 0 ? expiration : null;
}
