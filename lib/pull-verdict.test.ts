import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { PULL_FAILURE_CAUSES, type PullFailureCause } from './diagnosis';
import {
  decidePullVerdict,
  type PullFacts,
  type SecretFact,
  type SecretState,
} from './pull-verdict';
import { HOST_MATCH_VERDICT_CODES, type VerdictCode } from './verdicts';

const HUB_REFUSAL =
  'failed to pull and unpack image "docker.io/davidpuziol/nginx:latest": failed to resolve reference "docker.io/davidpuziol/nginx:latest": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed';

function facts(overrides: Partial<PullFacts> = {}): PullFacts {
  return {
    cause: 'unauthorized',
    image: 'davidpuziol/nginx',
    registry: 'docker.io',
    message: HUB_REFUSAL,
    serviceAccount: 'default',
    podSecrets: [],
    serviceAccountSecrets: [],
    namespaceMatchingSecrets: [],
    secretsReadable: true,
    ...overrides,
  };
}

const secret = (name: string, state: SecretState, servers?: string[]): SecretFact => ({ name, state, servers });

describe('decidePullVerdict: one case per row of the design table', () => {
  interface Row {
    row: string;
    facts: PullFacts;
    code: VerdictCode;
    secretName?: string;
    mentions?: string[];
  }
  const rows: Row[] = [
    {
      row: 'missing-secret: nothing attached, none on the service account, none in the namespace',
      facts: facts(),
      code: 'missing-secret',
      mentions: ['docker.io', 'insufficient_scope: authorization failed'],
    },
    {
      row: 'secret-not-attached: a matching secret exists in the namespace but is not attached',
      facts: facts({ namespaceMatchingSecrets: ['regcred'] }),
      code: 'secret-not-attached',
      secretName: 'regcred',
      mentions: ['regcred'],
    },
    {
      row: 'credentials-rejected: an attached secret matches',
      facts: facts({ podSecrets: [secret('regcred', 'matches')] }),
      code: 'credentials-rejected',
      secretName: 'regcred',
      mentions: ['regcred', 'repository does not exist'],
    },
    {
      row: 'secret-for-other-registry: a docker.io secret on a ghcr.io image',
      facts: facts({
        image: 'ghcr.io/acme/app:1.0',
        registry: 'ghcr.io',
        podSecrets: [secret('hub', 'no-match', ['https://index.docker.io/v1/'])],
      }),
      code: 'secret-for-other-registry',
      mentions: ['hub holds https://index.docker.io/v1/', 'ghcr.io'],
    },
    {
      row: 'secret-for-other-registry: the port differs',
      facts: facts({
        image: 'localhost:5000/team/app:1.0',
        registry: 'localhost:5000',
        podSecrets: [secret('local', 'no-match', ['localhost:5001'])],
      }),
      code: 'secret-for-other-registry',
      mentions: ['local holds localhost:5001', 'port'],
    },
    {
      row: 'pod-predates-service-account: the service account now has a matching secret the pod lacks',
      facts: facts({ serviceAccountSecrets: [secret('regcred', 'matches')] }),
      code: 'pod-predates-service-account',
      secretName: 'regcred',
      mentions: ['default', 'regcred', 'Restart'],
    },
    {
      row: 'referenced-secret-missing: the pod names a pull secret that does not exist',
      facts: facts({ podSecrets: [secret('regcred', 'missing')] }),
      code: 'referenced-secret-missing',
      secretName: 'regcred',
      mentions: ['named regcred'],
    },
    {
      row: 'malformed-secret: an attached secret cannot be decoded',
      facts: facts({ podSecrets: [secret('regcred', 'malformed')] }),
      code: 'malformed-secret',
      secretName: 'regcred',
      mentions: ['cannot be decoded'],
    },
    {
      row: 'malformed-secret: an attached secret of the wrong type',
      facts: facts({ podSecrets: [secret('regcred', 'wrong-type')] }),
      code: 'malformed-secret',
      secretName: 'regcred',
      mentions: ['kubernetes.io/dockerconfigjson'],
    },
    {
      row: 'node-credentials: no secret and an ECR registry',
      facts: facts({
        image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app:1.0',
        registry: '123456789012.dkr.ecr.us-east-1.amazonaws.com',
      }),
      code: 'node-credentials',
      mentions: ["node's cloud identity"],
    },
    {
      row: 'tag-not-found',
      facts: facts({
        cause: 'not-found',
        image: 'nginx:1.99',
        message:
          'failed to pull and unpack image "docker.io/library/nginx:1.99": failed to resolve reference "docker.io/library/nginx:1.99": docker.io/library/nginx:1.99: not found',
      }),
      code: 'tag-not-found',
      mentions: ['"nginx:1.99"', 'docker.io/library/nginx:1.99: not found', 'tags'],
    },
    {
      row: 'registry-unreachable: DNS',
      facts: facts({
        cause: 'dns',
        registry: 'registry.internal.example',
        message: 'dial tcp: lookup registry.internal.example on 10.96.0.10:53: no such host',
      }),
      code: 'registry-unreachable',
      mentions: ['DNS', 'does not resolve', 'no such host'],
    },
    {
      row: 'rate-limited',
      facts: facts({
        cause: 'rate-limit',
        image: 'nginx',
        message:
          'toomanyrequests: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit',
      }),
      code: 'rate-limited',
      mentions: ['anonymous', 'Authenticate', 'mirror'],
    },
    {
      row: 'platform-mismatch',
      facts: facts({
        cause: 'platform',
        image: 'acme/app:1.0',
        message: 'failed to pull and unpack image "docker.io/acme/app:1.0": no match for platform in manifest: not found',
      }),
      code: 'platform-mismatch',
      mentions: ['platforms', 'kubernetes.io/arch'],
    },
    {
      row: 'invalid-reference',
      facts: facts({
        cause: 'invalid-name',
        image: 'Nginx',
        registry: '',
        message:
          'Failed to apply default image tag "Nginx": couldn\'t parse image name "Nginx": invalid reference format: repository name (library/Nginx) must be lowercase',
      }),
      code: 'invalid-reference',
      mentions: ['"Nginx"', 'repository name (library/Nginx) must be lowercase'],
    },
    {
      row: 'never-pull',
      facts: facts({
        cause: 'never-pull',
        image: 'app:dev',
        message: 'Container image "app:dev" is not present with pull policy of Never',
      }),
      code: 'never-pull',
      mentions: ['imagePullPolicy', 'IfNotPresent', 'preload'],
    },
    {
      row: 'unknown: the kubelet own words',
      facts: facts({
        cause: 'unknown',
        message: 'failed to pull and unpack image "docker.io/library/nginx:latest": failed to extract layer: no space left on device',
      }),
      code: 'unknown',
      mentions: ['no space left on device'],
    },
    {
      row: 'unknown: a signature rejection',
      facts: facts({
        cause: 'signature',
        image: 'quay.io/crio/unsigned:latest',
        registry: 'quay.io',
        message:
          'image pull failed for quay.io/crio/unsigned:latest because the signature validation failed: Source image rejected: A signature was required, but no signature exists',
      }),
      code: 'unknown',
      mentions: ['signature policy', 'A signature was required, but no signature exists'],
    },
  ];

  it.each(rows)('$row', ({ facts: input, code, secretName, mentions }) => {
    const verdict = decidePullVerdict(input);
    expect(verdict.code).toBe(code);
    expect(verdict.cause).toBe(input.cause);
    expect(verdict.secretName).toBe(secretName ?? null);
    expect(verdict.partial).toBe(false);
    const text = `${verdict.title} ${verdict.explanation} ${verdict.fix}`;
    for (const words of mentions ?? []) expect(text).toContain(words);
  });

  it('covers every verdict code', () => {
    expect(new Set(rows.map((r) => r.code))).toEqual(new Set(HOST_MATCH_VERDICT_CODES));
  });

  it.each([
    ['dns', 'DNS'],
    ['tls', 'TLS'],
    ['network', 'network'],
    ['registry-unavailable', 'registry error'],
  ] as const)('registry-unreachable says which: %s', (cause, kind) => {
    const verdict = decidePullVerdict(facts({ cause, registry: 'registry.example.com' }));
    expect(verdict.code).toBe('registry-unreachable');
    expect(verdict.title).toBe(`Registry unreachable (${kind})`);
  });

  it('gives k8s.gcr.io images the registry.k8s.io hint', () => {
    const unreachable = decidePullVerdict(
      facts({ cause: 'network', image: 'k8s.gcr.io/pause:3.2', registry: 'k8s.gcr.io', message: 'dial tcp 34.0.0.1:443: i/o timeout' }),
    );
    expect(unreachable.explanation).toContain('"registry.k8s.io/pause:3.2"');
    const missingTag = decidePullVerdict(facts({ cause: 'not-found', image: 'k8s.gcr.io/pause:3.10', registry: 'k8s.gcr.io' }));
    expect(missingTag.explanation).toContain('"registry.k8s.io/pause:3.10"');
    const elsewhere = decidePullVerdict(facts({ cause: 'network', image: 'registry.k8s.io/pause:3.10', registry: 'registry.k8s.io' }));
    expect(elsewhere.explanation).not.toContain('frozen');
  });

  it('says whose pulls are rate-limited', () => {
    const verdict = decidePullVerdict(facts({ cause: 'rate-limit', podSecrets: [secret('hub', 'matches')] }));
    expect(verdict.explanation).toContain('account');
    expect(verdict.explanation).not.toContain('anonymous');
  });

  it.each([
    ['123456789012.dkr.ecr.us-east-1.amazonaws.com', true],
    ['123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com', true],
    ['123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn', true],
    ['myregistry.azurecr.io', true],
    ['gcr.io', true],
    ['eu.gcr.io', true],
    ['europe-west1-docker.pkg.dev', true],
    ['us-docker.pkg.dev', true],
    ['public.ecr.aws', false],
    ['dkr.ecr.us-east-1.amazonaws.com.evil.example', false],
    ['azurecr.io.example.com', false],
    ['notgcr.io', false],
    ['docker.pkg.dev.example.com', false],
    ['quay.io', false],
    ['docker.io', false],
  ])('node credential providers serve %s: %s', (registry, served) => {
    const verdict = decidePullVerdict(facts({ registry, image: `${registry}/team/app:1.0` }));
    expect(verdict.code).toBe(served ? 'node-credentials' : 'missing-secret');
  });
});

describe('decidePullVerdict precedence when several facts hold', () => {
  const cases: { when: string; facts: PullFacts; code: VerdictCode; secretName: string | null }[] = [
    {
      when: 'a referenced secret that does not exist wins over a matching one in the namespace',
      facts: facts({ podSecrets: [secret('regcred', 'missing')], namespaceMatchingSecrets: ['other'] }),
      code: 'referenced-secret-missing',
      secretName: 'regcred',
    },
    {
      when: 'a malformed attached secret wins over a matching one: the kubelet never got that far',
      facts: facts({ podSecrets: [secret('good', 'matches'), secret('broken', 'malformed')] }),
      code: 'malformed-secret',
      secretName: 'broken',
    },
    {
      when: 'a matching attached secret wins over a missing one: the registry refused what was sent',
      facts: facts({ podSecrets: [secret('gone', 'missing'), secret('regcred', 'matches')] }),
      code: 'credentials-rejected',
      secretName: 'regcred',
    },
    {
      when: 'a missing referenced secret wins over one of the wrong type',
      facts: facts({ podSecrets: [secret('opaque', 'wrong-type'), secret('regcred', 'missing')] }),
      code: 'referenced-secret-missing',
      secretName: 'regcred',
    },
    {
      when: 'a wrong-type attached secret wins over the service account secret the pod lacks',
      facts: facts({ podSecrets: [secret('opaque', 'wrong-type')], serviceAccountSecrets: [secret('regcred', 'matches')] }),
      code: 'malformed-secret',
      secretName: 'opaque',
    },
    {
      when: 'a service account match wins over a namespace match: a restart brings it in',
      facts: facts({ serviceAccountSecrets: [secret('regcred', 'matches')], namespaceMatchingSecrets: ['other'] }),
      code: 'pod-predates-service-account',
      secretName: 'regcred',
    },
    {
      when: "the pod's secrets came from the account before it got the new one",
      facts: facts({
        podSecrets: [secret('old', 'no-match')],
        serviceAccountSecrets: [secret('old', 'no-match'), secret('regcred', 'matches')],
      }),
      code: 'pod-predates-service-account',
      secretName: 'regcred',
    },
    {
      when: 'the pod lists its own secrets, so admission never adds the account ones: attach it',
      facts: facts({ podSecrets: [secret('own', 'no-match')], serviceAccountSecrets: [secret('regcred', 'matches')] }),
      code: 'secret-not-attached',
      secretName: 'regcred',
    },
    {
      when: 'a namespace match wins over attached secrets for another registry',
      facts: facts({ podSecrets: [secret('ghcr', 'no-match')], namespaceMatchingSecrets: ['hub', 'hub2'] }),
      code: 'secret-not-attached',
      secretName: 'hub',
    },
    {
      when: 'an attached secret for another registry wins over node credentials',
      facts: facts({ registry: 'myregistry.azurecr.io', podSecrets: [secret('hub', 'no-match')] }),
      code: 'secret-for-other-registry',
      secretName: null,
    },
    {
      when: 'an unknown failure with a malformed attached secret: the keyring failed before the pull',
      facts: facts({ cause: 'unknown', message: "invalid character 'x' looking for beginning of value", podSecrets: [secret('broken', 'malformed')] }),
      code: 'malformed-secret',
      secretName: 'broken',
    },
    {
      when: 'an unknown failure with a wrong-type secret stays unknown: the kubelet skips such secrets',
      facts: facts({ cause: 'unknown', message: 'something else', podSecrets: [secret('opaque', 'wrong-type')] }),
      code: 'unknown',
      secretName: null,
    },
    {
      when: 'credentials do not matter when the tag does not exist',
      facts: facts({ cause: 'not-found', podSecrets: [secret('broken', 'malformed'), secret('gone', 'missing')] }),
      code: 'tag-not-found',
      secretName: null,
    },
  ];

  it.each(cases)('$when', ({ facts: input, code, secretName }) => {
    const verdict = decidePullVerdict(input);
    expect(verdict.code).toBe(code);
    expect(verdict.secretName).toBe(secretName);
  });
});

describe('decidePullVerdict for a viewer who may not read secrets', () => {
  const viewer = (overrides: Partial<PullFacts>) => facts({ secretsReadable: false, ...overrides });
  const cases: { when: string; facts: PullFacts; code: VerdictCode; secretName: string | null; partial: boolean }[] = [
    {
      when: 'attached secrets it cannot read: the registry refused what the pod carries',
      facts: viewer({ podSecrets: [secret('regcred', 'unreadable')] }),
      code: 'credentials-rejected',
      secretName: 'regcred',
      partial: true,
    },
    {
      when: 'the same secret on the pod and its service account',
      facts: viewer({ podSecrets: [secret('regcred', 'unreadable')], serviceAccountSecrets: [secret('regcred', 'unreadable')] }),
      code: 'credentials-rejected',
      secretName: 'regcred',
      partial: true,
    },
    {
      when: 'the service account lists a secret the pod lacks',
      facts: viewer({ serviceAccountSecrets: [secret('regcred', 'unreadable')] }),
      code: 'pod-predates-service-account',
      secretName: 'regcred',
      partial: true,
    },
    {
      when: 'nothing attached anywhere it can see',
      facts: viewer({}),
      code: 'missing-secret',
      secretName: null,
      partial: true,
    },
    {
      when: 'nothing attached and a cloud registry',
      facts: viewer({ registry: 'eu.gcr.io' }),
      code: 'node-credentials',
      secretName: null,
      partial: true,
    },
    {
      when: 'a failure that does not depend on credentials',
      facts: viewer({ cause: 'not-found', podSecrets: [secret('regcred', 'unreadable')] }),
      code: 'tag-not-found',
      secretName: null,
      partial: false,
    },
  ];

  it.each(cases)('$when', ({ facts: input, code, secretName, partial }) => {
    const verdict = decidePullVerdict(input);
    expect(verdict.code).toBe(code);
    expect(verdict.secretName).toBe(secretName);
    expect(verdict.partial).toBe(partial);
    if (partial) expect(`${verdict.explanation} ${verdict.fix}`).toMatch(/cannot read|could see|may read/);
  });

  it('does not claim the namespace has no matching secret when it could not look', () => {
    expect(decidePullVerdict(viewer({})).explanation).not.toContain('nor does any secret in the namespace');
    expect(decidePullVerdict(facts()).explanation).toContain('nor does any secret in the namespace');
  });
});

describe('decidePullVerdict properties', () => {
  const codesByCause: Record<PullFailureCause, readonly VerdictCode[]> = {
    unauthorized: [
      'missing-secret',
      'secret-not-attached',
      'credentials-rejected',
      'secret-for-other-registry',
      'pod-predates-service-account',
      'referenced-secret-missing',
      'malformed-secret',
      'node-credentials',
    ],
    'not-found': ['tag-not-found'],
    dns: ['registry-unreachable'],
    tls: ['registry-unreachable'],
    network: ['registry-unreachable'],
    'registry-unavailable': ['registry-unreachable'],
    'rate-limit': ['rate-limited'],
    platform: ['platform-mismatch'],
    'invalid-name': ['invalid-reference'],
    'never-pull': ['never-pull'],
    signature: ['unknown'],
    unknown: ['unknown', 'malformed-secret'],
  };
  const states: SecretState[] = ['matches', 'no-match', 'missing', 'malformed', 'wrong-type', 'unreadable'];
  const secretFact = fc.record({ name: fc.constantFrom('a', 'b', 'c', 'regcred'), state: fc.constantFrom(...states) });
  const anyFacts = fc.record({
    cause: fc.constantFrom(...PULL_FAILURE_CAUSES),
    image: fc.string(),
    registry: fc.constantFrom('docker.io', 'ghcr.io', 'gcr.io', 'k8s.gcr.io', 'myregistry.azurecr.io', 'localhost:5000', ''),
    message: fc.string(),
    serviceAccount: fc.constantFrom('default', 'builder'),
    podSecrets: fc.array(secretFact, { maxLength: 4 }),
    serviceAccountSecrets: fc.array(secretFact, { maxLength: 4 }),
    namespaceMatchingSecrets: fc.array(fc.constantFrom('x', 'y'), { maxLength: 2 }),
    secretsReadable: fc.boolean(),
  });

  it('maps every cause only to the verdicts of its table row, with text to show', () => {
    fc.assert(
      fc.property(anyFacts, (input) => {
        const verdict = decidePullVerdict(input);
        expect(codesByCause[input.cause]).toContain(verdict.code);
        expect(verdict.cause).toBe(input.cause);
        expect(verdict.title.length).toBeGreaterThan(0);
        expect(verdict.explanation.length).toBeGreaterThan(0);
        expect(verdict.fix.length).toBeGreaterThan(0);
        if (verdict.secretName !== null) {
          const known = [...input.podSecrets, ...input.serviceAccountSecrets].map((s) => s.name);
          expect([...known, ...input.namespaceMatchingSecrets]).toContain(verdict.secretName);
        }
      }),
    );
  });

  it('is partial only when something could not be read', () => {
    fc.assert(
      fc.property(anyFacts, (input) => {
        const unseen = !input.secretsReadable || [...input.podSecrets, ...input.serviceAccountSecrets].some((s) => s.state === 'unreadable');
        if (decidePullVerdict(input).partial) expect(unseen).toBe(true);
      }),
    );
  });

});
