import 'server-only';

import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import type { ContainerType, PullFailureReason } from '../api/types';
import { blockingImageVolume, type ImageVolumeSpec } from './image-volumes';

/** The waiting reasons the kubelet sets while it cannot get a container's image (pkg/kubelet/images/types.go). */
export const PULL_WAITING_REASONS: ReadonlySet<string> = new Set<PullFailureReason>([
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'ErrImageNeverPull',
  'RegistryUnavailable',
  'SignatureValidationFailed',
  'ImageInspectError',
]);

/** The kubelet's warning when a pod names a pull secret it cannot fetch; the pull then goes on without it. */
export const MISSING_PULL_SECRET_EVENT = 'FailedToRetrieveImagePullSecret';

/**
 * One container or image volume of a pod, with the image its spec asks for and what the kubelet last said about
 * it. An image volume has no status of its own: the kubelet reports its failed pull on the containers that mount
 * it, so its status is the waiting state of the first of them, and those containers are `blockedBy` it.
 */
export interface PodContainer {
  name: string;
  containerType: ContainerType;
  /** The image as the spec writes it (an image volume's reference). */
  image: string;
  imagePullPolicy: string | null;
  status: V1ContainerStatus | null;
  /** The image volume whose failed pull this container's waiting state reports; null when it reports its own image. */
  blockedBy: string | null;
}

export interface PullWait {
  container: string;
  containerType: ContainerType;
  image: string;
  reason: PullFailureReason;
  message: string;
  /** The container's imagePullPolicy (an image volume's pullPolicy): KEP-2535's verdicts depend on it. */
  pullPolicy: string | null;
}

/**
 * Every init, regular and ephemeral container and image volume of the pod that waits on a pull reason, in spec
 * order; a container that waits only because an image volume it mounts failed is listed as that volume.
 */
export function pullWaits(pod: V1Pod): PullWait[] {
  return podContainers(pod).flatMap((container) => {
    if (container.blockedBy !== null) return [];
    const waiting = container.status?.state?.waiting;
    if (!waiting?.reason || !PULL_WAITING_REASONS.has(waiting.reason)) return [];
    return [
      {
        container: container.name,
        containerType: container.containerType,
        image: container.image,
        reason: waiting.reason as PullFailureReason,
        message: waiting.message ?? '',
        pullPolicy: container.imagePullPolicy,
      },
    ];
  });
}

/**
 * The pod's containers, init first, then regular, then ephemeral, each joined with its status by name, then its
 * image volumes in spec order.
 */
export function podContainers(pod: V1Pod): PodContainer[] {
  const spec = pod.spec;
  const status = pod.status;
  const volumes = imageVolumes(pod);
  const containers = [
    ...joinStatuses('init', spec?.initContainers ?? [], status?.initContainerStatuses, volumes),
    ...joinStatuses('regular', spec?.containers ?? [], status?.containerStatuses, volumes),
    ...joinStatuses('ephemeral', spec?.ephemeralContainers ?? [], status?.ephemeralContainerStatuses, volumes),
  ];
  return [...containers, ...volumes.map((volume) => imageVolumeEntry(volume, containers))];
}

/** The pod's `spec.volumes[].image` (KEP-4639), in spec order. */
export function imageVolumes(pod: V1Pod): ImageVolumeSpec[] {
  return (pod.spec?.volumes ?? []).flatMap((volume) =>
    volume.image?.reference ? [{ name: volume.name, reference: volume.image.reference, pullPolicy: volume.image.pullPolicy ?? null }] : [],
  );
}

function joinStatuses(
  containerType: ContainerType,
  containers: { name: string; image?: string; imagePullPolicy?: string; volumeMounts?: { name: string }[] }[],
  statuses: V1ContainerStatus[] | undefined,
  volumes: ImageVolumeSpec[],
): PodContainer[] {
  return containers.map((container) => {
    const image = container.image ?? '';
    const status = statuses?.find((candidate) => candidate.name === container.name) ?? null;
    const waiting = status?.state?.waiting;
    const pulling = waiting?.reason !== undefined && PULL_WAITING_REASONS.has(waiting.reason);
    const mounts = (container.volumeMounts ?? []).map((mount) => mount.name);
    const blocking = pulling && volumes.length > 0 ? blockingImageVolume({ image, mounts, waitingMessage: waiting.message ?? '' }, volumes) : null;
    return { name: container.name, containerType, image, imagePullPolicy: container.imagePullPolicy ?? null, status, blockedBy: blocking?.name ?? null };
  });
}

/** An image volume as a pod container: its status is the wait of the first container it blocks. */
function imageVolumeEntry(volume: ImageVolumeSpec, containers: PodContainer[]): PodContainer {
  const blocked = containers.find((container) => container.blockedBy === volume.name);
  const waiting = blocked?.status?.state?.waiting;
  return {
    name: volume.name,
    containerType: 'image-volume',
    image: volume.reference,
    imagePullPolicy: volume.pullPolicy,
    status: waiting ? { name: volume.name, image: volume.reference, imageID: '', ready: false, restartCount: 0, state: { waiting } } : null,
    blockedBy: null,
  };
}
