import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePlatform } from './content';
import { platformRanker } from './platforms';

/** containerd's platforms.Only: which index entries a node runs, best first (platforms/compare.go). */
describe('platformRanker', () => {
  it.each([
    { node: 'linux/amd64', candidates: ['linux/amd64', 'linux/386', 'linux/arm64', 'windows/amd64'], runs: ['linux/amd64', 'linux/386'] },
    { node: 'linux/amd64', candidates: ['linux/386', 'linux/amd64/v1'], runs: ['linux/amd64/v1', 'linux/386'] },
    { node: 'linux/amd64/v3', candidates: ['linux/386', 'linux/amd64/v4', 'linux/amd64', 'linux/amd64/v2', 'linux/amd64/v3'], runs: ['linux/amd64/v3', 'linux/amd64/v2', 'linux/amd64', 'linux/386'] },
    { node: 'linux/arm64', candidates: ['linux/arm64/v8', 'linux/arm/v7', 'linux/amd64'], runs: ['linux/arm64/v8'] },
    { node: 'linux/arm/v7', candidates: ['linux/arm/v5', 'linux/arm/v8', 'linux/arm', 'linux/arm/v6'], runs: ['linux/arm', 'linux/arm/v6', 'linux/arm/v5'] },
    { node: 'linux/x86_64', candidates: ['linux/amd64', 'linux/aarch64'], runs: ['linux/amd64'] },
  ])('a $node node runs $runs', ({ node, candidates, runs }) => {
    const rank = platformRanker(node);
    const ranked = candidates
      .map((written) => ({ written, rank: rank(parsePlatform(written)) }))
      .filter((candidate): candidate is { written: string; rank: number } => candidate.rank !== null)
      .sort((a, b) => a.rank - b.rank)
      .map((candidate) => candidate.written);
    expect(ranked).toEqual(runs);
  });

  it('ranks the node platform itself first, and never a different operating system', () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9]{0,7}$/);
    fc.assert(
      fc.property(name, name, name, (os, architecture, otherOs) => {
        const rank = platformRanker(`${os}/${architecture}`);
        expect(rank({ os, architecture })).toBe(0);
        if (otherOs !== os) expect(rank({ os: otherOs, architecture })).toBeNull();
      }),
    );
  });
});
