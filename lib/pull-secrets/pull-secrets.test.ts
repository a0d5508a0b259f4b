import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import credentialMatch from '../../test/fixtures/credential-match.json';
import kubectlSecret from '../../test/fixtures/kubectl-secret.json';
import {
  decodePullSecret,
  dockerConfigJson,
  explainCredentialMatch,
  kubectlServerFor,
  kubeletLookupKey,
  lookupCredentials,
  matchCredentialEntries,
  matchCredentials,
  PullSecretError,
  type CredentialMatchRule,
  type PullSecretErrorCode,
} from '.';

const KEY = new TextEncoder().encode('test fingerprint key');
const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const dockerConfigJsonSecret = (json: string) => ({
  type: 'kubernetes.io/dockerconfigjson',
  data: { '.dockerconfigjson': base64(json) },
});
const dockercfgSecret = (json: string) => ({ type: 'kubernetes.io/dockercfg', data: { '.dockercfg': base64(json) } });
/** The fingerprint computed independently with node:crypto. */
const expectedFingerprint = (usernameColonPassword: string | Buffer) =>
  `fp:${createHmac('sha256', KEY).update(usernameColonPassword).digest('hex').slice(0, 12)}`;
const decode = (secret: Parameters<typeof decodePullSecret>[0]) => decodePullSecret(secret, { fingerprintKey: KEY });
const decodeError = (secret: Parameters<typeof decodePullSecret>[0]): PullSecretError => {
  try {
    decode(secret);
  } catch (error) {
    if (error instanceof PullSecretError) return error;
    throw error;
  }
  throw new Error('decodePullSecret did not throw');
};

/**
 * The kubelet's order is defined per index key; credentials under one index key from one config
 * map come in Go map order, which is unspecified. So: same index keys in the same order, and the
 * same config keys under each.
 */
function expectKubeletOrder(actual: string[], expected: string[], image: string) {
  const groups = (keys: string[]) =>
    keys.reduce<Array<{ indexKey: string | null; keys: string[] }>>((runs, key) => {
      const indexKey = explainCredentialMatch(key, image).indexKey;
      const last = runs.at(-1);
      if (last && last.indexKey === indexKey) last.keys.push(key);
      else runs.push({ indexKey, keys: [key] });
      return runs;
    }, []);
  const sorted = (keys: string[]) => [...keys].sort();
  expect(groups(actual).map((g) => ({ ...g, keys: sorted(g.keys) }))).toEqual(
    groups(expected).map((g) => ({ ...g, keys: sorted(g.keys) })),
  );
}

describe('credential lookup: upstream and derived vectors (test/fixtures/credential-match.json)', () => {
  // keyring_test.go hands its strings straight to BasicDockerKeyring.Lookup; the derived cases
  // start from the image the pod names, as makeLookupPullCredentialsFunc does.
  const upstream = credentialMatch.cases.filter((c) => c.source.startsWith('kubernetes/kubernetes'));
  const derived = credentialMatch.cases.filter((c) => c.source.startsWith('DERIVED'));

  it('has both kinds of case', () => {
    expect(upstream.length + derived.length).toBe(credentialMatch.cases.length);
    expect(upstream.length).toBeGreaterThan(20);
    expect(derived.length).toBeGreaterThan(10);
  });

  it.each(upstream)('Lookup($image) with $configKeys ($source)', ({ configKeys, image, expectMatch }) => {
    expectKubeletOrder(lookupCredentials(configKeys, image), expectMatch, image);
  });

  it.each(derived)('pod image $image with $configKeys ($description)', ({ configKeys, image, expectMatch }) => {
    expectKubeletOrder(matchCredentials(configKeys, image), expectMatch, image);
  });

  it('explains every key of a derived case as matching exactly when the kubelet uses it', () => {
    for (const { configKeys, image, expectMatch } of derived) {
      for (const key of configKeys) {
        expect(explainCredentialMatch(key, image).matches, `${key} for ${image}`).toBe(expectMatch.includes(key));
      }
    }
  });
});

describe('matchCredentials', () => {
  it('looks up the registry and repository of the parsed image, not the string as written', () => {
    expect(kubeletLookupKey('nginx:1.25')).toBe('docker.io/library/nginx');
    expect(kubeletLookupKey('index.docker.io/library/nginx@sha256:' + 'a'.repeat(64))).toBe('docker.io/library/nginx');
    expect(kubeletLookupKey('registry.example.com:5000/team/app:1.0')).toBe('registry.example.com:5000/team/app');
    // keyring_test.go looks "bar.example.com" up as a host, but as an image it is docker.io/library/bar.example.com.
    expect(lookupCredentials(['bar.example.com'], 'bar.example.com')).toEqual(['bar.example.com']);
    expect(matchCredentials(['bar.example.com'], 'bar.example.com')).toEqual([]);
  });

  it('uses a string that is not an image reference as it is', () => {
    expect(kubeletLookupKey('prefix.docker.io/path:1111/foo/bar')).toBe('prefix.docker.io/path:1111/foo/bar');
    expect(matchCredentials(['https://*.docker.io/v1/'], 'prefix.docker.io/path:1111/foo/bar')).toEqual([
      'https://*.docker.io/v1/',
    ]);
  });

  it('returns every config key that normalizes to a matching index key, in input order', () => {
    const keys = ['http://ghcr.io/v2/', 'ghcr.io', 'https://ghcr.io', 'https://ghcr.io/v1/'];
    expect(matchCredentials(keys, 'ghcr.io/org/app:1')).toEqual(keys);
    expect(matchCredentials(['quay.io', ...keys], 'ghcr.io/org/app')).toEqual(keys);
  });

  it('orders the entries of several secrets as one keyring, secret order within an index key', () => {
    const entries = [
      { secret: 'hub', server: 'https://index.docker.io/v1/' },
      { secret: 'team-a', server: 'registry.example.com' },
      { secret: 'wide', server: '*.example.com' },
      { secret: 'team-b', server: 'https://registry.example.com/v2/' },
      { secret: 'team-path', server: 'registry.example.com/team' },
    ];
    expect(matchCredentialEntries(entries, 'registry.example.com/team/app:1').map((e) => e.secret)).toEqual([
      'team-path',
      'team-a',
      'team-b',
      'wide',
    ]);
    expect(matchCredentialEntries(entries, 'nginx').map((e) => e.secret)).toEqual(['hub']);
  });

  it('orders matches by reverse byte order of their index keys, wildcards last', () => {
    expect(matchCredentials(['*.example.com', 'https://registry.example.com/v1/', 'registry.example.com/t'], 'registry.example.com/team/app')).toEqual([
      'registry.example.com/t',
      'https://registry.example.com/v1/',
      '*.example.com',
    ]);
  });

  it('falls back to index.docker.io only when no key matches', () => {
    expect(matchCredentials(['https://index.docker.io/v1/'], 'davidpuziol/nginx')).toEqual(['https://index.docker.io/v1/']);
    expect(matchCredentials(['https://index.docker.io/v1/', 'docker.io'], 'davidpuziol/nginx')).toEqual(['docker.io']);
    expect(matchCredentials(['https://index.docker.io/v1/'], 'ghcr.io/org/app')).toEqual([]);
    expect(matchCredentials(['*.docker.io'], 'nginx')).toEqual([]);
  });

  it('skips keys the kubelet cannot parse and keys whose glob is malformed', () => {
    expect(matchCredentials(['https://registry example.com', 'registry.example.com'], 'registry.example.com/a')).toEqual([
      'registry.example.com',
    ]);
    // Brackets are accepted only around a whole IPv6 literal, so a [...] class ends in an unparsable key.
    expect(matchCredentials(['r[a-z]g.example.com'], 'reg.example.com/a')).toEqual([]);
    // Split on dots, the IPv6 literal's first label is an unterminated [ class.
    expect(lookupCredentials(['[::ffff:1.2.3.4]'], 'a.b.c.d/x')).toEqual([]);
  });

  it('matches IPv6 registries only with equal ports', () => {
    expect(lookupCredentials(['[::1]:5000'], '[::1]:5000/team/app')).toEqual(['[::1]:5000']);
    // The index key keeps the unescaped zone "%eth0", which no longer parses when Lookup reads it back.
    expect(lookupCredentials(['[fe80::1%25eth0]:5000'], '[fe80::1%25eth0]:5000/app')).toEqual([]);
    expect(explainCredentialMatch('[fe80::1%25eth0]:5000', 'x')).toMatchObject({
      indexKey: '[fe80::1%eth0]:5000',
      rule: 'invalid-key',
      detail: expect.stringMatching(/never matches: the kubelet cannot parse it \(invalid URL escape "%et"\)/),
    });
    expect(lookupCredentials(['[::1]:5000'], '[::1]:5001/team/app')).toEqual([]);
  });

  it('matches glob labels case-sensitively with ? and * inside one label', () => {
    expect(matchCredentials(['*-good.kubernetes.io'], 'prefix-good.kubernetes.io/app')).toEqual(['*-good.kubernetes.io']);
    expect(matchCredentials(['k*.io'], 'quay.io/app')).toEqual([]);
    expect(lookupCredentials(['Registry.example.com'], 'registry.example.com/app')).toEqual([]);
  });
});

describe('explainCredentialMatch', () => {
  const cases: Array<[string, string, boolean, CredentialMatchRule, string | null, RegExp]> = [
    ['ghcr.io', 'ghcr.io/org/app:1', true, 'exact-host', 'ghcr.io', /same registry host ghcr\.io/],
    ['https://*.pkg.dev/v2/', 'us-docker.pkg.dev/proj/repo/img', true, 'glob', '*.pkg.dev', /indexed as \*\.pkg\.dev.*pattern \*\.pkg\.dev/],
    ['registry.example.com/team', 'registry.example.com/teamx/app', true, 'path-prefix', 'registry.example.com/team', /starts with \/team.*plain string prefix/],
    ['https://index.docker.io/v1/', 'nginx', true, 'docker-hub-fallback', 'index.docker.io', /Docker Hub image docker\.io\/library\/nginx through the Docker Hub fallback/],
    ['ghcr.io', 'registry.example.com:5000/team/app', false, 'port-mismatch', 'ghcr.io', /key ghcr\.io has no port, the image's registry registry\.example\.com:5000 has one \(5000\): ports must be equal/],
    ['registry.example.com:5000', 'registry.example.com/app', false, 'port-mismatch', 'registry.example.com:5000', /has port 5000, the image's registry registry\.example\.com has none/],
    ['*.docker.io', 'nginx', false, 'label-count-mismatch', '*.docker.io', /host \*\.docker\.io has 3 labels, the image's registry docker\.io has 2/],
    ['ghcr.io', 'quay.io/org/app', false, 'host-mismatch', 'ghcr.io', /registry quay\.io differs \(label quay does not match ghcr\)/],
    ['bar.example.com/pong', 'bar.example.com/ping', false, 'path-mismatch', 'bar.example.com/pong', /only to paths starting with \/pong; bar\.example\.com\/ping has path \/ping/],
    ['https://registry example.com', 'nginx', false, 'invalid-key', null, /ignores key.*invalid character " " in host name/],
    ['registry.example.com:https', 'nginx', false, 'invalid-key', null, /invalid port ":https" after host/],
    ['r[a-z]g.example.com', 'reg.example.com/a', false, 'invalid-key', null, /invalid IP-literal/],
    ['[::ffff:1.2.3.4]', 'a.b.c.d/x', false, 'invalid-key', '[::ffff:1.2.3.4]', /host label \[::ffff:1 is not a valid glob pattern/],
  ];

  it.each(cases)('%s for %s: matches=%s by %s', (key, image, matches, rule, indexKey, detail) => {
    const explanation = explainCredentialMatch(key, image);
    expect(explanation).toMatchObject({ matches, rule, indexKey });
    expect(explanation.detail).toMatch(detail);
  });

  it.each([
    ['[::1]', '[::1]'],
    ['[1:2:3:4:5:6:7:8]:5000', '[1:2:3:4:5:6:7:8]:5000'],
    ['[::ffff:1.2.3.4]', '[::ffff:1.2.3.4]'],
    ['[1:2:3:4:5:6:7::]', '[1:2:3:4:5:6:7::]'],
    ['[1.2.3.4]', null],
    ['[1:2]', null],
    ['[1:2:3:4:5:6:7:8::]', null],
    ['[1::2::3]', null],
    ['[12345::]', null],
    ['[::01.2.3.4]', null],
    ['[::1%25]', null],
    ['[::1]x', null],
  ])('accepts only IPv6 literals in brackets: %s', (key, indexKey) => {
    const explanation = explainCredentialMatch(key, 'x');
    expect(explanation.indexKey).toBe(indexKey);
    if (indexKey === null) expect(explanation.rule).toBe('invalid-key');
  });

  it('normalizes keys as BasicDockerKeyring.Add does (credential-rules.md section 2)', () => {
    const indexKeys: Array<[string, string]> = [
      ['https://index.docker.io/v1/', 'index.docker.io'],
      ['https://quay.io/v1/', 'quay.io'],
      ['https://*.docker.io/v2/', '*.docker.io'],
      ['http://registry.example.com/team', 'registry.example.com/team'],
      ['prefix.docker.io:1111', 'prefix.docker.io:1111'],
      ['https://*.docker.io/path:1111', '*.docker.io/path:1111'],
      ['https://user:pw@Registry.Example.com:443/v1/foo', 'Registry.Example.com:443/foo'],
      ['ghcr.io/org?x=1#frag', 'ghcr.io/org'],
      ['ghcr.io/%6Frg', 'ghcr.io/org'],
      // Only http:// and https:// count as schemes: this parses as host "ftp:" with path "//ghcr.io".
      ['ftp://ghcr.io', 'ftp://ghcr.io'],
    ];
    for (const [key, indexKey] of indexKeys) expect(explainCredentialMatch(key, 'x').indexKey, key).toBe(indexKey);
  });
});

describe('decodePullSecret', () => {
  it('decodes what kubectl writes (test/fixtures/kubectl-secret.json)', () => {
    for (const c of kubectlSecret.cases) {
      expect(decode(dockerConfigJsonSecret(c.dockerconfigjson)), c.source).toEqual({
        format: 'dockerconfigjson',
        entries: [
          {
            server: c.server,
            username: c.username,
            hasPassword: true,
            fingerprint: expectedFingerprint(`${c.username}:${c.password}`),
            email: c.email,
            indexKey: c.server === 'https://index.docker.io/v1/' ? 'index.docker.io' : c.server,
            ignoredReason: null,
          },
        ],
      });
    }
  });

  // DockerConfigEntry.UnmarshalJSON cases from credential-rules.md section 6 (config_test.go and
  // cloud-provider-gcp pkg/gcpcredential/config_test.go).
  const entryCases: Array<[string, string, { username: string | null; password: string | null; email: string | null }]> = [
    ['auth wins over username and password', '{"username":"foo","password":"bar","auth":"cGluZzpwb25n"}', { username: 'ping', password: 'pong', email: null }],
    ['an empty auth is ignored', '{"username":"foo","password":"bar","auth":""}', { username: 'foo', password: 'bar', email: null }],
    ['line breaks inside auth are skipped', '{"auth":"Zm9vOm\\nJhcg==\\n"}', { username: 'foo', password: 'bar', email: null }],
    ['carriage returns too', '{"auth":"Zm9v\\r\\nOmJhcg=="}', { username: 'foo', password: 'bar', email: null }],
    ['unpadded auth is accepted', '{"auth":"Zm9vOmJhcg"}', { username: 'foo', password: 'bar', email: null }],
    ['nothing is trimmed from the password', '{"auth":"Zm9vOmJhcgo="}', { username: 'foo', password: 'bar\n', email: null }],
    ['the password may hold colons', `{"auth":"${base64('foo:b:a:r')}"}`, { username: 'foo', password: 'b:a:r', email: null }],
    ['the email stays beside auth', '{"auth":"Zm9vOmJhcg==","email":"foo@example.com"}', { username: 'foo', password: 'bar', email: 'foo@example.com' }],
    ['field names match case-insensitively', '{"UserName":"foo","PASSWORD":"bar","Email":"e"}', { username: 'foo', password: 'bar', email: 'e' }],
    ['null fields are skipped', '{"username":"foo","password":null,"email":null}', { username: 'foo', password: null, email: null }],
    ['a null entry is empty', 'null', { username: null, password: null, email: null }],
    ['an empty password is no password', `{"auth":"${base64('foo:')}"}`, { username: 'foo', password: null, email: null }],
  ];

  it.each(entryCases)('%s', (_name, entry, expected) => {
    for (const secret of [dockerConfigJsonSecret(`{"auths":{"r.example.com":${entry}}}`), dockercfgSecret(`{"r.example.com":${entry}}`)]) {
      const [credential] = decode(secret).entries;
      expect(credential).toMatchObject({
        server: 'r.example.com',
        username: expected.username,
        hasPassword: expected.password !== null,
        fingerprint: expected.password === null ? null : expectedFingerprint(`${expected.username ?? ''}:${expected.password}`),
        email: expected.email,
      });
    }
  });

  it('reads the dockercfg format and reports its format', () => {
    const decoded = decode(dockercfgSecret('{"https://index.docker.io/v1/":{"auth":"Zm9vOmJhcg=="},"quay.io":{"username":"q"}}'));
    expect(decoded.format).toBe('dockercfg');
    expect(decoded.entries.map((e) => [e.server, e.indexKey, e.username, e.hasPassword])).toEqual([
      ['https://index.docker.io/v1/', 'index.docker.io', 'foo', true],
      ['quay.io', 'quay.io', 'q', false],
    ]);
  });

  it('keeps entries the kubelet ignores, saying why', () => {
    const [ignored, used] = decode(
      dockerConfigJsonSecret('{"auths":{"https://registry example.com":{"auth":"Zm9vOmJhcg=="},"ghcr.io":{}}}'),
    ).entries;
    expect(ignored).toMatchObject({ indexKey: null, username: 'foo' });
    expect(ignored?.ignoredReason).toMatch(/kubelet ignores this entry: "https:\/\/registry example.com" is not a URL \(invalid character " " in host name\)/);
    expect(used).toMatchObject({ server: 'ghcr.io', indexKey: 'ghcr.io', ignoredReason: null, username: null, hasPassword: false });
  });

  it('reads JSON as Go does: null documents, "Auths" in any case, HttpHeaders beside auths', () => {
    expect(decode(dockerConfigJsonSecret('null')).entries).toEqual([]);
    expect(decode(dockerConfigJsonSecret('{}')).entries).toEqual([]);
    expect(decode(dockercfgSecret('null')).entries).toEqual([]);
    const merged = decode(dockerConfigJsonSecret('{"AUTHS":{"a.io":{}},"HttpHeaders":{"User-Agent":"x"},"Auths":{"b.io":{}}}'));
    expect(merged.entries.map((e) => e.server)).toEqual(['a.io', 'b.io']);
    expect(decode(dockerConfigJsonSecret('{"auths":{"a.io":{}},"auths\u017f":{},"Auths":null}')).entries).toEqual([]);
    expect(decode(dockerConfigJsonSecret('{"\u212aey":1,"auth\u017f":{"a.io":{}}}')).entries.map((e) => e.server)).toEqual(['a.io']);
  });

  it('gives the same fingerprint to the same credentials written as auth or as username and password', () => {
    const entries = decode(
      dockerConfigJsonSecret(`{"auths":{"a.io":{"auth":"${base64('sam:pässword')}"},"b.io":{"username":"sam","password":"pässword"},"c.io":{"username":"sam","password":"other"}}}`),
    ).entries;
    const [a, b, c] = entries.map((e) => e.fingerprint);
    expect(a).toBe(b);
    expect(a).toBe(expectedFingerprint('sam:pässword'));
    expect(c).not.toBe(a);
  });

  it('fingerprints the raw bytes of auth, even when they are not UTF-8', () => {
    const raw = Buffer.from([0x75, 0x3a, 0xff, 0xfe]);
    const [entry] = decode(dockerConfigJsonSecret(`{"auths":{"a.io":{"auth":"${raw.toString('base64')}"}}}`)).entries;
    expect(entry?.fingerprint).toBe(expectedFingerprint(raw));
  });

  const errorCases: Array<[PullSecretErrorCode, string, Parameters<typeof decodePullSecret>[0], RegExp]> = [
    ['wrong-type', 'an Opaque secret holding a docker config', { type: 'Opaque', data: { '.dockerconfigjson': base64('{}') } }, /type is "Opaque".*recreate it with type kubernetes\.io\/dockerconfigjson/],
    ['wrong-type', 'a secret without a type', { data: {} }, /type is not set.*kubectl create secret docker-registry/],
    ['wrong-type', 'a service-account token', { type: 'kubernetes.io/service-account-token', data: { '.dockercfg': 'e30=' } }, /recreate it with type kubernetes\.io\/dockercfg/],
    ['missing-key', 'a dockerconfigjson secret holding .dockercfg', { type: 'kubernetes.io/dockerconfigjson', data: { '.dockercfg': 'e30=' } }, /no data\["\.dockerconfigjson"\] \(it has \.dockercfg\).*belongs to type kubernetes\.io\/dockercfg/],
    ['missing-key', 'a dockercfg secret holding .dockerconfigjson', { type: 'kubernetes.io/dockercfg', data: { '.dockerconfigjson': 'e30=' } }, /no data\["\.dockercfg"\].*belongs to type kubernetes\.io\/dockerconfigjson/],
    ['missing-key', 'a secret without data', { type: 'kubernetes.io/dockerconfigjson' }, /it has no data/],
    ['missing-key', 'an empty value', { type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': '' } }, /data\["\.dockerconfigjson"\] is empty/],
    ['bad-base64', 'plain JSON instead of base64', { type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': '{"auths":{}}' } }, /not valid base64.*stringData/],
    ['bad-base64', 'unpadded data', { type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': 'e30' } }, /not valid base64/],
    ['bad-json', 'truncated JSON', dockerConfigJsonSecret('{"auths":{"a.io":{"password":"hunter2"'), /does not hold valid JSON/],
    ['bad-json', 'JSON after a byte-order mark', dockerConfigJsonSecret('\ufeff{"auths":{}}'), /does not hold valid JSON/],
    ['bad-json', 'an array', dockerConfigJsonSecret('[]'), /must be a JSON object with an "auths" map, found an array/],
    ['bad-json', 'auths as a string', dockerConfigJsonSecret('{"auths":"a.io"}'), /\.auths must be an object of registries, found a string/],
    ['bad-json', 'a number in HttpHeaders', dockerConfigJsonSecret('{"auths":{},"HttpHeaders":{"X":1}}'), /\.HttpHeaders must be an object of header strings/],
    ['bad-json', 'an entry that is not an object', dockercfgSecret('{"a.io":"hunter2"}'), /\["a\.io"\] must be an object with username and password \(or auth\), found a string/],
    ['bad-json', 'an email that is not a string (config_test.go)', dockercfgSecret('{"a.io":{"email":false}}'), /\["a\.io"\]\.email must be a string, found a boolean/],
    ['bad-auth', 'an auth that is not base64 (config_test.go "pants")', dockerConfigJsonSecret('{"auths":{"a.io":{"auth":"pants","email":"foo@example.com"}}}'), /auths\["a\.io"\]\.auth is not valid base64/],
    ['bad-auth', 'whitespace other than line breaks', dockerConfigJsonSecret('{"auths":{"a.io":{"auth":"Zm9vOmJhcg== "}}}'), /\.auth is not valid base64/],
    ['bad-auth', 'an auth without a colon', dockerConfigJsonSecret(`{"auths":{"a.io":{"auth":"${base64('foobar')}"}}}`), /\.auth decodes to a value without ":"/],
  ];

  it.each(errorCases)('throws %s for %s', (code, _name, secret, message) => {
    const error = decodeError(secret);
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    for (const secretText of ['hunter2', 'pants', 'Zm9vOmJhcg', 'foobar', 'Zm9vYmFy']) expect(error.message).not.toContain(secretText);
  });

  it('reports an entry error before a type error found earlier outside the entries, as Go does', () => {
    const error = decodeError(dockerConfigJsonSecret('{"HttpHeaders":7,"auths":{"a.io":{"auth":"x"}}}'));
    expect(error.code).toBe('bad-auth');
    expect(decodeError(dockerConfigJsonSecret('{"HttpHeaders":7,"auths":{"a.io":{}}}')).code).toBe('bad-json');
  });

  it('never throws anything but PullSecretError, and never echoes a password', () => {
    const password = fc.constantFrom('s3cr3t-pw', 'hunter2-pw');
    const entry = fc.record(
      {
        username: fc.oneof(fc.string(), fc.jsonValue()),
        password: fc.oneof(password, fc.jsonValue()),
        auth: fc.oneof(password.map((p) => base64(`user:${p}`)), password.map((p) => base64(`user${p}`)), fc.string(), fc.jsonValue()),
        email: fc.oneof(fc.string(), fc.jsonValue()),
      },
      { requiredKeys: [] },
    );
    const entries = fc.dictionary(fc.oneof(fc.string(), fc.constantFrom('ghcr.io', 'https://index.docker.io/v1/', '[::1]:5000', 'a b')), fc.oneof(entry, fc.jsonValue()));
    const document = fc.oneof(
      fc.record({ auths: fc.oneof(entries, fc.jsonValue()), HttpHeaders: fc.jsonValue() }, { requiredKeys: [] }),
      entries,
      fc.jsonValue(),
    );
    const value = fc.oneof(
      document.map((d) => base64(JSON.stringify(d) ?? '')),
      document.map((d) => JSON.stringify(d) ?? ''),
      fc.base64String(),
      fc.string(),
      fc.constant(''),
    );
    const dataKey = fc.oneof(fc.constantFrom('.dockerconfigjson', '.dockercfg'), fc.string());
    const type = fc.option(fc.oneof(fc.constantFrom('kubernetes.io/dockerconfigjson', 'kubernetes.io/dockercfg', 'Opaque'), fc.string()), { nil: undefined });
    fc.assert(
      fc.property(type, fc.option(fc.dictionary(dataKey, value), { nil: undefined }), (secretType, data) => {
        try {
          const decoded = decode({ type: secretType, data });
          expect(JSON.stringify(decoded)).not.toMatch(/s3cr3t-pw|hunter2-pw/);
        } catch (error) {
          expect(error).toBeInstanceOf(PullSecretError);
          expect((error as Error).message).not.toMatch(/s3cr3t-pw|hunter2-pw/);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('survives arbitrary base64 and auth strings with line breaks anywhere', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.array(fc.nat(), { maxLength: 4 }), (username, password, breaks) => {
        fc.pre(!username.includes(':') && password !== '' && isWellFormed(username + password));
        const padded = base64(`${username}:${password}`);
        for (let written of [padded, padded.replace(/=+$/, '')]) {
          for (const at of breaks) written = `${written.slice(0, at % (written.length + 1))}\r\n${written.slice(at % (written.length + 1))}`;
          const [entry] = decode(dockerConfigJsonSecret(JSON.stringify({ auths: { 'a.io': { auth: written } } }))).entries;
          expect(entry).toMatchObject({ username: username === '' ? null : username, hasPassword: true });
          expect(entry?.fingerprint).toBe(expectedFingerprint(`${username}:${password}`));
        }
      }),
    );
  });
});

describe('dockerConfigJson', () => {
  it.each(kubectlSecret.cases)('writes what kubectl writes: $source', (c) => {
    expect(dockerConfigJson(c)).toBe(c.dockerconfigjson);
  });

  it('writes entry fields in MarshalJSON order (config_test.go)', () => {
    expect(dockerConfigJson({ server: 's', username: 'foo', password: 'bar', email: 'foo@example.com' })).toBe(
      '{"auths":{"s":{"username":"foo","password":"bar","email":"foo@example.com","auth":"Zm9vOmJhcg=="}}}',
    );
  });

  it('omits empty fields but always writes auth', () => {
    expect(dockerConfigJson({ server: '', username: '', password: '', email: '' })).toBe('{"auths":{"":{"auth":"Og=="}}}');
  });

  it("escapes as Go's json.Marshal does", () => {
    const written = dockerConfigJson({
      server: 'r.io/<team>&co',
      username: 'quote"back\\slash',
      password: 'tab\tnl\nbs\bff\fcr\rnul\u0000us\u001fdel\u007f\u2028\u2029é😀',
    });
    expect(written).toBe(
      '{"auths":{"r.io/\\u003cteam\\u003e\\u0026co":{"username":"quote\\"back\\\\slash",' +
        '"password":"tab\\tnl\\nbs\\bff\\fcr\\rnul\\u0000us\\u001fdel\u007f\\u2028\\u2029é😀",' +
        `"auth":"${base64('quote"back\\slash:tab\tnl\nbs\bff\fcr\rnul\u0000us\u001fdel\u007f\u2028\u2029é😀')}"}}}`,
    );
  });

  it('writes a lone surrogate as the replacement character, as Go writes invalid UTF-8', () => {
    expect(dockerConfigJson({ server: 'a\ud800', username: 'u', password: 'p' })).toContain('"a\\ufffd"');
  });

  it('round-trips through decodePullSecret and JSON.parse', () => {
    const text = fc.string({ unit: 'binary' }).filter(isWellFormed);
    fc.assert(
      fc.property(text, text.filter((u) => !u.includes(':')), text.filter((p) => p !== ''), fc.option(text, { nil: undefined }), (server, username, password, email) => {
        const json = dockerConfigJson({ server, username, password, email });
        expect(JSON.parse(json)).toEqual({
          auths: {
            [server]: {
              ...(username === '' ? {} : { username }),
              password,
              ...(email ? { email } : {}),
              auth: base64(`${username}:${password}`),
            },
          },
        });
        const [entry] = decode(dockerConfigJsonSecret(json)).entries;
        expect(entry).toMatchObject({ server, username: username === '' ? null : username, hasPassword: true });
        expect(entry?.fingerprint).toBe(expectedFingerprint(`${username}:${password}`));
      }),
    );
  });
});

describe('fingerprints in decoded secrets', () => {
  it('are equal for equal credentials under one key and differ under another key', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.string({ minLength: 1 }),
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        (username, password, key1, key2) => {
          fc.pre(Buffer.compare(Buffer.from(key1), Buffer.from(key2)) !== 0);
          const secret = dockerConfigJsonSecret(dockerConfigJson({ server: 'a.io', username, password }));
          const fingerprint = (key: Uint8Array) => decodePullSecret(secret, { fingerprintKey: key }).entries[0]?.fingerprint;
          expect(fingerprint(key1)).toBe(fingerprint(Uint8Array.from(key1)));
          expect(fingerprint(key1)).not.toBe(fingerprint(key2));
        },
      ),
    );
  });

  it('use the per-process key when none is given', () => {
    const secret = dockerConfigJsonSecret(dockerConfigJson({ server: 'a.io', username: 'u', password: 'p' }));
    const first = decodePullSecret(secret).entries[0]?.fingerprint;
    expect(first).toMatch(/^fp:[0-9a-f]{12}$/);
    expect(decodePullSecret(secret).entries[0]?.fingerprint).toBe(first);
    expect(first).not.toBe(decode(secret).entries[0]?.fingerprint);
  });
});

describe('kubectlServerFor', () => {
  it.each([
    ['docker.io', 'https://index.docker.io/v1/'],
    ['index.docker.io', 'https://index.docker.io/v1/'],
    ['ghcr.io', 'ghcr.io'],
    ['registry.example.com:5000', 'registry.example.com:5000'],
  ])('%s -> %s', (registry, server) => {
    expect(kubectlServerFor(registry)).toBe(server);
  });

  it('gives a server whose secret matches images of that registry', () => {
    for (const image of ['nginx', 'davidpuziol/nginx:1.2', 'ghcr.io/org/app', 'registry.example.com:5000/team/app:1.0']) {
      const [registry = ''] = kubeletLookupKey(image).split('/');
      const server = kubectlServerFor(registry);
      expect(matchCredentials([server], image), image).toEqual([server]);
    }
  });
});

function isWellFormed(text: string): boolean {
  return new TextDecoder().decode(new TextEncoder().encode(text)) === text;
}
