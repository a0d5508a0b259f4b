import 'server-only';
/**
 * Planning how the secret reaches the pods: patch the workload's template, add it to the service account and
 * restart, or recreate what cannot change in place (a Job, a bare pod).
 */
import type { V1Job, V1Pod } from '@kubernetes/client-node';
import { previewYaml, pullSecretsPatch, recreatedJob, restartPatch, withPullSecret } from '../../fix-manifests';
import type { FixStepKind } from '../../fix-plan';
import type { FixRequest } from '../../api/fix-request';
import type { KubeClients } from '../config';
import { ApiError } from '../../api/errors';
import { toApiError } from '../errors';
import { getJob, getPod, getServiceAccount, getWorkload } from '../reads';
import { dryRunParam, type PlannedStep } from './planned-step';
import { jobDeletion, jobPods, patchWorkload, templatePullSecrets, type FixWorkload } from './workloads';

/**
 * Concurrent fixes on one service account conflict on its resourceVersion: each round one update wins, so ten
 * at once need up to ten tries. Full-jitter exponential back-off (client-go's retry.RetryOnConflict uses a
 * jittered back-off for the same reason) keeps the losers from colliding again in lockstep.
 */
const SERVICE_ACCOUNT_TRIES = 16;
const CONFLICT_BACKOFF_MS = 20;
const CONFLICT_BACKOFF_MAX_MS = 1_000;
const GONE_TIMEOUT_MS = 30_000;

export async function planAttach(
  clients: KubeClients,
  namespace: string,
  pod: V1Pod,
  workload: FixWorkload | null,
  { name: secret, step: secretStep }: { name: string; step: PlannedStep },
  target: FixRequest['target'],
): Promise<PlannedStep[]> {
  if (target.kind === 'in-place') return inPlace(pod, workload, secret, secretStep);
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
 * The pod already names the secret (a name nobody created, or one whose data is being replaced): the kubelet
 * reads it again at its next pull retry, so nothing is attached and nothing restarts.
 */
function inPlace(pod: V1Pod, workload: FixWorkload | null, secret: string, secretStep: PlannedStep): PlannedStep[] {
  const named = (pod.spec?.imagePullSecrets ?? []).some((reference) => reference.name === secret);
  if (!named) {
    throw new ApiError('invalid-input', 400, `pod ${pod.metadata?.name ?? ''} does not name ${secret} among its imagePullSecrets: attach it instead of fixing it in place`);
  }
  if (secretStep.kind !== 'create-secret' && secretStep.kind !== 'replace-secret') {
    throw new ApiError('invalid-input', 400, `pod ${pod.metadata?.name ?? ''} already uses ${secret}: an in-place fix creates it or replaces its data`);
  }
  const where = workload ? `${workload.kind} ${workload.name}` : `pod ${pod.metadata?.name ?? ''}`;
  return [
    {
      kind: 'already-attached',
      title: `${where} already names ${secret}: the kubelet uses it at its next pull retry`,
      yaml: null,
      run: async () => `nothing to attach: ${where} already names ${secret}`,
    },
  ];
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

export function restartStep(clients: KubeClients, namespace: string, workload: FixWorkload): PlannedStep {
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
  target: Exclude<FixRequest['target'], { kind: 'recreate-pod' | 'in-place' }>,
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
