import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateServingCertificate, writeKubeconfig } from '../../sim/testing';
import { clientsFor, reloadKubeConfig } from './config';
import { toApiError } from './errors';

/**
 * An API server stand-in that counts TLS connections and the bearer tokens it sees: enough to tell whether
 * requests share sockets. Watches get two events, the second split across two writes.
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pullfix-transport-'));
const tls = generateServingCertificate();
let connections = 0;
const tokens = new Set<string>();
const server = https.createServer({ cert: tls.certPem, key: tls.keyPem }, (request, response) => {
  tokens.add(request.headers.authorization ?? '');
  const url = new URL(request.url ?? '/', 'https://localhost');
  if (url.pathname === '/api/v1/namespaces/gone/pods') {
    response.writeHead(403, { 'Content-Type': 'application/json' });
    response.end(JSON.stringify({ kind: 'Status', reason: 'Forbidden', message: 'pods is forbidden', code: 403 }));
    return;
  }
  response.writeHead(200, { 'Content-Type': 'application/json' });
  if (url.searchParams.get('watch') === 'true') {
    response.write(`${JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'a' } } })}\n{"type":"MODIFIED",`);
    setTimeout(() => response.end(`"object":{"metadata":{"name":"ä"}}}\n`), 5);
    return;
  }
  response.end(JSON.stringify({ kind: 'PodList', metadata: { resourceVersion: '7' }, items: [{ metadata: { name: 'p', creationTimestamp: '2026-01-02T03:04:05Z' } }] }));
});
server.on('secureConnection', () => {
  connections += 1;
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const file = path.join(dir, 'kubeconfig');
  const user = { name: 'u', username: 'u', token: 'transport-token', rules: [] };
  writeKubeconfig(file, `https://127.0.0.1:${(server.address() as AddressInfo).port}`, tls.caPem, [user], 'default');
  process.env.PULLFIX_KUBECONFIG = file;
  reloadKubeConfig();
});
afterAll(async () => {
  delete process.env.PULLFIX_KUBECONFIG;
  reloadKubeConfig();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('one keep-alive transport per context', () => {
  it('serves sequential typed and plain-JSON requests over one TLS connection', async () => {
    const clients = clientsFor('u');
    const before = connections;
    for (let index = 0; index < 5; index += 1) {
      await clients.core.listNamespacedPod({ namespace: 'default' });
      await clients.transport.getJson('/api/v1/pods?limit=500');
    }
    expect(connections - before).toBe(1);
    expect([...tokens]).toEqual(['Bearer transport-token']);
  });

  it('opens no more connections than requests in flight at once, without a socket limit', async () => {
    const clients = clientsFor('u');
    await clients.transport.getJson('/api/v1/pods');
    const before = connections;
    const lists = await Promise.all(Array.from({ length: 12 }, () => clients.transport.getJson<{ items: unknown[] }>('/api/v1/pods')));
    expect(lists.every((list) => list.items.length === 1)).toBe(true);
    expect(connections - before).toBeLessThanOrEqual(12);
    const again = connections;
    await clients.transport.getJson('/api/v1/pods');
    expect(connections).toBe(again);
  });

  it('hands plain JSON over as written: timestamps stay strings', async () => {
    const list = await clientsFor('u').transport.getJson<{ items: { metadata: { creationTimestamp: unknown } }[] }>('/api/v1/pods');
    expect(list.items[0]?.metadata.creationTimestamp).toBe('2026-01-02T03:04:05Z');
  });

  it('turns a refusal into the same ApiError as the typed path', async () => {
    const clients = clientsFor('u');
    const raw = await clients.transport.getJson('/api/v1/namespaces/gone/pods').catch((error: unknown) => toApiError(error, clients));
    const typed = await clients.core.listNamespacedPod({ namespace: 'gone' }).catch((error: unknown) => toApiError(error, clients));
    expect(raw).toMatchObject({ code: 'forbidden', status: 403, reason: 'Forbidden' });
    expect((raw as Error).message).toBe((typed as Error).message);
  });

  it('reads a watch line by line, joining a line split across chunks', async () => {
    const seen: unknown[] = [];
    await clientsFor('u').transport.watch('/api/v1/pods?watch=true', (line) => {
      seen.push(line);
    }, new AbortController().signal);
    expect(seen).toEqual([
      { type: 'ADDED', object: { metadata: { name: 'a' } } },
      { type: 'MODIFIED', object: { metadata: { name: 'ä' } } },
    ]);
  });
});
