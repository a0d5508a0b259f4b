import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cachedImageVerdict, type NodeImageFacts } from './cached-image-verdict';
import { PULL_FAILURE_CAUSES, verifiesCachedImages } from './diagnosis';
import { decidePullVerdict, type PullFacts } from './pull-verdict';

const REFUSED =
  'failed to pull and unpack image "ghcr.io/acme/api:2.1": failed to resolve reference "ghcr.io/acme/api:2.1": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed';

const NODE: NodeImageFacts = { name: 'sim-node-3', kubeletVersion: 'v1.35.0', imagePresent: true };

function facts(overrides: Partial<PullFacts> = {}): PullFacts {
  return {
    cause: 'unauthorized',
    image: 'ghcr.io/acme/api:2.1',
    registry: 'ghcr.io',
    message: REFUSED,
    serviceAccount: 'default',
    podSecrets: [],
    serviceAccountSecrets: [],
    namespaceMatchingSecrets: ['ghcr-creds'],
    secretsReadable: true,
    pullPolicy: 'IfNotPresent',
    node: NODE,
    ...overrides,
  };
}

describe('verifiesCachedImages', () => {
  it.each([
    ['v1.35.0', true],
    ['v1.35.2-eks-1234', true],
    ['v1.36.0', true],
    ['1.40.1', true],
    ['v2.0.0', true],
    ['v1.34.9', false],
    ['v1.3.5', false],
    ['', false],
    ['unknown', false],
  ])('%s: %s', (version, verifies) => {
    expect(verifiesCachedImages(version)).toBe(verifies);
  });
});

describe('cachedImageVerdict', () => {
  it('reads a refused pull of a present IfNotPresent image on a 1.35 node as the kubelet refusing the cached copy', () => {
    const verdict = decidePullVerdict(facts());
    expect(verdict).toMatchObject({ code: 'cached-image-unverified', secretName: 'ghcr-creds', partial: false, title: 'Cached image not usable without its credentials' });
    expect(verdict.explanation).toContain('"ghcr.io/acme/api:2.1" is already on node sim-node-3');
    expect(verdict.explanation).toContain('since Kubernetes 1.35');
    expect(verdict.explanation).toContain('KubeletEnsureSecretPulledImages');
    expect(verdict.explanation).toContain('imagePullCredentialsVerificationPolicy');
    expect(verdict.explanation).toContain('ghcr.io refused (insufficient_scope: authorization failed)');
    expect(verdict.fix).toMatch(/^Attach the credentials that pulled it: secret ghcr-creds holds credentials for ghcr\.io/);
  });

  it('reads ErrImageNeverPull of an image the node lists as present but not permitted', () => {
    const verdict = decidePullVerdict(facts({ cause: 'never-pull', pullPolicy: 'Never', message: 'Container image "ghcr.io/acme/api:2.1" is not present with pull policy of Never' }));
    expect(verdict).toMatchObject({ code: 'cached-image-never-pull', secretName: 'ghcr-creds' });
    expect(verdict.explanation).toContain('reported as not present');
  });

  it('names the service account\'s matching secret when the namespace offers none, and none when neither does', () => {
    expect(decidePullVerdict(facts({ namespaceMatchingSecrets: [], serviceAccountSecrets: [{ name: 'sa-creds', state: 'matches' }] })).secretName).toBe('sa-creds');
    const none = decidePullVerdict(facts({ namespaceMatchingSecrets: [] }));
    expect(none).toMatchObject({ code: 'cached-image-unverified', secretName: null });
    expect(none.fix).toMatch(/^Attach the credentials that pulled it: create a docker-registry secret for ghcr\.io/);
  });

  it.each([
    ['an older kubelet', { node: { ...NODE, kubeletVersion: 'v1.34.1' } }, 'secret-not-attached'],
    ['an image the node does not hold', { node: { ...NODE, imagePresent: false } }, 'secret-not-attached'],
    ['an unknown node', { node: null }, 'secret-not-attached'],
    ['pull policy Always (it pulls anyway)', { pullPolicy: 'Always' }, 'secret-not-attached'],
    ['a matching secret of its own the registry refused', { podSecrets: [{ name: 'ghcr-own', state: 'matches' as const }] }, 'credentials-rejected'],
    ['a tag that does not exist', { cause: 'not-found' as const }, 'tag-not-found'],
  ])('leaves %s to the other rules', (_, overrides, code) => {
    expect(decidePullVerdict(facts(overrides)).code).toBe(code);
  });

  it('only ever answers a refusal or a never-pull, and only on a node that verifies and holds the image (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...PULL_FAILURE_CAUSES),
        fc.constantFrom('Always', 'IfNotPresent', 'Never', null),
        fc.record({ name: fc.constant('n'), kubeletVersion: fc.constantFrom('v1.33.0', 'v1.35.0', 'v1.36.1', ''), imagePresent: fc.boolean() }),
        (cause, pullPolicy, node) => {
          const verdict = cachedImageVerdict(facts({ cause, pullPolicy, node }));
          if (verdict === null) return;
          expect(['unauthorized', 'never-pull']).toContain(cause);
          expect(node.imagePresent && verifiesCachedImages(node.kubeletVersion)).toBe(true);
          expect(verdict.code).toBe(cause === 'never-pull' ? 'cached-image-never-pull' : 'cached-image-unverified');
        },
      ),
    );
  });
});
