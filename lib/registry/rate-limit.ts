/**
 * Docker Hub's pull allowance as its manifest replies state it: `ratelimit-limit: 100;w=21600` and
 * `ratelimit-remaining: 76;w=21600` (pulls per window of w seconds), `docker-ratelimit-source` naming whom it
 * counts (the address, or the account). A HEAD of a manifest carries them and does not count as a pull.
 */
export interface RateLimitHeadroom {
  limit: number;
  remaining: number;
  windowSeconds: number | null;
  /** Whom the registry counts pulls against, when it says: an IP address or an account id. */
  source: string | null;
}

/** The headroom in the reply's headers, or null when the registry sends none (it does not rate-limit this way). */
export function parseRateLimit(limitHeader: string | null, remainingHeader: string | null, sourceHeader: string | null = null): RateLimitHeadroom | null {
  const limit = quota(limitHeader);
  const remaining = quota(remainingHeader);
  if (limit === null || remaining === null) return null;
  return { limit: limit.count, remaining: remaining.count, windowSeconds: remaining.window ?? limit.window, source: sourceHeader?.trim() || null };
}

/** "76;w=21600": a count and, after ";w=", the window in seconds (draft-ietf-httpapi-ratelimit-headers). */
function quota(header: string | null): { count: number; window: number | null } | null {
  if (header === null) return null;
  const [count = '', ...parameters] = header.split(';').map((part) => part.trim());
  if (!/^\d{1,12}$/.test(count)) return null;
  const window = parameters.map((parameter) => /^w=(\d{1,12})$/.exec(parameter)?.[1]).find((value) => value !== undefined);
  return { count: Number(count), window: window === undefined ? null : Number(window) };
}

/** "76 of 100 pulls left in this 6 h window", or the hint when none are left. */
export function describeHeadroom(headroom: RateLimitHeadroom): string {
  const window = headroom.windowSeconds === null ? '' : ` in this ${windowText(headroom.windowSeconds)} window`;
  const whom = headroom.source === null ? '' : ` (counted against ${headroom.source})`;
  return `${headroom.remaining} of ${headroom.limit} pulls left${window}${whom}`;
}

/**
 * Docker Hub's allowance in its own terms: "Docker Hub allows 0 more of 100 pulls per 6 h for this client
 * (counted against 203.0.113.7)". Hub counts a rolling window and sends no reset time, so none is made up: with
 * none left, pulls free up as those of the last window age out.
 */
export function describeHubAllowance(headroom: RateLimitHeadroom): string {
  const window = headroom.windowSeconds === null ? null : windowText(headroom.windowSeconds);
  const whom = headroom.source === null ? '' : ` (counted against ${headroom.source})`;
  const allows = `Docker Hub allows ${headroom.remaining} more of ${headroom.limit} pulls${window === null ? '' : ` per ${window}`} for this client${whom}`;
  if (headroom.remaining > 0) return allows;
  return `${allows}; Hub states no reset time: a pull is allowed again once one of those made in the last ${window ?? 'window'} ages out of it`;
}

function windowText(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}
