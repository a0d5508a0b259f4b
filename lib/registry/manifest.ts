import 'server-only';
/** The manifest media types the client asks for, and the platforms an image index lists. */
import { isObject, stringField } from './reply';

export const MANIFEST_MEDIA_TYPES = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
} as const;

export const MANIFEST_ACCEPT = Object.values(MANIFEST_MEDIA_TYPES).join(', ');
export const INDEX_MEDIA_TYPES = new Set<string>([MANIFEST_MEDIA_TYPES.ociIndex, MANIFEST_MEDIA_TYPES.dockerManifestList]);
export const MANIFEST_TYPES = new Set<string>(Object.values(MANIFEST_MEDIA_TYPES));

export function indexPlatforms(document: unknown): string[] {
  const manifests = isObject(document) && Array.isArray(document.manifests) ? (document.manifests as unknown[]) : [];
  const platforms = new Set<string>();
  for (const entry of manifests) {
    if (!isObject(entry)) continue;
    // BuildKit lists attestations as "unknown/unknown" images; they are not something a node can run.
    if (isObject(entry.annotations) && entry.annotations['vnd.docker.reference.type'] === 'attestation-manifest') continue;
    const platform = platformName(entry.platform);
    if (platform !== null) platforms.add(platform);
  }
  return [...platforms];
}

export function platformName(platform: unknown): string | null {
  const os = stringField(platform, 'os');
  const architecture = stringField(platform, 'architecture');
  if (os === null || architecture === null) return null;
  const variant = stringField(platform, 'variant');
  return variant === null ? `${os}/${architecture}` : `${os}/${architecture}/${variant}`;
}
