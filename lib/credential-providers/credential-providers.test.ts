import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BUILT_IN_PROVIDERS, CredentialProviderConfigError, findProvider, parseCredentialProviderConfig, parseGoDuration, qualifiedNameProblem, type CredentialProviders } from '.';

// The shape of the kubelet's own example (staging/src/k8s.io/kubelet/config/v1/types.go, KEP-4412's config).
const CONFIG = `
apiVersion: kubelet.config.k8s.io/v1
kind: CredentialProviderConfig
providers:
  - name: ecr-credential-provider
    matchImages: ["*.dkr.ecr.*.amazonaws.com", "*.dkr.ecr.*.amazonaws.com.cn"]
    defaultCacheDuration: "12h"
    apiVersion: credentialprovider.kubelet.k8s.io/v1
    args: [get-credentials]
    env: [{ name: AWS_PROFILE, value: nodes }]
  - name: gcp-workload-identity
    matchImages: ["*-docker.pkg.dev/acme"]
    defaultCacheDuration: "10m"
    apiVersion: credentialprovider.kubelet.k8s.io/v1
    tokenAttributes:
      serviceAccountTokenAudience: https://iam.googleapis.com
      requireServiceAccount: true
      requiredServiceAccountAnnotationKeys: [iam.gke.io/gcp-service-account]
      optionalServiceAccountAnnotationKeys: [example.com/project]
      cacheType: ServiceAccount
`;

function problemsOf(text: string): string[] {
  try {
    parseCredentialProviderConfig(text, 'test.yaml');
  } catch (error) {
    if (error instanceof CredentialProviderConfigError) return error.problems;
    throw error;
  }
  return [];
}

function withProvider(fields: string): string {
  return `apiVersion: kubelet.config.k8s.io/v1\nkind: CredentialProviderConfig\nproviders:\n  - name: p\n    matchImages: ["r.example.com"]\n    defaultCacheDuration: "1h"\n    apiVersion: credentialprovider.kubelet.k8s.io/v1\n${fields}`;
}

describe('parseCredentialProviderConfig', () => {
  it('reads the kubelet file: providers, globs, durations and token attributes', () => {
    const config = parseCredentialProviderConfig(CONFIG);
    expect(config.providers.map((provider) => [provider.name, provider.defaultCacheDurationMs, provider.tokenAttributes?.requiredServiceAccountAnnotationKeys ?? null])).toEqual([
      ['ecr-credential-provider', 12 * 3_600_000, null],
      ['gcp-workload-identity', 600_000, ['iam.gke.io/gcp-service-account']],
    ]);
  });

  it('reads JSON as the kubelet does', () => {
    const json = JSON.stringify({ apiVersion: 'kubelet.config.k8s.io/v1', kind: 'CredentialProviderConfig', providers: [{ name: 'p', matchImages: ['a.io'], defaultCacheDuration: '0s', apiVersion: 'credentialprovider.kubelet.k8s.io/v1beta1' }] });
    expect(parseCredentialProviderConfig(json).providers[0]?.defaultCacheDurationMs).toBe(0);
  });

  it.each([
    ['a wrong kind', 'apiVersion: kubelet.config.k8s.io/v1\nkind: KubeletConfiguration\nproviders: []', 'kind: must be CredentialProviderConfig'],
    ['no providers', 'apiVersion: kubelet.config.k8s.io/v1\nkind: CredentialProviderConfig\nproviders: []', 'at least 1 item in plugins is required'],
    ['a name with a slash', withProvider('').replace('name: p', 'name: a/b'), "provider name cannot contain '/'"],
    ['the name ..', withProvider('').replace('name: p', 'name: ".."'), "provider name cannot be '..'"],
    ['an unknown plugin API', withProvider('').replace('credentialprovider.kubelet.k8s.io/v1', 'credentialprovider.kubelet.k8s.io/v2'), 'providers.apiVersion: Unsupported value'],
    ['no matchImages', withProvider('').replace('matchImages: ["r.example.com"]', 'matchImages: []'), 'at least 1 item in matchImages is required'],
    ['an unparsable matchImage', withProvider('').replace('r.example.com', 'r.example.com:port'), 'match image is invalid'],
    ['no cache duration', withProvider('').replace('    defaultCacheDuration: "1h"\n', ''), 'providers.defaultCacheDuration: Required value'],
    ['a negative cache duration', withProvider('').replace('"1h"', '"-1m"'), 'must be greater than or equal to 0'],
    ['a typo in a field', withProvider('    matchImage: ["x"]\n'), 'unknown field "matchImage"'],
    [
      'required annotations without requireServiceAccount',
      withProvider('    tokenAttributes: { serviceAccountTokenAudience: a, requireServiceAccount: false, requiredServiceAccountAnnotationKeys: [a.io/b], cacheType: Token }\n'),
      'requireServiceAccount cannot be false when requiredServiceAccountAnnotationKeys is set',
    ],
    ['token attributes without a cache type', withProvider('    tokenAttributes: { serviceAccountTokenAudience: a, requireServiceAccount: true }\n'), 'cacheType is required'],
    ['a key both required and optional', withProvider('    tokenAttributes: { serviceAccountTokenAudience: a, requireServiceAccount: true, requiredServiceAccountAnnotationKeys: [a.io/b], optionalServiceAccountAnnotationKeys: [a.io/b], cacheType: Token }\n'), 'cannot be both required and optional'],
    ['an annotation key that is no qualified name', withProvider('    tokenAttributes: { serviceAccountTokenAudience: a, requireServiceAccount: true, requiredServiceAccountAnnotationKeys: ["a b"], cacheType: Token }\n'), 'Invalid value: "a b"'],
    ['token attributes on an old plugin API', withProvider('    tokenAttributes: { serviceAccountTokenAudience: a, requireServiceAccount: true, cacheType: Token }\n').replace('kubelet.k8s.io/v1\n    tokenAttributes', 'kubelet.k8s.io/v1beta1\n    tokenAttributes'), 'tokenAttributes is only supported for credentialprovider.kubelet.k8s.io/v1'],
  ])('refuses %s, saying why', (_what, text, why) => {
    expect(problemsOf(text).join('\n')).toContain(why);
  });

  it('names the file and every problem in its message', () => {
    expect(() => parseCredentialProviderConfig('kind: x', 'nodes.yaml')).toThrow(/nodes\.yaml is invalid: .*kind: must be CredentialProviderConfig.*apiVersion/);
  });

  it('never throws anything but its own error, whatever the text', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        try {
          parseCredentialProviderConfig(text);
        } catch (error) {
          expect(error).toBeInstanceOf(CredentialProviderConfigError);
        }
      }),
    );
  });
});

describe('parseGoDuration', () => {
  it.each([
    ['12h', 43_200_000],
    ['1m30s', 90_000],
    ['1.5h', 5_400_000],
    ['0', 0],
    ['-1s', -1000],
    ['300ms', 300],
  ])('%s is %d ms', (text, ms) => expect(parseGoDuration(text)).toBe(ms));

  it.each(['', '12', 'h', '1d', '1h 2m'])('refuses %j', (text) => expect(parseGoDuration(text)).toBeNull());

  it('reads back what it would write for any whole number of seconds, minutes and hours', () => {
    fc.assert(
      fc.property(fc.nat(1000), fc.nat(59), fc.nat(59), (h, m, s) => {
        expect(parseGoDuration(`${h}h${m}m${s}s`)).toBe(((h * 60 + m) * 60 + s) * 1000);
      }),
    );
  });
});

describe('qualifiedNameProblem', () => {
  it.each(['eks.amazonaws.com/role-arn', 'iam.gke.io/gcp-service-account', 'azure.workload.identity/client-id', 'plain'])('accepts %s', (key) => expect(qualifiedNameProblem(key)).toBeNull());
  it.each(['', '/x', 'a/', 'a/b/c', 'Bad_Prefix/x', `x/${'n'.repeat(64)}`, 'a b', '-x'])('refuses %j', (key) => expect(qualifiedNameProblem(key)).not.toBeNull());
});

describe('findProvider', () => {
  const config: CredentialProviders = { source: 'config', providers: parseCredentialProviderConfig(CONFIG).providers };

  it.each([
    ['123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1.0', 'ecr-credential-provider', '*.dkr.ecr.*.amazonaws.com'],
    ['123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/app', 'ecr-credential-provider', '*.dkr.ecr.*.amazonaws.com.cn'],
    ['europe-docker.pkg.dev/acme/images/ledger:2', 'gcp-workload-identity', '*-docker.pkg.dev/acme'],
  ])('%s is served by %s (%s)', (image, provider, matchImage) => {
    expect(findProvider(config, image, { annotationKeys: [] })).toMatchObject({ provider, matchImage, source: 'config' });
  });

  it.each([
    'europe-docker.pkg.dev/other/ledger:2', // another path prefix
    'dkr.ecr.us-east-1.amazonaws.com/app', // one label fewer
    '123456789012.dkr.ecr.us-east-1.amazonaws.com:5000/app', // a port the pattern does not have
    'nginx',
  ])('%s is served by none', (image) => expect(findProvider(config, image, { annotationKeys: [] })).toBeNull());

  it('says which required annotations the service account lacks, and nothing when it cannot be read', () => {
    const image = 'europe-docker.pkg.dev/acme/images/ledger:2';
    expect(findProvider(config, image, { annotationKeys: ['example.com/project'] })).toMatchObject({ tokenMode: true, missingAnnotations: ['iam.gke.io/gcp-service-account'], serviceAccountKnown: true });
    expect(findProvider(config, image, { annotationKeys: ['iam.gke.io/gcp-service-account'] })?.missingAnnotations).toEqual([]);
    expect(findProvider(config, image, null)).toMatchObject({ missingAnnotations: [], serviceAccountKnown: false });
  });

  it('assumes the cloud providers without a configuration', () => {
    expect(findProvider(BUILT_IN_PROVIDERS, 'myregistry.azurecr.io/app:1', null)).toMatchObject({ provider: 'acr-credential-provider', source: 'built-in', tokenMode: false });
    expect(findProvider(BUILT_IN_PROVIDERS, 'ghcr.io/acme/app:1', null)).toBeNull();
  });

  it('matches an image under a pattern exactly when the keyring would match a secret under the same key', async () => {
    const { matchCredentials } = await import('../pull-secrets');
    const label = fc.stringMatching(/^[a-z0-9]{1,6}$/);
    const host = fc.array(label, { minLength: 1, maxLength: 4 }).map((labels) => labels.join('.'));
    const pattern = fc.tuple(host, fc.boolean()).map(([name, wild]) => (wild ? name.replace(/^[^.]+/, '*') : name));
    fc.assert(
      fc.property(pattern, host, fc.stringMatching(/^[a-z0-9]{1,6}$/), (matchImage, registry, repository) => {
        const image = `${registry}.io/${repository}`;
        const providers: CredentialProviders = { source: 'config', providers: [{ name: 'p', matchImages: [`${matchImage}.io`], defaultCacheDurationMs: 0, apiVersion: 'credentialprovider.kubelet.k8s.io/v1', tokenAttributes: null }] };
        expect(findProvider(providers, image, null) !== null).toBe(matchCredentials([`${matchImage}.io`], image).length > 0);
      }),
    );
  });
});
