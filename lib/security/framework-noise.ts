import 'server-only';

import { log } from '../log';
import { createRateLimiter } from './rate-limit';

/**
 * Two things the framework prints to the console on a client's say-so, outside the redacting logger: a stack
 * for every request the client aborts, and a warning for every body past its buffer. Any client can send them
 * by the thousand, so each becomes one structured line through the logger, at most a few a minute, counting
 * what was left out. Everything else the console receives passes through untouched.
 */
const PER_MINUTE = 6;

export function routeFrameworkNoise(): void {
  const aborted = quietLine('a client aborted its request', 'aborted');
  const oversized = quietLine('a request body exceeded the framework buffer; the proxy refused it', 'oversized');
  const error = console.error.bind(console);
  const warn = console.warn.bind(console);
  // Next prints some with a label first ('⨯ uncaughtException: ', error): any argument may be the error.
  console.error = (...args: unknown[]) => (args.some(isAbortedRequest) ? aborted() : error(...args));
  console.warn = (...args: unknown[]) => (isOversizedBody(args[0]) ? oversized() : warn(...args));
}

function quietLine(message: string, kind: string): () => void {
  const limiter = createRateLimiter({ windowMs: 60_000, max: PER_MINUTE });
  let suppressed = 0;
  return () => {
    if (!limiter.take(kind)) {
      suppressed += 1;
      return;
    }
    log.warn(message, { kind, suppressedSinceLast: suppressed });
    suppressed = 0;
  };
}

/** Node's `Error: aborted` (ECONNRESET) for a request whose client went away mid-body. */
function isAbortedRequest(value: unknown): boolean {
  if (!(value instanceof Error)) return false;
  const code = (value as { code?: unknown }).code;
  return value.message === 'aborted' && (code === 'ECONNRESET' || code === undefined);
}

function isOversizedBody(value: unknown): boolean {
  return typeof value === 'string' && value.startsWith('Request body exceeded ');
}
