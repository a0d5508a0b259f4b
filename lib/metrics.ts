import 'server-only';

import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { PullFailure } from './api/types';
import { cacheRegistry } from './kube/cache';
import { listContexts } from './kube/config';

/**
 * What /api/metrics tells Prometheus: the failing containers of every context in use (and the kubeconfig's
 * current one, so an alert works before anyone opens the page), how each context's cache stands, and how long
 * the API's routes take. The figures are read from the caches at scrape time; nothing here talks to a cluster
 * beyond what answering the failures query does.
 */
/**
 * One set of metrics per server process, kept on globalThis: the production build may load this module once
 * per route bundle, and every route must count into the same histogram.
 */
const METRICS = Symbol.for('pullfix.metrics');
const { registry, failing, contextUp, cacheMode, cacheSynced, cacheObjects, watchRestarts, relists, requestDuration } = ((globalThis as { [METRICS]?: ReturnType<typeof createMetrics> })[METRICS] ??= createMetrics());

function createMetrics() {
  const registry = new Registry();

  const failing = new Gauge({
    name: 'pullfix_failing_containers',
    help: 'Containers that cannot pull their image, by context, namespace, registry, cause and verdict.',
    labelNames: ['context', 'namespace', 'registry', 'cause', 'verdict'] as const,
    registers: [registry],
  });
  const contextUp = new Gauge({
    name: 'pullfix_context_up',
    help: '1 when the context\'s failures could be read at the last scrape, 0 when the cluster refused or was unreachable.',
    labelNames: ['context'] as const,
    registers: [registry],
  });
  const cacheMode = new Gauge({
    name: 'pullfix_cache_mode',
    help: 'How the context\'s answers are made (1 for the mode in use): cluster-watch, namespace-watch or read-per-request.',
    labelNames: ['context', 'mode'] as const,
    registers: [registry],
  });
  const cacheSynced = new Gauge({
    name: 'pullfix_cache_synced',
    help: '1 when every watch of the resource is current, 0 while one lists again, retries or is refused.',
    labelNames: ['context', 'resource'] as const,
    registers: [registry],
  });
  const cacheObjects = new Gauge({
    name: 'pullfix_cache_objects',
    help: 'Objects of the resource held in the context\'s cache.',
    labelNames: ['context', 'resource'] as const,
    registers: [registry],
  });
  const watchRestarts = new Counter({
    name: 'pullfix_cache_watch_restarts_total',
    help: 'Watches started again after the first: the server ended one, a connection dropped, or a 410 asked for a new list.',
    labelNames: ['context', 'resource'] as const,
    registers: [registry],
  });
  const relists = new Counter({
    name: 'pullfix_cache_relists_total',
    help: 'Full lists of the resource, the first one included.',
    labelNames: ['context', 'resource'] as const,
    registers: [registry],
  });
  const requestDuration = new Histogram({
    name: 'pullfix_http_request_duration_seconds',
    help: 'Time to answer an API request, by route template, method and status.',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  return { registry, failing, contextUp, cacheMode, cacheSynced, cacheObjects, watchRestarts, relists, requestDuration };
}

/** The scrape: every figure read afresh, in Prometheus's text format. */
export async function metricsText(): Promise<{ contentType: string; body: string }> {
  await readFigures();
  return { contentType: registry.contentType, body: await registry.metrics() };
}

/**
 * A route handler whose answers are timed under its template (`/api/contexts/{context}/failures`), not its
 * path: a path per pod would make a series per pod.
 */
export function timed<Args extends [Request?, ...unknown[]]>(route: string, handler: (...args: Args) => Promise<Response>): (...args: Args) => Promise<Response> {
  return async (...args: Args) => {
    const end = requestDuration.startTimer({ route, method: args[0]?.method ?? 'GET' });
    const response = await handler(...args);
    end({ status: String(response.status) });
    return response;
  };
}

async function readFigures(): Promise<void> {
  const caches = cacheRegistry();
  const current = listContexts().find((context) => context.current)?.name;
  const contexts = [...new Set([...(current ? [current] : []), ...caches.health().map((health) => health.context)])];
  failing.reset();
  contextUp.reset();
  await Promise.all(
    contexts.map(async (context) => {
      try {
        countFailures(context, (await caches.failures(context, null)).items);
        contextUp.set({ context }, 1);
      } catch {
        contextUp.set({ context }, 0);
      }
    }),
  );
  for (const metric of [cacheMode, cacheSynced, cacheObjects, watchRestarts, relists]) metric.reset();
  for (const health of caches.health()) {
    cacheMode.set({ context: health.context, mode: health.mode }, 1);
    for (const [resource, informers] of Object.entries(health.kinds)) {
      const labels = { context: health.context, resource };
      cacheSynced.set(labels, informers.every((informer) => informer.state === 'synced') ? 1 : 0);
      cacheObjects.set(labels, informers.reduce((sum, informer) => sum + informer.objects, 0));
      watchRestarts.inc(labels, informers.reduce((sum, informer) => sum + informer.watchRestarts, 0));
      relists.inc(labels, informers.reduce((sum, informer) => sum + informer.relists, 0));
    }
  }
}

function countFailures(context: string, items: PullFailure[]): void {
  for (const item of items) {
    failing.inc({
      context,
      namespace: item.namespace,
      // An image that does not parse has no registry to name.
      registry: item.image?.registry ?? '',
      cause: item.cause,
      verdict: item.verdict.code,
    });
  }
}
