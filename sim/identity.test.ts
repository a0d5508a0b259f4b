import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SimUser } from './contracts';
import { IDENTITY_FILE, loadOrCreateIdentity } from './identity';

const admin = (token: string): SimUser => ({ name: 'sim-admin', username: 'admin', token, rules: [] });
const viewer = (token: string): SimUser => ({ name: 'sim-viewer', username: 'viewer', token, rules: [] });

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(path.join(tmpdir(), 'pullfix-identity-'));
});
afterEach(() => {
  vi.useRealTimers();
  rmSync(directory, { recursive: true, force: true });
});

describe('loadOrCreateIdentity', () => {
  it('stores a fresh identity the first time, readable by its owner only', () => {
    const identity = loadOrCreateIdentity(directory, [admin('first-admin')]);
    expect(identity.users.map((user) => user.token)).toEqual(['first-admin']);
    expect(new X509Certificate(identity.tls.certPem).checkIssued(new X509Certificate(identity.tls.caPem))).toBe(true);
    const file = path.join(directory, IDENTITY_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ tls: identity.tls, tokens: { 'sim-admin': 'first-admin' } });
  });

  it('gives a second run the same certificates and tokens, and a user new to the scenario its own token', () => {
    const first = loadOrCreateIdentity(directory, [admin('first-admin')]);
    const second = loadOrCreateIdentity(directory, [admin('second-admin'), viewer('second-viewer')]);
    expect(second.tls).toEqual(first.tls);
    expect(second.users.map((user) => [user.name, user.token])).toEqual([
      ['sim-admin', 'first-admin'],
      ['sim-viewer', 'second-viewer'],
    ]);
    expect(loadOrCreateIdentity(directory, [viewer('third-viewer')]).users[0]?.token).toBe('second-viewer');
  });

  it('starts afresh from a file that does not parse', () => {
    writeFileSync(path.join(directory, IDENTITY_FILE), '{"tls":');
    const identity = loadOrCreateIdentity(directory, [admin('new-admin')]);
    expect(identity.users[0]?.token).toBe('new-admin');
    expect(identity.tls.certPem).toContain('BEGIN CERTIFICATE');
  });

  it('replaces a stored certificate that has expired', () => {
    const first = loadOrCreateIdentity(directory, [admin('first-admin')]);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.parse(new X509Certificate(first.tls.certPem).validTo) + 1000);
    const later = loadOrCreateIdentity(directory, [admin('later-admin')]);
    expect(later.tls.caPem).not.toBe(first.tls.caPem);
    expect(later.users[0]?.token).toBe('later-admin');
  });
});
