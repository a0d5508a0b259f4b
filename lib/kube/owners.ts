import 'server-only';

import type { V1ObjectMeta, V1OwnerReference } from '@kubernetes/client-node';
import type { WorkloadRef } from '../api/types';

/**
 * The controllers between a pod and the workload a person manages: ReplicaSets (owned by Deployments) and Jobs
 * (owned by CronJobs). Built from one list per kind and namespace rather than one get per pod.
 */
export interface OwnerIndex {
  replicaSets: Map<string, V1OwnerReference[]>;
  jobs: Map<string, V1OwnerReference[]>;
}

/** The kinds whose owner has to be looked up to reach the workload. */
export type IntermediateKind = 'ReplicaSet' | 'Job';

export interface OwnerChain {
  /** From the pod's controller upwards, e.g. [ReplicaSet web-7d4b9, Deployment web]. Empty for a bare pod. */
  owners: WorkloadRef[];
  /** The top of the chain; null for a bare pod. */
  workload: WorkloadRef | null;
}

export function resolveOwners(pod: { metadata?: V1ObjectMeta }, index: OwnerIndex): OwnerChain {
  const owners: WorkloadRef[] = [];
  let reference = controllerOf(pod.metadata?.ownerReferences);
  while (reference && owners.length < 4) {
    owners.push({ kind: reference.kind, name: reference.name });
    reference = controllerOf(ownersOf(reference, index));
  }
  return { owners, workload: owners.at(-1) ?? null };
}

export function ownerIndex(
  replicaSets: { metadata?: V1ObjectMeta }[],
  jobs: { metadata?: V1ObjectMeta }[],
): OwnerIndex {
  return { replicaSets: byName(replicaSets), jobs: byName(jobs) };
}

/** Which intermediate kinds these pods' controllers are, so only those lists are fetched. */
export function intermediateKinds(pods: { metadata?: V1ObjectMeta }[]): Set<IntermediateKind> {
  const kinds = new Set<IntermediateKind>();
  for (const pod of pods) {
    const kind = controllerOf(pod.metadata?.ownerReferences)?.kind;
    if (kind === 'ReplicaSet' || kind === 'Job') kinds.add(kind);
  }
  return kinds;
}

/** A stable key for grouping pods by workload; a bare pod is its own workload. */
export function workloadKey(namespace: string, workload: WorkloadRef | null, pod: string): string {
  return workload ? `${namespace}/${workload.kind}/${workload.name}` : `${namespace}/Pod/${pod}`;
}

function ownersOf(reference: V1OwnerReference, index: OwnerIndex): V1OwnerReference[] | undefined {
  if (reference.kind === 'ReplicaSet' && reference.apiVersion.startsWith('apps/')) {
    return index.replicaSets.get(reference.name);
  }
  if (reference.kind === 'Job' && reference.apiVersion.startsWith('batch/')) return index.jobs.get(reference.name);
  return undefined;
}

/** The managing owner: the one marked controller, else the only one (objects created by hand may omit the flag). */
function controllerOf(references: V1OwnerReference[] | undefined): V1OwnerReference | undefined {
  if (!references || references.length === 0) return undefined;
  return references.find((reference) => reference.controller) ?? (references.length === 1 ? references[0] : undefined);
}

function byName(objects: { metadata?: V1ObjectMeta }[]): Map<string, V1OwnerReference[]> {
  const index = new Map<string, V1OwnerReference[]>();
  for (const object of objects) {
    if (object.metadata?.name) index.set(object.metadata.name, object.metadata.ownerReferences ?? []);
  }
  return index;
}
