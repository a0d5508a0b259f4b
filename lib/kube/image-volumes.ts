import 'server-only';

import { parseImageRef } from '../image-ref';

/** One `spec.volumes[].image` of a pod (KEP-4639). */
export interface ImageVolumeSpec {
  name: string;
  reference: string;
  pullPolicy: string | null;
}

/** A container as far as image volumes concern it: its own image, the volumes it mounts, its waiting message. */
export interface MountingContainer {
  image: string;
  mounts: string[];
  waitingMessage: string;
}

/**
 * The image volume whose failed pull a waiting container reports, or null when the wait is about its own image.
 * The kubelet ensures every image volume before it starts a container, and a container that mounts a failed
 * one waits with that volume's reason and message — the last failed one in mount order
 * (`toKubeContainerImageVolumes`, pkg/kubelet/kuberuntime/kuberuntime_manager.go). The status does not say
 * which image the message is about, so it is read from the message: every runtime names the image it failed to
 * pull, as written (the kubelet's "Back-off pulling image \"X\"" and "Container image \"X\" is not present"),
 * normalized (containerd, CRI-O) or as a repository (Docker's "pull access denied for X").
 */
export function blockingImageVolume(container: MountingContainer, volumes: ImageVolumeSpec[]): ImageVolumeSpec | null {
  let best: { volume: ImageVolumeSpec; score: number } | null = null;
  for (const name of container.mounts) {
    const volume = volumes.find((candidate) => candidate.name === name);
    if (!volume) continue;
    const score = mentionScore(container.waitingMessage, volume.reference);
    if (score > 0 && (!best || score >= best.score)) best = { volume, score };
  }
  if (!best) return null;
  return mentionScore(container.waitingMessage, container.image) > best.score ? null : best.volume;
}

/** 2 when the message names the image with its tag or digest, 1 when it names only its repository, else 0. */
export function mentionScore(message: string, image: string): number {
  if (image === '') return 0;
  if (message.includes(`"${image}"`)) return 2;
  let ref;
  try {
    ref = parseImageRef(image);
  } catch {
    return message.includes(image) ? 2 : 0;
  }
  if (names(message, ref.normalized) || names(message, ref.familiar)) return 2;
  const repository = `${ref.registry}/${ref.repository}`;
  const familiarRepository = ref.familiar.replace(/[:@].*$/, '');
  return names(message, repository) || names(message, familiarRepository) ? 1 : 0;
}

/** `text` appears in `message` as a whole name: not followed by more of a reference ("acme/api" is not in "acme/apii"). */
function names(message: string, text: string): boolean {
  let at = message.indexOf(text);
  while (at >= 0) {
    const next = message[at + text.length] ?? '';
    const previous = message[at - 1] ?? '';
    // A "/" before the name ends a longer path, except in a transport prefix ("docker://ghcr.io/...").
    const startsName = !/[a-z0-9._-]/.test(previous) && (previous !== '/' || message[at - 2] === '/');
    if (startsName && !/[a-z0-9._/-]/.test(next)) return true;
    at = message.indexOf(text, at + 1);
  }
  return false;
}
