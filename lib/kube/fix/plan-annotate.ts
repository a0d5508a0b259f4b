import 'server-only';

import { PatchStrategy, setHeaderOptions, type V1Pod } from '@kubernetes/client-node';
import type { AnnotationFixRequest } from '../../api/fix-request';
import { ApiError } from '../../api/errors';
import { findProvider, type ProviderFinding } from '../../credential-providers';
import { previewYaml } from '../../fix-manifests';
import type { AnnotateChoice, FixFollow, FixResponse, FixStep } from '../../fix-plan';
import { audit } from '../../log';
import { clientsFor, type KubeClients } from '../config';
import { credentialProvidersFor } from '../credential-providers';
import { kubeCall, toApiError } from '../errors';
import { getPod, getServiceAccount, unlessRefused } from '../reads';
import { actingAs } from './acting-as';
import { reviewAccess } from './access';
import { containerImage } from './options';
import { restartStep } from './plan-attach';
import { dryRunParam, type PlannedStep } from './planned-step';
import { fixFailed, runAll } from './run';
import { findWorkload, type FixWorkload } from './workloads';

/**
 * The fix for provider-annotation-missing: put the annotation the node's credential provider requires on the
 * pod's service account (a JSON merge patch of that one key), then restart the owning workload
 * (`kubectl rollout restart`'s restartedAt annotation on the template) so new pods pull at once. The kubelet
 * reads the account's annotations at every pull (serviceAccountProvider.getServiceAccountData), but a pod
 * already failing pulls again only when its back-off (up to five minutes) ends; a Job's or a bare pod's retry
 * is what follows there. Only a key the provider requires and the account lacks is accepted. Every step is
 * dry-run first; an apply whose restart fails takes the annotation off again. An apply answers what the page
 * follows until the new pod runs.
 */
export async function runAnnotateFix(context: string, namespace: string, request: AnnotationFixRequest, actor: string): Promise<FixResponse> {
  const clients = clientsFor(context);
  const pod = await getPod(clients, namespace, request.pod);
  const accountName = pod.spec?.serviceAccountName ?? 'default';
  const where = { context, namespace, serviceAccount: accountName, annotation: request.key };
  try {
    const response = await annotate(clients, context, namespace, pod, accountName, request);
    audit({ who: actor, what: 'annotate-service-account', where, result: request.mode === 'preview' ? 'dry-run' : 'succeeded' });
    return response;
  } catch (error) {
    const failure = toApiError(error, clients);
    audit({ who: actor, what: 'annotate-service-account', where, result: failure.code === 'fix-failed' ? 'failed' : 'refused', detail: failure.message });
    throw failure;
  }
}

async function annotate(clients: KubeClients, context: string, namespace: string, pod: V1Pod, accountName: string, request: AnnotationFixRequest): Promise<FixResponse> {
  const image = containerImage(pod, request.container);
  const account = await getServiceAccount(clients, namespace, accountName);
  const provider = findProvider(credentialProvidersFor(context), image.input, { annotationKeys: Object.keys(account.metadata?.annotations ?? {}) });
  requireMissing(provider, request.key, accountName, image.input);

  const { workload } = await findWorkload(clients, namespace, pod);
  const rolls = workload !== null && workload.kind !== 'Job';
  const planned = [annotationStep(clients, namespace, accountName, request.key, request.value), ...(rolls ? [annotationRestart(clients, namespace, workload)] : [])];

  const dryRuns = await runAll(planned, true, clients);
  const steps: FixStep[] = planned.map((step, index) => ({ kind: step.kind, title: step.title, yaml: step.yaml, dryRun: dryRuns.checks[index] ?? null, result: null }));
  if (request.mode === 'preview') return { mode: 'preview', steps, applied: false, follow: null };
  if (dryRuns.failure) throw fixFailed(dryRuns.failure, 'the dry run', 'nothing was changed');

  const startedAt = new Date();
  const results = await runAll(planned, false, clients);
  if (results.failure) {
    const annotated = results.checks[0]?.ok === true;
    throw fixFailed(results.failure, 'the apply', annotated ? await removeAnnotation(clients, namespace, accountName, request.key) : 'nothing was changed');
  }
  return {
    mode: 'apply',
    steps: steps.map((step, index) => ({ ...step, result: results.checks[index] ?? null })),
    applied: true,
    follow: rollout(pod, rolls ? workload : null, planned, startedAt),
    outcome: { by: actingAs(context), at: startedAt.toISOString(), what: `${request.key} on service account ${accountName}` },
  };
}

/**
 * What the page follows: the restarted workload's pods that carry the restart's annotation; without a restart
 * (a Job, a bare pod), the failing pod itself, whose next pull retry reads the annotation.
 */
function rollout(pod: V1Pod, restarted: FixWorkload | null, planned: PlannedStep[], startedAt: Date): FixFollow {
  const restartedAt = planned.find((step) => step.restartedAt)?.restartedAt ?? null;
  if (restarted === null || restartedAt === null) return { kind: 'Pod', name: pod.metadata?.name ?? '', after: new Date(0).toISOString(), secret: null, restartedAt: null };
  // Whole seconds: creationTimestamp has no fraction, and a pod created in the same second is new.
  const after = new Date(Math.floor(startedAt.getTime() / 1000) * 1000).toISOString();
  return { kind: restarted.kind, name: restarted.name, after, secret: null, restartedAt };
}

/** The fix options' part: what the provider serving `image` requires that the account lacks, and whether the user may patch it. */
export async function annotateChoice(clients: KubeClients, context: string, namespace: string, accountName: string, image: string): Promise<AnnotateChoice | null> {
  const account = await unlessRefused(getServiceAccount(clients, namespace, accountName), 'forbidden', 'not-found');
  if (account === null) return null;
  const provider = findProvider(credentialProvidersFor(context), image, { annotationKeys: Object.keys(account.metadata?.annotations ?? {}) });
  if (provider === null || provider.missingAnnotations.length === 0) return null;
  const check = { verb: 'patch', group: '', resource: 'serviceaccounts', namespace };
  const permission = (await reviewAccess(clients, [check]))(check);
  return { serviceAccount: accountName, provider: provider.provider, keys: provider.missingAnnotations, ...permission };
}

/** Only what the provider asks for, on an account that lacks it: the endpoint is not a general annotation editor. */
function requireMissing(provider: ProviderFinding | null, key: string, account: string, image: string): void {
  if (provider === null) throw new ApiError('invalid-input', 400, `no credential provider of this context's nodes serves ${image}, so no annotation can make it pull`);
  if (provider.requiredAnnotations.includes(key) && provider.missingAnnotations.includes(key)) return;
  const why = provider.requiredAnnotations.includes(key)
    ? `service account ${account} already carries ${key}`
    : `credential provider ${provider.provider} does not require ${key}${provider.requiredAnnotations.length > 0 ? ` (it requires ${provider.requiredAnnotations.join(', ')})` : ''}`;
  throw new ApiError('invalid-input', 400, `${why}: nothing to annotate`);
}

function annotationStep(clients: KubeClients, namespace: string, name: string, key: string, value: string): PlannedStep {
  const body = { metadata: { annotations: { [key]: value } } };
  return {
    kind: 'update-service-account',
    title: `annotate service account ${name} with ${key}`,
    yaml: previewYaml(body),
    run: async (dryRun) => {
      await patchServiceAccount(clients, namespace, name, body, dryRun);
      return dryRun
        ? `the API server would annotate service account ${name}`
        : `annotated service account ${name} with ${key}: the kubelet reads it at a pod's next pull, so a pod already failing uses it only after its back-off`;
    },
  };
}

/** The workload's rollout restart, titled with why: its pods pull with the annotation now, not after their back-off. */
function annotationRestart(clients: KubeClients, namespace: string, workload: FixWorkload): PlannedStep {
  const step = restartStep(clients, namespace, workload);
  return { ...step, title: `${step.title}: its new pods pull with the annotation at once` };
}

/** The undo: the key was absent before the fix (requireMissing), so a merge patch with null removes it. */
async function removeAnnotation(clients: KubeClients, namespace: string, name: string, key: string): Promise<string> {
  try {
    await patchServiceAccount(clients, namespace, name, { metadata: { annotations: { [key]: null } } }, false);
    return `the annotation ${key} was taken off service account ${name} again`;
  } catch (error) {
    return `the annotation ${key} could not be taken off service account ${name} (${toApiError(error, clients).message}): remove it by hand`;
  }
}

function patchServiceAccount(clients: KubeClients, namespace: string, name: string, body: object, dryRun: boolean): Promise<unknown> {
  const options = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
  return kubeCall(clients, () => clients.core.patchNamespacedServiceAccount({ namespace, name, body, ...dryRunParam(dryRun) }, options));
}
