import { replaceEqualDeep } from '@tanstack/react-query';
import type { FailuresResponse, PullFailure } from '../api/types';
import { failureId } from '../failures-stream';

/**
 * React Query's structural sharing for a failures answer, row by row: a row equal to the held row of the same id
 * is the held object, so its memoized components skip rendering, and when no row changed the list is the held
 * list. A row the stream left alone is already the held object and costs one comparison; React Query's generic
 * deep comparison would walk every field of thousands of rows on every pushed change.
 */
export function shareUnchangedRows(held: FailuresResponse | undefined, next: FailuresResponse): FailuresResponse {
  if (!held || held === next) return next;
  let byId: Map<string, PullFailure> | null = null;
  const items = next.items.map((item, index) => {
    const inPlace = held.items[index];
    if (item === inPlace) return item;
    const id = failureId(item);
    // Rows mostly keep their place: the held map is built only when one moved.
    if (inPlace && failureId(inPlace) === id) return replaceEqualDeep(inPlace, item);
    byId ??= new Map(held.items.map((row) => [failureId(row), row]));
    const before = byId.get(id);
    return before ? replaceEqualDeep(before, item) : item;
  });
  const unchanged = items.length === held.items.length && items.every((item, index) => item === held.items[index]);
  return {
    ...next,
    items: unchanged ? held.items : items,
    warnings: replaceEqualDeep(held.warnings, next.warnings),
    ...(next.live ? { live: replaceEqualDeep(held.live, next.live) } : {}),
  };
}
