import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { ScenarioRepository } from '../contracts';

/**
 * The bytes a scenario repository serves: for every tag, an OCI image index and a Docker manifest list
 * with one image manifest per platform, each manifest pointing at a real config blob and a real gzipped
 * tar layer. Every digest is the sha256 of the exact bytes served, so clients can verify what they fetch.
 */

export const MediaType = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar+gzip',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
} as const;

export const INDEX_MEDIA_TYPES: readonly string[] = [MediaType.ociIndex, MediaType.dockerList];

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

/** A manifest or index exactly as served. */
export interface ManifestDocument {
  mediaType: string;
  bytes: Buffer;
  digest: string;
}

interface TagManifests {
  ociIndex: ManifestDocument;
  dockerList: ManifestDocument;
  /** The linux/amd64 image manifests, for clients that accept no index (Distribution serves those). */
  amd64?: { oci: ManifestDocument; docker: ManifestDocument };
}

export interface RepositoryContent {
  name: string;
  tags: string[]; // sorted, as tags/list returns them
  manifestForTag(tag: string, accept: string[]): ManifestDocument | null;
  manifestByDigest(digest: string): ManifestDocument | null;
  blob(digest: string): Buffer | null;
}

export function buildRepositoryContent(host: string, repository: ScenarioRepository): RepositoryContent {
  const manifests = new Map<string, ManifestDocument>();
  const blobs = new Map<string, Buffer>();
  const tags = new Map<string, TagManifests>();

  for (const [tag, { platforms }] of Object.entries(repository.tags)) {
    const oci: IndexEntry[] = [];
    const docker: IndexEntry[] = [];
    let amd64: TagManifests['amd64'];
    for (const written of platforms) {
      const platform = parsePlatform(written);
      const layerTar = imageTar(`${host}/${repository.name}:${tag} ${written}\n`);
      const layer = gzipSync(layerTar);
      const config = serialize(imageConfig(platform, digestOf(layerTar)));
      blobs.set(digestOf(layer), layer);
      blobs.set(digestOf(config), config);
      const ociManifest = document(
        MediaType.ociManifest,
        imageManifest(MediaType.ociManifest, MediaType.ociConfig, MediaType.ociLayer, config, layer),
      );
      const dockerManifest = document(
        MediaType.dockerManifest,
        imageManifest(MediaType.dockerManifest, MediaType.dockerConfig, MediaType.dockerLayer, config, layer),
      );
      manifests.set(ociManifest.digest, ociManifest);
      manifests.set(dockerManifest.digest, dockerManifest);
      oci.push({ manifest: ociManifest, platform });
      docker.push({ manifest: dockerManifest, platform });
      if (platform.os === 'linux' && platform.architecture === 'amd64' && !amd64) amd64 = { oci: ociManifest, docker: dockerManifest };
    }
    const ociIndex = document(MediaType.ociIndex, imageIndex(MediaType.ociIndex, oci));
    const dockerList = document(MediaType.dockerList, imageIndex(MediaType.dockerList, docker));
    manifests.set(ociIndex.digest, ociIndex);
    manifests.set(dockerList.digest, dockerList);
    tags.set(tag, { ociIndex, dockerList, amd64 });
  }

  return {
    name: repository.name,
    tags: [...tags.keys()].sort(),
    manifestForTag: (tag, accept) => {
      const found = tags.get(tag);
      return found ? negotiate(found, accept) : null;
    },
    manifestByDigest: (digest) => manifests.get(digest) ?? null,
    blob: (digest) => blobs.get(digest) ?? null,
  };
}

/** 'linux/arm64/v8' → { os: 'linux', architecture: 'arm64', variant: 'v8' }. */
export function parsePlatform(written: string): Platform {
  const [os = '', architecture = '', variant] = written.split('/');
  return variant ? { os, architecture, variant } : { os, architecture };
}

export function digestOf(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/**
 * Distribution's content negotiation for a tag that holds an index: the index when the client accepts an
 * index type (OCI preferred), otherwise the linux/amd64 image manifest in a type the client accepts.
 */
function negotiate(tag: TagManifests, accept: string[]): ManifestDocument | null {
  if (accept.includes(MediaType.ociIndex)) return tag.ociIndex;
  if (accept.includes(MediaType.dockerList)) return tag.dockerList;
  if (!tag.amd64) return null;
  return accept.includes(MediaType.ociManifest) && !accept.includes(MediaType.dockerManifest) ? tag.amd64.oci : tag.amd64.docker;
}

interface IndexEntry {
  manifest: ManifestDocument;
  platform: Platform;
}

function imageIndex(mediaType: string, entries: IndexEntry[]): object {
  return {
    schemaVersion: 2,
    mediaType,
    manifests: entries.map(({ manifest, platform }) => ({
      mediaType: manifest.mediaType,
      digest: manifest.digest,
      size: manifest.bytes.length,
      platform,
    })),
  };
}

function imageManifest(mediaType: string, configType: string, layerType: string, config: Buffer, layer: Buffer): object {
  return {
    schemaVersion: 2,
    mediaType,
    config: { mediaType: configType, digest: digestOf(config), size: config.length },
    layers: [{ mediaType: layerType, digest: digestOf(layer), size: layer.length }],
  };
}

const CREATED = '2024-06-01T00:00:00Z';

function imageConfig(platform: Platform, diffId: string): object {
  return {
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant ? { variant: platform.variant } : {}),
    created: CREATED,
    config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: ['/bin/sh'] },
    rootfs: { type: 'layers', diff_ids: [diffId] },
    history: [{ created: CREATED, created_by: 'pullfix simulator' }],
  };
}

function document(mediaType: string, body: object): ManifestDocument {
  const bytes = serialize(body);
  return { mediaType, bytes, digest: digestOf(bytes) };
}

function serialize(body: object): Buffer {
  return Buffer.from(JSON.stringify(body, null, 3));
}

const BLOCK = 512;

/** A one-file ustar archive, so the layer unpacks like a real one. */
function imageTar(fileContent: string): Buffer {
  const data = Buffer.from(fileContent);
  const header = Buffer.alloc(BLOCK);
  header.write('etc/pullfix-image', 0, 'ascii');
  header.write('0000644\0', 100, 'ascii');
  header.write('0000000\0', 108, 'ascii');
  header.write('0000000\0', 116, 'ascii');
  header.write(`${data.length.toString(8).padStart(11, '0')}\0`, 124, 'ascii');
  header.write(`${Math.floor(Date.parse(CREATED) / 1000).toString(8).padStart(11, '0')}\0`, 136, 'ascii');
  header.write('0', 156, 'ascii');
  header.write('ustar\0' + '00', 257, 'ascii');
  header.write(' '.repeat(8), 148, 'ascii');
  const checksum = header.reduce((sum, byte) => sum + byte, 0);
  header.write(`${checksum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  const padding = Buffer.alloc((BLOCK - (data.length % BLOCK)) % BLOCK);
  return Buffer.concat([header, data, padding, Buffer.alloc(2 * BLOCK)]);
}
