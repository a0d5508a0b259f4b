import { execFileSync } from 'node:child_process';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { writeKubeconfig } from './kubeconfig';
import { generateServingCertificate } from './tls';

describe('generateServingCertificate', () => {
  it('makes a CA and a serving certificate for 127.0.0.1 and localhost in well under a second', () => {
    // CPU time, not wall-clock time: on a loaded machine the wall clock also counts other processes' turns.
    const started = process.cpuUsage();
    const generated = generateServingCertificate();
    const used = process.cpuUsage(started);
    expect((used.user + used.system) / 1000).toBeLessThan(500);

    const ca = new X509Certificate(generated.caPem);
    const leaf = new X509Certificate(generated.certPem);
    expect(ca.ca).toBe(true);
    expect(leaf.ca).toBe(false);
    expect(ca.verify(ca.publicKey)).toBe(true);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1');
    expect(leaf.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(leaf.checkHost('localhost')).toBe('localhost');
    expect(leaf.checkPrivateKey(createPrivateKey(generated.keyPem))).toBe(true);
    expect(new Date(leaf.validFrom).getTime()).toBeLessThan(Date.now());
    expect(new Date(leaf.validTo).getTime()).toBeGreaterThan(Date.now() + 300 * 24 * 3600 * 1000);
  });

  it('passes openssl verify with the CA as the only trust anchor', () => {
    const generated = generateServingCertificate();
    const directory = mkdtempSync(join(tmpdir(), 'sim-tls-'));
    try {
      writeFileSync(join(directory, 'ca.pem'), generated.caPem);
      writeFileSync(join(directory, 'leaf.pem'), generated.certPem);
      const output = execFileSync('openssl', ['verify', '-purpose', 'sslserver', '-CAfile', join(directory, 'ca.pem'), join(directory, 'leaf.pem')], { encoding: 'utf8' });
      expect(output.trim()).toBe(`${join(directory, 'leaf.pem')}: OK`);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('never repeats a key or serial', () => {
    const first = new X509Certificate(generateServingCertificate().certPem);
    const second = new X509Certificate(generateServingCertificate().certPem);
    expect(first.serialNumber).not.toBe(second.serialNumber);
    expect(first.publicKey.export({ format: 'der', type: 'spki' }).equals(second.publicKey.export({ format: 'der', type: 'spki' }))).toBe(false);
  });
});

describe('writeKubeconfig', () => {
  it('writes one cluster, and one user and context per SimUser, the first current', () => {
    const directory = mkdtempSync(join(tmpdir(), 'sim-kubeconfig-'));
    try {
      const path = join(directory, 'nested', 'kubeconfig');
      const users = [
        { name: 'sim-admin', username: 'admin', token: 'a-token', rules: [] },
        { name: 'sim-viewer', username: 'viewer', token: 'v-token', rules: [] },
      ];
      writeKubeconfig(path, 'https://127.0.0.1:6443', 'CA PEM', users, 'demo');
      const config = parse(readFileSync(path, 'utf8'));
      expect(config['current-context']).toBe('sim-admin');
      expect(config.clusters).toEqual([{ name: 'sim', cluster: { server: 'https://127.0.0.1:6443', 'certificate-authority-data': Buffer.from('CA PEM').toString('base64') } }]);
      expect(config.users).toEqual([
        { name: 'sim-admin', user: { token: 'a-token' } },
        { name: 'sim-viewer', user: { token: 'v-token' } },
      ]);
      expect(config.contexts).toEqual([
        { name: 'sim-admin', context: { cluster: 'sim', user: 'sim-admin', namespace: 'demo' } },
        { name: 'sim-viewer', context: { cluster: 'sim', user: 'sim-viewer', namespace: 'demo' } },
      ]);
      expect(() => writeKubeconfig(path, 'https://127.0.0.1:6443', 'CA PEM', [], 'demo')).toThrow();
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
