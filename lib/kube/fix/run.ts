import 'server-only';

import type { V1Job, V1Pod, V1Secret } from '@kubernetes/client-node';
import {
  copiedPullSecret,
  newPullSecret,
  previewYaml,
  pullSecretsPatch,
  recreatedJob,
  restartPatch,
  secretPreview,
  withPullSecret,
  type SecretManifest,
} from '../../fix-manifests';
import type { FixFollow, FixResponse, FixStep, FixStepKind, StepCheck } from '../../fix-plan';
import type { FixRequest } from '../../api/fix-request';
import { clientsFor, type KubeClients } from '../config';
import { PULL_SECRET_TYPES } from '../credentials';
import { ApiError } from '../../api/errors';
import { toApiError } from '../errors';
import { findSecret, getJob, getPod, getServiceAccount, getWorkload } from '../reads';
import { containerImage } from './options';
import { findWorkload, jobDeletion, jobPods, patchWorkload, templatePullSecrets, type FixWorkload } from './workloads';

/** A step planned from what the cluster holds now; `run` makes the call, as a server-side dry run or for real. */
interface PlannedStep {
  kind: FixStepKind;
  title: string;
  yaml: string | null;
  /** Set on a restart: the annotation value the restarted pods carry. */
  restartedAt?: string;
  run(dryRun: boolean): Promise<string>;
}

/**
 * Concurrent fixes on one service account conflict on its resourceVersion: each round one update wins, so ten
 * at once need up to ten tries. Full-jitter exponential back-off (client-go's retry.RetryOnConflict uses a
 * jittered back-off for the same reason) keeps the losers from colliding again in lockstep.
 */
const SERVICE_ACCOUNT_TRIES = 16;
const CONFLICT_BACKOFF_MS = 20;
const CONFLICT_BACKOFF_MAX_MS = 1_000;
const GONE_TIMEOUT_MS = 30_000;

/**
 * Plans the fix, then runs every step as a server-side dry run (`dryRun=All`). A preview stops there; an apply
 * goes on to the real calls only when every dry run passed, in order, and stops at the first failure. An apply
 * that fails throws a 'fix-failed' error naming the step, after deleting the Secret it created for the fix, so a
 * failed fix leaves no orphan behind. The answer never holds the password: previews mask it and step messages
 * come from the cluster's Status.
 */
export async function runFix(context: string, namespace: string, request: FixRequest): Promise<FixResponse> {
  const clients = clientsFor(context);
  const pod = await getPod(clients, namespace, request.pod);
  containerImage(pod, request.container);
  const { workload } = await findWorkload(clients, namespace, pod);
  const secret = await planSecret(clients, namespace, request.source);
  const attach = await planAttach(clients, namespace, pod, workload, secret, request.target);
  const planned = [secret.step, ...attach];

  const dryRuns = await runAll(planned, true, clients);
  const steps: FixStep[] = planned.map((step, index) => ({ kind: step.kind, title: step.title, yaml: step.yaml, dryRun: dryRuns.checks[index] ?? null, result: null }));
  if (request.mode === 'preview') return { mode: 'preview', steps, applied: false, follow: null };
  if (dryRuns.failure) throw fixFailed(dryRuns.failure, 'the dry run', 'nothing was changed');

  const startedAt = new Date();
  const results = await runAll(planned, false, clients);
  if (results.failure) throw fixFailed(results.failure, 'the apply', await undoCreatedSecret(clients, secret, results.checks[0] ?? null));
  return {
    mode: 'apply',
    steps: steps.map((step, index) => ({ ...step, result: results.checks[index] ?? null })),
    applied: true,
    follow: follow(workload, request, secret.name, attach, startedAt),
  };
}

interface StepFailure {
  step: PlannedStep;
  error: ApiError;
}

/** Runs steps in order; after a failure the rest are not tried and stay null. */
async function runAll(steps: PlannedStep[], dryRun: boolean, clients: KubeClients): Promise<{ checks: (StepCheck | null)[]; failure: StepFailure | null }> {
  const checks: (StepCheck | null)[] = [];
  let failure: StepFailure | null = null;
  for (const step of steps) {
    if (failure) {
      checks.push(null);
      continue;
    }
    try {
      checks.push({ ok: true, message: await step.run(dryRun) });
    } catch (error) {
      failure = { step, error: toApiError(error, clients) };
      checks.push({ ok: false, message: failure.error.message });
    }
  }
  return { checks, failure };
}

/** The answer to a failed apply: the step, the cluster's words, and what was undone. */
function fixFailed({ step, error }: StepFailure, phase: string, aftermath: string): ApiError {
  return new ApiError('fix-failed', error.status, `the fix stopped at "${step.title}" during ${phase}: ${error.message}; ${aftermath}`, error.reason);
}

/** A Secret this fix created (new or copied) is deleted again when a later step fails: no orphan stays behind. */
async function undoCreatedSecret(clients: KubeClients, secret: { name: string; namespace: string; step: PlannedStep }, result: StepCheck | null): Promise<string> {
  const created = (secret.step.kind === 'create-secret' || secret.step.kind === 'copy-secret') && result?.ok === true;
  if (!created) return 'the steps before it stay applied';
  try {
    await clients.core.deleteNamespacedSecret({ namespace: secret.namespace, name: secret.name });
    return `Secret ${secret.name}, created for this fix, was deleted again`;
  } catch (error) {
    return `Secret ${secret.name}, created for this fix, could not be deleted (${toApiError(error, clients).message}): delete it by hand`;
  }
}

function follow(workload: FixWorkload | null, request: FixRequest, secret: string, attach: PlannedStep[], startedAt: Date): FixFollow {
  // Whole seconds: creationTimestamp has no fraction, and a pod created in the same second is new.
  const after = new Date(Math.floor(startedAt.getTime() / 1000) * 1000).toISOString();
  const restartedAt = attach.find((step) => step.restartedAt)?.restartedAt ?? null;
  if (!workload || request.target.kind === 'recreate-pod') return { kind: 'Pod', name: request.pod, after, secret, restartedAt };
  // Nothing changed on the template: no rollout comes, so the page follows the pods as they are.
  const changed = attach.some((step) => step.yaml !== null);
  return { kind: workload.kind, name: workload.name, after: changed ? after : new Date(0).toISOString(), secret, restartedAt };
}

// ---- The secret --------------------------------------------------------------------------------------------

async function planSecret(
  clients: KubeClients,
  namespace: string,
  source: FixRequest['source'],
): Promise<{ name: string; namespace: string; step: PlannedStep }> {
  return { namespace, ...(await planSecretStep(clients, namespace, source)) };
}

async function planSecretStep(
  clients: KubeClients,
  namespace: string,
  source: FixRequest['source'],
): Promise<{ name: string; step: PlannedStep }> {
  switch (source.kind) {
    case 'existing': {
      const existing = await findSecret(clients, namespace, source.name);
      if (!existing) throw new ApiError('not-found', 404, `the secret "${source.name}" does not exist in namespace "${namespace}"`, 'NotFound');
      assertPullSecret(existing, namespace);
      return {
        name: source.name,
        step: { kind: 'reuse-secret', title: `reuse Secret ${source.name}`, yaml: null, run: async () => `Secret ${source.name} exists and is a pull secret` },
      };
    }
    case 'copy': {
      const original = await findSecret(clients, source.fromNamespace, source.name);
      if (!original) throw new ApiError('not-found', 404, `the secret "${source.name}" does not exist in namespace "${source.fromNamespace}"`, 'NotFound');
      assertPullSecret(original, source.fromNamespace);
      const name = source.newName ?? source.name;
      await assertNameFree(clients, namespace, name);
      const copy = copiedPullSecret({ namespace: source.fromNamespace, name: source.name, type: original.type ?? '', data: original.data ?? {} }, namespace, name);
      return { name, step: createSecretStep('copy-secret', `copy Secret ${source.fromNamespace}/${source.name} to ${namespace}/${name}`, clients, copy) };
    }
    case 'new': {
      const secret = newPullSecret(namespace, source);
      const existing = await findSecret(clients, namespace, source.name);
      if (!existing) return { name: source.name, step: createSecretStep('create-secret', `create Secret ${source.name}`, clients, secret) };
      if (!source.replaceExisting) throw nameTaken(namespace, source.name);
      return { name: source.name, step: replaceSecretStep(clients, existing, secret) };
    }
  }
}

function createSecretStep(kind: FixStepKind, title: string, clients: KubeClients, secret: SecretManifest): PlannedStep {
  return {
    kind,
    title,
    yaml: secretPreview(secret),
    run: async (dryRun) => {
      try {
        await clients.core.createNamespacedSecret({ namespace: secret.metadata.namespace, body: secret, ...dryRunParam(dryRun) });
      } catch (error) {
        const kubeError = toApiError(error, clients);
        if (kubeError.status === 409) throw nameTaken(secret.metadata.namespace, secret.metadata.name);
        throw kubeError;
      }
      return dryRun ? `the API server would create Secret ${secret.metadata.name}` : `created Secret ${secret.metadata.name}`;
    },
  };
}

/** Replaces the data of an existing secret the person chose to overwrite, guarded by its resourceVersion. */
function replaceSecretStep(clients: KubeClients, existing: V1Secret, secret: SecretManifest): PlannedStep {
  const body: V1Secret = { ...secret, metadata: { ...existing.metadata, name: secret.metadata.name, namespace: secret.metadata.namespace } };
  return {
    kind: 'replace-secret',
    title: `replace the data of Secret ${secret.metadata.name}`,
    yaml: secretPreview(secret),
    run: async (dryRun) => {
      await clients.core.replaceNamespacedSecret({ namespace: secret.metadata.namespace, name: secret.metadata.name, body, ...dryRunParam(dryRun) });
      return dryRun ? `the API server would replace the data of Secret ${secret.metadata.name}` : `replaced the data of Secret ${secret.metadata.name}`;
    },
  };
}

function nameTaken(namespace: string, name: string): ApiError {
  return new ApiError(
    'conflict',
    409,
    `a secret named "${name}" already exists in namespace "${namespace}": choose to replace its data, or pick another name`,
    'AlreadyExists',
  );
}

async function assertNameFree(clients: KubeClients, namespace: string, name: string): Promise<void> {
  if (await findSecret(clients, namespace, name)) throw nameTaken(namespace, name);
}

function assertPullSecret(secret: V1Secret, namespace: string): void {
  if (!PULL_SECRET_TYPES.has(secret.type ?? '')) {
    throw new ApiError(
      'invalid-input',
      400,
      `the secret "${secret.metadata?.name ?? ''}" in namespace "${namespace}" has type ${secret.type ?? 'Opaque'}; the kubelet reads pull credentials only from kubernetes.io/dockerconfigjson or kubernetes.io/dockercfg secrets`,
    );
  }
}

// ---- Attaching it ------------------------------------------------------------------------------------------

async function planAttach(
  clients: KubeClients,
  namespace: string,
  pod: V1Pod,
  workload: FixWorkload | null,
  { name: secret, step: secretStep }: { name: string; step: PlannedStep },
  target: FixRequest['target'],
): Promise<PlannedStep[]> {
  if (target.kind === 'recreate-pod') {
    if (workload) throw new ApiError('invalid-input', 400, `pod ${pod.metadata?.name ?? ''} belongs to ${workload.kind} ${workload.name}: attach the secret there instead of recreating the pod`);
    return recreatePodSteps(clients, namespace, pod, secret);
  }
  if (!workload) {
    throw new ApiError('invalid-input', 400, 'a bare pod cannot gain pull secrets (the API server rejects the change) and cannot be restarted: recreate it with the secret instead');
  }
  const serviceAccount = pod.spec?.serviceAccountName ?? 'default';
  if (workload.kind === 'Job') return planJobAttach(clients, namespace, workload.name, serviceAccount, { name: secret, step: secretStep }, target);
  if (target.kind === 'service-account') {
    return [serviceAccountStep(clients, namespace, serviceAccount, secret), restartStep(clients, namespace, workload)];
  }
  const current = await getWorkload(clients, namespace, workload);
  const patch = pullSecretsPatch(workload.kind, templatePullSecrets(current.template), secret);
  const steps: PlannedStep[] = [
    {
      kind: 'patch-workload',
      title: patch ? `patch ${workload.kind} ${workload.name}` : `${workload.kind} ${workload.name} already names ${secret}`,
      yaml: patch ? previewYaml(patch) : null,
      run: async (dryRun) => {
        if (!patch) return `the pod template already names ${secret}: nothing to change`;
        await patchWorkload(clients, namespace, workload, patch, dryRun);
        return dryRun ? `the API server would patch ${workload.kind} ${workload.name}` : `patched ${workload.kind} ${workload.name}`;
      },
    },
  ];
  // A ReplicaSet without a Deployment does not replace its pods when the template changes.
  if (workload.kind === 'ReplicaSet' && patch) steps.push(deletePodStep(clients, namespace, pod.metadata?.name ?? ''));
  // New data under a name the template already has: only new pods are sure to pull with it.
  if (!patch && secretStep.kind === 'replace-secret') steps.push(restartStep(clients, namespace, workload));
  return steps;
}

/**
 * Adds the secret to the service account with an update guarded by its resourceVersion: a strategic merge
 * patch would replace the whole list. A 409 means someone else changed it: read again and retry.
 */
function serviceAccountStep(clients: KubeClients, namespace: string, name: string, secret: string): PlannedStep {
  return {
    kind: 'update-service-account',
    title: `add ${secret} to service account ${name}`,
    yaml: previewYaml({ imagePullSecrets: [{ name: secret }] }),
    run: async (dryRun) => {
      for (let attempt = 1; ; attempt += 1) {
        const account = await getServiceAccount(clients, namespace, name);
        const names = (account.imagePullSecrets ?? []).map((reference) => reference.name ?? '');
        if (names.includes(secret)) return `service account ${name} already names ${secret}`;
        const body = { ...account, imagePullSecrets: withPullSecret(names, secret).map((entry) => ({ name: entry })) };
        try {
          await clients.core.replaceNamespacedServiceAccount({ namespace, name, body, ...dryRunParam(dryRun) });
          return dryRun ? `the API server would update service account ${name}` : `added ${secret} to service account ${name}`;
        } catch (error) {
          const kubeError = toApiError(error, clients);
          if (kubeError.status !== 409 || attempt >= SERVICE_ACCOUNT_TRIES) throw kubeError;
          await jitteredBackoff(attempt);
        }
      }
    },
  };
}

function jitteredBackoff(attempt: number): Promise<void> {
  const ceiling = Math.min(CONFLICT_BACKOFF_MAX_MS, CONFLICT_BACKOFF_MS * 2 ** attempt);
  return new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
}

function restartStep(clients: KubeClients, namespace: string, workload: FixWorkload): PlannedStep {
  const at = new Date();
  const patch = restartPatch(workload.kind, at);
  return {
    kind: 'restart-workload',
    title: `restart ${workload.kind} ${workload.name}`,
    yaml: previewYaml(patch),
    restartedAt: at.toISOString(),
    run: async (dryRun) => {
      await patchWorkload(clients, namespace, workload, patch, dryRun);
      return dryRun ? `the API server would restart ${workload.kind} ${workload.name}` : `restarted ${workload.kind} ${workload.name}`;
    },
  };
}

/**
 * A Job's pod template is immutable, and a Job has no rollout restart: both targets recreate it (after the SA
 * update for the service-account one), which deletes its pods, so the request must carry the confirmation.
 * A template that already names the secret, with its data unchanged, needs nothing, as for other workloads.
 */
async function planJobAttach(
  clients: KubeClients,
  namespace: string,
  name: string,
  serviceAccount: string,
  { name: secret, step: secretStep }: { name: string; step: PlannedStep },
  target: Exclude<FixRequest['target'], { kind: 'recreate-pod' }>,
): Promise<PlannedStep[]> {
  const job = await getJob(clients, namespace, name);
  const viaAccount = target.kind === 'service-account';
  if (!viaAccount && templatePullSecrets(job.spec?.template).includes(secret) && secretStep.kind !== 'replace-secret') {
    return [{ kind: 'patch-workload', title: `Job ${name} already names ${secret}`, yaml: null, run: async () => `the pod template already names ${secret}: nothing to change` }];
  }
  const deletion = jobDeletion(name, await jobPods(clients, namespace, job));
  if (!target.confirm) throw new ApiError('invalid-input', 400, `recreating Job ${name} deletes ${deletion}: confirm it to go on`);
  const recreate = recreateJobSteps(clients, namespace, job, viaAccount ? null : secret, deletion);
  if (!viaAccount) return recreate;
  return [serviceAccountStep(clients, namespace, serviceAccount, secret), ...recreate];
}

function recreateJobSteps(clients: KubeClients, namespace: string, job: V1Job, secret: string | null, deletion: string): PlannedStep[] {
  const name = job.metadata?.name ?? '';
  const replacement = recreatedJob(job, secret);
  return recreateSteps({
    what: `Job ${name}`,
    deleteStep: { kind: 'delete-job', title: `delete ${deletion}` },
    createStep: { kind: 'create-job', title: secret ? `create Job ${name} with ${secret}` : `create Job ${name} again` },
    replacement,
    // Background, as `kubectl delete job` sends it: the Job goes at once and the garbage collector takes its pods.
    remove: (dryRun) => clients.batch.deleteNamespacedJob({ namespace, name, propagationPolicy: 'Background', ...dryRunParam(dryRun) }),
    read: () => getJob(clients, namespace, name),
    create: (dryRun) => clients.batch.createNamespacedJob({ namespace, body: replacement, ...dryRunParam(dryRun) }),
    clients,
  });
}

/** A bare pod's spec cannot gain pull secrets: delete it and create it again, same spec plus the secret. */
function recreatePodSteps(clients: KubeClients, namespace: string, pod: V1Pod, secret: string): PlannedStep[] {
  const name = pod.metadata?.name ?? '';
  const names = (pod.spec?.imagePullSecrets ?? []).map((reference) => reference.name ?? '');
  // Left unbound so the scheduler places it: the node the old pod ran on may be gone or full by now.
  const spec = { ...(pod.spec ?? { containers: [] }), nodeName: undefined };
  const replacement: V1Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels: pod.metadata?.labels, annotations: pod.metadata?.annotations },
    spec: { ...spec, imagePullSecrets: withPullSecret(names, secret).map((entry) => ({ name: entry })) },
  };
  return recreateSteps({
    what: `pod ${name}`,
    deleteStep: { kind: 'delete-pod', title: `delete pod ${name}` },
    createStep: { kind: 'create-pod', title: `create pod ${name} with ${secret}` },
    replacement,
    remove: (dryRun) => clients.core.deleteNamespacedPod({ namespace, name, ...dryRunParam(dryRun) }),
    read: () => getPod(clients, namespace, name),
    create: (dryRun) => clients.core.createNamespacedPod({ namespace, body: replacement, ...dryRunParam(dryRun) }),
    clients,
  });
}

/** An object that cannot take the secret in place: deleted, waited for, and created again under the same name. */
interface Recreation {
  /** "pod batch-runner", "Job migrate". */
  what: string;
  deleteStep: { kind: FixStepKind; title: string };
  createStep: { kind: FixStepKind; title: string };
  replacement: object;
  remove(dryRun: boolean): Promise<unknown>;
  read(): Promise<unknown>;
  create(dryRun: boolean): Promise<unknown>;
  clients: KubeClients;
}

function recreateSteps(recreation: Recreation): PlannedStep[] {
  const { what, clients } = recreation;
  return [
    deleteStep(recreation, true),
    {
      ...recreation.createStep,
      yaml: previewYaml(recreation.replacement),
      run: async (dryRun) => {
        try {
          await recreation.create(dryRun);
        } catch (error) {
          const kubeError = toApiError(error, clients);
          // Validation runs before the name check: while the old object still exists, a dry run ends in AlreadyExists.
          if (dryRun && kubeError.status === 409) return `the API server accepts the new ${what} once the old one is deleted`;
          throw kubeError;
        }
        return dryRun ? `the API server would create ${what}` : `created ${what}`;
      },
    },
  ];
}

/** Deletes a pod its controller then creates again, so nothing waits for it to go. */
function deletePodStep(clients: KubeClients, namespace: string, name: string): PlannedStep {
  return deleteStep(
    {
      what: `pod ${name}`,
      deleteStep: { kind: 'delete-pod', title: `delete pod ${name}` },
      remove: (dryRun) => clients.core.deleteNamespacedPod({ namespace, name, ...dryRunParam(dryRun) }),
      read: () => getPod(clients, namespace, name),
      clients,
    },
    false,
  );
}

function deleteStep(
  { what, deleteStep: step, remove, read, clients }: Pick<Recreation, 'what' | 'deleteStep' | 'remove' | 'read' | 'clients'>,
  waitUntilGone: boolean,
): PlannedStep {
  return {
    ...step,
    yaml: null,
    run: async (dryRun) => {
      await remove(dryRun);
      if (dryRun) return `the API server would delete ${what}`;
      if (waitUntilGone) await waitForGone(clients, what, read);
      return `deleted ${what}`;
    },
  };
}

async function waitForGone(clients: KubeClients, what: string, read: () => Promise<unknown>): Promise<void> {
  const deadline = Date.now() + GONE_TIMEOUT_MS;
  while (Date.now() < deadline) {
    try {
      await read();
    } catch (error) {
      if (toApiError(error, clients).code === 'not-found') return;
      throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new ApiError('timeout', 504, `${what} was still terminating after ${GONE_TIMEOUT_MS / 1000} s: try again once it is gone`);
}

function dryRunParam(dryRun: boolean): { dryRun?: string } {
  return dryRun ? { dryRun: 'All' } : {};
}
