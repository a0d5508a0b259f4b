import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { judgeTargets, median, percentile, TARGETS } from '../../scripts/bench/report.mjs';

const ROOT = resolve(__dirname, '../..');

describe('the benchmark arithmetic', () => {
  it('takes the middle of odd and the mean of the two middles of even counts', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('a nearest-rank percentile is one of the values, and no more than p% lie below it', () => {
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20], 95)).toBe(19);
    fc.assert(
      fc.property(fc.array(fc.integer(), { minLength: 1 }), fc.integer({ min: 1, max: 100 }), (values, p) => {
        const value = percentile(values, p);
        expect(values).toContain(value);
        expect(values.filter((other) => other < value).length / values.length).toBeLessThan(p / 100);
        expect(values.filter((other) => other <= value).length / values.length).toBeGreaterThanOrEqual(p / 100);
      }),
    );
  });

  it('judges each target on its own figure, and says which the run did not measure', () => {
    const size = (pods: number, warm: number, cold: number) => ({ pods, kubectl: [1000, 1000], raw: [300, 300], cold: [cold, cold], warm: [warm, warm] });
    const results = {
      sizes: [size(1_000, 50, 900), size(10_000, 19, 250)],
      demo: { change: [100, 200, 1200] },
      service: {
        pods: 10_000,
        kubectlMedian: 1000,
        clients: [10, 20, 60],
        rates: [
          { clients: 1, perMinute: 4, listsPerMinute: 0 },
          { clients: 10, perMinute: 4, listsPerMinute: 0 },
        ],
        change: [100, 300],
        rss: { beforeCache: 150, warm: 280, after20: 310, beforeIdle: 300, withIdle: 400, afterDrop: 320 },
      },
      browser: { rows: 2_000, navigation: [1900, 1400, 1200], allRowsLive: [2400, 2100, 2000], domNodes: 6_001, updateTasks: [0, 100] },
    };
    const verdicts = Object.fromEntries(judgeTargets(results).map((target) => [target.id, target.met]));
    expect(verdicts).toEqual({
      'warm-10k': true,
      'warm-50k': null,
      cold: true,
      'clients-p99': false,
      requests: true,
      'change-demo': false,
      'change-10k': true,
      rss: false,
      'memory-drop': true,
      'browser-rows': true,
      'browser-dom': false,
      'browser-update': true,
    });
  });

  it('judges nothing it has no figure for, as a run that stopped early', () => {
    expect(judgeTargets({ sizes: [], demo: null, service: null }).map((target) => target.met)).toEqual(TARGETS.map(() => null));
  });
});

describe('npm run bench -- --quick', () => {
  it('measures a tiny cluster and prints every figure and every target', async () => {
    // Asynchronously: a worker blocked for minutes misses vitest's own heartbeats.
    const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = execFile(process.execPath, ['scripts/bench.mjs', '--quick', '--pods', '100', '--rounds', '1', '--changes', '2'], { cwd: ROOT, timeout: 540_000 }, (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
      );
      child.stdin?.end();
    });
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^pullfix benchmark, \d{4}-\d\d-\d\dT/);
    expect(lines[1]).toMatch(/^machine: \d+ × .+; load average at the start [\d.]+ [\d.]+ [\d.]+, at the end [\d.]+ [\d.]+ [\d.]+$/);
    const ms = String.raw`[\d.]+`;
    const cell = String.raw`${ms} / ${ms} \(${ms}×\)`;
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(String.raw`^ +100  ${ms} / ${ms} +${cell} +${cell} +${cell}$`)));
    for (const figure of [
      new RegExp(String.raw`^  10 concurrent clients, 30 answers: p50 ${ms} ms \(${ms}×\), p99 ${ms} ms \(${ms}×\)$`),
      new RegExp(String.raw`^  API requests per minute from pullfix, 1 client polling .*: ${ms} \(lists ${ms}\)$`),
      new RegExp(String.raw`^  API requests per minute from pullfix, 10 clients polling .*: ${ms} \(lists ${ms}\)$`),
      new RegExp(String.raw`^  change to page .*, 2 changes: p50 ${ms} ms, p95 ${ms} ms$`),
      new RegExp(String.raw`^  app RSS: ${ms} MB before the cache, ${ms} MB after warm-up, ${ms} MB after 20 clients left$`),
      new RegExp(String.raw`^  idle drop \(after ${ms} s unused\): ${ms} MB at rest without a cache, ${ms} MB with a fresh cache, ${ms} MB ${ms} s after it was dropped$`),
      new RegExp(String.raw`^demo scenario: change to page, 2 changes: p50 ${ms} ms, p95 ${ms} ms$`),
      new RegExp(String.raw`^  navigation to rendered rows, 1 load: min ${ms} ms, median ${ms} ms$`),
      new RegExp(String.raw`^  navigation to every row from the stream: min ${ms} ms, median ${ms} ms$`),
      new RegExp(String.raw`^  DOM nodes with every row loaded: \d+$`),
      new RegExp(String.raw`^  longest task while a pushed change is applied, 2 changes: ${ms} ms \(each: ${ms}, ${ms}\)$`),
    ]) {
      expect(lines).toContainEqual(expect.stringMatching(figure));
    }
    const targets = lines.slice(lines.indexOf('targets (issue #13):') + 1);
    expect(targets).toHaveLength(TARGETS.length);
    TARGETS.forEach((target, index) => {
      const measured = target.id !== 'warm-50k';
      expect(targets[index]).toMatch(new RegExp(`^  ${measured ? '(met   |MISSED)' : '-     '} ${escape(target.text)}: .+$`));
    });
  }, 600_000);
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
