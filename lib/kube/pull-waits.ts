import 'server-only';

import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import type { ContainerType, PullFailureReason } from '../api/types';

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

/** One container of a pod, with the image its spec asks for and what the kubelet last said about it. */
export interface PodContainer {
  name: string;
  containerType: ContainerType;
  /** The image as the spec writes it. */
  image: string;
  imagePullPolicy: string | null;
  status: V1ContainerStatus | null;
}

export interface PullWait {
  container: string;
  containerType: ContainerType;
  image: string;
  reason: PullFailureReason;
  message: string;
}

/** Every init, regular and ephemeral container of the pod that waits on a pull reason, in spec order. */
export function pullWaits(pod: V1Pod): PullWait[] {
  return podContainers(pod).flatMap((container) => {
    const waiting = container.status?.state?.waiting;
    if (!waiting?.reason || !PULL_WAITING_REASONS.has(waiting.reason)) return [];
    return [
      {
        container: container.name,
        containerType: container.containerType,
        image: container.image,
        reason: waiting.reason as PullFailureReason,
        message: waiting.message ?? '',
      },
    ];
  });
}

/** The pod's containers, init first, then regular, then ephemeral, each joined with its status by name. */
export function podContainers(pod: V1Pod): PodContainer[] {
  const spec = pod.spec;
  const status = pod.status;
  return [
    ...joinStatuses('init', spec?.initContainers ?? [], status?.initContainerStatuses),
    ...joinStatuses('regular', spec?.containers ?? [], status?.containerStatuses),
    ...joinStatuses('ephemeral', spec?.ephemeralContainers ?? [], status?.ephemeralContainerStatuses),
  ];
}

function joinStatuses(
  containerType: ContainerType,
  containers: { name: string; image?: string; imagePullPolicy?: string }[],
  statuses: V1ContainerStatus[] | undefined,
): PodContainer[] {
  return containers.map((container) => ({
    name: container.name,
    containerType,
    image: container.image ?? '',
    imagePullPolicy: container.imagePullPolicy ?? null,
    status: statuses?.find((status) => status.name === container.name) ?? null,
  }));
}
