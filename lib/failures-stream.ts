import type { ApiWarning, FailuresResponse, LiveState, PullFailure } from './api/types';
import { packFailures, packItems, unpackFailures, unpackItems, type PackedFailure, type PackedFailures, type PackedParts } from './packed-failures';

/**
 * The messages of the failures stream (GET …/failures/stream), and the pure functions on both ends: the server
 * diffs two answers into a message, the page applies it to the answer it holds. The whole answer comes once;
 * after that only the items that changed, keyed by a stable id, so an open page re-renders only those rows.
 */

/** The whole answer: the first message of a stream, and the answer to a reconnect that cannot resume. */
export interface FailuresSnapshot {
  type: 'snapshot';
  answer: FailuresResponse;
}

/** What changed since the previous message; a field left out did not change. */
export interface FailuresChanges {
  type: 'changes';
  fetchedAt: string;
  /** Items added or changed, whole. */
  upserts: PullFailure[];
  /** Ids (`failureId`) of the items gone. */
  removals: string[];
  /** The ids of every item in the answer's order, sent only when items were added or removed. */
  order?: string[];
  warnings?: ApiWarning[];
  live?: LiveState;
}

export type FailuresStreamMessage = FailuresSnapshot | FailuresChanges;

/**
 * A message as the stream sends it, in the page's packed form (lib/packed-failures.ts): the snapshot's answer
 * packed, and the items of a change packed with the parts they share.
 */
export type PackedStreamMessage =
  | { type: 'snapshot'; answer: PackedFailures }
  | (Omit<FailuresChanges, 'upserts'> & { upserts: PackedFailure[]; parts: PackedParts });

export function packStreamMessage(message: FailuresStreamMessage): PackedStreamMessage {
  if (message.type === 'snapshot') return { type: 'snapshot', answer: packFailures(message.answer) };
  const { upserts, ...rest } = message;
  const { items, parts } = packItems(upserts);
  return { ...rest, upserts: items, parts };
}

/** The message back; throws on an index that points at no part, as `unpackFailures` does. */
export function unpackStreamMessage(message: PackedStreamMessage): FailuresStreamMessage {
  if (message.type === 'snapshot') return { type: 'snapshot', answer: unpackFailures(message.answer) };
  const { upserts, parts, ...rest } = message;
  return { ...rest, upserts: unpackItems(upserts, parts) };
}

/** One failing container: a pod holds each container name once per container type. */
export function failureId(item: Pick<PullFailure, 'namespace' | 'pod' | 'containerType' | 'container'>): string {
  return `${item.namespace}/${item.pod}/${item.containerType}/${item.container}`;
}

/** The message that turns `before` into `after`; null when nothing but the time of the read differs. */
export function diffAnswers(before: FailuresResponse, after: FailuresResponse): FailuresChanges | null {
  const held = new Map(before.items.map((item) => [failureId(item), item]));
  const ids = after.items.map(failureId);
  const upserts = after.items.filter((item, index) => {
    const previous = held.get(ids[index]!);
    return !previous || !sameJson(previous, item);
  });
  const kept = new Set(ids);
  const removals = [...held.keys()].filter((id) => !kept.has(id));
  const reordered = removals.length > 0 || !sameJson(before.items.map(failureId), ids);
  const warningsChanged = !sameJson(before.warnings, after.warnings);
  const liveChanged = !sameJson(before.live ?? null, after.live ?? null);
  if (upserts.length === 0 && !reordered && !warningsChanged && !liveChanged) return null;
  return {
    type: 'changes',
    fetchedAt: after.fetchedAt,
    upserts,
    removals,
    ...(reordered ? { order: ids } : {}),
    ...(warningsChanged ? { warnings: after.warnings } : {}),
    ...(liveChanged && after.live ? { live: after.live } : {}),
  };
}

/**
 * The answer after one message. Items that did not change keep their identity (a snapshot after a reconnect
 * included), so memoized rows skip rendering. Changes without an answer to apply them to yield undefined: the
 * page then waits for the snapshot a reconnect brings.
 */
export function applyStreamMessage(current: FailuresResponse | undefined, message: FailuresStreamMessage): FailuresResponse | undefined {
  if (message.type === 'snapshot') {
    if (!current) return message.answer;
    const held = new Map(current.items.map((item) => [failureId(item), item]));
    const items = message.answer.items.map((item) => {
      const previous = held.get(failureId(item));
      return previous && sameJson(previous, item) ? previous : item;
    });
    return { ...message.answer, items };
  }
  if (!current) return undefined;
  const byId = new Map(current.items.map((item) => [failureId(item), item]));
  for (const id of message.removals) byId.delete(id);
  const added: string[] = [];
  for (const item of message.upserts) {
    const id = failureId(item);
    if (!byId.has(id)) added.push(id);
    byId.set(id, item);
  }
  const order = message.order ?? [...current.items.map(failureId).filter((id) => byId.has(id)), ...added];
  return {
    ...current,
    fetchedAt: message.fetchedAt,
    items: order.flatMap((id) => byId.get(id) ?? []),
    ...(message.warnings ? { warnings: message.warnings } : {}),
    ...(message.live ? { live: message.live } : {}),
  };
}

/**
 * Whether two JSON values would serialize alike, keys in any order (a property holding undefined is left out, as
 * JSON leaves it). Compared in place: serializing both sides of every item was a seventh of what the live feed
 * spent at 2,000 failing rows, and most items differ early or are the same object.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((value, index) => sameJson(value ?? null, b[index] ?? null));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  let count = 0;
  for (const key in left) {
    if (left[key] === undefined) continue;
    count += 1;
    if (!sameJson(left[key], right[key])) return false;
  }
  for (const key in right) if (right[key] !== undefined) count -= 1;
  return count === 0;
}
