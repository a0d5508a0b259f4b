import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { annotationProblem } from './annotations';

describe('annotationProblem', () => {
  it.each([
    ['eks.amazonaws.com/role-arn', 'arn:aws:iam::123456789012:role/ecr-pull'],
    ['eks.amazonaws.com/ecr-role-arn', 'arn:aws-cn:iam::123456789012:role/team/ecr-pull'],
    ['iam.gke.io/gcp-service-account', 'ledger@acme-prod.iam.gserviceaccount.com'],
    ['azure.workload.identity/client-id', '6f1c4b1e-9f3a-4c2b-8a0d-2b7e4f9c1d3a'],
    ['example.com/anything', 'free text, as the provider reads it'],
  ])('accepts %s = %s', (key, value) => expect(annotationProblem(key, value)).toBeNull());

  it.each([
    ['eks.amazonaws.com/role-arn', 'ecr-pull', 'IAM role ARN'],
    ['iam.gke.io/gcp-service-account', 'ledger', 'Google service account e-mail'],
    ['azure.workload.identity/client-id', 'not-a-uuid', 'UUID'],
    ['example.com/x', '', 'is required'],
    ['example.com/x', ' padded ', 'spaces around it'],
    ['example.com/x', 'a\nb', 'control characters'],
    ['not a key', 'v', 'is not an annotation key'],
  ])('refuses %s = %j, saying why', (key, value, why) => expect(annotationProblem(key, value)).toContain(why));

  it('accepts any printable value up to 1024 characters under an unknown key, and nothing longer', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[!-~]([ -~]{0,1100}[!-~])?$/), (value) => {
        expect(annotationProblem('example.com/x', value) === null).toBe(value.length <= 1024);
      }),
    );
  });
});
