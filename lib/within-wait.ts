/**
 * What `work` gives if it settles within `waitMs`, else `fallback()`: for answers worth waiting for only briefly.
 * The work goes on in the background either way; a failure after the wait is left to whoever reads its result
 * next, and one within the wait is thrown.
 */
export async function withinWait<T>(work: Promise<T>, waitMs: number, fallback: () => T): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<typeof LATE>((resolve) => {
    timer = setTimeout(() => resolve(LATE), waitMs);
  });
  work.catch(() => undefined);
  try {
    const first = await Promise.race([work, late]);
    return first === LATE ? fallback() : first;
  } finally {
    clearTimeout(timer);
  }
}

const LATE = Symbol('late');
