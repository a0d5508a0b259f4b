import 'server-only';

import { ApiException } from '@kubernetes/client-node';
import type { ApiErrorBody, ApiErrorCode } from '../api/types';

/**
 * The one error type of the data layer. Its message is written for the person at the screen and never carries
 * client-node's own message, which embeds response headers, or anything from the kubeconfig's credentials.
 */
export class KubeError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    readonly status: number,
    message: string,
    readonly reason: string | null = null,
  ) {
    super(message);
    this.name = 'KubeError';
  }

  toBody(): ApiErrorBody {
    return { error: { code: this.code, message: this.message, reason: this.reason, status: this.status } };
  }

  toResponse(): Response {
    return Response.json(this.toBody(), { status: this.status });
  }
}

/** Where a failed call went: named in the message so the person knows which context to check. */
export interface CallTarget {
  context: string;
  server: string;
}

/**
 * Runs one client-node call; whatever it throws comes out as a KubeError. The read functions in `reads.ts` and
 * the writes go through here, so no caller maps a client-node failure itself.
 */
export async function kubeCall<T>(target: CallTarget, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toKubeError(error, target);
  }
}

/** Turns whatever a client-node call threw into a KubeError. */
export function toKubeError(error: unknown, target: CallTarget): KubeError {
  if (error instanceof KubeError) return error;
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

function fromApiException(code: number, body: unknown, target: CallTarget): KubeError {
  const status = parseStatus(body);
  const said = status.message ? `: ${status.message}` : '';
  switch (code) {
    case 401:
      return new KubeError(
        'unauthorized',
        401,
        `the cluster at ${target.server} did not accept the credentials of context "${target.context}" — the token or certificate is invalid or expired; refresh the kubeconfig's credentials`,
        status.reason ?? 'Unauthorized',
      );
    case 403:
      return new KubeError(
        'forbidden',
        403,
        `the user of context "${target.context}" is not allowed to do this${said}`,
        status.reason ?? 'Forbidden',
      );
    case 404:
      return new KubeError('not-found', 404, `not found in context "${target.context}"${said}`, status.reason ?? 'NotFound');
    case 408:
    case 504:
      return new KubeError('timeout', 504, `the cluster at ${target.server} timed out${said}`, status.reason ?? 'Timeout');
    default:
      return new KubeError(
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

function fromTransportError(error: unknown, target: CallTarget): KubeError {
  const code = systemErrorCode(error);
  const where = `the cluster at ${target.server} is not reachable`;
  if (isTimeout(error, code)) {
    return new KubeError('timeout', 504, `${where}: no answer in time — is it overloaded, or behind a firewall that drops packets?`, 'Timeout');
  }
  if (code && TLS_CODE.test(code)) {
    return new KubeError(
      'tls',
      502,
      `${where}: its TLS certificate is not trusted (${code}) — check the context's certificate-authority and server name`,
    );
  }
  if (code && UNREACHABLE[code]) return new KubeError('unreachable', 502, `${where}: ${UNREACHABLE[code]}`);
  return new KubeError(
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
