// The verdicts pullfix gives a failing pull (design.md §3), one row each. Every label, colour family and fix the
// UI offers derives from this table, and its type makes a new code a compile error until it has its row.

/** The verdicts decidePullVerdict reaches from the kubelet's words and the secrets' host match alone. */
export const HOST_MATCH_VERDICT_CODES = [
  'missing-secret',
  'secret-not-attached',
  'credentials-rejected',
  'secret-for-other-registry',
  'pod-predates-service-account',
  'referenced-secret-missing',
  'malformed-secret',
  'node-credentials',
  'tag-not-found',
  'registry-unreachable',
  'rate-limited',
  'platform-mismatch',
  'invalid-reference',
  'never-pull',
  'unknown',
] as const;

/** The verdicts only the registry's answers to the candidate credentials can tell (lib/pull-verification.ts). */
export const VERIFIED_VERDICT_CODES = [
  'no-working-credential',
  'secret-in-other-namespace',
  'repository-not-found',
  'account-lacks-access',
  'access-refused',
] as const;

/** The verdicts for a kubelet that verifies cached images' credentials (KEP-2535, from 1.35; lib/cached-image-verdict.ts). */
export const CACHED_IMAGE_VERDICT_CODES = ['cached-image-unverified', 'cached-image-never-pull'] as const;

/** The verdicts about the node's credential provider plugins (lib/credential-providers), which take no pull secret. */
export const PROVIDER_VERDICT_CODES = [
  'provider-annotation-missing',
  'provider-credentials-refused',
] as const;

export const VERDICT_CODES = [...HOST_MATCH_VERDICT_CODES, ...VERIFIED_VERDICT_CODES, ...CACHED_IMAGE_VERDICT_CODES, ...PROVIDER_VERDICT_CODES] as const;

export type VerdictCode = (typeof VERDICT_CODES)[number];

/** What kind of problem, so the eye can sort the list: the colour family of a verdict badge. */
export type VerdictFamily = 'credentials' | 'missing' | 'network' | 'policy' | 'unknown';

export interface VerdictRow {
  label: string;
  family: VerdictFamily;
  /** A pull secret can fix it: the pull was refused for want of usable credentials, or anonymous pulls are rate-limited. */
  secretFixable: boolean;
}

export const VERDICTS: { readonly [Code in VerdictCode]: VerdictRow } = {
  'missing-secret': { label: 'Missing pull secret', family: 'credentials', secretFixable: true },
  'secret-not-attached': { label: 'Secret not attached', family: 'credentials', secretFixable: true },
  'credentials-rejected': { label: 'Credentials rejected', family: 'credentials', secretFixable: true },
  'no-working-credential': { label: 'No credential in reach can pull', family: 'credentials', secretFixable: true },
  'secret-in-other-namespace': { label: 'Working secret in another namespace', family: 'credentials', secretFixable: true },
  'repository-not-found': { label: 'Repository or tag does not exist', family: 'missing', secretFixable: false },
  'account-lacks-access': { label: 'Account lacks access to the repository', family: 'credentials', secretFixable: true },
  'access-refused': { label: 'Access refused (no access, or no such repository)', family: 'credentials', secretFixable: true },
  'secret-for-other-registry': { label: 'Secret is for another registry', family: 'credentials', secretFixable: true },
  'pod-predates-service-account': { label: 'Pod predates its service account secret', family: 'credentials', secretFixable: true },
  'referenced-secret-missing': { label: 'Named secret does not exist', family: 'missing', secretFixable: true },
  'malformed-secret': { label: 'Malformed secret', family: 'credentials', secretFixable: true },
  'node-credentials': { label: 'Node credentials expected', family: 'credentials', secretFixable: true },
  'tag-not-found': { label: 'Tag or digest not found', family: 'missing', secretFixable: false },
  'registry-unreachable': { label: 'Registry unreachable', family: 'network', secretFixable: false },
  'rate-limited': { label: 'Rate limited', family: 'network', secretFixable: true },
  'platform-mismatch': { label: 'No image for this platform', family: 'policy', secretFixable: false },
  'invalid-reference': { label: 'Invalid image reference', family: 'missing', secretFixable: false },
  'never-pull': { label: 'Image not on node (pull policy Never)', family: 'policy', secretFixable: false },
  unknown: { label: 'Pull failed', family: 'unknown', secretFixable: false },
  'cached-image-unverified': { label: 'Cached image not usable without its credentials', family: 'credentials', secretFixable: true },
  'cached-image-never-pull': { label: 'Cached image not permitted (pull policy Never)', family: 'policy', secretFixable: true },
  'provider-annotation-missing': { label: 'Service account lacks the credential provider annotation', family: 'credentials', secretFixable: false },
  'provider-credentials-refused': { label: "Registry refused the credential provider's credentials", family: 'credentials', secretFixable: false },
};

export function isVerdictCode(value: string | null | undefined): value is VerdictCode {
  return (VERDICT_CODES as readonly string[]).includes(value ?? '');
}
