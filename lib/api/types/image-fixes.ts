/**
 * POST /api/contexts/{context}/namespaces/{namespace}/image-fixes: changing an image.
 * Part of the API's JSON types (gathered in index.ts): types only, nothing server-side.
 */
import type { FixApplied, FixFollow } from '../../fix-plan';
import type { WorkloadRef } from './failures';

export type { ImageFixRequest } from '../fix-request';

export interface ImageFixResponse {
  mode: 'preview' | 'apply';
  /** What gets patched: the workload that owns the pod, or the bare pod itself. */
  target: WorkloadRef;
  container: string;
  from: string;
  to: string;
  /** The strategic merge patch, as YAML. */
  patch: string;
  /** The SelfSubjectAccessReview's answer for patching the target. */
  allowed: boolean;
  /** Why not, when not allowed. */
  deniedReason: string | null;
  /** The server-side dry run of the patch. */
  dryRun: { ok: boolean; message: string | null };
  /** True once the patch was applied (mode 'apply' only). */
  applied: boolean;
  /** After an apply: the rollout the page follows to the new pod; null for a preview. */
  follow: FixFollow | null;
  /** After an apply: who changed the tag, when, to what. */
  outcome: FixApplied | null;
}
