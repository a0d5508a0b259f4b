import type { RunningApiServer } from '../contracts';
import { parseRequestInfo } from './request-info';

/** The open watches, by resource: what the apiserver's `apiserver_longrunning_requests` gauge counts. */
export type OpenWatches = Map<() => void, string>;

// The apiserver reports create as POST, update as PUT and both deletes as DELETE (metrics.CleanVerb).
const METRIC_VERBS: Record<string, string> = {
  get: 'GET',
  list: 'LIST',
  watch: 'WATCH',
  create: 'POST',
  update: 'PUT',
  patch: 'PATCH',
  delete: 'DELETE',
  deletecollection: 'DELETE',
};

/**
 * `GET /metrics` in the Prometheus text format, as the real apiserver names its series: every request served so
 * far by verb, resource and code (`apiserver_request_total`) and the watches open now
 * (`apiserver_longrunning_requests`). A client's request rate is the difference of two reads.
 */
export function requestMetrics(requestLog: RunningApiServer['requestLog'], openWatches: OpenWatches): string {
  const totals = new Map<string, number>();
  for (const entry of requestLog) {
    const url = new URL(entry.path, 'https://127.0.0.1');
    const info = parseRequestInfo(entry.method, url.pathname, url.searchParams);
    const labels = info.isResourceRequest
      ? `verb="${METRIC_VERBS[info.verb] ?? info.verb.toUpperCase()}",resource="${info.resource}",subresource="${info.subresource}",code="${entry.status}"`
      : `verb="${entry.method.toUpperCase()}",resource="",subresource="",code="${entry.status}"`;
    totals.set(labels, (totals.get(labels) ?? 0) + 1);
  }
  const watches = new Map<string, number>();
  for (const resource of openWatches.values()) watches.set(resource, (watches.get(resource) ?? 0) + 1);
  return [
    '# HELP apiserver_request_total Counter of apiserver requests broken out for each verb, resource and HTTP response code.',
    '# TYPE apiserver_request_total counter',
    ...[...totals].sort().map(([labels, count]) => `apiserver_request_total{${labels}} ${count}`),
    '# HELP apiserver_longrunning_requests Gauge of all active long-running apiserver requests broken out by verb and resource.',
    '# TYPE apiserver_longrunning_requests gauge',
    ...[...watches].sort().map(([resource, count]) => `apiserver_longrunning_requests{verb="WATCH",resource="${resource}"} ${count}`),
    '',
  ].join('\n');
}
