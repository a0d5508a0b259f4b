import { z } from 'zod';
import { PATCHABLE_KINDS } from '../fix-plan';
import { boundedText, namespaceName, podName, secretName } from './validation';

/**
 * What an applied fix changed, as the apply answers it and the undo route takes it back: the secret it created,
 * copied, replaced or reused, and the `imagePullSecrets` list it changed (before and after, names only). No
 * secret's data, so the page may hold it. The server trusts none of it: it re-reads every object, undoes only what
 * still is as the fix left it, and deletes a secret only when it carries this fix's id. No server imports.
 */

const names = z.array(secretName).max(64, 'at most 64 pull secrets');

const workloadAttach = z.object({
  kind: z.literal('workload'),
  workload: z.object({ kind: z.enum(PATCHABLE_KINDS), name: podName }),
  /** The template's list before the fix; null when it had none (the field is removed again on undo). */
  before: names.nullable(),
  after: names,
  /** SHA-256 of the pod template as the fix left it: any other change since refuses the undo. */
  template: z.string().regex(/^[0-9a-f]{64}$/, 'template must be a SHA-256 in hex'),
});

const serviceAccountAttach = z.object({
  kind: z.literal('service-account'),
  name: podName,
  before: names.nullable(),
  after: names,
});

/** Nothing to detach: the target already named the secret, or it was recreated (a Job, a bare pod) and stays so. */
const noAttach = z.object({ kind: z.literal('none'), reason: boundedText('reason', 512) });

export const fixUndoSchema = z
  .object({
    fixId: z.uuid('fixId must be the fix id the apply answered'),
    namespace: namespaceName,
    appliedAt: z.iso.datetime({ message: 'appliedAt must be an ISO-8601 time' }).max(64),
    secret: z.object({ name: secretName, origin: z.enum(['created', 'copied', 'replaced', 'reused']) }),
    attach: z.discriminatedUnion('kind', [workloadAttach, serviceAccountAttach, noAttach]),
  })
  .refine((undo) => undo.attach.kind === 'none' || addsOnlySecret(undo.attach.before ?? [], undo.attach.after, undo.secret.name), {
    message: 'attach.after must be attach.before plus the fix\'s secret: a fix adds one name and nothing else',
    path: ['attach', 'after'],
  });

export type FixUndo = z.infer<typeof fixUndoSchema>;

/** POST …/fixes/undo answers what it did, step by step, in the words the page shows. */
export interface FixUndoResponse {
  undone: boolean;
  steps: { title: string; message: string }[];
}

/** Whether `after` is `before` with `secret` appended and nothing else changed: the only change a fix makes to a list. */
export function addsOnlySecret(before: string[], after: string[], secret: string): boolean {
  return !before.includes(secret) && after.length === before.length + 1 && after.at(-1) === secret && before.every((name, index) => after[index] === name);
}
