import { defaultPullPolicy } from './admission';
import type { Container, Pod } from './objects';

/** One `spec.volumes[].image` of a pod (KEP-4639): an OCI image the kubelet pulls and mounts read-only. */
export interface ImageVolume {
  name: string;
  reference: string;
  pullPolicy: 'Always' | 'IfNotPresent' | 'Never';
}

/** What ensuring one image volume's image came to: the image manager's result, kept per volume name. */
export type ImageVolumePull = { ok: true } | { ok: false; reason: string; message: string; image: string };

/** The pod's image volumes in spec order, each with its pull policy defaulted as the API server defaults it. */
export function imageVolumesOf(pod: Pod): ImageVolume[] {
  return (pod.spec.volumes ?? []).flatMap((volume) => {
    const reference = volume.image?.reference;
    if (!reference) return [];
    return [{ name: volume.name, reference, pullPolicy: volume.image?.pullPolicy ?? defaultPullPolicy(reference) }];
  });
}

/**
 * `toKubeContainerImageVolumes` (pkg/kubelet/kuberuntime/kuberuntime_manager.go): for each of the container's
 * volume mounts whose image volume failed to pull, in mount order, one "Error: <reason>" event on the container;
 * the last failure is the container's start failure, so its waiting state carries the volume's reason and
 * message. Empty when every image volume it mounts was pulled (or it mounts none).
 */
export function failedImageMounts(container: Container, pulls: Map<string, ImageVolumePull>): Extract<ImageVolumePull, { ok: false }>[] {
  return (container.volumeMounts ?? []).flatMap((mount) => {
    const pull = pulls.get(mount.name);
    return pull && !pull.ok ? [pull] : [];
  });
}
