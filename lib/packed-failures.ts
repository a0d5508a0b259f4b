import { ApiError } from './api/errors';
import type { FailuresResponse, PullFailure } from './api/types';

/**
 * The failures answer as the page asks for it (`?form=packed`, and on the stream): the parts that many items share
 * are sent once.
 * The ten pods of a Deployment that cannot pull carry the same image, the same kubelet message and the same verdict
 * (a paragraph each): at 500 failing containers the whole answer is 860 KB and the packed one 186 KB, and a client
 * spends its time on an answer receiving and parsing it, about 7 ms against 2.6. Each item holds an index into
 * `parts` instead of the part itself, and unpacking hands items that shared a part the same object. The API's
 * default form stays the whole items the README documents, for scripts and for `jq`.
 */
export interface PackedFailures extends Omit<FailuresResponse, 'items'> {
  items: PackedFailure[];
  parts: PackedParts;
}

/** What `GET …/failures?form=` answers: whole items, or packed. */
export type FailuresForm = 'full' | 'packed';

/** The parts an item may share with others, by the name of its field. */
export const SHARED_PARTS = ['image', 'message', 'verdict', 'workload', 'workloadPods', 'pullSecrets', 'verification'] as const;

export type SharedPart = (typeof SHARED_PARTS)[number];

/** An item whose shared parts are indexes into `PackedFailures.parts`. */
export type PackedFailure = Omit<PullFailure, SharedPart> & { [Part in SharedPart]: number };

export type PackedParts = { [Part in SharedPart]: PullFailure[Part][] };

/** The answer with each distinct part written once; items keep their order and every other field. */
export function packFailures(answer: FailuresResponse): PackedFailures {
  const { items, ...rest } = answer;
  return { ...rest, ...packItems(items) };
}

/**
 * The whole answer back. Throws an ApiError on an answer that is not packed, or on an index that points at no part:
 * a packed answer is only ever read whole, and an item with a hole in it would show a row that lies. The likely
 * cause is a page and a server of different versions, which a reload mends.
 */
export function unpackFailures(packed: PackedFailures): FailuresResponse {
  const { items, parts, ...rest } = packed;
  return { ...rest, items: unpackItems(items, parts) };
}

/** Items with each distinct part written once, in `parts`: an answer's, or the items a stream message carries. */
export function packItems(items: readonly PullFailure[]): { items: PackedFailure[]; parts: PackedParts } {
  const tables = SHARED_PARTS.map(() => new PartTable<unknown>());
  const packed = items.map((item) => {
    const copy: Record<string, unknown> = { ...item };
    SHARED_PARTS.forEach((part, index) => {
      copy[part] = tables[index]!.indexOf(item[part]);
    });
    return copy as PackedFailure;
  });
  const parts = Object.fromEntries(SHARED_PARTS.map((part, index) => [part, tables[index]!.values])) as PackedParts;
  return { items: packed, parts };
}

/** The items back, each shared part one object; throws as `unpackFailures` does. */
export function unpackItems(items: readonly PackedFailure[], parts: PackedParts): PullFailure[] {
  if (typeof parts !== 'object' || parts === null) throw unreadable('its items are not packed');
  return items.map((item) => {
    const whole: Record<string, unknown> = { ...item };
    for (const part of SHARED_PARTS) whole[part] = partAt<unknown>(parts[part], item[part], part);
    return whole as unknown as PullFailure;
  });
}

function partAt<T>(values: readonly T[] | undefined, index: number, part: SharedPart): T {
  if (!values || !Number.isInteger(index) || index < 0 || index >= values.length) {
    throw unreadable(`it has no ${part} at index ${typeof index === 'number' ? index : typeof index}`);
  }
  return values[index]!;
}

function unreadable(why: string): ApiError {
  return new ApiError('cluster-error', 502, `this page cannot read the pullfix server's failures answer (${why}): reload the page`);
}

/** Distinct values in first-seen order; two values are the same when they serialize alike. */
class PartTable<T> {
  readonly values: T[] = [];
  private readonly indexes = new Map<string, number>();

  indexOf(value: T): number {
    const key = typeof value === 'string' ? `s${value}` : `j${JSON.stringify(value)}`;
    let index = this.indexes.get(key);
    if (index === undefined) {
      index = this.values.push(value) - 1;
      this.indexes.set(key, index);
    }
    return index;
  }
}
