import { NextRequest } from 'next/server';
import { afterAll, describe, expect, it } from 'vitest';
import { GET as getFailures } from '../../app/api/contexts/[context]/failures/route';
import { GET as getMetrics } from '../../app/api/metrics/route';
import type { FailuresResponse } from '../../lib/api/types';
import { cacheRegistry } from '../../lib/kube/cache';
import { simCliForFile } from '../support/sim-cli';
import { waitUntil } from '../support/wait';

/** /api/metrics scraped as Prometheus would, over the whole simulated demo cluster. */
simCliForFile('demo', { verifyCredentials: true });

// Registered after the cluster's hooks, so it runs before the cluster stops.
afterAll(() => cacheRegistry().stopAll());

async function failures(): Promise<FailuresResponse> {
  const request = new NextRequest('http://127.0.0.1/api/contexts/sim-admin/failures');
  return (await (await getFailures(request, { params: Promise.resolve({ context: 'sim-admin' }) })).json()) as FailuresResponse;
}

async function scrape(): Promise<{ contentType: string | null; samples: Map<string, number> }> {
  const response = await getMetrics();
  expect(response.status).toBe(200);
  const samples = new Map<string, number>();
  for (const line of (await response.text()).split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return { contentType: response.headers.get('content-type'), samples };
}

/** The failing containers as the answer counts them, in the gauge's labels. */
function expectedGauge(answer: FailuresResponse): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of answer.items) {
    const key = `pullfix_failing_containers{context="sim-admin",namespace="${item.namespace}",registry="${item.image?.registry ?? ''}",cause="${item.cause}",verdict="${item.verdict.code}"}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

describe('GET /api/metrics', () => {
  it('counts the demo\'s failing containers by context, namespace, registry, cause and verdict, as the failures answer does', async () => {
    // The simulated kubelet needs a few back-off rounds: wait until a scrape and the answer agree and hold.
    const { contentType, samples } = await waitUntil(
      async () => {
        const before = await failures();
        const scraped = await scrape();
        const after = await failures();
        const gauge = new Map([...scraped.samples].filter(([key]) => key.startsWith('pullfix_failing_containers{')));
        const expected = expectedGauge(after);
        return before.items.length > 10 && JSON.stringify(before.items) === JSON.stringify(after.items) && JSON.stringify([...gauge].sort()) === JSON.stringify([...expected].sort()) && scraped;
      },
      { what: 'the scraped gauge to match the failures answer', timeoutMs: 60_000, intervalMs: 1_000 },
    );
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    const answer = await failures();
    const total = [...samples].filter(([key]) => key.startsWith('pullfix_failing_containers{')).reduce((sum, [, value]) => sum + value, 0);
    expect(total).toBe(answer.items.length);
    expect(samples.get('pullfix_failing_containers{context="sim-admin",namespace="default",registry="docker.io",cause="unauthorized",verdict="no-working-credential"}')).toBeGreaterThan(0);
    expect(samples.get('pullfix_context_up{context="sim-admin"}')).toBe(1);
    expect(samples.get('pullfix_cache_mode{context="sim-admin",mode="cluster-watch"}')).toBe(1);
    for (const resource of ['pods', 'events', 'secrets', 'serviceaccounts', 'replicasets', 'jobs']) {
      expect(samples.get(`pullfix_cache_synced{context="sim-admin",resource="${resource}"}`), resource).toBe(1);
      expect(samples.get(`pullfix_cache_relists_total{context="sim-admin",resource="${resource}"}`), resource).toBeGreaterThanOrEqual(1);
      expect(samples.has(`pullfix_cache_watch_restarts_total{context="sim-admin",resource="${resource}"}`), resource).toBe(true);
    }
    expect(samples.get('pullfix_http_request_duration_seconds_count{route="/api/contexts/{context}/failures",method="GET",status="200"}')).toBeGreaterThan(0);
  });
});
