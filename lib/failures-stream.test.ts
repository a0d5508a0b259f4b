import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ApiWarning, FailuresResponse, LiveState, PullFailure } from './api/types';
import {
  applyStreamMessage,
  diffAnswers,
  failureId,
  packStreamMessage,
  sameJson,
  unpackStreamMessage,
  type FailuresStreamMessage,
  type PackedStreamMessage,
} from './failures-stream';
import { parseImageRef } from './image-ref';

/** A failing container; `message` stands for whatever a refresh can change about it. */
function failure(namespace: string, pod: string, containerType: PullFailure['containerType'], container: string, message = 'pull access denied'): PullFailure {
  return {
    namespace,
    pod,
    container,
    containerType,
    imageInput: 'ghcr.io/acme/api:2.1',
    image: parseImageRef('ghcr.io/acme/api:2.1'),
    imageError: null,
    reason: 'ImagePullBackOff',
    message,
    cause: 'unauthorized',
    verdict: { code: 'missing-secret', title: 'missing pull secret', explanation: '', fix: '', secretName: null, partial: false },
    workload: { kind: 'Deployment', name: 'api' },
    workloadPods: { failing: 1, total: 1 },
    podCreated: '2026-11-26T14:42:21Z',
    failingSince: '2026-11-26T14:42:30Z',
    pullSecrets: { attached: [], matching: [], unattachedMatching: [], missing: [], malformed: [], readable: true },
    verification: { state: 'not-tested', checkedAt: null },
  };
}

function answer(items: PullFailure[], overrides: Partial<FailuresResponse> = {}): FailuresResponse {
  return { items, fetchedAt: '2026-11-26T14:45:00Z', warnings: [], live: { mode: 'cluster-watch', notice: null }, ...overrides };
}

const web = failure('shop', 'web-1', 'regular', 'web');
const init = failure('shop', 'web-1', 'init', 'setup');
const api = failure('team', 'api-1', 'regular', 'api');

describe('diffAnswers and applyStreamMessage', () => {
  it('sends only the item that changed, and the page keeps every other item as it was', () => {
    const before = answer([init, web, api]);
    const changed = { ...web, message: 'back-off pulling image' };
    const after = answer([init, changed, api], { fetchedAt: '2026-11-26T14:45:05Z' });
    const message = diffAnswers(before, after)!;
    expect(message).toEqual({ type: 'changes', fetchedAt: '2026-11-26T14:45:05Z', upserts: [changed], removals: [] });
    const applied = applyStreamMessage(before, message)!;
    expect(applied).toEqual(after);
    expect(applied.items[0]).toBe(init);
    expect(applied.items[2]).toBe(api);
  });

  it('removes an item by its id and sends the new order', () => {
    const message = diffAnswers(answer([init, web, api]), answer([init, api]))!;
    expect(message.removals).toEqual([failureId(web)]);
    expect(message.order).toEqual([failureId(init), failureId(api)]);
    expect(applyStreamMessage(answer([init, web, api]), message)?.items).toEqual([init, api]);
  });

  it('says nothing when only the time of the read differs', () => {
    expect(diffAnswers(answer([web]), answer([web], { fetchedAt: '2026-11-26T14:46:00Z' }))).toBeNull();
  });

  it('sends warnings and the live mode only when they change', () => {
    const warning: ApiWarning = { code: 'secrets-forbidden', namespace: 'shop', message: 'may not list secrets' };
    const live: LiveState = { mode: 'read-per-request', notice: 'may not watch pods' };
    const message = diffAnswers(answer([web]), answer([web], { warnings: [warning], live }))!;
    expect(message).toMatchObject({ upserts: [], removals: [], warnings: [warning], live });
    expect(message.order).toBeUndefined();
  });

  it('keeps unchanged items of a snapshot that replaces the answer after a reconnect', () => {
    const current = answer([init, web]);
    const applied = applyStreamMessage(current, { type: 'snapshot', answer: answer([failure('shop', 'web-1', 'init', 'setup'), api]) })!;
    expect(applied.items[0]).toBe(init);
    expect(applied.items).toEqual([init, api]);
  });

  it('waits for a snapshot when changes arrive with no answer to apply them to', () => {
    expect(applyStreamMessage(undefined, { type: 'changes', fetchedAt: '', upserts: [web], removals: [] })).toBeUndefined();
  });
});

/** Answers a cluster can give one after another: any subset of a few containers, in any order, each in any state. */
const anyAnswer = fc
  .tuple(
    fc.uniqueArray(
      fc.record({
        namespace: fc.constantFrom('shop', 'team'),
        pod: fc.constantFrom('web-1', 'web-2', 'api-1'),
        containerType: fc.constantFrom('init', 'regular', 'ephemeral') as fc.Arbitrary<PullFailure['containerType']>,
        container: fc.constantFrom('app', 'setup'),
        message: fc.constantFrom('pull access denied', 'back-off', 'not found'),
      }),
      { selector: (item) => failureId(item), maxLength: 12 },
    ),
    fc.nat(1_000_000),
    fc.boolean(),
    fc.constantFrom<LiveState>({ mode: 'cluster-watch', notice: null }, { mode: 'read-per-request', notice: 'may not watch pods' }),
  )
  .map(([items, second, warned, live]) =>
    answer(
      items.map((item) => failure(item.namespace, item.pod, item.containerType, item.container, item.message)),
      {
        fetchedAt: new Date(Date.UTC(2026, 10, 26) + second * 1000).toISOString(),
        warnings: warned ? [{ code: 'secrets-forbidden', namespace: 'shop', message: 'may not list secrets' }] : [],
        live,
      },
    ),
  );

/** A message as the page receives it: packed, serialized, parsed and unpacked. */
function overTheWire(message: FailuresStreamMessage): FailuresStreamMessage {
  return unpackStreamMessage(JSON.parse(JSON.stringify(packStreamMessage(message))) as PackedStreamMessage);
}

describe('the stream, property', () => {
  it('applying the snapshot and then every diff, as the page receives them, gives the last answer, as a full recomputation does', () => {
    fc.assert(
      fc.property(fc.array(anyAnswer, { minLength: 1, maxLength: 8 }), (answers) => {
        let held = applyStreamMessage(undefined, overTheWire({ type: 'snapshot', answer: answers[0]! }));
        for (let index = 1; index < answers.length; index += 1) {
          const message: FailuresStreamMessage | null = diffAnswers(answers[index - 1]!, answers[index]!);
          const previous = held;
          if (message) held = applyStreamMessage(held, overTheWire(message));
          const expected = answers[index]!;
          expect(held?.items).toEqual(expected.items);
          expect(held?.warnings).toEqual(expected.warnings);
          expect(held?.live).toEqual(expected.live);
          if (message) expect(held?.fetchedAt).toBe(expected.fetchedAt);
          // What did not change is the very object the page held.
          const before = new Map(previous?.items.map((item) => [failureId(item), item]));
          for (const item of held?.items ?? []) {
            const old = before.get(failureId(item));
            if (old && JSON.stringify(old) === JSON.stringify(item)) expect(item).toBe(old);
          }
        }
      }),
    );
  });
});

/** JSON with every object's keys sorted: two values serialize alike in some key order when these are equal. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, held: unknown) =>
    held && typeof held === 'object' && !Array.isArray(held) ? Object.fromEntries(Object.entries(held).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : held,
  );
}

function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).reverse().map(([key, held]) => [key, reversedKeys(held)]));
}

describe('sameJson', () => {
  const small = fc.jsonValue({ maxDepth: 3 });

  it('says two values are the same exactly when they serialize alike, keys in any order', () => {
    fc.assert(
      fc.property(small, small, (a, b) => {
        expect(sameJson(a, b)).toBe(canonical(a) === canonical(b));
      }),
    );
    fc.assert(
      fc.property(small, (a) => {
        expect(sameJson(a, reversedKeys(a))).toBe(true);
      }),
    );
  });

  it('tells apart values that differ in one leaf, one key or one element', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), small, { minKeys: 1 }), fc.string(), (object, key) => {
        expect(sameJson(object, { ...object, [key]: ['changed'] })).toBe(false);
        expect(sameJson([object], [object, object])).toBe(false);
        expect(sameJson({ ...object, [`${key}?`]: 1 }, { ...object, [`${key}!`]: 1 })).toBe(false);
      }),
    );
  });

  it('leaves out a property holding undefined, as JSON does', () => {
    expect(sameJson({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(sameJson({ a: 1 }, { a: 1, b: undefined })).toBe(true);
    expect(sameJson([undefined], [null])).toBe(true);
    expect(sameJson({ a: null }, { a: undefined })).toBe(false);
  });
});
