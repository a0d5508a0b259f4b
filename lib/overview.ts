/**
 * The overview's view of a failures response: filtering by verdict and text, counting verdicts for the filter
 * chips, grouping containers under the workload a person manages, and the short ages and secret summaries the
 * table shows. Pure, so the browser and the tests run the same code.
 */
import type { PullFailure, PullSecretState, VerdictCode, WorkloadRef } from './api/types';
import { isVerdictCode, VERDICT_CODES } from './verdicts';

export interface OverviewFilters {
  /** Namespace the API is asked for; null for every namespace. */
  namespace: string | null;
  /** Free text; every whitespace-separated term must appear somewhere in the row. */
  q: string;
  /** Only this verdict; null for all. */
  verdict: VerdictCode | null;
}

export interface WorkloadFailures {
  /** Unique per namespace and workload (or bare pod): a stable React key and anchor. */
  key: string;
  namespace: string;
  /** The managed object, or null for a bare pod (then `pods` holds that one pod). */
  workload: WorkloadRef | null;
  /** Distinct failing pods, in the order the API listed them. */
  pods: string[];
  /** The workload's failing pods out of all its pods, as the API counted them. */
  podCounts: { failing: number; total: number };
  failures: PullFailure[];
}

export interface VerdictCount {
  code: VerdictCode;
  count: number;
}

export type SecretStateTone = 'ok' | 'warn' | 'bad' | 'muted';

export interface SecretStateSummary {
  tone: SecretStateTone;
  label: string;
}

/** Rows that pass the verdict and text filters (the namespace filter is applied by the API). */
export function filterFailures(items: readonly PullFailure[], filters: Pick<OverviewFilters, 'q' | 'verdict'>): PullFailure[] {
  const terms = filters.q.toLowerCase().split(/\s+/).filter(Boolean);
  return items.filter((item) => {
    if (filters.verdict && item.verdict.code !== filters.verdict) return false;
    if (terms.length === 0) return true;
    const haystack = searchText(item);
    return terms.every((term) => haystack.includes(term));
  });
}

/** One count per verdict present, in the verdict table's order (credential problems first). */
export function countVerdicts(items: readonly PullFailure[]): VerdictCount[] {
  const counts = new Map<VerdictCode, number>();
  for (const item of items) counts.set(item.verdict.code, (counts.get(item.verdict.code) ?? 0) + 1);
  return VERDICT_CODES.flatMap((code) => {
    const count = counts.get(code);
    return count ? [{ code, count }] : [];
  });
}

/**
 * The overview's order, most urgent first: workloads with unavailable replicas (pods that cannot start), then
 * the longest failing (the earliest first failed pull; unknown last), then the most replicas down, then by name.
 */
export function byImpact(groups: readonly WorkloadFailures[]): WorkloadFailures[] {
  const keyed = groups.map((group) => ({ group, down: unavailableReplicas(group), since: earliestFailure(group) }));
  keyed.sort(
    (a, b) =>
      Number(b.down > 0) - Number(a.down > 0) ||
      a.since - b.since ||
      b.down - a.down ||
      (a.group.key < b.group.key ? -1 : a.group.key > b.group.key ? 1 : 0),
  );
  return keyed.map(({ group }) => group);
}

/**
 * Pods of the group that cannot start because of a pull. A failing ephemeral (debug) container or a warning
 * about a missing secret while the pod pulls anonymously leaves the pod running.
 */
export function unavailableReplicas(group: WorkloadFailures): number {
  const down = new Set<string>();
  for (const failure of group.failures) {
    if (failure.containerType !== 'ephemeral' && failure.reason !== 'FailedToRetrieveImagePullSecret') down.add(failure.pod);
  }
  return down.size;
}

/**
 * `next` with every group whose failures equal the previous answer's replaced by that previous object, so a
 * refresh or a pushed change re-renders only the rows that changed (memoized rows compare by identity).
 */
export function reuseUnchanged(previous: ReadonlyMap<string, WorkloadFailures>, next: readonly WorkloadFailures[]): WorkloadFailures[] {
  return next.map((group) => {
    const before = previous.get(group.key);
    return before && sameGroup(before, group) ? before : group;
  });
}

/** Groups containers under their workload, keeping the API's order (namespace, then pod). */
export function groupByWorkload(items: readonly PullFailure[]): WorkloadFailures[] {
  const groups = new Map<string, WorkloadFailures>();
  for (const item of items) {
    const key = workloadGroupKey(item);
    let group = groups.get(key);
    if (!group) {
      group = { key, namespace: item.namespace, workload: item.workload, pods: [], podCounts: item.workloadPods, failures: [] };
      groups.set(key, group);
    }
    if (!group.pods.includes(item.pod)) group.pods.push(item.pod);
    group.failures.push(item);
  }
  return [...groups.values()];
}

/** kubectl-style age: "45s", "3m", "2h", "5d", "1y"; "0s" for a time in the future (clock skew). */
export function formatAge(since: string, now: number): string {
  const start = Date.parse(since);
  if (Number.isNaN(start)) return '—';
  const seconds = Math.max(0, Math.floor((now - start) / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h`;
  const days = Math.floor(hours / 24);
  if (days < 365) return `${days}d`;
  return `${Math.floor(days / 365)}y`;
}

/** "12m" since the first failed pull, or null when that time is unknown. */
export function failingFor(since: string | null, now: number): string | null {
  return since === null || Number.isNaN(Date.parse(since)) ? null : formatAge(since, now);
}

/** The pull-secret column in a few words, worst finding first. */
export function summarizeSecretState(state: PullSecretState): SecretStateSummary {
  if (!state.readable) {
    return { tone: 'muted', label: state.attached.length ? `${state.attached.join(', ')} (unreadable)` : 'secrets unreadable' };
  }
  if (state.missing.length) return { tone: 'bad', label: `${state.missing.join(', ')} does not exist` };
  if (state.malformed.length) return { tone: 'bad', label: `${state.malformed.join(', ')} malformed` };
  if (state.matching.length) return { tone: 'ok', label: `${state.matching.join(', ')} matches` };
  if (state.unattachedMatching.length) {
    return { tone: 'warn', label: `${state.unattachedMatching.join(', ')} not attached` };
  }
  if (state.attached.length) return { tone: 'warn', label: `${state.attached.join(', ')} does not match` };
  return { tone: 'muted', label: 'none' };
}

/** Reads the overview's URL query; unknown verdicts and blank values fall back to "all". */
export function parseOverviewFilters(params: { get(name: string): string | null }): OverviewFilters {
  const namespace = params.get('namespace')?.trim() || null;
  const verdict = params.get('verdict');
  return {
    namespace,
    q: params.get('q') ?? '',
    verdict: isVerdictCode(verdict) ? verdict : null,
  };
}

/** The overview's URL for a context and filters; empty filters are left out so links stay short. */
export function overviewHref(context: string, filters: OverviewFilters): string {
  const query = new URLSearchParams();
  if (filters.namespace) query.set('namespace', filters.namespace);
  if (filters.q.trim()) query.set('q', filters.q);
  if (filters.verdict) query.set('verdict', filters.verdict);
  const search = query.toString();
  return `/contexts/${encodeURIComponent(context)}${search ? `?${search}` : ''}`;
}

export function podHref(context: string, namespace: string, pod: string): string {
  return `/contexts/${encodeURIComponent(context)}/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}`;
}

function workloadGroupKey(item: PullFailure): string {
  return item.workload
    ? `${item.namespace}/${item.workload.kind}/${item.workload.name}`
    : `${item.namespace}/Pod/${item.pod}`;
}

function earliestFailure(group: WorkloadFailures): number {
  let earliest = Number.POSITIVE_INFINITY;
  for (const failure of group.failures) {
    const at = failure.failingSince === null ? Number.NaN : Date.parse(failure.failingSince);
    if (at < earliest) earliest = at;
  }
  return earliest;
}

function sameGroup(a: WorkloadFailures, b: WorkloadFailures): boolean {
  if (a.podCounts.failing !== b.podCounts.failing || a.podCounts.total !== b.podCounts.total) return false;
  if (a.failures.length !== b.failures.length) return false;
  return a.failures.every((failure, index) => {
    const other = b.failures[index];
    return failure === other || JSON.stringify(failure) === JSON.stringify(other);
  });
}

/** Built once per item object: the text filter runs on every keystroke over every row. */
const searchTexts = new WeakMap<PullFailure, string>();

function searchText(item: PullFailure): string {
  let text = searchTexts.get(item);
  if (text === undefined) {
    text = itemText(item);
    searchTexts.set(item, text);
  }
  return text;
}

function itemText(item: PullFailure): string {
  return [
    item.namespace,
    item.pod,
    item.container,
    item.imageInput,
    item.image?.normalized ?? '',
    item.workload ? `${item.workload.kind} ${item.workload.name}` : '',
    item.reason,
    item.verdict.code,
    item.verdict.title,
  ]
    .join('\n')
    .toLowerCase();
}
