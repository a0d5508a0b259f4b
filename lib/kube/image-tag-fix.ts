import 'server-only';

import { PatchStrategy, setHeaderOptions, type V1Pod } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import type { ImageFixRequest, ImageFixResponse } from '../api/types';
import { parseImageRef, ImageRefError } from '../image-ref';
import { audit } from '../log';
import { clientsFor, type KubeClients } from './config';
import { ApiError } from '../api/errors';
import { kubeCall } from './errors';
import type { FixFollow } from '../fix-plan';
import { actingAs } from './fix/acting-as';
import { reviewAccess, type AccessCheck } from './fix/access';
import { findWorkload, patchWorkload, WORKLOAD_RESOURCES, type FixWorkload } from './fix/workloads';
import { getPod } from './reads';

/**
 * The tag-change fix for `tag-not-found`: a strategic merge patch of the owning workload's pod template (or of
 * a bare pod, whose container images may change in place) that sets one container's image to another tag.
 * Containers merge by name, so the patch names the container and its new image and nothing else. Preview and
 * apply both ask the API server whether the user may patch, and run the patch as a server-side dry run; apply
 * then patches for real.
 */
export async function planImageTagFix(context: string, namespace: string, request: ImageFixRequest, actor: string): Promise<ImageFixResponse> {
  const clients = clientsFor(context);
  const pod = await getPod(clients, namespace, request.pod);
  const { image, specPatch } = findImage(pod, request.container);
  const to = withTag(image, request.tag);
  const target = await patchTarget(clients, namespace, pod);
  const body = templatePatch(target, specPatch(to));
  const permission = (await reviewAccess(clients, [accessCheck(target, namespace)]))(accessCheck(target, namespace));
  const dryRun = await tryPatch(clients, namespace, target, body, true);
  const plan: ImageFixResponse = {
    mode: request.mode,
    target: { kind: target.kind, name: target.name },
    container: request.container,
    from: image,
    to,
    patch: stringify(body),
    allowed: permission.allowed,
    deniedReason: permission.reason,
    dryRun: { ok: dryRun === null, message: dryRun?.message ?? null },
    applied: false,
    follow: null,
    outcome: null,
  };
  if (request.mode === 'preview') return plan;

  const where = { context, namespace, kind: target.kind, name: target.name, container: request.container, image: to };
  if (!permission.allowed) {
    audit({ who: actor, what: 'change-image-tag', where, result: 'refused', detail: permission.reason ?? undefined });
    throw new ApiError('forbidden', 403, permission.reason ?? `the user of context "${context}" may not patch ${target.kind} ${target.name}`);
  }
  if (dryRun !== null) {
    audit({ who: actor, what: 'change-image-tag', where, result: 'failed', detail: dryRun.message });
    throw dryRun;
  }
  const startedAt = new Date();
  const failure = await tryPatch(clients, namespace, target, body, false);
  audit({ who: actor, what: 'change-image-tag', where, result: failure === null ? 'succeeded' : 'failed', detail: failure?.message });
  if (failure !== null) throw failure;
  return { ...plan, applied: true, follow: rollout(target, request.container, to, startedAt), outcome: { by: actingAs(context), at: startedAt.toISOString(), what: to } };
}

/**
 * What the page follows after the change: the workload's pods created since (whole seconds, as creation times
 * are) that run the new image; a bare pod changes in place, so it is followed whatever its age.
 */
function rollout(target: PatchTarget, container: string, image: string, startedAt: Date): FixFollow {
  const after = target.kind === 'Pod' ? new Date(0) : new Date(Math.floor(startedAt.getTime() / 1000) * 1000);
  return { kind: target.kind, name: target.name, after: after.toISOString(), secret: null, restartedAt: null, image: { container, image } };
}

type PatchTarget = FixWorkload | { kind: 'Pod'; name: string };

/** The image with its tag replaced, written as the spec wrote it otherwise; a digest would override the tag, so it goes. */
export function withTag(image: string, tag: string): string {
  let ref;
  try {
    ref = parseImageRef(image);
  } catch (error) {
    if (error instanceof ImageRefError) throw new ApiError('invalid-input', 400, `the image "${image}" does not parse, so its tag cannot be changed: ${error.message}`);
    throw error;
  }
  let name = image;
  if (ref.digest !== null) name = name.slice(0, name.lastIndexOf('@'));
  if (ref.tag !== null) name = name.slice(0, name.length - ref.tag.length - 1);
  const result = `${name}:${tag}`;
  parseImageRef(result);
  return result;
}

/**
 * The image of the named container or image volume, and the pod spec fields that set a new one. Containers and
 * volumes both merge by name, so the patch names the one it changes and nothing else.
 */
function findImage(pod: V1Pod, name: string): { image: string; specPatch: (to: string) => Record<string, unknown> } {
  const regular = pod.spec?.containers.find((container) => container.name === name);
  if (regular?.image) return { image: regular.image, specPatch: (to) => ({ containers: [{ name, image: to }] }) };
  const init = pod.spec?.initContainers?.find((container) => container.name === name);
  if (init?.image) return { image: init.image, specPatch: (to) => ({ initContainers: [{ name, image: to }] }) };
  if (pod.spec?.ephemeralContainers?.some((container) => container.name === name)) {
    throw new ApiError('invalid-input', 400, `"${name}" is an ephemeral container: its image cannot be changed, start a new debug container instead`);
  }
  const volume = pod.spec?.volumes?.find((candidate) => candidate.name === name)?.image?.reference;
  if (volume) return { image: volume, specPatch: (to) => ({ volumes: [{ name, image: { reference: to } }] }) };
  throw new ApiError('not-found', 404, `pod "${pod.metadata?.name ?? ''}" has no container or image volume "${name}"`, 'NotFound');
}

async function patchTarget(clients: KubeClients, namespace: string, pod: V1Pod): Promise<PatchTarget> {
  const { workload, unsupportedOwner } = await findWorkload(clients, namespace, pod);
  if (unsupportedOwner !== null) {
    throw new ApiError('invalid-input', 400, `the pod is managed by a ${unsupportedOwner}, which pullfix cannot patch: change the image tag there`);
  }
  if (workload?.kind === 'Job') {
    throw new ApiError(
      'invalid-input',
      400,
      `Job ${workload.name}'s pod template cannot be changed after it is created: delete the Job and create it again with the new tag`,
    );
  }
  return workload ?? { kind: 'Pod', name: pod.metadata?.name ?? '' };
}

/** The pod spec fields wrapped in the path to the target's pod template. */
function templatePatch(target: PatchTarget, podSpec: Record<string, unknown>): Record<string, unknown> {
  if (target.kind === 'Pod') return { spec: podSpec };
  if (target.kind === 'CronJob') return { spec: { jobTemplate: { spec: { template: { spec: podSpec } } } } };
  return { spec: { template: { spec: podSpec } } };
}

function accessCheck(target: PatchTarget, namespace: string): AccessCheck {
  const { group, resource } = target.kind === 'Pod' ? { group: '', resource: 'pods' } : WORKLOAD_RESOURCES[target.kind];
  return { verb: 'patch', group, resource, namespace };
}

/** Null when the patch went through; the ApiError otherwise. */
async function tryPatch(
  clients: KubeClients,
  namespace: string,
  target: PatchTarget,
  body: Record<string, unknown>,
  dryRun: boolean,
): Promise<ApiError | null> {
  try {
    if (target.kind === 'Pod') await patchPod(clients, namespace, target.name, body, dryRun);
    else await patchWorkload(clients, namespace, target, body, dryRun);
    return null;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
}

async function patchPod(clients: KubeClients, namespace: string, name: string, body: Record<string, unknown>, dryRun: boolean): Promise<void> {
  await kubeCall(clients, () =>
    clients.core.patchNamespacedPod(
      { namespace, name, body, ...(dryRun ? { dryRun: 'All' } : {}) },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    ),
  );
}

