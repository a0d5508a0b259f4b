import 'server-only';

import fs from 'node:fs';

/** The account a service-account JWT names in its `sub` claim ('system:serviceaccount:<ns>:<name>'). */
export function serviceAccountFromToken(token: string | null): { namespace: string; name: string } | null {
  const payload = token?.trim().split('.')[1];
  if (!payload) return null;
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  const subject = typeof claims === 'object' && claims !== null ? (claims as { sub?: unknown }).sub : undefined;
  const match = typeof subject === 'string' ? subject.match(/^system:serviceaccount:([^:]+):([^:]+)$/) : null;
  return match?.[1] && match[2] ? { namespace: match[1], name: match[2] } : null;
}

/** The account named by the token mounted at `tokenFile`, or null when there is no readable service-account token. */
export function readServiceAccount(tokenFile: string): { namespace: string; name: string } | null {
  let token: string;
  try {
    token = fs.readFileSync(tokenFile, 'utf8');
  } catch {
    return null;
  }
  return serviceAccountFromToken(token);
}
