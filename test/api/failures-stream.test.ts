import { readFileSync, writeFileSync } from 'node:fs';
import { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { proxy } from '../../proxy';
import { GET as getFailures } from '../../app/api/contexts/[context]/failures/route';
import { GET as getStream } from '../../app/api/contexts/[context]/failures/stream/route';
import type { FailuresResponse } from '../../lib/api/types';
import { applyStreamMessage, failureId, unpackStreamMessage, type FailuresStreamMessage, type PackedStreamMessage } from '../../lib/failures-stream';
import type { PackedFailures } from '../../lib/packed-failures';
import { cacheRegistry } from '../../lib/kube/cache';
import { reloadKubeConfig } from '../../lib/kube/config';
import type { ObjectStore } from '../../sim/testing';
import { waitUntil } from '../support/wait';
import { ADMIN, STRANGER, startSimCluster, type SimCluster } from '../kube/sim-cluster';

let cluster: SimCluster;

beforeAll(async () => {
  cluster = await startSimCluster();
  process.env.PULLFIX_KUBECONFIG = cluster.kubeconfig;
  reloadKubeConfig();
});
afterAll(async () => {
  cacheRegistry().stopAll();
  delete process.env.PULLFIX_KUBECONFIG;
  reloadKubeConfig();
  await cluster?.close();
});

interface StreamEvent {
  id: string | null;
  event: string;
  /** A snapshot or changes unpacked, as the page applies them; anything else as sent. */
  data: unknown;
  /** The data as sent. */
  sent: unknown;
}

/** An open stream as a browser's EventSource reads it: events parsed as they arrive, and a way to hang up. */
async function openStream(context: string, options: { query?: string; lastEventId?: string } = {}) {
  const hangUp = new AbortController();
  const request = new NextRequest(`http://127.0.0.1/api/contexts/${encodeURIComponent(context)}/failures/stream${options.query ?? ''}`, {
    headers: options.lastEventId ? { 'last-event-id': options.lastEventId } : {},
    signal: hangUp.signal,
  });
  const response = await getStream(request, { params: Promise.resolve({ context }) });
  const events: StreamEvent[] = [];
  let ended = false;
  if (response.headers.get('content-type')?.startsWith('text/event-stream')) {
    void (async () => {
      const decoder = new TextDecoder();
      let pending = '';
      const reader = response.body!.getReader();
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
        pending += decoder.decode(chunk.value, { stream: true });
        let end = pending.indexOf('\n\n');
        while (end >= 0) {
          const block = pending.slice(0, end);
          pending = pending.slice(end + 2);
          const fields = new Map(block.split('\n').filter((line) => !line.startsWith(':')).map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]));
          if (fields.has('data')) {
            const event = fields.get('event') ?? 'message';
            const sent: unknown = JSON.parse(fields.get('data')!);
            const data = event === 'snapshot' || event === 'changes' ? unpackStreamMessage(sent as PackedStreamMessage) : sent;
            events.push({ id: fields.get('id') ?? null, event, data, sent });
          }
          end = pending.indexOf('\n\n');
        }
      }
      ended = true;
    })();
  }
  return { response, events, hangUp: () => hangUp.abort(), ended: () => ended };
}

async function failuresNow(namespace = ''): Promise<FailuresResponse> {
  const request = new NextRequest(`http://127.0.0.1/api/contexts/${ADMIN.name}/failures${namespace ? `?namespace=${namespace}` : ''}`);
  return (await (await getFailures(request, { params: Promise.resolve({ context: ADMIN.name }) })).json()) as FailuresResponse;
}

/** The answer a page holds after applying every message of the stream in order. */
function held(events: StreamEvent[]): FailuresResponse | undefined {
  return events.filter((event) => event.id !== null).reduce<FailuresResponse | undefined>((answer, event) => applyStreamMessage(answer, event.data as FailuresStreamMessage), undefined);
}

function endFailure(store: ObjectStore, namespace: string, name: string): void {
  const pod = store.get('pods', namespace, name)!;
  const statuses = (pod.status as { containerStatuses: { name: string }[] }).containerStatuses;
  store.update('pods', { ...pod, status: { phase: 'Running', containerStatuses: statuses.map((status) => ({ ...status, ready: true, state: { running: {} } })) } });
}

const ids = (answer: FailuresResponse | undefined) => answer?.items.map(failureId);

describe('GET /api/contexts/{context}/failures/stream', () => {
  it('sends the whole answer once, then only what changed, with ids, on an uncached event stream', async () => {
    const stream = await openStream(ADMIN.name);
    expect(stream.response.status).toBe(200);
    expect(stream.response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(stream.response.headers.get('cache-control')).toBe('no-store, no-transform');
    const [snapshot] = await waitUntil(() => stream.events.length > 0 && stream.events, { what: 'the first event' });
    expect(snapshot).toMatchObject({ event: 'snapshot', id: expect.stringMatching(/^[0-9a-f]{8}-\d+$/) });
    expect(ids(held(stream.events))).toEqual(ids(await failuresNow()));
    // Sent in the page's packed form: the demo's failing containers share verdicts.
    const packed = (snapshot!.sent as { answer: PackedFailures }).answer;
    expect(packed.items.every((item) => typeof item.verdict === 'number')).toBe(true);
    expect(packed.parts.verdict.length).toBeLessThan(packed.items.length);

    endFailure(cluster.store, 'shop', 'web-7d4b9c8f6d-x2x9k');
    const change = await waitUntil(() => stream.events.find((event) => event.event === 'changes'), { what: 'a change' });
    expect((change.sent as { parts: unknown }).parts).toBeDefined();
    const { removals, upserts } = change.data as { removals: string[]; upserts: FailuresResponse['items'] };
    expect(removals.length).toBeGreaterThan(0);
    expect(removals.every((id) => id.startsWith('shop/web-7d4b9c8f6d-x2x9k/'))).toBe(true);
    // Only the rows that changed: the other pods of the same Deployment now count one failing pod fewer.
    expect(upserts.map((item) => item.workload?.name)).toEqual(upserts.map(() => 'web'));
    await waitUntil(async () => {
      const now = await failuresNow();
      return JSON.stringify(held(stream.events)?.items) === JSON.stringify(now.items);
    }, { what: 'the streamed answer to equal the answer read now' });
    stream.hangUp();
    await waitUntil(() => stream.ended(), { what: 'the stream to end once the client hung up' });
  });

  it('resumes after the last id it sent, and starts over with the whole answer for an id it does not know', async () => {
    const first = await openStream(ADMIN.name, { query: '?namespace=jobs' });
    const snapshot = await waitUntil(() => first.events[0], { what: 'the snapshot' });
    first.hangUp();
    const failing = (held(first.events)?.items ?? []).map((item) => item.pod);
    expect(failing.length).toBeGreaterThan(0);
    endFailure(cluster.store, 'jobs', failing[0]!);

    const resumed = await openStream(ADMIN.name, { query: '?namespace=jobs', lastEventId: snapshot.id! });
    const next = await waitUntil(() => resumed.events.find((event) => event.event === 'changes'), { what: 'the missed change' });
    expect(resumed.events.filter((event) => event.event === 'snapshot')).toEqual([]);
    expect(applyStreamMessage(held(first.events), next.data as FailuresStreamMessage)?.items.map((item) => item.pod)).not.toContain(failing[0]);
    resumed.hangUp();

    const fresh = await openStream(ADMIN.name, { query: '?namespace=jobs', lastEventId: '0badf00d-3' });
    expect(await waitUntil(() => fresh.events[0], { what: 'a snapshot' })).toMatchObject({ event: 'snapshot' });
    fresh.hangUp();
  });

  it('sends a page that arrives after changes what the feed held at once, then the catch-up as the next message', async () => {
    const first = await openStream(ADMIN.name, { query: '?namespace=data' });
    await waitUntil(() => first.events[0], { what: 'the snapshot' });
    first.hangUp();
    const failing = (held(first.events)?.items ?? []).map((item) => item.pod);
    expect(failing.length).toBeGreaterThan(0);
    endFailure(cluster.store, 'data', failing[0]!);
    await waitUntil(async () => !(await failuresNow('data')).items.some((item) => item.pod === failing[0]), { what: 'the cache to see the change' });

    const late = await openStream(ADMIN.name, { query: '?namespace=data' });
    const [snapshot] = await waitUntil(() => late.events.length > 0 && late.events, { what: 'the snapshot' });
    expect(snapshot).toMatchObject({ event: 'snapshot' });
    expect((snapshot!.data as { answer: FailuresResponse }).answer.items.map((item) => item.pod)).toContain(failing[0]);
    await waitUntil(() => late.events.some((event) => event.event === 'changes'), { what: 'the catch-up' });
    expect(held(late.events)?.items.map((item) => item.pod)).not.toContain(failing[0]);
    late.hangUp();
  });

  it('sends a page nothing that was read with credentials the kubeconfig no longer gives', async () => {
    const first = await openStream(ADMIN.name, { query: '?namespace=shop' });
    await waitUntil(() => first.events[0], { what: 'the snapshot' });
    first.hangUp();
    const original = readFileSync(cluster.kubeconfig, 'utf8');
    // The context keeps its name and now signs in with a token the cluster refuses, while the feed still holds
    // what the old one read.
    writeFileSync(cluster.kubeconfig, original.replaceAll(ADMIN.token, STRANGER.token));
    reloadKubeConfig();
    try {
      const late = await openStream(ADMIN.name, { query: '?namespace=shop' });
      expect(late.response.status).toBe(401);
      expect(late.events).toEqual([]);
    } finally {
      writeFileSync(cluster.kubeconfig, original);
      reloadKubeConfig();
    }
    const again = await openStream(ADMIN.name, { query: '?namespace=shop' });
    expect(await waitUntil(() => again.events[0], { what: 'a snapshot with the credentials restored' })).toMatchObject({ event: 'snapshot' });
    again.hangUp();
  });

  it('answers errors before the first event in the one JSON error shape', async () => {
    const unknown = await openStream('prod');
    expect(unknown.response.status).toBe(404);
    expect(await unknown.response.json()).toMatchObject({ error: { code: 'unknown-context' } });
    const refused = await openStream(STRANGER.name);
    expect(refused.response.status).toBe(401);
    const missing = await openStream(ADMIN.name, { query: '?namespace=shopp' });
    expect(missing.response.status).toBe(404);
    expect(await missing.response.json()).toMatchObject({ error: { code: 'not-found', message: expect.stringContaining('did you mean shop') } });
    const invalid = await openStream(ADMIN.name, { query: '?namespace=Shop' });
    expect(invalid.response.status).toBe(400);
  });

  it('sits behind the same gates as every API route: the Host allowlist and the access token', async () => {
    const path = `http://127.0.0.1:3000/api/contexts/${ADMIN.name}/failures/stream`;
    const rebound = await proxy(new NextRequest(path, { headers: { host: 'evil.example:3000' } }));
    expect(rebound.status).toBe(421);
    process.env.PULLFIX_ACCESS_TOKEN = 'stream-access-token-1f2e3d4c';
    try {
      const anonymous = await proxy(new NextRequest(path, { headers: { host: '127.0.0.1:3000' } }));
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('cache-control')).toBe('no-store');
    } finally {
      delete process.env.PULLFIX_ACCESS_TOKEN;
    }
  });
});
