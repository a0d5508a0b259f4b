import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ApiError } from './api/errors';
import type { FailuresResponse, PullFailure } from './api/types';
import { parseImageRef } from './image-ref';
import { packFailures, SHARED_PARTS, unpackFailures, type PackedFailures } from './packed-failures';

const verdicts: PullFailure['verdict'][] = [
  { code: 'missing-secret', title: 'Missing pull secret', explanation: 'docker.io refused the pull and the pod has no credentials.', fix: 'Create a docker-registry secret.', secretName: null, partial: false },
  { code: 'credentials-rejected', title: 'Credentials rejected', explanation: 'ghcr.io refused "ci-bot" (401).', fix: 'Replace the password of regcred.', secretName: 'regcred', partial: true },
];
const images = [parseImageRef('nginx'), parseImageRef('ghcr.io/acme/api:2.1'), null];

/** Items drawn from small pools, so parts repeat as they do across a workload's pods, and with any text. */
const anyFailure: fc.Arbitrary<PullFailure> = fc.record({
  namespace: fc.constantFrom('shop', 'team'),
  pod: fc.string({ maxLength: 12 }),
  container: fc.constantFrom('app', 'setup'),
  containerType: fc.constantFrom('init', 'regular', 'ephemeral', 'image-volume') as fc.Arbitrary<PullFailure['containerType']>,
  imageInput: fc.constantFrom('nginx', 'ghcr.io/acme/api:2.1', 'Bad:Ref'),
  image: fc.constantFrom(...images),
  imageError: fc.constantFrom(null, { code: 'uppercase', message: 'couldn\'t parse image name "Bad:Ref"', at: null }),
  reason: fc.constantFrom('ErrImagePull', 'ImagePullBackOff') as fc.Arbitrary<PullFailure['reason']>,
  message: fc.oneof(fc.constantFrom('pull access denied', 'Back-off pulling image "nginx"'), fc.string()),
  cause: fc.constantFrom('unauthorized', 'not-found') as fc.Arbitrary<PullFailure['cause']>,
  verdict: fc.oneof(fc.constantFrom(...verdicts), fc.string().map((explanation) => ({ ...verdicts[0]!, explanation }))),
  workload: fc.constantFrom(null, { kind: 'Deployment', name: 'web' }, { kind: 'Job', name: 'nightly' }),
  workloadPods: fc.record({ failing: fc.nat(3), total: fc.nat(3) }),
  podCreated: fc.constant('2026-11-26T14:42:21Z'),
  failingSince: fc.constantFrom(null, '2026-11-26T14:42:30Z'),
  pullSecrets: fc.record({
    attached: fc.subarray(['regcred', 'hub']),
    matching: fc.subarray(['regcred']),
    unattachedMatching: fc.constant([]),
    missing: fc.subarray(['gone']),
    malformed: fc.constant([]),
    readable: fc.boolean(),
  }),
  verification: fc.constantFrom({ state: 'verified', checkedAt: '2026-11-26T14:43:00Z' }, { state: 'not-tested', checkedAt: null }) as fc.Arbitrary<PullFailure['verification']>,
});

const anyAnswer: fc.Arbitrary<FailuresResponse> = fc.record({
  items: fc.array(anyFailure, { maxLength: 30 }),
  fetchedAt: fc.constant('2026-11-26T14:45:00Z'),
  warnings: fc.constantFrom([], [{ code: 'secrets-forbidden', namespace: 'shop', message: 'may not read secrets' }]),
  live: fc.constantFrom({ mode: 'cluster-watch', notice: null }, { mode: 'read-per-request', notice: 'may not watch pods' }) as fc.Arbitrary<FailuresResponse['live']>,
});

/** What the page gets: the packed answer as it crosses the wire. */
function overTheWire(answer: FailuresResponse): PackedFailures {
  return JSON.parse(JSON.stringify(packFailures(answer))) as PackedFailures;
}

describe('packFailures and unpackFailures, property', () => {
  it('give back the answer that was packed, items in their order', () => {
    fc.assert(
      fc.property(anyAnswer, (answer) => {
        expect(unpackFailures(overTheWire(answer))).toEqual(answer);
      }),
    );
  });

  it('write each distinct part once, and every item points at its own', () => {
    fc.assert(
      fc.property(anyAnswer, (answer) => {
        const packed = packFailures(answer);
        for (const part of SHARED_PARTS) {
          const written = packed.parts[part].map((value) => JSON.stringify(value));
          expect(new Set(written).size).toBe(written.length);
          expect(new Set(written)).toEqual(new Set(answer.items.map((item) => JSON.stringify(item[part]))));
        }
      }),
    );
  });

  it('hand items that shared a part the same object', () => {
    fc.assert(
      fc.property(anyAnswer, (answer) => {
        const { items } = unpackFailures(overTheWire(answer));
        for (const part of SHARED_PARTS) {
          const byText = new Map<string, unknown>();
          for (const item of items) {
            const text = JSON.stringify(item[part]);
            if (!byText.has(text)) byText.set(text, item[part]);
            expect(item[part]).toBe(byText.get(text));
          }
        }
      }),
    );
  });
});

describe('packFailures', () => {
  it('sends a workload\'s ten failing pods with one verdict, image and message', () => {
    const pod = fc.sample(anyFailure, { seed: 7, numRuns: 1 })[0]!;
    const items = Array.from({ length: 10 }, (_, index) => ({ ...pod, pod: `web-${index}`, verdict: { ...verdicts[0]! }, message: 'pull access denied' }));
    const answer: FailuresResponse = { items, fetchedAt: '2026-11-26T14:45:00Z', warnings: [] };
    const packed = packFailures(answer);
    expect(packed.parts.verdict).toEqual([verdicts[0]]);
    expect(packed.parts.message).toEqual(['pull access denied']);
    expect(packed.items.map((item) => [item.pod, item.verdict, item.message])).toEqual(items.map((item) => [item.pod, 0, 0]));
    expect(JSON.stringify(packed).length).toBeLessThan(JSON.stringify(answer).length / 2);
  });
});

describe('unpackFailures', () => {
  const packed = overTheWire({ items: [fc.sample(anyFailure, { seed: 3, numRuns: 1 })[0]!], fetchedAt: '2026-11-26T14:45:00Z', warnings: [] });

  it.each([
    ['past the end', 1],
    ['negative', -1],
    ['not a whole number', 0.5],
  ])('refuses an index %s, naming the part', (_case, index) => {
    const broken = { ...packed, items: [{ ...packed.items[0]!, verdict: index }] };
    expect(() => unpackFailures(broken)).toThrow(
      new ApiError('cluster-error', 502, `this page cannot read the pullfix server's failures answer (it has no verdict at index ${index}): reload the page`),
    );
  });

  it('says so when the answer is whole items, as a server older than the page sends', () => {
    const whole = unpackFailures(packed);
    expect(() => unpackFailures(whole as unknown as PackedFailures)).toThrow(/\(its items are not packed\): reload the page$/);
    const wholeParts = { ...whole, parts: packed.parts } as unknown as PackedFailures;
    expect(() => unpackFailures(wholeParts)).toThrow(/\(it has no image at index object\)/);
  });
});
