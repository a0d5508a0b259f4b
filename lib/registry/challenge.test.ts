import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findChallenge, parseChallenges, type AuthChallenge } from './challenge';

const challenge = (scheme: string, params: Record<string, string> = {}, token68: string | null = null) => ({ scheme, params, token68 });

describe('parseChallenges on headers registries and the RFCs send', () => {
  it.each([
    {
      source: 'Docker Hub, GET /v2/ on registry-1.docker.io',
      header: 'Bearer realm="https://auth.docker.io/token",service="registry.docker.io"',
      expected: [challenge('bearer', { realm: 'https://auth.docker.io/token', service: 'registry.docker.io' })],
    },
    {
      source: 'Docker Hub, manifest without a token',
      header: 'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull",error="insufficient_scope"',
      expected: [
        challenge('bearer', {
          realm: 'https://auth.docker.io/token',
          service: 'registry.docker.io',
          scope: 'repository:library/nginx:pull',
          error: 'insufficient_scope',
        }),
      ],
    },
    {
      source: 'distribution docs/spec/auth/token.md: a scope with several actions (comma inside quotes)',
      header: 'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:samalba/my-app:pull,push"',
      expected: [
        challenge('bearer', { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:samalba/my-app:pull,push' }),
      ],
    },
    {
      source: 'Distribution 2.8 with htpasswd auth (this project’s test registry)',
      header: 'Basic realm="pullfix-test"',
      expected: [challenge('basic', { realm: 'pullfix-test' })],
    },
    {
      source: 'Amazon ECR',
      header: 'Basic realm="https://123456789012.dkr.ecr.us-east-1.amazonaws.com/",service="ecr.amazonaws.com"',
      expected: [challenge('basic', { realm: 'https://123456789012.dkr.ecr.us-east-1.amazonaws.com/', service: 'ecr.amazonaws.com' })],
    },
    {
      source: 'RFC 7235 §4.1 example: two challenges, escaped quotes, a bare token value',
      header: 'Newauth realm="apps", type=1, title="Login to \\"apps\\"", Basic realm="simple"',
      expected: [challenge('newauth', { realm: 'apps', type: '1', title: 'Login to "apps"' }), challenge('basic', { realm: 'simple' })],
    },
    {
      source: 'RFC 7616 §3.9.1 example: commas inside a quoted value',
      header:
        'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"',
      expected: [
        challenge('digest', {
          realm: 'http-auth@example.org',
          qop: 'auth, auth-int',
          algorithm: 'SHA-256',
          nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
          opaque: 'FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS',
        }),
      ],
    },
    {
      source: 'RFC 4559 Negotiate with a token68, after a Basic challenge',
      header: 'Basic realm="corp", Negotiate YIIGhgYGKwYBBQUCoIIGejCCBnag==',
      expected: [challenge('basic', { realm: 'corp' }), challenge('negotiate', {}, 'YIIGhgYGKwYBBQUCoIIGejCCBnag==')],
    },
    {
      source: 'RFC 7230 §7: empty list elements, bad whitespace around "=", upper-case names',
      header: ' , BEARER  Realm = "https://r.example/token" ,Service=svc,, ,Basic',
      expected: [challenge('bearer', { realm: 'https://r.example/token', service: 'svc' }), challenge('basic')],
    },
    {
      source: 'a repeated parameter: the first wins',
      header: 'Bearer realm="first", realm="second"',
      expected: [challenge('bearer', { realm: 'first' })],
    },
  ])('$source', ({ header, expected }) => {
    expect(parseChallenges(header).map(plain)).toEqual(expected);
  });

  it('finds a challenge by scheme, case-insensitively', () => {
    const challenges = parseChallenges('Basic realm="a", Bearer realm="b"');
    expect(findChallenge(challenges, 'BEARER')?.params.realm).toBe('b');
    expect(findChallenge(challenges, 'digest')).toBeUndefined();
  });

  it('keeps the well-formed challenges around a malformed one', () => {
    expect(parseChallenges('Bearer realm="unterminated, Basic realm="x"').map((c) => c.scheme)).toEqual(['bearer']);
    expect(parseChallenges('Basic realm="x", @@@, Bearer realm="y"').map(plain)).toEqual([
      challenge('basic', { realm: 'x' }),
      challenge('bearer', { realm: 'y' }),
    ]);
  });
});

const token = fc.stringMatching(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,10}$/);
const value = fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom(',', '"', '\\', '=', ' ', 'a, b="c"', 'ünïcode'));
const token68 = fc.stringMatching(/^[A-Za-z0-9\-._~+/]{1,16}=*$/);
const space = fc.constantFrom('', ' ', '  ', '\t');

const generatedChallenge = fc.record({
  scheme: token,
  body: fc.oneof(
    fc.record({ kind: fc.constant('params' as const), params: fc.uniqueArray(fc.tuple(token, value), { maxLength: 4, selector: ([name]) => name.toLowerCase() }) }),
    fc.record({ kind: fc.constant('token68' as const), token68 }),
  ),
});

describe('parseChallenges properties', () => {
  it('reads back what a serializer writes, whatever the quoting and spacing', () => {
    fc.assert(
      fc.property(
        fc.array(generatedChallenge, { minLength: 1, maxLength: 4 }),
        fc.infiniteStream(fc.tuple(space, space, fc.boolean())),
        (challenges, layout) => {
          const choices = layout[Symbol.iterator]();
          const next = () => choices.next().value as [string, string, boolean];
          const header = challenges
            .map(({ scheme, body }) => {
              if (body.kind === 'token68') return `${scheme} ${body.token68}`;
              if (body.params.length === 0) return scheme;
              const params = body.params.map(([name, text]) => {
                const [before, after, quote] = next();
                const written = quote || !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(text) ? `"${text.replace(/[\\"]/g, '\\$&')}"` : text;
                return `${name}${before}=${after}${written}`;
              });
              return `${scheme} ${params.join(`${next()[0]},${next()[1]}`)}`;
            })
            .join(`${next()[0]},${next()[1]}`);
          const expected = challenges.map(({ scheme, body }) =>
            body.kind === 'token68'
              ? challenge(scheme.toLowerCase(), {}, body.token68)
              : challenge(scheme.toLowerCase(), Object.fromEntries(body.params.map(([name, text]) => [name.toLowerCase(), text]))),
          );
          expect(parseChallenges(header).map(plain)).toEqual(expected);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('never throws, and every scheme it returns is a lower-case token', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (header) => {
        for (const parsed of parseChallenges(header)) expect(parsed.scheme).toMatch(/^[!#$%&'*+\-.^_`|~0-9a-z]+$/);
      }),
      { numRuns: 1000 },
    );
  });
});

/** Null-prototype params compare like plain objects. */
function plain(parsed: AuthChallenge) {
  return { scheme: parsed.scheme, params: { ...parsed.params }, token68: parsed.token68 };
}
