/**
 * "Did you mean …?" for names a person typed: a namespace that does not exist, a context. Pure.
 */

/**
 * The candidates a typo or a half-typed name most likely meant, best first: names that start with the input,
 * then names within a small edit distance (transpositions count as one edit). At most `limit`.
 */
export function closeMatches(input: string, candidates: readonly string[], limit = 3): string[] {
  const typed = input.trim().toLowerCase();
  if (typed === '') return [];
  const budget = Math.max(1, Math.floor(typed.length / 3));
  const scored: { name: string; score: number }[] = [];
  for (const name of new Set(candidates)) {
    const lower = name.toLowerCase();
    if (lower === typed) continue;
    if (lower.startsWith(typed)) scored.push({ name, score: 0 });
    else {
      const distance = editDistance(typed, lower, budget);
      if (distance <= budget) scored.push({ name, score: distance });
    }
  }
  return scored
    .sort((a, b) => a.score - b.score || a.name.length - b.name.length || (a.name < b.name ? -1 : 1))
    .slice(0, limit)
    .map((entry) => entry.name);
}

/** Optimal string alignment distance, stopping early once every path exceeds `budget`. */
export function editDistance(a: string, b: string, budget = Number.POSITIVE_INFINITY): number {
  if (Math.abs(a.length - b.length) > budget) return budget + 1;
  let before = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const substitution = a[i - 1] === b[j - 1] ? 0 : 1;
      let cost = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + substitution);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) cost = Math.min(cost, before[j - 2]! + 1);
      current.push(cost);
      rowMin = Math.min(rowMin, cost);
    }
    if (rowMin > budget) return budget + 1;
    before = previous;
    previous = current;
  }
  return previous[b.length]!;
}
