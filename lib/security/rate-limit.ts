import { peerAddress } from './peer';

/**
 * A token bucket per client key: `max` requests at once, refilled evenly over `windowMs`. Buckets that have
 * refilled completely carry no information and are dropped, so memory stays bounded by the active clients.
 */
export interface RateLimiter {
  /** Spends one request for this key; false when the key has none left (answer 429). */
  take(key: string): boolean;
}

export interface RateLimitOptions {
  windowMs: number;
  max: number;
  /** The clock, replaceable in tests. */
  now?: () => number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

const PRUNE_EVERY = 256;

export function createRateLimiter({ windowMs, max, now = Date.now }: RateLimitOptions): RateLimiter {
  if (!(windowMs > 0) || !(max >= 1)) throw new RangeError('a rate limit needs windowMs > 0 and max >= 1');
  const refillPerMs = max / windowMs;
  const buckets = new Map<string, Bucket>();
  let takes = 0;

  const refilled = (bucket: Bucket, at: number): number =>
    Math.min(max, bucket.tokens + Math.max(0, at - bucket.updatedAt) * refillPerMs);

  return {
    take(key) {
      const at = now();
      takes += 1;
      if (takes % PRUNE_EVERY === 0) {
        for (const [staleKey, bucket] of buckets) if (refilled(bucket, at) >= max) buckets.delete(staleKey);
      }
      const bucket = buckets.get(key);
      const tokens = bucket ? refilled(bucket, at) : max;
      if (tokens < 1) {
        buckets.set(key, { tokens, updatedAt: at });
        return false;
      }
      buckets.set(key, { tokens: tokens - 1, updatedAt: at });
      return true;
    },
  };
}

/**
 * The key a route limits by and an audit line names: the socket's address. X-Forwarded-For is whatever the
 * client wrote, so it counts only when PULLFIX_TRUST_PROXY=1 says a reverse proxy in front of pullfix sets it;
 * then the last entry, the one that proxy appended, names the client.
 */
export const TRUST_PROXY_ENV = 'PULLFIX_TRUST_PROXY';

export function clientKey(request: Request): string {
  if (process.env[TRUST_PROXY_ENV] === '1') {
    const forwarded = request.headers.get('x-forwarded-for')?.split(',').at(-1)?.trim();
    if (forwarded) return forwarded;
  }
  return peerAddress(request.headers) ?? 'unknown-client';
}
