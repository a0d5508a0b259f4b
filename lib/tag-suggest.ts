/**
 * Which of a repository's tags a person most likely meant when the one they wrote does not exist. Pure: runs
 * in the browser as well as on the server.
 *
 * A typo in the suffix (`1.27-alpne`) should lead to the same version with the suffix fixed (`1.27-alpine`),
 * then to the same version line (`1.27`, `1.27.3`) before a nearer spelling of another version (`1.26-alpine`):
 * people rarely mean to change versions when they mistype a variant.
 */
export function suggestTags(requested: string, tags: readonly string[]): string[] {
  const wanted = versionOf(requested);
  return [...new Set(tags)]
    .filter((tag) => tag !== requested)
    .map((tag) => ({ tag, affinity: versionAffinity(wanted, versionOf(tag)), distance: damerauLevenshtein(requested, tag) }))
    .sort(
      (a, b) =>
        b.affinity - a.affinity ||
        a.distance - b.distance ||
        compareVersionsDescending(versionOf(a.tag), versionOf(b.tag)) ||
        (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0),
    )
    .map(({ tag }) => tag);
}

/**
 * The unrestricted Damerau-Levenshtein distance (insertions, deletions, substitutions and transpositions of
 * adjacent characters, each costing 1, a substring may be edited after a transposition). Unlike the restricted
 * "optimal string alignment" variant it is a metric, so the ranking never contradicts itself.
 */
export function damerauLevenshtein(a: string, b: string): number {
  const source = [...a];
  const target = [...b];
  const infinity = source.length + target.length;
  const width = target.length + 2;
  const table = new Array<number>((source.length + 2) * width).fill(0);
  const at = (i: number, j: number) => table[i * width + j] ?? infinity;
  const put = (i: number, j: number, value: number) => {
    table[i * width + j] = value;
  };
  put(0, 0, infinity);
  for (let i = 0; i <= source.length; i += 1) {
    put(i + 1, 0, infinity);
    put(i + 1, 1, i);
  }
  for (let j = 0; j <= target.length; j += 1) {
    put(0, j + 1, infinity);
    put(1, j + 1, j);
  }
  const lastRowOf = new Map<string, number>();
  for (let i = 1; i <= source.length; i += 1) {
    let lastMatchingColumn = 0;
    for (let j = 1; j <= target.length; j += 1) {
      const lastRow = lastRowOf.get(target[j - 1] ?? '') ?? 0;
      const lastColumn = lastMatchingColumn;
      const same = source[i - 1] === target[j - 1];
      if (same) lastMatchingColumn = j;
      put(
        i + 1,
        j + 1,
        Math.min(
          at(i, j) + (same ? 0 : 1),
          at(i + 1, j) + 1,
          at(i, j + 1) + 1,
          at(lastRow, lastColumn) + (i - lastRow - 1) + 1 + (j - lastColumn - 1),
        ),
      );
    }
    lastRowOf.set(source[i - 1] ?? '', i);
  }
  return at(source.length + 1, target.length + 1);
}

/** The dotted numbers a tag starts with (`v1.27.3-alpine` → [1, 27, 3]); empty when it starts otherwise. */
export function versionOf(tag: string): number[] {
  const match = /^v?(\d+(?:\.\d+)*)/i.exec(tag);
  return match?.[1] === undefined ? [] : match[1].split('.').map(Number);
}

/** How many leading version numbers two tags share: 1.27-alpne and 1.27.3 share 2, 1.26-alpine shares 1. */
function versionAffinity(wanted: number[], candidate: number[]): number {
  let shared = 0;
  while (shared < wanted.length && shared < candidate.length && wanted[shared] === candidate[shared]) shared += 1;
  return shared;
}

/** Newer first: among equally close tags the most recent release is the likelier intent. */
function compareVersionsDescending(a: number[], b: number[]): number {
  for (let index = 0; index < Math.max(a.length, b.length); index += 1) {
    const difference = (b[index] ?? -1) - (a[index] ?? -1);
    if (difference !== 0) return difference;
  }
  return 0;
}
