import { request as httpsRequest } from 'node:https';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitUntil } from '../../test/support/wait';
import { ADMIN, VIEWER, startTestCluster, type TestCluster } from './testing';

// `/metrics` is how a client outside the simulator's process counts the requests another client made.

let cluster: TestCluster;

beforeEach(async () => {
  cluster = await startTestCluster();
});

afterEach(async () => {
  await cluster.close();
});

function get(path: string, token: string): Promise<{ status: number; type: string; text: string }> {
  return new Promise((resolve, reject) => {
    const request = httpsRequest(`${cluster.url}${path}`, { headers: { Authorization: `Bearer ${token}` }, ca: cluster.caPem }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, type: String(response.headers['content-type']), text: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end();
  });
}

/** The series of one metric in a Prometheus text page, labels to value. */
function series(text: string, metric: string): Record<string, number> {
  const found: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const match = new RegExp(`^${metric}\\{(.*)\\} (\\d+)$`).exec(line);
    if (match) found[match[1]!] = Number(match[2]);
  }
  return found;
}

describe('/metrics', () => {
  it('counts every request by verb, resource and code in the Prometheus text format', async () => {
    await get('/api/v1/pods?limit=1', ADMIN.token);
    await get('/api/v1/pods?limit=1', ADMIN.token);
    await get('/api/v1/namespaces/default/pods/nowhere', ADMIN.token);
    await get('/api/v1/namespaces/default/secrets', VIEWER.token);

    const page = await get('/metrics', ADMIN.token);

    expect(page.status).toBe(200);
    expect(page.type).toContain('text/plain');
    expect(page.text).toContain('# TYPE apiserver_request_total counter');
    expect(series(page.text, 'apiserver_request_total')).toEqual({
      'verb="LIST",resource="pods",subresource="",code="200"': 2,
      'verb="GET",resource="pods",subresource="",code="404"': 1,
      'verb="LIST",resource="secrets",subresource="",code="403"': 1,
    });
  });

  it('counts the watches open now, and counts itself on the next read', async () => {
    const path = `/api/v1/pods?watch=true&resourceVersion=${cluster.store.resourceVersion}`;
    const watch = httpsRequest(`${cluster.url}${path}`, { headers: { Authorization: `Bearer ${ADMIN.token}` }, ca: cluster.caPem });
    watch.on('error', () => {});
    watch.end();
    await waitUntil(() => cluster.requestLog.some((entry) => entry.path === path), { what: 'the watch to be served' });

    const first = await get('/metrics', ADMIN.token);
    expect(series(first.text, 'apiserver_longrunning_requests')).toEqual({ 'verb="WATCH",resource="pods"': 1 });
    expect(series(first.text, 'apiserver_request_total')).toEqual({ 'verb="WATCH",resource="pods",subresource="",code="200"': 1 });

    watch.destroy();
    await waitUntil(async () => !(await get('/metrics', ADMIN.token)).text.includes('apiserver_longrunning_requests{'), { what: 'the watch to close' });
    const last = await get('/metrics', ADMIN.token);
    expect(series(last.text, 'apiserver_request_total')['verb="GET",resource="",subresource="",code="200"']).toBeGreaterThanOrEqual(2);
  });

  it('is forbidden to a user without the non-resource rule', async () => {
    const page = await get('/metrics', VIEWER.token);
    expect(page.status).toBe(403);
    expect(JSON.parse(page.text)).toMatchObject({ kind: 'Status', reason: 'Forbidden' });
  });
});
