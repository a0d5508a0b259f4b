import 'server-only';

import { ApiError } from './errors';
import { clientKey, createRateLimiter } from '../security/rate-limit';

/**
 * Registry calls cost the registry's rate limits and this server's sockets: each client gets a few a minute, and
 * all clients together a bounded number, since a client can choose its own key (see `clientKey`).
 */
const perClient = createRateLimiter({ windowMs: 60_000, max: 20 });
const everyone = createRateLimiter({ windowMs: 60_000, max: 120 });

export function assertRegistryRateLimit(request: Request): void {
  if (perClient.take(clientKey(request)) && everyone.take('*')) return;
  throw new ApiError('rate-limited', 429, 'too many registry checks from this client: wait a minute and try again');
}
