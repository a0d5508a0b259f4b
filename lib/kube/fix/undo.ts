import 'server-only';
/**
 * Undoing an applied fix from its record (undo-record.ts): the `imagePullSecrets` list it changed goes back to
 * exactly what it was, and the secret it created is deleted. Every object is read again first; anything not as
 * the fix left it refuses the undo rather than overwrite someone's change. Dry run first, then the real calls;
 * when a later step fails, the earlier ones are put back.
 */
import { PatchStrategy } from '@kubernetes/client-node';
import type { FixUndo, FixUndoResponse } from '../../api/fix-undo';
import { FIX_ID_ANNOTATION } from '../../fix-manifests';
import { ApiError } from '../../api/errors';
import { clientsFor, type KubeClients } from '../config';
import { kubeCall, toApiError } from '../errors';
import { findSecret, getServiceAccount, getWorkload } from '../reads';
import { dryRunParam } from './planned-step';
import { listOf, templateFingerprint } from './undo-record';
import { patchWorkload } from './workloads';

interface UndoStep {
  title: string;
  run(dryRun: boolean): Promise<string>;
  /** Puts back what `run` changed, after a later step failed. */
  revert?(): Promise<void>;
}

export async function undoFix(context: string, undo: FixUndo): Promise<FixUndoResponse> {
  const clients = clientsFor(context);
  const steps = [...(await detachSteps(clients, undo)), ...(await secretSteps(clients, undo))];
  for (const step of steps) await attempt(clients, step, true, 'the dry run', 'nothing was changed');
  const done: { title: string; message: string }[] = [];
  for (const [index, step] of steps.entries()) {
    const message = await attempt(clients, step, false, 'the undo', await revertAll(clients, steps.slice(0, index)));
    done.push({ title: step.title, message });
  }
  return { undone: true, steps: done };
}

/** Runs one step; a failure becomes 'undo-failed' naming the step and what became of the steps before it. */
async function attempt(clients: KubeClients, step: UndoStep, dryRun: boolean, phase: string, aftermath: string | (() => Promise<string>)): Promise<string> {
  try {
    return await step.run(dryRun);
  } catch (error) {
    const cause = toApiError(error, clients);
    const after = typeof aftermath === 'string' ? aftermath : await aftermath();
    throw new ApiError('undo-failed', cause.status, `the undo stopped at "${step.title}" during ${phase}: ${cause.message}; ${after}`, cause.reason);
  }
}

function revertAll(clients: KubeClients, done: UndoStep[]): () => Promise<string> {
  return async () => {
    if (done.length === 0) return 'nothing was changed';
    try {
      for (const step of [...done].reverse()) await step.revert?.();
      return 'what it had changed was put back: the cluster is as it was';
    } catch (error) {
      return `putting back what it had changed failed too (${toApiError(error, clients).message}): check ${done.map((step) => step.title).join(', ')} by hand`;
    }
  };
}

async function detachSteps(clients: KubeClients, undo: FixUndo): Promise<UndoStep[]> {
  const { attach, namespace } = undo;
  switch (attach.kind) {
    case 'none':
      return [];
    case 'service-account': {
      const account = await getServiceAccount(clients, namespace, attach.name);
      assertAsLeft(listOf(account.imagePullSecrets) ?? [], attach.after, `service account ${attach.name}`);
      const write = async (names: string[] | null, dryRun: boolean) => {
        const body = { ...account, imagePullSecrets: names?.map((name) => ({ name })) };
        // Guarded by the resourceVersion just read: a change since answers 409 instead of being overwritten.
        await kubeCall(clients, () => clients.core.replaceNamespacedServiceAccount({ namespace, name: attach.name, body, ...dryRunParam(dryRun) }));
      };
      return [
        {
          title: `remove ${undo.secret.name} from service account ${attach.name}`,
          run: async (dryRun) => {
            await write(attach.before, dryRun);
            return dryRun ? `the API server would update service account ${attach.name}` : `service account ${attach.name} lists ${names(attach.before)} again`;
          },
          revert: async () => {
            const current = await getServiceAccount(clients, namespace, attach.name);
            await kubeCall(clients, () => clients.core.replaceNamespacedServiceAccount({ namespace, name: attach.name, body: { ...current, imagePullSecrets: attach.after.map((name) => ({ name })) } }));
          },
        },
      ];
    }
    case 'workload': {
      const { kind, name } = attach.workload;
      const current = await getWorkload(clients, namespace, attach.workload);
      assertAsLeft(listOf(current.template?.spec?.imagePullSecrets) ?? [], attach.after, `${kind} ${name}`);
      if (templateFingerprint(current.template) !== attach.template) throw changedSince(`${kind} ${name}`, 'its pod template changed since the fix');
      const path = kind === 'CronJob' ? '/spec/jobTemplate/spec/template/spec/imagePullSecrets' : '/spec/template/spec/imagePullSecrets';
      const restore = (from: string[], to: string[] | null) => [
        // The test makes the patch atomic: a list changed since the read fails it (422) instead of being overwritten.
        { op: 'test', path, value: from.map((entry) => ({ name: entry })) },
        to === null ? { op: 'remove', path } : { op: 'replace', path, value: to.map((entry) => ({ name: entry })) },
      ];
      return [
        {
          title: `remove ${undo.secret.name} from ${kind} ${name}`,
          run: async (dryRun) => {
            await patchWorkload(clients, namespace, attach.workload, restore(attach.after, attach.before), dryRun, PatchStrategy.JsonPatch);
            return dryRun ? `the API server would patch ${kind} ${name}` : `${kind} ${name} lists ${names(attach.before)} again`;
          },
          revert: async () => {
            await patchWorkload(clients, namespace, attach.workload, [{ op: 'add', path, value: attach.after.map((entry) => ({ name: entry })) }], false, PatchStrategy.JsonPatch);
          },
        },
      ];
    }
  }
}

/** The secret goes only when this very fix created it: it carries this fix's id. */
async function secretSteps(clients: KubeClients, undo: FixUndo): Promise<UndoStep[]> {
  const { name, origin } = undo.secret;
  if (origin !== 'created' && origin !== 'copied') return [];
  const secret = await findSecret(clients, undo.namespace, name);
  if (!secret) return [];
  if (secret.metadata?.annotations?.[FIX_ID_ANNOTATION] !== undo.fixId) {
    throw new ApiError('conflict', 409, `Secret ${name} was not created by this fix (it lacks this fix's ${FIX_ID_ANNOTATION}): undo deletes only a secret the fix itself created; nothing was changed`);
  }
  const uid = secret.metadata?.uid;
  return [
    {
      title: `delete Secret ${name}, created by this fix`,
      run: async (dryRun) => {
        // The uid precondition: a secret deleted and created again under the name since the read is not this one.
        await kubeCall(clients, () => clients.core.deleteNamespacedSecret({ namespace: undo.namespace, name, body: { preconditions: { uid } }, ...dryRunParam(dryRun) }));
        return dryRun ? `the API server would delete Secret ${name}` : `deleted Secret ${name}`;
      },
    },
  ];
}

function assertAsLeft(current: string[], after: string[], what: string): void {
  if (current.length !== after.length || current.some((name, index) => name !== after[index])) {
    throw changedSince(what, `its imagePullSecrets are [${current.join(', ')}], not [${after.join(', ')}] as the fix left them`);
  }
}

function changedSince(what: string, how: string): ApiError {
  return new ApiError('conflict', 409, `${what} changed since the fix: ${how}. Undo would overwrite that change, so nothing was changed; remove the secret by hand if it should go.`);
}

function names(list: string[] | null): string {
  return list === null || list.length === 0 ? 'no pull secrets' : list.join(', ');
}
