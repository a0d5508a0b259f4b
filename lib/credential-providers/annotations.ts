/**
 * The identity annotations the cloud providers' plugins read, with the shape of the value each expects: a typo
 * in a role ARN or a service-account e-mail is refused here rather than met as a refused pull minutes later.
 */
const KNOWN_VALUES: { key: RegExp; value: RegExp; expected: string }[] = [
  {
    key: /^eks\.amazonaws\.com\/(?:ecr-)?role-arn$/,
    value: /^arn:aws(?:-cn|-us-gov|-iso|-iso-b)?:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/,
    expected: 'an IAM role ARN such as arn:aws:iam::123456789012:role/ecr-pull',
  },
  {
    key: /^iam\.gke\.io\/gcp-service-account$/,
    value: /^[a-z][a-z0-9-]{4,28}[a-z0-9]@[a-z][a-z0-9-]{4,28}[a-z0-9]\.iam\.gserviceaccount\.com$/,
    expected: 'a Google service account e-mail such as puller@my-project.iam.gserviceaccount.com',
  },
  {
    key: /^azure\.workload\.identity\/client-id$/,
    value: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
    expected: 'a managed identity client ID (a UUID)',
  },
];

const MAX_VALUE = 1024;
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** Why `value` cannot go under `key` on a service account, or null when it can. */
export function annotationProblem(key: string, value: string): string | null {
  const keyProblem = qualifiedNameProblem(key.toLowerCase());
  if (keyProblem) return `"${key}" is not an annotation key: ${keyProblem}`;
  if (value.trim() === '') return `a value for ${key} is required`;
  if (value !== value.trim()) return `the value for ${key} has spaces around it`;
  if (value.length > MAX_VALUE) return `the value for ${key} is longer than ${MAX_VALUE} characters`;
  if (CONTROL_CHARACTERS.test(value)) return `the value for ${key} contains control characters`;
  const known = KNOWN_VALUES.find((entry) => entry.key.test(key));
  if (known && !known.value.test(value)) return `${key} takes ${known.expected}`;
  return null;
}

const NAME_PART = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** apimachinery's IsQualifiedName: an optional DNS-subdomain prefix and "/", then a name of at most 63 characters. */
export function qualifiedNameProblem(value: string): string | null {
  const parts = value.split('/');
  if (parts.length > 2) return "a qualified name must consist of alphanumeric characters, '-', '_' or '.', with an optional DNS subdomain prefix and '/'";
  const name = parts.length === 2 ? (parts[1] ?? '') : value;
  const prefix = parts.length === 2 ? (parts[0] ?? '') : null;
  if (prefix !== null) {
    if (prefix === '') return 'prefix part must be non-empty';
    if (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix)) return 'prefix part must be a lowercase RFC 1123 subdomain of at most 253 characters';
  }
  if (name === '') return 'name part must be non-empty';
  if (name.length > 63) return 'name part must be no more than 63 characters';
  if (!NAME_PART.test(name)) return "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
  return null;
}
