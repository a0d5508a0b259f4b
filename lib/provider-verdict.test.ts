import { describe, expect, it } from 'vitest';
import type { ProviderFinding } from './credential-providers';
import { decidePullVerdict, type PullFacts, type SecretFact } from './pull-verdict';

const REFUSAL = 'failed to authorize: failed to fetch anonymous token: unexpected status from GET request to https://europe-docker.pkg.dev/v2/token: 401 Unauthorized';

function facts(provider: ProviderFinding | null, podSecrets: SecretFact[] = []): PullFacts {
  return {
    cause: 'unauthorized',
    image: 'europe-docker.pkg.dev/acme/images/ledger:2.1',
    registry: 'europe-docker.pkg.dev',
    message: REFUSAL,
    serviceAccount: 'ledger',
    podSecrets,
    serviceAccountSecrets: [],
    namespaceMatchingSecrets: [],
    secretsReadable: true,
    provider,
  };
}

function finding(overrides: Partial<ProviderFinding> = {}): ProviderFinding {
  return {
    provider: 'gcp-workload-identity',
    source: 'config',
    matchImage: '*-docker.pkg.dev/acme',
    tokenMode: true,
    requiredAnnotations: ['iam.gke.io/gcp-service-account'],
    missingAnnotations: [],
    serviceAccountKnown: true,
    ...overrides,
  };
}

describe('decidePullVerdict with a credential provider', () => {
  it('a required annotation missing on the service account: annotate it', () => {
    const verdict = decidePullVerdict(facts(finding({ missingAnnotations: ['iam.gke.io/gcp-service-account'] })));
    expect(verdict.code).toBe('provider-annotation-missing');
    expect(verdict.explanation).toContain('does not call the plugin');
    expect(verdict.fix).toContain('Annotate service account ledger with iam.gke.io/gcp-service-account');
    expect(verdict.partial).toBe(false);
  });

  it('annotations present and the registry refused: the identity, not a secret', () => {
    const verdict = decidePullVerdict(facts(finding()));
    expect(verdict.code).toBe('provider-credentials-refused');
    expect(verdict.explanation).toContain("service-account token (service account ledger with iam.gke.io/gcp-service-account)");
    expect(verdict.fix).toContain('a pull secret is not needed');
  });

  it('a service account pullfix could not read: the refusal, flagged partial', () => {
    const verdict = decidePullVerdict(facts(finding({ serviceAccountKnown: false })));
    expect(verdict).toMatchObject({ code: 'provider-credentials-refused', partial: true });
    expect(verdict.explanation).toContain('could not read service account ledger');
  });

  it('a provider without token attributes: the node identity', () => {
    const verdict = decidePullVerdict(facts(finding({ tokenMode: false, requiredAnnotations: [] })));
    expect(verdict.code).toBe('node-credentials');
    expect(verdict.explanation).toContain('The node runs credential provider gcp-workload-identity');
  });

  it('the built-in cloud patterns are stated as an assumption', () => {
    const verdict = decidePullVerdict(facts(finding({ source: 'built-in', tokenMode: false, requiredAnnotations: [], provider: 'gcp-credential-provider', matchImage: '*.pkg.dev' })));
    expect(verdict.code).toBe('node-credentials');
    expect(verdict.explanation).toContain('pullfix assumes the node runs credential provider gcp-credential-provider');
    expect(verdict.explanation).toContain('no credential provider configuration was given');
  });

  it('a configured provider explains the pull before secrets for other registries; an assumed one after', () => {
    const other: SecretFact = { name: 'hub', state: 'no-match', servers: ['https://index.docker.io/v1/'] };
    expect(decidePullVerdict(facts(finding({ missingAnnotations: ['iam.gke.io/gcp-service-account'] }), [other])).code).toBe('provider-annotation-missing');
    expect(decidePullVerdict(facts(finding({ source: 'built-in', tokenMode: false }), [other])).code).toBe('secret-for-other-registry');
  });

  it('a matching pull secret the registry refused still comes first: the kubelet sent it', () => {
    const verdict = decidePullVerdict(facts(finding({ missingAnnotations: ['iam.gke.io/gcp-service-account'] }), [{ name: 'gar', state: 'matches' }]));
    expect(verdict.code).toBe('credentials-rejected');
  });

  it('no provider serves the image: the secrets decide', () => {
    expect(decidePullVerdict(facts(null)).code).toBe('missing-secret');
  });
});
