import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeBase64 } from './base64';
import { readPullSecret } from './pull-secrets/read';
import { loginOf } from './pull-secrets/read';
import { describeEntryDiff } from './secret-diff';
import { mergePullSecretEntry, sameRegistry } from './secret-merge';

const CONFIG_JSON = 'kubernetes.io/dockerconfigjson';

function secretOf(config: unknown, type = CONFIG_JSON): { type: string; data: Record<string, string> } {
  const key = type === CONFIG_JSON ? '.dockerconfigjson' : '.dockercfg';
  return { type, data: { [key]: encodeBase64(JSON.stringify(config)) } };
}

function logins(secret: { type: string; data: Record<string, string> }) {
  return readPullSecret(secret).entries.map(loginOf);
}

/** team-merge's multi-creds: a working Docker Hub entry and a revoked ghcr.io token. */
const MULTI = { auths: { 'https://index.docker.io/v1/': { username: 'reqbot', password: 'req-pass' }, 'ghcr.io': { username: 'acme-bot', password: 'ghp_revoked-token' } } };

describe('mergePullSecretEntry', () => {
  it('writes only the ghcr.io entry of team-merge\'s secret and keeps the Docker Hub one as it was', () => {
    const existing = secretOf(MULTI);
    const merged = mergePullSecretEntry(existing, { server: 'ghcr.io', username: 'acme-bot', password: 'ghp_acme-bot-token' });
    expect(logins({ type: CONFIG_JSON, data: merged.data })).toEqual([
      { server: 'https://index.docker.io/v1/', username: 'reqbot', password: 'req-pass' },
      { server: 'ghcr.io', username: 'acme-bot', password: 'ghp_acme-bot-token' },
    ]);
    expect(merged.change.entries.map(describeEntryDiff)).toEqual([
      'kept: https://index.docker.io/v1/ · reqbot · password set',
      'replaced: ghcr.io · acme-bot · password set (was ghcr.io, acme-bot)',
    ]);
    expect(merged.change.before).toEqual([
      { server: 'https://index.docker.io/v1/', username: 'reqbot', hasPassword: true },
      { server: 'ghcr.io', username: 'acme-bot', hasPassword: true },
    ]);
  });

  it('writes the entry as kubectl does, auth included, and keeps other fields of the config', () => {
    const existing = secretOf({ auths: { 'quay.io': { auth: encodeBase64('robot:tok') } }, HttpHeaders: { 'User-Agent': 'x' } });
    const merged = mergePullSecretEntry(existing, { server: 'ghcr.io', username: 'u', password: 'p', email: 'u@example.com' });
    const config = JSON.parse(Buffer.from(merged.data['.dockerconfigjson'] ?? '', 'base64').toString('utf8'));
    expect(config).toEqual({
      auths: { 'quay.io': { auth: encodeBase64('robot:tok') }, 'ghcr.io': { username: 'u', password: 'p', email: 'u@example.com', auth: encodeBase64('u:p') } },
      HttpHeaders: { 'User-Agent': 'x' },
    });
    expect(merged.change.entries.map((row) => row.change)).toEqual(['kept', 'added']);
  });

  it('replaces every spelling of the same registry, keeping the first one\'s place', () => {
    const existing = secretOf({ auths: { 'https://ghcr.io/v2/': { username: 'a', password: 'x' }, 'docker.io': { username: 'hub', password: 'h' }, 'ghcr.io': { username: 'b', password: 'y' } } });
    const merged = mergePullSecretEntry(existing, { server: 'ghcr.io', username: 'c', password: 'z' });
    expect(logins({ type: CONFIG_JSON, data: merged.data }).map((login) => login.server)).toEqual(['ghcr.io', 'docker.io']);
    expect(merged.change.entries.map((row) => row.change)).toEqual(['replaced', 'kept', 'removed']);
  });

  it('merges a legacy .dockercfg secret in its own format', () => {
    const existing = secretOf({ 'https://index.docker.io/v1/': { username: 'hub', password: 'h' } }, 'kubernetes.io/dockercfg');
    const merged = mergePullSecretEntry(existing, { server: 'ghcr.io', username: 'c', password: 'z' });
    expect(Object.keys(merged.data)).toEqual(['.dockercfg']);
    expect(logins({ type: 'kubernetes.io/dockercfg', data: merged.data }).map((login) => login.server)).toEqual(['https://index.docker.io/v1/', 'ghcr.io']);
  });

  it('replaces data the kubelet cannot read whole, and says why', () => {
    const merged = mergePullSecretEntry({ type: CONFIG_JSON, data: { '.dockerconfigjson': encodeBase64('{not json') } }, { server: 'ghcr.io', username: 'c', password: 'z' });
    expect(merged.change.before).toBeNull();
    expect(merged.change.unreadable).toMatch(/does not hold valid JSON/);
    expect(merged.change.entries).toEqual([{ change: 'added', before: null, after: { server: 'ghcr.io', username: 'c', hasPassword: true } }]);
  });
});

describe('sameRegistry', () => {
  it.each([
    ['ghcr.io', 'https://ghcr.io', true],
    ['ghcr.io', 'https://ghcr.io/v1/', true],
    ['https://index.docker.io/v1/', 'docker.io', true],
    ['registry.example.com:5000', 'registry.example.com', false],
    ['ghcr.io', 'ghcr.io/acme', false],
  ])('%s and %s: %s', (a, b, same) => {
    expect(sameRegistry(a, b)).toBe(same);
  });
});

const host = fc.constantFrom('ghcr.io', 'quay.io', 'https://index.docker.io/v1/', 'registry.example.com:5000', 'gcr.io', '*.azurecr.io', 'localhost:5000');
const word = fc.stringMatching(/^[a-z][a-z0-9-]{0,11}$/);
/** Passwords no server name or username can contain, so finding one in a diff means it leaked. */
const password = fc.stringMatching(/^[A-Z0-9]{6,16}$/).map((text) => `PW-${text}`);
const entries = fc.dictionary(host, fc.record({ username: word, password }), { minKeys: 0, maxKeys: 5 });
const written = fc.record({ server: host, username: word, password });

describe('properties', () => {
  it('merging never drops or changes another registry\'s entry', () => {
    fc.assert(
      fc.property(entries, written, (auths, entry) => {
        const merged = mergePullSecretEntry(secretOf({ auths }), entry);
        const after = logins({ type: CONFIG_JSON, data: merged.data });
        for (const [server, login] of Object.entries(auths)) {
          if (sameRegistry(server, entry.server)) continue;
          expect(after).toContainEqual({ server, username: login.username, password: login.password });
        }
        expect(after.filter((login) => sameRegistry(login.server, entry.server))).toEqual([entry]);
      }),
    );
  });

  it('the change never holds a password, before or after', () => {
    fc.assert(
      fc.property(entries, written, (auths, entry) => {
        const text = JSON.stringify(mergePullSecretEntry(secretOf({ auths }), entry).change);
        for (const secret of [entry.password, ...Object.values(auths).map((login) => login.password)]) expect(text).not.toContain(secret);
      }),
    );
  });

  it('merging the same entry twice changes nothing more', () => {
    fc.assert(
      fc.property(entries, written, (auths, entry) => {
        const once = mergePullSecretEntry(secretOf({ auths }), entry);
        const twice = mergePullSecretEntry({ type: CONFIG_JSON, data: once.data }, entry);
        expect(twice.data).toEqual(once.data);
      }),
    );
  });

  it('the diff pairs every entry before with its row, and its after side is the merged data', () => {
    fc.assert(
      fc.property(entries, written, (auths, entry) => {
        const { change } = mergePullSecretEntry(secretOf({ auths }), entry);
        expect(change.entries.map((row) => row.before).filter((view) => view !== null)).toEqual(change.before);
        expect(change.entries.map((row) => row.after).filter((view) => view !== null)).toEqual(change.after);
      }),
    );
  });
});
