/**
 * A pure function of one string, remembered for its last `limit` distinct inputs (the oldest is forgotten first).
 * For parsing and classification that an answer repeats for every failing container on every recomputation: at
 * 2,000 failing rows they were half the time the live feed spent. The function must be pure and its result must
 * not be changed by callers: every caller with the same input gets the same object.
 */
export function boundedMemo<T>(compute: (input: string) => T, limit: number): (input: string) => T {
  const held = new Map<string, T>();
  return (input) => {
    if (held.has(input)) return held.get(input) as T;
    const value = compute(input);
    if (held.size >= limit) held.delete(held.keys().next().value as string);
    held.set(input, value);
    return value;
  };
}
