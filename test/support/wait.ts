import { vi } from 'vitest';

export interface WaitOptions {
  /** How long to keep trying; generous, because it only matters when the condition never comes true. */
  timeoutMs?: number;
  intervalMs?: number;
  /** What is awaited, for the failure message. */
  what?: string;
}

/**
 * The one way tests wait for something that happens asynchronously: polls `check` (vitest's `vi.waitFor`) until
 * it returns a value other than `undefined`, `null` or `false`, and resolves with that value. A check that throws
 * counts as not yet; if time runs out, the failure names what was awaited and the check's last error.
 */
export async function waitUntil<T>(check: () => T | undefined | null | false | Promise<T | undefined | null | false>, options: WaitOptions = {}): Promise<T> {
  const { timeoutMs = 15_000, intervalMs = 20, what = 'the condition' } = options;
  try {
    return await vi.waitFor(
      async () => {
        const value = await check();
        if (value === undefined || value === null || value === false) throw new Error('not yet');
        return value;
      },
      { timeout: timeoutMs, interval: intervalMs },
    );
  } catch (error) {
    const last = error instanceof Error && error.message !== 'not yet' ? `: ${error.message}` : '';
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last}`, { cause: error });
  }
}
