import { describe, expect, it } from 'vitest';
import { decidePullVerdict, type PullFacts } from './pull-verdict';
import { debugNewestPodCommand, missingImageCaveat, verdictInContext } from './verdict-context';

const facts = (overrides: Partial<PullFacts> = {}): PullFacts => ({
  cause: 'unauthorized',
  image: 'registry.example.com:5000/team/debug-tools:1.0',
  registry: 'registry.example.com:5000',
  message: 'failed to pull and unpack image "registry.example.com:5000/team/debug-tools:1.0": failed to resolve reference "registry.example.com:5000/team/debug-tools:1.0": pull access denied, repository does not exist or may require authorization: authorization failed: no basic auth credentials',
  serviceAccount: 'default',
  podSecrets: [],
  serviceAccountSecrets: [],
  namespaceMatchingSecrets: [],
  secretsReadable: true,
  ...overrides,
});

describe('verdictInContext for an ephemeral container', () => {
  it.each([
    ['missing-secret', facts()],
    ['secret-not-attached', facts({ namespaceMatchingSecrets: ['team-creds'] })],
    ['secret-for-other-registry', facts({ podSecrets: [{ name: 'hub', state: 'no-match', servers: ['docker.io'] }] })],
    ['pod-predates-service-account', facts({ serviceAccountSecrets: [{ name: 'team-creds', state: 'matches' }] })],
  ])('%s: says the pod\'s secrets cannot change, and offers the fixes that work', (code, pullFacts) => {
    const regular = decidePullVerdict(pullFacts);
    expect(regular.code).toBe(code);
    const ephemeral = verdictInContext(regular, { containerType: 'ephemeral', registry: pullFacts.registry });
    expect(ephemeral.code).toBe(code);
    expect(ephemeral.explanation).toBe(
      `${regular.explanation} This is an ephemeral (debug) container: it can use only the pod's pull secrets, and a running pod's imagePullSecrets cannot be changed.`,
    );
    expect(ephemeral.fix).toMatch(/^On this pod, start a new debug container with an image its pull secrets can pull\. Or: /);
    expect(ephemeral.fix).toContain(regular.fix);
    expect(ephemeral.fix).toMatch(/debug one of the workload's new pods, which carry the secret\.$/);
    expect(verdictInContext(regular, { containerType: 'regular', registry: pullFacts.registry })).toBe(regular);
    expect(verdictInContext(regular, { containerType: 'init', registry: pullFacts.registry })).toBe(regular);
  });

  it('leaves fixes that work on a running pod alone (replace the secret, create the named secret, node identity)', () => {
    for (const pullFacts of [
      facts({ podSecrets: [{ name: 'team-creds', state: 'matches' }] }),
      facts({ podSecrets: [{ name: 'team-creds', state: 'missing' }] }),
      facts({ registry: '123456789012.dkr.ecr.us-east-1.amazonaws.com', image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1.0' }),
      facts({ cause: 'not-found' }),
    ]) {
      const regular = decidePullVerdict(pullFacts);
      expect(verdictInContext(regular, { containerType: 'ephemeral', registry: pullFacts.registry })).toBe(regular);
    }
  });
});

describe('verdictInContext on registries that hide missing images behind a refusal', () => {
  it('says the repository or tag may not exist, for every container type', () => {
    const quay = facts({ registry: 'quay.io', image: 'quay.io/acme/operator:v0.9', podSecrets: [{ name: 'quay-creds', state: 'matches' }] });
    const regular = decidePullVerdict(quay);
    const said = verdictInContext(regular, { containerType: 'regular', registry: 'quay.io' });
    expect(said.explanation).toBe(`${regular.explanation} Quay answers "unauthorized" for a repository or tag that does not exist, so the repository or tag may not exist.`);
    expect(said.fix).toBe(regular.fix);
  });

  it('adds nothing when the cause is not a refusal, or nothing was sent', () => {
    const notFound = decidePullVerdict(facts({ cause: 'not-found', registry: 'ghcr.io' }));
    expect(verdictInContext(notFound, { containerType: 'regular', registry: 'ghcr.io' })).toBe(notFound);
    const malformed = decidePullVerdict(facts({ registry: 'ghcr.io', podSecrets: [{ name: 'bad', state: 'malformed' }] }));
    expect(malformed.code).toBe('malformed-secret');
    expect(verdictInContext(malformed, { containerType: 'regular', registry: 'ghcr.io' })).toBe(malformed);
  });
});

describe('missingImageCaveat', () => {
  it.each([
    ['docker.io', 'Docker Hub'],
    ['ghcr.io', 'GitHub Container Registry'],
    ['acmeprod.azurecr.io', 'Azure Container Registry'],
    ['quay.io', 'Quay'],
    ['europe-west2-docker.pkg.dev', 'Artifact Registry'],
    ['gcr.io', 'Artifact Registry'],
    ['eu.gcr.io', 'Artifact Registry'],
  ])('%s hides missing images behind a denial', (registry, name) => {
    const caveat = missingImageCaveat(registry);
    expect(caveat).toContain(name);
    expect(caveat).toContain('the repository or tag may not exist');
  });

  it.each(['123456789012.dkr.ecr.us-east-1.amazonaws.com', 'harbor.acme.example', 'registry.example.com:5000', 'evilquay.io', 'ghcr.io.example.com'])(
    '%s says "not found" when it means it: no caveat',
    (registry) => {
      expect(missingImageCaveat(registry)).toBeNull();
    },
  );
});

describe('verdictInContext with the debugged pod known', () => {
  const pod = { namespace: 'debugging', name: 'checkout-7d9f-abcde', labels: { app: 'checkout', 'pod-template-hash': '7d9f' } };

  it('ends the fix with the kubectl debug command for the workload\'s newest pod', () => {
    const regular = decidePullVerdict(facts({ namespaceMatchingSecrets: ['team-creds'] }));
    const ephemeral = verdictInContext(regular, { containerType: 'ephemeral', registry: 'registry.example.com:5000', name: 'debugger', image: 'registry.example.com:5000/team/debug-tools:1.0', pod });
    expect(ephemeral.fix).toMatch(/debug one of the workload's new pods, which carry the secret\. To debug the newest: /);
    expect(ephemeral.fix.endsWith(
      `kubectl -n debugging debug "pod/$(kubectl -n debugging get pods -l app=checkout --sort-by=.metadata.creationTimestamp -o jsonpath='{.items[-1:].metadata.name}')" --image=registry.example.com:5000/team/debug-tools:1.0 -c debugger --attach=false`,
    )).toBe(true);
  });

  it('names a bare pod by its name, and quotes what the shell would split', () => {
    expect(debugNewestPodCommand({ namespace: 'ops', name: 'toolbox', labels: {} }, 'ghcr.io/acme/debug tools', 'dbg')).toBe(
      "kubectl -n ops debug pod/toolbox --image='ghcr.io/acme/debug tools' -c dbg --attach=false",
    );
  });
});

describe('verdictInContext for an image volume', () => {
  it('says the volume is pulled with the pod\'s pull secrets before the containers that mount it', () => {
    const regular = decidePullVerdict(facts());
    const volume = verdictInContext(regular, { containerType: 'image-volume', registry: 'registry.example.com:5000', name: 'models' });
    expect(volume.code).toBe('missing-secret');
    expect(volume.fix).toBe(regular.fix);
    expect(volume.explanation).toBe(
      `${regular.explanation} The image is mounted as image volume models: the kubelet pulls it with the pod's pull secrets, like a container image, before it starts the containers that mount it, and they wait with its error until it is pulled.`,
    );
  });
});
