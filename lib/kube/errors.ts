import 'server-only';

import { ApiException } from '@kubernetes/client-node';
import { ApiError } from '../api/errors';

/**
 * The mapping from client-node's failures to the one error type, ApiError. Its messages are written for the person
 * at the screen and never carry client-node's own message, which embeds response headers, or anything from the
 * kubeconfig's credentials.
 */

/** Where a failed call went: named in the message so the person knows which context to check. */
export interface CallTarget {
  context: string;
  server: string;
}

/**
 * Runs one client-node call; whatever it throws comes out as an ApiError. The read functions in `reads.ts` and
 * the writes go through here, so no caller maps a client-node failure itself.
 */
export async function kubeCall<T>(target: CallTarget, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toApiError(error, target);
  }
}

/** Turns whatever a client-node call threw into an ApiError. */
export function toApiError(error: unknown, target: CallTarget): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof ApiException) return fromApiException(error.code, error.body, target);
  return fromTransportError(error, target);
}

/** The parts of a Kubernetes Status the messages use. */
export interface KubeStatus {
  message: string | null;
  reason: string | null;
}

/** client-node 1.4 hands the response body over as a string (undefined on 401); a non-Status body yields nulls. */
export function parseStatus(body: unknown): KubeStatus {
  const parsed = typeof body === 'string' ? safeJson(body) : body;
  if (typeof parsed !== 'object' || parsed === null) return { message: null, reason: null };
  const record = parsed as Record<string, unknown>;
  return {
    message: typeof record.message === 'string' ? record.message : null,
    reason: typeof record.reason === 'string' ? record.reason : null,
  };
}

function fromApiException(code: number, body: unknown, target: CallTarget): ApiError {
  const status = parseStatus(body);
  const said = status.message ? `: ${status.message}` : '';
  switch (code) {
    case 401:
      return new ApiError(
        'unauthorized',
        401,
        `the cluster at ${target.server} did not accept the credentials of context "${target.context}" — the token or certificate is invalid or expired; refresh the kubeconfig's credentials`,
        status.reason ?? 'Unauthorized',
      );
    case 403:
      return new ApiError(
        'forbidden',
        403,
        `the user of context "${target.context}" is not allowed to do this${said}`,
        status.reason ?? 'Forbidden',
      );
    case 404:
      return new ApiError('not-found', 404, `not found in context "${target.context}"${said}`, status.reason ?? 'NotFound');
    case 408:
    case 504:
      return new ApiError('timeout', 504, `the cluster at ${target.server} timed out${said}`, status.reason ?? 'Timeout');
    default:
      return new ApiError(
        'cluster-error',
        code >= 400 && code < 500 ? code : 502,
        `the cluster at ${target.server} answered ${code}${said}`,
        status.reason,
      );
  }
}

const UNREACHABLE: Record<string, string> = {
  ECONNREFUSED: 'connection refused — is it running? check the context\'s server',
  ENOTFOUND: 'the host name does not resolve — check the context\'s server',
  EAI_AGAIN: 'the host name could not be resolved right now — check DNS and the context\'s server',
  EHOSTUNREACH: 'no route to the host — check the network and the context\'s server',
  ENETUNREACH: 'the network is unreachable — check the network and the context\'s server',
  ECONNRESET: 'the connection was reset — check that the server speaks HTTPS and any proxy in between',
  EPIPE: 'the connection was closed — check that the server speaks HTTPS and any proxy in between',
};

/** OpenSSL's verification codes and Node's TLS errors, as they appear on the socket error. */
const TLS_CODE = /^(CERT_|ERR_TLS_|ERR_SSL_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH|EPROTO$)/;

function fromTransportError(error: unknown, target: CallTarget): ApiError {
  const code = systemErrorCode(error);
  const where = `the cluster at ${target.server} is not reachable`;
  if (isTimeout(error, code)) {
    return new ApiError('timeout', 504, `${where}: no answer in time — is it overloaded, or behind a firewall that drops packets?`, 'Timeout');
  }
  if (code && TLS_CODE.test(code)) {
    return new ApiError(
      'tls',
      502,
      `${where}: its TLS certificate is not trusted (${code}) — check the context's certificate-authority and server name`,
    );
  }
  if (code && UNREACHABLE[code]) return new ApiError('unreachable', 502, `${where}: ${UNREACHABLE[code]}`);
  return new ApiError(
    'unreachable',
    502,
    `${where}${code ? ` (${code})` : ''} — check the context's server and credentials plugin`,
  );
}

/** node-fetch wraps the socket error and copies its `code`; TLS errors keep theirs on the cause. */
function systemErrorCode(error: unknown): string | null {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth += 1) {
    const record = current as { code?: unknown; errno?: unknown; cause?: unknown };
    if (typeof record.code === 'string') return record.code;
    if (typeof record.errno === 'string') return record.errno;
    current = record.cause;
  }
  return null;
}

function isTimeout(error: unknown, code: string | null): boolean {
  if (code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') return true;
  if (typeof error !== 'object' || error === null) return false;
  const { name, type } = error as { name?: unknown; type?: unknown };
  return name === 'AbortError' || name === 'TimeoutError' || type === 'aborted' || type === 'request-timeout';
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
