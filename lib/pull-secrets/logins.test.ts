import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import fixtures from '../../test/fixtures/kubectl-secret.json';
import { decodePullSecret, dockerConfigJson, PullSecretError } from '.';
import { pullSecretLogins } from './logins';

const secret = (type: string, key: string, json: string) => ({ type, data: { [key]: Buffer.from(json).toString('base64') } });
const configJson = (json: string) => secret('kubernetes.io/dockerconfigjson', '.dockerconfigjson', json);

describe('pullSecretLogins', () => {
  it.each(fixtures.cases)('reads back what kubectl wrote: $source', ({ server, username, password, dockerconfigjson }) => {
    expect(pullSecretLogins(configJson(dockerconfigjson))).toEqual([{ server, username, password }]);
  });

  it.each([
    {
      name: 'auth wins over username and password, as in the kubelet',
      json: '{"auths":{"r.example.com":{"username":"ignored","password":"ignored","auth":"dXNlcjpwYTpzcw=="}}}',
      expected: [{ server: 'r.example.com', username: 'user', password: 'pa:ss' }],
    },
    {
      name: 'field names fold case as Go does',
      json: '{"AUTHS":{"r.example.com":{"UserName":"u","PASSWORD":"p"}}}',
      expected: [{ server: 'r.example.com', username: 'u', password: 'p' }],
    },
    {
      name: 'a username with a colon keeps its colon',
      json: '{"auths":{"r.example.com":{"username":"a:b","password":"c"}}}',
      expected: [{ server: 'r.example.com', username: 'a:b', password: 'c' }],
    },
    {
      name: 'no password reads as an empty one',
      json: '{"auths":{"r.example.com":{"username":"u"}}}',
      expected: [{ server: 'r.example.com', username: 'u', password: '' }],
    },
  ])('$name', ({ json, expected }) => {
    expect(pullSecretLogins(configJson(json))).toEqual(expected);
  });

  it('reads the legacy .dockercfg layout', () => {
    const legacy = secret('kubernetes.io/dockercfg', '.dockercfg', '{"r.example.com:5000":{"auth":"dGVhbS1jaTp0ZWFtLWNpLXNlY3JldA=="}}');
    expect(pullSecretLogins(legacy)).toEqual([{ server: 'r.example.com:5000', username: 'team-ci', password: 'team-ci-secret' }]);
  });

  it('refuses what decodePullSecret refuses, with the same code', () => {
    for (const bad of [secret('Opaque', '.dockerconfigjson', '{}'), configJson('{"auths":'), configJson('{"auths":{"r":{"auth":"dXNlcg=="}}}')]) {
      const expected = (() => {
        try {
          decodePullSecret(bad);
          return null;
        } catch (error) {
          return (error as PullSecretError).code;
        }
      })();
      expect(expected).not.toBeNull();
      expect(() => pullSecretLogins(bad)).toThrow(expect.objectContaining({ code: expected }));
    }
  });

  it('round-trips any credential dockerConfigJson writes', () => {
    const text = fc.string({ minLength: 1, maxLength: 20 });
    fc.assert(
      fc.property(text.filter((s) => !s.includes(':')), text, (username, password) => {
        const written = dockerConfigJson({ server: 'registry.example.com', username, password });
        expect(pullSecretLogins(configJson(written))).toEqual([{ server: 'registry.example.com', username, password }]);
      }),
    );
  });
});
