import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseImageRef } from '../../lib/image-ref';
import type { KubeObject } from '../store';
import { lookupPullCredentials } from './credentials';

interface MatchCase {
  configKeys: string[];
  image: string;
  expectMatch: string[];
  description?: string;
  source: string;
}

interface KubectlCase {
  server: string;
  username: string;
  password: string;
  dockerconfigjson: string;
  source: string;
}

const fixtures = path.join(__dirname, '../../test/fixtures');
const matchCases = (JSON.parse(readFileSync(path.join(fixtures, 'credential-match.json'), 'utf8')) as { cases: MatchCase[] }).cases;
const kubectlCases = (JSON.parse(readFileSync(path.join(fixtures, 'kubectl-secret.json'), 'utf8')) as { cases: KubectlCase[] }).cases;

function secret(name: string, config: unknown, type = 'kubernetes.io/dockerconfigjson', raw?: string): KubeObject {
  const key = type === 'kubernetes.io/dockercfg' ? '.dockercfg' : '.dockerconfigjson';
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'default' }, type, data: { [key]: Buffer.from(raw ?? JSON.stringify(config)).toString('base64') } };
}

/**
 * The upstream keyring tests look strings up as given; the derived cases start from an image, which the
 * kubelet normalizes first (registry/repository, no tag).
 */
function lookupKey(testCase: MatchCase): string {
  if (!testCase.source.includes('ParseImageName')) return testCase.image;
  const ref = parseImageRef(testCase.image);
  return `${ref.registry}/${ref.repository}`;
}

describe('the keyring order over pull secrets (upstream keyring cases)', () => {
  for (const testCase of matchCases) {
    it(`${testCase.image} with ${testCase.configKeys.join(', ')} (${testCase.source})`, () => {
      // One secret per key, each with a username naming its key, in the case's order.
      const secrets = testCase.configKeys.map((key, i) => secret(`s${i}`, { auths: { [key]: { username: key, password: `p${i}` } } }));
      const lookup = lookupPullCredentials(secrets, lookupKey(testCase));
      expect(lookup.ok).toBe(true);
      const usernames = lookup.ok ? lookup.credentials.map((credential) => credential.username) : [];
      expect(usernames).toEqual(testCase.expectMatch);
    });
  }
});

describe('secrets written by kubectl create secret docker-registry', () => {
  for (const testCase of kubectlCases) {
    it(`${testCase.server} (${testCase.source})`, () => {
      const image = testCase.server.includes('docker.io') ? 'docker.io/someone/app' : `${testCase.server}/someone/app`;
      const lookup = lookupPullCredentials([secret('regcred', null, undefined, testCase.dockerconfigjson)], image);
      expect(lookup).toEqual({ ok: true, credentials: [{ username: testCase.username, password: testCase.password }] });
    });
  }
});

describe('DockerConfigEntry decoding (credential-rules.md §6, from config_test.go)', () => {
  const cases: { entry: Record<string, string>; expected: { username: string; password: string } | string }[] = [
    { entry: { username: 'foo', password: 'bar', auth: 'cGluZzpwb25n' }, expected: { username: 'ping', password: 'pong' } },
    { entry: { auth: 'pants', email: 'foo@example.com' }, expected: 'illegal base64 data at input byte 4' },
    { entry: { auth: 'Zm9vOm\nJhcg==\n' }, expected: { username: 'foo', password: 'bar' } },
    { entry: { auth: 'Zm9vOmJhcg' }, expected: { username: 'foo', password: 'bar' } },
    { entry: { auth: 'Zm9vOmJhcgo=' }, expected: { username: 'foo', password: 'bar\n' } },
    { entry: { auth: 'Zm9vOmJhcg== ' }, expected: 'illegal base64 data at input byte 12' },
    { entry: { auth: Buffer.from('foo:bar:baz').toString('base64') }, expected: { username: 'foo', password: 'bar:baz' } },
    { entry: { auth: Buffer.from('team-ci').toString('base64') }, expected: 'unable to parse auth field, must be formatted as base64(username:password)' },
    { entry: { username: 'foo', password: 'bar', auth: '' }, expected: { username: 'foo', password: 'bar' } },
  ];
  for (const { entry, expected } of cases) {
    it(`${JSON.stringify(entry)} → ${JSON.stringify(expected)}`, () => {
      const lookup = lookupPullCredentials([secret('s', { auths: { 'registry.example.com': entry } })], 'registry.example.com/team/app');
      expect(lookup).toEqual(typeof expected === 'string' ? { ok: false, message: expected } : { ok: true, credentials: [expected] });
    });
  }
});

describe('secrets the kubelet ignores or cannot read', () => {
  const good = { auths: { 'registry.example.com': { username: 'u', password: 'p' } } };
  it('skips a secret whose type does not match its key, and an Opaque one', () => {
    const wrongKey = secret('a', good, 'kubernetes.io/dockercfg', JSON.stringify(good));
    const mislabeled: KubeObject = { ...secret('b', good), type: 'kubernetes.io/dockercfg' };
    const opaque: KubeObject = { ...secret('c', good), type: 'Opaque' };
    expect(lookupPullCredentials([mislabeled, opaque], 'registry.example.com/team/app')).toEqual({ ok: true, credentials: [] });
    expect(lookupPullCredentials([wrongKey], 'registry.example.com/team/app')).toEqual({ ok: true, credentials: [] });
  });

  it('reads the legacy .dockercfg layout', () => {
    const legacy = secret('old', { 'registry.example.com': { username: 'u', password: 'p' } }, 'kubernetes.io/dockercfg');
    expect(lookupPullCredentials([legacy], 'registry.example.com/team/app')).toEqual({ ok: true, credentials: [{ username: 'u', password: 'p' }] });
  });

  it('fails the whole lookup when one attached secret is not JSON, even if another one matches', () => {
    const lookup = lookupPullCredentials([secret('ok', good), secret('bad', null, undefined, '{"auths": x}')], 'registry.example.com/team/app');
    expect(lookup).toEqual({ ok: false, message: "invalid character 'x' looking for beginning of value" });
  });
});
