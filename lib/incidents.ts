/**
 * Failures grouped into incidents: one root cause, one action, however many workloads it touches. When a
 * registry rate-limits or one credential expires, twenty rows say the same thing; an incident says it once, with
 * its blast radius and the fix that serves all of it. Pure, so the server, the browser and the tests group alike.
 */
import type { PullFailure, PullFailureCause, VerdictCode, WorkloadRef } from './api/types';

/** A failure item as the grouping reads it; `context` is set in the fleet view, `failingSince` when known. */
export type IncidentInput = PullFailure & {
  /** The kubeconfig context the item came from; absent when one cluster is shown. */
  context?: string;
  /** When the first failed pull of this container was seen (its oldest pull-failure event); null when unknown. */
  failingSince?: string | null;
};

export interface Incident {
  /** Stable across refreshes while the root cause and its scope stay the same: a React key and an anchor. */
  key: string;
  verdict: VerdictCode;
  cause: PullFailureCause;
  /** The registry every member pulls from; null when the members do not share one (invalid references). */
  registry: string | null;
  /** The secret the root cause is about, when it is about one. */
  secretName: string | null;
  /** The image reference the root cause is about (one bad tag), when it is about one. */
  image: string | null;
  failures: IncidentInput[];
  radius: BlastRadius;
  /** The earliest known first failure among the members; null when none is known. */
  failingSince: string | null;
  /**
   * Containers failing and running with this registry across everything given; running pulls are evidence it is
   * up. Null without a registry, or when the caller knows nothing of running containers.
   */
  registryPulls: { failing: number; running: number } | null;
  action: IncidentAction;
}

export interface BlastRadius {
  workloads: WorkloadTarget[];
  pods: number;
  namespaces: string[];
  contexts: string[];
  /** Replicas that cannot start: each affected workload's failing pods, counted once per workload. */
  unavailableReplicas: number;
}

/** A workload (or bare pod) an action applies to. */
export interface WorkloadTarget {
  context: string | null;
  namespace: string;
  workload: WorkloadRef;
}

/**
 * The one action that serves the whole incident. `check` is for causes pullfix cannot fix (a registry that is
 * down, DNS): `what` is the sentence saying what to do instead. `per-workload` means each member needs its own change.
 */
export type IncidentAction =
  | { kind: 'attach-secret'; secretName: string; targets: WorkloadTarget[] }
  | { kind: 'create-secret'; registry: string; namespaces: string[]; targets: WorkloadTarget[] }
  | { kind: 'copy-secret'; secretName: string; namespaces: string[] }
  | { kind: 'replace-secret'; secretName: string; registry: string; namespaces: string[] }
  | { kind: 'restart'; targets: WorkloadTarget[] }
  | { kind: 'change-image'; image: string; targets: WorkloadTarget[] }
  | { kind: 'check'; what: string }
  | { kind: 'per-workload' };

/** What the caller knows beyond the failures: running containers per registry, for the failing-vs-running ratio. */
export interface IncidentEvidence {
  runningByRegistry?: ReadonlyMap<string, number>;
}

/**
 * Groups failures into incidents, most urgent first: those with unavailable replicas, then the longest failing,
 * then the widest. Every input item lands in exactly one incident.
 */
export function groupIncidents(items: readonly IncidentInput[], evidence: IncidentEvidence = {}): Incident[] {
  const groups = new Map<string, IncidentInput[]>();
  for (const item of items) {
    const key = incidentKey(item);
    const members = groups.get(key);
    if (members) members.push(item);
    else groups.set(key, [item]);
  }
  const failingByRegistry = countBy(items, (item) => item.image?.registry ?? null);
  return [...groups.entries()]
    .map(([key, members]) => toIncident(key, members, failingByRegistry, evidence))
    .sort(byUrgency);
}

/**
 * How each verdict's root cause is shared. `scope: 'registry'` causes are the registry's own (one incident
 * across namespaces and clusters); 'credential' causes are about one secret or image, shared across the
 * namespaces of one cluster (a secret name means nothing in another cluster).
 */
const INCIDENT_RULES: Record<VerdictCode, IncidentRule> = {
  'rate-limited': { scope: 'registry', by: [] },
  'registry-unreachable': { scope: 'registry', by: ['cause'] },
  'credentials-rejected': { scope: 'cluster', by: ['secret'] },
  'no-working-credential': { scope: 'cluster', by: ['image'] },
  'secret-in-other-namespace': { scope: 'cluster', by: ['secret'] },
  'repository-not-found': { scope: 'cluster', by: ['image'] },
  'account-lacks-access': { scope: 'cluster', by: ['secret', 'image'] },
  'access-refused': { scope: 'cluster', by: ['secret', 'image'] },
  'missing-secret': { scope: 'cluster', by: [] },
  'secret-not-attached': { scope: 'cluster', by: ['secret'] },
  'secret-for-other-registry': { scope: 'cluster', by: [] },
  'pod-predates-service-account': { scope: 'cluster', by: ['secret', 'namespace'] },
  'referenced-secret-missing': { scope: 'cluster', by: ['secret'], anyRegistry: true },
  'malformed-secret': { scope: 'cluster', by: ['secret', 'namespace'], anyRegistry: true },
  'node-credentials': { scope: 'cluster', by: [] },
  'tag-not-found': { scope: 'cluster', by: ['image'] },
  'platform-mismatch': { scope: 'cluster', by: ['image'] },
  'invalid-reference': { scope: 'cluster', by: ['input'], anyRegistry: true },
  'never-pull': { scope: 'cluster', by: ['image'] },
  unknown: { scope: 'cluster', by: ['cause'] },
  'cached-image-unverified': { scope: 'cluster', by: ['secret', 'image'] },
  'cached-image-never-pull': { scope: 'cluster', by: ['secret', 'image'] },
  'provider-annotation-missing': { scope: 'cluster', by: ['namespace'] },
  'provider-credentials-refused': { scope: 'cluster', by: [] },
};

interface IncidentRule {
  scope: 'registry' | 'cluster';
  /** What else members must share besides the verdict and (unless anyRegistry) the registry. */
  by: ('cause' | 'secret' | 'namespace' | 'image' | 'input')[];
  anyRegistry?: boolean;
}

function incidentKey(item: IncidentInput): string {
  const rule = INCIDENT_RULES[item.verdict.code];
  const parts: string[] = [item.verdict.code];
  if (rule.scope === 'cluster') parts.push(`ctx=${item.context ?? ''}`);
  if (!rule.anyRegistry) parts.push(`reg=${item.image?.registry ?? ''}`);
  for (const field of rule.by) parts.push(`${field}=${keyField(item, field)}`);
  return parts.join('|');
}

function keyField(item: IncidentInput, field: IncidentRule['by'][number]): string {
  switch (field) {
    case 'cause':
      return item.cause;
    case 'secret':
      return item.verdict.secretName ?? '';
    case 'namespace':
      return item.namespace;
    case 'image':
      return item.image?.normalized ?? item.imageInput;
    case 'input':
      return item.imageInput;
  }
}

function toIncident(
  key: string,
  members: IncidentInput[],
  failingByRegistry: Map<string | null, number>,
  evidence: IncidentEvidence,
): Incident {
  const first = members[0]!;
  const rule = INCIDENT_RULES[first.verdict.code];
  const registry = rule.anyRegistry ? sharedValue(members.map((item) => item.image?.registry ?? null)) : (first.image?.registry ?? null);
  const radius = blastRadius(members);
  const secretName = rule.by.includes('secret') ? first.verdict.secretName : null;
  const image = rule.by.includes('image') ? (first.image?.normalized ?? first.imageInput) : null;
  return {
    key,
    verdict: first.verdict.code,
    cause: first.cause,
    registry,
    secretName,
    image,
    failures: members,
    radius,
    failingSince: earliest(members.map((item) => item.failingSince ?? null)),
    registryPulls:
      registry && evidence.runningByRegistry
        ? { failing: failingByRegistry.get(registry) ?? 0, running: evidence.runningByRegistry.get(registry) ?? 0 }
        : null,
    action: incidentAction(first, registry, secretName, image, radius),
  };
}

function incidentAction(
  first: IncidentInput,
  registry: string | null,
  secretName: string | null,
  image: string | null,
  radius: BlastRadius,
): IncidentAction {
  const targets = radius.workloads;
  switch (first.verdict.code) {
    case 'secret-not-attached':
    case 'cached-image-unverified':
    case 'cached-image-never-pull':
      return secretName ? { kind: 'attach-secret', secretName, targets } : { kind: 'per-workload' };
    case 'missing-secret':
    case 'secret-for-other-registry':
    case 'no-working-credential':
      return registry ? { kind: 'create-secret', registry, namespaces: radius.namespaces, targets } : { kind: 'per-workload' };
    case 'credentials-rejected':
      return secretName && registry
        ? { kind: 'replace-secret', secretName, registry, namespaces: radius.namespaces }
        : { kind: 'per-workload' };
    case 'secret-in-other-namespace':
    case 'referenced-secret-missing':
      return secretName ? { kind: 'copy-secret', secretName, namespaces: radius.namespaces } : { kind: 'per-workload' };
    case 'malformed-secret':
      return secretName && registry
        ? { kind: 'replace-secret', secretName, registry, namespaces: radius.namespaces }
        : { kind: 'per-workload' };
    case 'pod-predates-service-account':
      return { kind: 'restart', targets };
    case 'tag-not-found':
      return image ? { kind: 'change-image', image, targets } : { kind: 'per-workload' };
    case 'rate-limited':
      return { kind: 'check', what: `Authenticate pulls from ${registry ?? 'the registry'} or use a mirror: anonymous pulls are rate-limited` };
    case 'registry-unreachable':
      return { kind: 'check', what: unreachableCheck(first.cause, registry ?? 'the registry') };
    case 'node-credentials':
      return { kind: 'check', what: `Check the nodes' credential provider for ${registry ?? 'this registry'}: the node's cloud identity and its access` };
    case 'platform-mismatch':
      return { kind: 'check', what: 'Check which platforms the image is built for against the nodes it is scheduled on' };
    case 'never-pull':
      return { kind: 'check', what: 'Preload the image on the nodes, or change imagePullPolicy from Never' };
    case 'repository-not-found':
      return { kind: 'check', what: `Check the image name: ${image ?? 'the repository or tag'} does not exist, though the registry said "unauthorized"` };
    case 'account-lacks-access':
    case 'access-refused':
      return { kind: 'check', what: `Check the image name, then the account's pull access to ${image ?? 'the repository'}: its login works` };
    case 'provider-credentials-refused':
      return { kind: 'check', what: `Check the cloud identity the pods' service accounts map to: its trust of their tokens and its pull access to ${registry ?? 'the registry'}` };
    case 'invalid-reference':
    case 'unknown':
    case 'provider-annotation-missing':
      return { kind: 'per-workload' };
  }
}

function unreachableCheck(cause: PullFailureCause, registry: string): string {
  switch (cause) {
    case 'dns':
      return `Check DNS: the nodes cannot resolve ${registry}`;
    case 'tls':
      return `Check TLS: the nodes do not trust ${registry}'s certificate`;
    case 'registry-unavailable':
      return `Check ${registry}'s status page, or pull through a mirror: it answers with server errors`;
    default:
      return `Check the network path from the nodes to ${registry}: firewall, proxy, egress`;
  }
}

function blastRadius(members: readonly IncidentInput[]): BlastRadius {
  const workloads = new Map<string, { target: WorkloadTarget; unavailable: number }>();
  const pods = new Set<string>();
  for (const item of members) {
    const workload = item.workload ?? { kind: 'Pod', name: item.pod };
    const id = `${item.context ?? ''}/${item.namespace}/${workload.kind}/${workload.name}`;
    if (!workloads.has(id)) {
      workloads.set(id, {
        target: { context: item.context ?? null, namespace: item.namespace, workload },
        unavailable: Math.max(1, item.workloadPods.failing),
      });
    }
    pods.add(`${item.context ?? ''}/${item.namespace}/${item.pod}`);
  }
  const entries = [...workloads.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, entry]) => entry);
  return {
    workloads: entries.map((entry) => entry.target),
    pods: pods.size,
    namespaces: distinctSorted(members.map((item) => item.namespace)),
    contexts: distinctSorted(members.flatMap((item) => (item.context === undefined ? [] : [item.context]))),
    unavailableReplicas: entries.reduce((sum, entry) => sum + entry.unavailable, 0),
  };
}

/** Unavailable replicas first, then failing longest (unknown start last), then widest, then by key. */
function byUrgency(a: Incident, b: Incident): number {
  const down = Number(b.radius.unavailableReplicas > 0) - Number(a.radius.unavailableReplicas > 0);
  if (down !== 0) return down;
  const since = timeOrInfinity(a.failingSince) - timeOrInfinity(b.failingSince);
  if (since !== 0 && !Number.isNaN(since)) return since;
  const width = b.radius.workloads.length - a.radius.workloads.length;
  if (width !== 0) return width;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

function timeOrInfinity(iso: string | null): number {
  const time = iso === null ? Number.NaN : Date.parse(iso);
  return Number.isNaN(time) ? Number.POSITIVE_INFINITY : time;
}

function earliest(times: readonly (string | null)[]): string | null {
  let best: string | null = null;
  for (const time of times) {
    if (time !== null && !Number.isNaN(Date.parse(time)) && (best === null || Date.parse(time) < Date.parse(best))) best = time;
  }
  return best;
}

function sharedValue<T>(values: readonly T[]): T | null {
  return values.every((value) => value === values[0]) ? (values[0] ?? null) : null;
}

function countBy<T, K>(items: readonly T[], keyOf: (item: T) => K): Map<K, number> {
  const counts = new Map<K, number>();
  for (const item of items) counts.set(keyOf(item), (counts.get(keyOf(item)) ?? 0) + 1);
  return counts;
}

function distinctSorted(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}
