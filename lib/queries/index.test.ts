import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../api/errors';
import { clusterKeys, failuresQuery, getJson, podDiagnosisQuery } from './index';

/** A loopback server answering each path the way the pullfix API (or a proxy in front of it) would. */
const ANSWERS: Record<string, { status: number; type: string; body: string }> = {
  '/ok': { status: 200, type: 'application/json', body: '{"contexts":[]}' },
  '/forbidden': {
    status: 403,
    type: 'application/json',
    body: JSON.stringify({ error: { code: 'forbidden', message: 'the user of context "sim-viewer" may not list pods', reason: 'Forbidden', status: 403 } }),
  },
  '/proxy': { status: 502, type: 'text/html', body: '<html>Bad Gateway</html>' },
};

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    const answer = ANSWERS[request.url ?? ''] ?? { status: 404, type: 'text/plain', body: 'no' };
    response.writeHead(answer.status, { 'content-type': answer.type }).end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('getJson', () => {
  it('returns the body of a 2xx answer', async () => {
    await expect(getJson(`${base}/ok`)).resolves.toEqual({ contexts: [] });
  });

  it("rebuilds the API's error with its code, status, message and reason", async () => {
    const error = await getJson(`${base}/forbidden`).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'forbidden', status: 403, reason: 'Forbidden', message: 'the user of context "sim-viewer" may not list pods' });
  });

  it('turns an answer without the error shape into an ApiError with the status', async () => {
    await expect(getJson(`${base}/proxy`)).rejects.toMatchObject({ name: 'ApiError', code: 'cluster-error', status: 502 });
  });

  it('says the pullfix server did not answer when the connection is refused', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(getJson(`http://127.0.0.1:${port}/api/contexts`)).rejects.toMatchObject({ code: 'unreachable', status: 0 });
  });

  it('lets an abort through as an abort, not as an outage', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(getJson(`${base}/ok`, controller.signal)).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('query keys', () => {
  it('go from general to specific, so invalidating a context covers its failures and pods', () => {
    const context = clusterKeys.context('sim-admin');
    for (const key of [failuresQuery('sim-admin', null).queryKey, failuresQuery('sim-admin', 'default').queryKey, podDiagnosisQuery('sim-admin', 'default', 'nginx').queryKey]) {
      expect(key.slice(0, context.length)).toEqual([...context]);
    }
    expect(failuresQuery('sim-admin', null).queryKey).toEqual(['cluster', 'sim-admin', 'failures', '']);
    expect(failuresQuery('sim-admin', 'default').queryKey).not.toEqual(failuresQuery('sim-viewer', 'default').queryKey);
  });

  it('poll and keep the previous data while refreshing', () => {
    for (const options of [failuresQuery('sim-admin', null), podDiagnosisQuery('sim-admin', 'default', 'nginx')]) {
      expect(options.refetchInterval).toBe(5_000);
      expect(options.placeholderData).toBeTypeOf('function');
    }
  });
});
