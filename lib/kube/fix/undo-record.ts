import 'server-only';
/**
 * The undo record of an applied fix: which secret it made or touched, and the `imagePullSecrets` list it changed,
 * read from the cluster before and after the apply (names only, never data).
 */
import { createHash } from 'node:crypto';
import type { V1Pod, V1PodTemplateSpec } from '@kubernetes/client-node';
import type { FixRequest } from '../../api/fix-request';
import { addsOnlySecret, type FixUndo } from '../../api/fix-undo';
import type { KubeClients } from '../config';
import { getServiceAccount, getWorkload } from '../reads';
import type { PlannedSecret } from './plan-secret';
import type { PlannedStep } from './planned-step';
import type { FixWorkload } from './workloads';

/** Where the fix puts the secret's name, and the list there before it did. */
export type AttachBefore =
  | { kind: 'workload'; workload: FixWorkload; before: string[] | null }
  | { kind: 'service-account'; name: string; before: string[] | null }
  | { kind: 'none'; reason: string };

/** Read before the apply: the list the undo puts back. Recreated objects are not recreated again by an undo. */
export async function attachBefore(clients: KubeClients, namespace: string, pod: V1Pod, workload: FixWorkload | null, target: FixRequest['target']): Promise<AttachBefore> {
  if (target.kind === 'recreate-pod' || !workload) {
    return { kind: 'none', reason: `pod ${pod.metadata?.name ?? ''} was recreated with the secret; undo does not delete and recreate it again` };
  }
  if (target.kind === 'service-account') {
    const name = pod.spec?.serviceAccountName ?? 'default';
    return { kind: 'service-account', name, before: listOf((await getServiceAccount(clients, namespace, name)).imagePullSecrets) };
  }
  if (workload.kind === 'Job') return { kind: 'none', reason: `Job ${workload.name} was recreated with the secret; undo does not delete and recreate it again` };
  return { kind: 'workload', workload, before: listOf((await getWorkload(clients, namespace, workload)).template?.spec?.imagePullSecrets) };
}

/**
 * After the apply: the record, with the list as it is now. When the list is not the one before plus the secret
 * (the target named it already, or someone changed it at the same time), there is nothing this fix alone added.
 */
export async function undoRecord(
  clients: KubeClients,
  namespace: string,
  fixId: string,
  appliedAt: Date,
  secret: PlannedSecret,
  attach: PlannedStep[],
  before: AttachBefore,
): Promise<FixUndo> {
  const base = { fixId, namespace, appliedAt: appliedAt.toISOString(), secret: { name: secret.name, origin: secret.origin } };
  const unchanged = attach.every((step) => step.yaml === null) || (before.kind !== 'none' && (before.before ?? []).includes(secret.name));
  if (before.kind === 'none' || unchanged) return { ...base, attach: { kind: 'none', reason: before.kind === 'none' ? before.reason : `the target already named ${secret.name}` } };
  if (before.kind === 'service-account') {
    const after = listOf((await getServiceAccount(clients, namespace, before.name)).imagePullSecrets) ?? [];
    if (!addsOnlySecret(before.before ?? [], after, secret.name)) return { ...base, attach: { kind: 'none', reason: `service account ${before.name} changed at the same time` } };
    return { ...base, attach: { kind: 'service-account', name: before.name, before: before.before, after } };
  }
  const template = (await getWorkload(clients, namespace, before.workload)).template;
  const after = listOf(template?.spec?.imagePullSecrets) ?? [];
  if (!addsOnlySecret(before.before ?? [], after, secret.name)) return { ...base, attach: { kind: 'none', reason: `${before.workload.kind} ${before.workload.name} changed at the same time` } };
  return { ...base, attach: { kind: 'workload', workload: before.workload, before: before.before, after, template: templateFingerprint(template) } };
}

/** SHA-256 of the pod template with its keys sorted: equal for two reads of one unchanged template. */
export function templateFingerprint(template: V1PodTemplateSpec | undefined): string {
  return createHash('sha256').update(canonicalJson(template ?? null)).digest('hex');
}

/** The names of an `imagePullSecrets` list; null when the field is absent, which an undo restores as absent. */
export function listOf(references: { name?: string }[] | undefined): string[] | null {
  return references === undefined ? null : references.map((reference) => reference.name ?? '');
}

function canonicalJson(value: unknown): string {
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).filter(([, inner]) => inner !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${canonicalJson(inner)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
