import 'server-only';

import type { V1Pod, V1Secret } from '@kubernetes/client-node';
import { serverPrefill } from '../../fix-manifests';
import type { CopySecretChoice, ExistingSecretChoice, FixOptions, Permission, TargetChoice } from '../../fix-plan';
import { deriveSecretName } from '../../secret-name';
import { decodePullSecret, matchCredentials, PullSecretError } from '../../pull-secrets';
import { cacheRegistry } from '../cache';
import { cachedSecretsElsewhere } from '../cache/failures-from-lists';
import { clientsFor, type KubeClients } from '../config';
import { PULL_SECRET_TYPES } from '../credentials';
import { credentialLookup, parseImage } from '../diagnose';
import { ApiError } from '../../api/errors';
import { podContainers } from '../pull-waits';
import { getJob, getPod, getServiceAccount, getWorkload, listPullSecrets, unlessRefused } from '../reads';
import { gitOpsManagement } from '../../gitops';
import { describe, reviewAccess, type AccessAnswers, type AccessCheck } from './access';
import { annotateChoice } from './plan-annotate';
import { findWorkload, jobDeletion, jobPods, templatePullSecrets, WORKLOAD_RESOURCES, type FixWorkload } from './workloads';

/**
 * What the fix form may offer for one container: where the credentials can come from (a new secret, a matching
 * one in the namespace, a copy of a matching one elsewhere), where to attach them, and for every option whether
 * the user may take it, from one SelfSubjectAccessReview per distinct verb and resource.
 */
export async function getFixOptions(context: string, namespace: string, podName: string, containerName: string): Promise<FixOptions> {
  const clients = clientsFor(context);
  const pod = await getPod(clients, namespace, podName);
  const image = containerImage(pod, containerName);
  const [owner, [inNamespace, elsewhere]] = await Promise.all([findWorkload(clients, namespace, pod), pullSecretsInReach(clients, namespace)]);
  const serviceAccount = pod.spec?.serviceAccountName ?? 'default';
  const access = await reviewAccess(clients, accessChecks(namespace, owner.workload));
  const lookup = credentialLookup(image.ref);
  const createSecrets = access(secretCheck('create', namespace));
  const getSecrets = access(secretCheck('get', namespace));

  const existing: ExistingSecretChoice[] = matchingSecrets(inNamespace ?? [], lookup).map(({ name, servers }) => ({ name, servers, ...getSecrets }));
  const copies: CopySecretChoice[] = matchingSecrets((elsewhere ?? []).filter((secret) => secret.metadata?.namespace !== namespace), lookup).map(
    ({ name, namespace: from, servers }) => ({ name, namespace: from, servers, ...createSecrets }),
  );
  const [deletion, managed, accountSecrets] = await Promise.all([
    owner.workload?.kind === 'Job' ? jobDeletionOf(clients, namespace, owner.workload.name) : null,
    owner.workload ? getWorkload(clients, namespace, owner.workload) : { metadata: pod.metadata, template: { spec: pod.spec } },
    unlessRefused(getServiceAccount(clients, namespace, serviceAccount), 'forbidden', 'not-found'),
  ]);
  const podSecrets = templatePullSecrets({ spec: pod.spec });
  const targets = [
    ...inPlaceChoice(pod, owner.workload, podSecrets, createSecrets),
    ...targetChoices(namespace, pod, serviceAccount, owner.workload, owner.unsupportedOwner, access, deletion),
  ];
  const prefill = serverPrefill(image.ref.registry);
  const firstExisting = existing.find((choice) => choice.allowed);

  return {
    pod: podName,
    container: containerName,
    image: image.input,
    registry: image.ref.registry,
    workload: owner.workload,
    serviceAccount,
    defaults: {
      secretName: deriveSecretName(image.ref.registry, (inNamespace ?? []).map((secret) => secret.metadata?.name ?? '')),
      server: prefill.server,
      portNote: prefill.portNote,
    },
    sources: { new: createSecrets, existing, copies, note: secretsNote(context, namespace, inNamespace, elsewhere) },
    targets,
    podSecrets,
    attached: {
      template: templatePullSecrets(managed.template),
      serviceAccount: accountSecrets === null ? null : (accountSecrets.imagePullSecrets ?? []).map((reference) => reference.name ?? '').filter(Boolean),
    },
    management: gitOpsManagement(managed.metadata),
    preferred: {
      source: firstExisting ? 'existing' : 'new',
      existingName: firstExisting?.name ?? null,
      target: targets.find((target) => target.allowed && target.kind !== 'in-place')?.kind ?? null,
    },
    annotate: await annotateChoice(clients, context, namespace, serviceAccount, image.input),
  };
}

/**
 * The pull secrets of the namespace and of every namespace (null where the user may not list them): from the
 * context's cache when it is synced and watches the namespace, so opening the form reads no Secret; else two lists.
 */
async function pullSecretsInReach(clients: KubeClients, namespace: string): Promise<[V1Secret[] | null, V1Secret[] | null]> {
  const cached = cacheRegistry().syncedLists(clients.context, namespace);
  if (cached) {
    const everywhere = cachedSecretsElsewhere(cached);
    return [everywhere && everywhere.filter((secret) => secret.metadata?.namespace === namespace), everywhere];
  }
  return Promise.all([unlessRefused(listPullSecrets(clients, namespace), 'forbidden'), unlessRefused(listPullSecrets(clients, null), 'forbidden')]);
}

/** Every access review a fix of this pod may need: the secret steps and each attach target's steps. */
export function accessChecks(namespace: string, workload: FixWorkload | null): AccessCheck[] {
  const checks = [
    secretCheck('create', namespace),
    secretCheck('get', namespace),
    { verb: 'get', group: '', resource: 'serviceaccounts', namespace },
    { verb: 'update', group: '', resource: 'serviceaccounts', namespace },
    { verb: 'delete', group: '', resource: 'pods', namespace },
    { verb: 'create', group: '', resource: 'pods', namespace },
  ];
  if (workload?.kind === 'Job') checks.push(...recreateJobChecks(namespace));
  else if (workload) checks.push({ verb: 'patch', ...WORKLOAD_RESOURCES[workload.kind], namespace });
  return checks;
}

/** Recreating a Job: `kubectl delete job`, then create. */
function recreateJobChecks(namespace: string): AccessCheck[] {
  return [
    { verb: 'delete', ...WORKLOAD_RESOURCES.Job, namespace },
    { verb: 'create', ...WORKLOAD_RESOURCES.Job, namespace },
  ];
}

async function jobDeletionOf(clients: KubeClients, namespace: string, name: string): Promise<string> {
  const job = await getJob(clients, namespace, name);
  return jobDeletion(name, await jobPods(clients, namespace, job));
}

function targetChoices(
  namespace: string,
  pod: V1Pod,
  serviceAccount: string,
  workload: FixWorkload | null,
  unsupportedOwner: string | null,
  access: AccessAnswers,
  jobDeleted: string | null,
): TargetChoice[] {
  const podName = pod.metadata?.name ?? '';
  if (!workload) {
    const blocked: Permission = {
      allowed: false,
      reason: unsupportedOwner
        ? `the pod is managed by a ${unsupportedOwner}, which pullfix does not patch: add the secret to its pod template there`
        : 'a bare pod cannot gain pull secrets: the API server rejects changes to spec.imagePullSecrets of an existing pod',
    };
    const choices: TargetChoice[] = [
      { kind: 'workload', label: `pod ${podName}`, description: 'patch the pod in place', ...blocked, possible: false },
      {
        kind: 'service-account',
        label: `service account ${serviceAccount}`,
        description: 'add the secret to the service account',
        allowed: false,
        reason: 'a bare pod cannot be restarted, and the service account\'s secrets only reach pods created after the change',
        possible: false,
      },
    ];
    if (!unsupportedOwner) {
      const description = `delete pod ${namespace}/${podName} and create it again with the same spec plus the secret; its containers restart and anything not in the spec (logs, emptyDir data) is lost`;
      choices.push({
        kind: 'recreate-pod',
        label: `recreate pod ${podName}`,
        description,
        confirmation: `pod ${podName} will be deleted and created again: ${description}`,
        possible: true,
        ...all(access, [
          { verb: 'delete', group: '', resource: 'pods', namespace },
          { verb: 'create', group: '', resource: 'pods', namespace },
        ]),
      });
    }
    return choices;
  }
  const serviceAccountChecks = [{ verb: 'get', group: '', resource: 'serviceaccounts', namespace }, { verb: 'update', group: '', resource: 'serviceaccounts', namespace }];
  if (workload.kind === 'Job') {
    // A Job's pod template is immutable and a Job has no rollout restart: both targets recreate it.
    const confirmation = `${jobDeleted ?? `Job ${workload.name} and all its pods`} will be deleted (propagationPolicy Background, as kubectl delete job does), then Job ${workload.name} is created again with the same spec; it starts its pods from the beginning`;
    return [
      {
        kind: 'workload',
        label: `recreate Job ${workload.name}`,
        description: `a Job's pod template cannot change: delete Job ${workload.name} and create it again with the same spec plus the secret`,
        confirmation,
        possible: true,
        ...all(access, recreateJobChecks(namespace)),
      },
      {
        kind: 'service-account',
        label: `service account ${serviceAccount}`,
        description: `add the secret to service account ${serviceAccount} (every pod it runs gets it from now on), then recreate Job ${workload.name} with the same spec so its new pods get it`,
        confirmation,
        possible: true,
        ...all(access, [...serviceAccountChecks, ...recreateJobChecks(namespace)]),
      },
    ];
  }
  const patch = { verb: 'patch', ...WORKLOAD_RESOURCES[workload.kind], namespace };
  return [
    {
      kind: 'workload',
      label: `${workload.kind} ${workload.name}`,
      description: workloadDescription(workload),
      possible: true,
      ...all(access, workload.kind === 'ReplicaSet' ? [patch, { verb: 'delete', group: '', resource: 'pods', namespace }] : [patch]),
    },
    {
      kind: 'service-account',
      label: `service account ${serviceAccount}`,
      description: serviceAccountDescription(serviceAccount, workload),
      possible: true,
      ...all(access, [...serviceAccountChecks, patch]),
    },
  ];
}

/**
 * Nothing to attach: the pod already names a secret, which the fix creates or refills. Offered first, since it
 * changes nothing else; a bare pod then needs no recreating.
 */
function inPlaceChoice(pod: V1Pod, workload: FixWorkload | null, podSecrets: string[], createSecrets: Permission): TargetChoice[] {
  if (podSecrets.length === 0) return [];
  const where = workload ? `${workload.kind} ${workload.name}` : `pod ${pod.metadata?.name ?? ''}`;
  return [
    {
      kind: 'in-place',
      label: `nothing to attach: ${where} already names ${podSecrets.join(', ')}`,
      description: `create the secret under a name the pod already uses, or replace that secret's data; the kubelet reads it at its next pull retry, and nothing is patched, restarted or recreated`,
      possible: true,
      ...createSecrets,
    },
  ];
}

/** CronJob's next Job picks the account's secret up; the rest roll as `kubectl rollout restart` makes them (a ReplicaSet: its failing pod is deleted). */
function serviceAccountDescription(serviceAccount: string, workload: FixWorkload): string {
  const added = `add the secret to service account ${serviceAccount} (every pod it runs gets it from now on)`;
  if (workload.kind === 'CronJob') return `${added}, then restart CronJob ${workload.name}'s template so its next Job uses it`;
  return `${added}, then restart ${workload.kind} ${workload.name} as kubectl rollout restart does`;
}

function workloadDescription(workload: FixWorkload): string {
  const base = `add the secret to ${workload.kind} ${workload.name}'s pod template with a strategic merge patch`;
  switch (workload.kind) {
    case 'CronJob':
      return `${base}; the next Job it runs uses the secret`;
    case 'ReplicaSet':
      return `${base}, then delete the failing pod so the ReplicaSet creates it again from the new template`;
    default:
      return `${base}; the controller rolls out new pods`;
  }
}

function all(access: AccessAnswers, checks: AccessCheck[]): Permission {
  for (const check of checks) {
    const answer = access(check);
    if (!answer.allowed) return answer;
  }
  return { allowed: true, reason: null };
}

function secretCheck(verb: string, namespace: string): AccessCheck {
  return { verb, group: '', resource: 'secrets', namespace };
}

interface MatchingSecret {
  name: string;
  namespace: string;
  servers: string[];
}

function matchingSecrets(secrets: V1Secret[], lookup: string): MatchingSecret[] {
  return secrets.flatMap((secret) => {
    if (!PULL_SECRET_TYPES.has(secret.type ?? '')) return [];
    try {
      const servers = decodePullSecret({ type: secret.type, data: secret.data }).entries.map((entry) => entry.server);
      const matching = matchCredentials(servers, lookup);
      if (matching.length === 0) return [];
      return [{ name: secret.metadata?.name ?? '', namespace: secret.metadata?.namespace ?? '', servers: matching }];
    } catch (error) {
      if (error instanceof PullSecretError) return [];
      throw error;
    }
  });
}

function secretsNote(context: string, namespace: string, inNamespace: V1Secret[] | null, elsewhere: V1Secret[] | null): string | null {
  if (inNamespace === null) {
    return `the user of context "${context}" may not ${describe(secretCheck('list', namespace))}: existing secrets cannot be offered`;
  }
  if (elsewhere === null) return `the user of context "${context}" may not list secrets across namespaces: copies cannot be offered`;
  return null;
}

/** The container's image, parsed; a reference that does not parse has no registry to make a secret for. */
export function containerImage(pod: V1Pod, containerName: string) {
  const container = podContainers(pod).find((candidate) => candidate.name === containerName);
  if (!container) throw new ApiError('not-found', 404, `pod ${pod.metadata?.name ?? ''} has no container "${containerName}"`, 'NotFound');
  const { image, error } = parseImage(container.image);
  if (!image) {
    throw new ApiError('invalid-input', 400, `the image "${container.image}" does not parse (${error?.message ?? 'invalid reference'}): no pull secret can fix that`);
  }
  return { input: container.image, ref: image };
}
