import { parsePlatform, type Platform } from './content';

/**
 * containerd's `platforms.Only` for the node's platform: which index entries the node can run, best first.
 * amd64 nodes also run older amd64 levels and 386; arm/vN nodes also run arm down to v5. Returns the rank of
 * a candidate (0 is best) or null when the node cannot run it.
 */
export function platformRanker(nodePlatform: string): (candidate: Platform) => number | null {
  const preferred = platformVector(normalize(parsePlatform(nodePlatform)));
  return (candidate) => {
    const normalized = normalize(candidate);
    const rank = preferred.findIndex(
      (platform) =>
        platform.os === normalized.os &&
        platform.architecture === normalized.architecture &&
        (platform.variant ?? '') === (normalized.variant ?? ''),
    );
    return rank < 0 ? null : rank;
  };
}

const ARCHITECTURE_ALIASES: Record<string, Platform['architecture']> = {
  i386: '386',
  x86_64: 'amd64',
  'x86-64': 'amd64',
  aarch64: 'arm64',
  armhf: 'arm',
  armel: 'arm',
};

/** containerd's `platforms.Normalize`: canonical architecture names and default variants. */
function normalize(platform: Platform): Platform {
  const os = platform.os.toLowerCase();
  const written = platform.architecture.toLowerCase();
  const architecture = ARCHITECTURE_ALIASES[written] ?? written;
  let variant = platform.variant?.toLowerCase();
  if (written === 'armhf') variant = 'v7';
  if (written === 'armel') variant = 'v6';
  if (variant && /^\d+$/.test(variant)) variant = `v${variant}`;
  if (architecture === 'amd64' && variant === 'v1') variant = undefined;
  if (architecture === 'arm64' && variant === 'v8') variant = undefined;
  if (architecture === 'arm' && !variant) variant = 'v7';
  return variant ? { os, architecture, variant } : { os, architecture };
}

function platformVector(platform: Platform): Platform[] {
  const vector = [platform];
  const level = Number(platform.variant?.slice(1) ?? '1');
  if (platform.architecture === 'amd64') {
    for (let lower = level - 1; lower >= 1; lower--) {
      const amd64: Platform = { os: platform.os, architecture: 'amd64' };
      vector.push(lower === 1 ? amd64 : { ...amd64, variant: `v${lower}` });
    }
    vector.push({ os: platform.os, architecture: '386' });
  }
  if (platform.architecture === 'arm') {
    for (let lower = level - 1; lower >= 5; lower--) vector.push({ os: platform.os, architecture: 'arm', variant: `v${lower}` });
  }
  return vector;
}
