import { qualifiedNameProblem } from './config';

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
