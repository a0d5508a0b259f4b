import 'server-only';
import { lookup as dnsLookup } from 'node:dns';
import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { forbiddenAddress, forbiddenTarget, refusal } from './address-guard';
import { log } from '../log';
import type { TransportTrust } from './endpoints';
import { RegistryError } from './errors';

export interface HttpExchange {
  method: 'GET' | 'HEAD';
  url: URL;
  headers: Record<string, string>;
  /** Sent to the request's own origin only: a redirect to another host, port or scheme drops it. */
  authorization: string | null;
  trust: TransportTrust;
  /** How to verify an origin that a redirect leads to. */
  trustFor: (url: URL) => TransportTrust;
  /** Bounds the whole exchange, redirects and body included. */
  timeoutMs: number;
  maxBodyBytes: number;
}

export interface HttpReply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Where the reply came from after redirects. */
  url: URL;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

/** One request with manual redirects, a deadline and a body cap; transport failures throw a RegistryError. */
export async function send(exchange: HttpExchange): Promise<HttpReply> {
  const deadline = Date.now() + exchange.timeoutMs;
  let url = exchange.url;
  for (let hop = 0; ; hop += 1) {
    const sameOrigin = url.origin === exchange.url.origin;
    const headers = { ...exchange.headers };
    if (sameOrigin && exchange.authorization !== null) headers.authorization = exchange.authorization;
    const reply = await sendOnce({
      method: exchange.method,
      url,
      headers,
      trust: sameOrigin ? exchange.trust : exchange.trustFor(url),
      deadline,
      timeoutMs: exchange.timeoutMs,
      maxBodyBytes: exchange.maxBodyBytes,
    });
    const location = reply.headers.location;
    if (!REDIRECT_STATUSES.has(reply.status) || location === undefined) return reply;
    if (hop === MAX_REDIRECTS) {
      throw new RegistryError('redirect-loop', 'unknown', `${exchange.url.host} redirected more than ${MAX_REDIRECTS} times.`, {
        status: reply.status,
      });
    }
    url = redirectTarget(location, url);
  }
}

interface SingleRequest {
  method: 'GET' | 'HEAD';
  url: URL;
  headers: Record<string, string>;
  trust: TransportTrust;
  deadline: number;
  timeoutMs: number;
  maxBodyBytes: number;
}

function sendOnce(request: SingleRequest): Promise<HttpReply> {
  const { url } = request;
  // Checked on every hop, so neither a redirect nor a token realm can lead to a metadata service.
  const forbidden = forbiddenTarget(url.hostname);
  if (forbidden !== null) return Promise.reject(refusal(url.hostname, forbidden));
  const options: https.RequestOptions = {
    method: request.method,
    headers: request.headers,
    // A fresh connection per request: pooled sockets would outlive the per-host trust they were opened with.
    agent: false,
    lookup: lookupRefusingInvalid,
    ...(url.protocol === 'https:'
      ? { rejectUnauthorized: request.trust.rejectUnauthorized, ...(request.trust.ca === null ? {} : { ca: request.trust.ca }) }
      : {}),
  };
  const client = url.protocol === 'https:' ? https : http;

  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
    };
    const fail = (error: RegistryError) => {
      finish(() => reject(error));
      outgoing.destroy();
    };

    const outgoing = client.request(url, options, (incoming) => {
      // A HEAD reply declares the size of a body it does not send.
      const declared = request.method === 'HEAD' ? 0 : Number(incoming.headers['content-length']);
      if (Number.isFinite(declared) && declared > request.maxBodyBytes) {
        fail(tooLarge(url, request.maxBodyBytes));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      incoming.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > request.maxBodyBytes) fail(tooLarge(url, request.maxBodyBytes));
        else chunks.push(chunk);
      });
      incoming.on('end', () =>
        finish(() => resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, body: Buffer.concat(chunks), url })),
      );
      incoming.on('error', (error) => finish(() => reject(transportFailure(error, url, request.timeoutMs))));
    });
    outgoing.on('error', (error) => finish(() => reject(transportFailure(error, url, request.timeoutMs))));

    const timer = setTimeout(
      () => fail(transportFailure(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' }), url, request.timeoutMs)),
      Math.max(0, request.deadline - Date.now()),
    );
    outgoing.end();
  });
}

/**
 * RFC 6761 §6.4: names under `.invalid` must fail at once without asking a resolver, so they never
 * cause a DNS query to leave the machine. Names that resolve to a link-local or metadata address are
 * refused here, after resolution, so a DNS answer cannot smuggle the client past the address guard.
 */
const lookupRefusingInvalid: LookupFunction = (hostname, options, callback) => {
  if (/(^|\.)invalid\.?$/i.test(hostname)) {
    const error: NodeJS.ErrnoException = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
      code: 'ENOTFOUND',
      syscall: 'getaddrinfo',
    });
    process.nextTick(() => callback(error, ''));
    return;
  }
  dnsLookup(hostname, options, (error, address, family) => {
    const addresses = typeof address === 'string' ? [address] : (address ?? []).map((entry) => entry.address);
    const forbidden = addresses.map((candidate) => forbiddenAddress(candidate)).find((reason) => reason !== null);
    if (error === null && forbidden !== undefined) {
      callback(refusal(hostname, `it resolves to ${addresses.join(', ')}, ${forbidden}`), '');
      return;
    }
    callback(error, address as string, family);
  });
};

function redirectTarget(location: string, from: URL): URL {
  let target: URL;
  try {
    target = new URL(location, from);
  } catch {
    throw new RegistryError('bad-redirect', 'unknown', `${from.host} redirected to an invalid address.`);
  }
  if (target.protocol !== 'https:' && target.protocol !== 'http:') {
    throw new RegistryError('bad-redirect', 'unknown', `${from.host} redirected to an unsupported ${target.protocol} address.`);
  }
  return target;
}

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EAI_NODATA', 'ENODATA']);
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENETDOWN',
  'EPIPE',
  'ETIMEDOUT',
  'EADDRNOTAVAIL',
]);
const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_REVOKED',
  'HOSTNAME_MISMATCH',
  'EPROTO',
]);

/** Maps a socket, DNS or TLS error to a cause and says what to check. */
export function transportFailure(error: unknown, url: URL, timeoutMs: number): RegistryError {
  if (error instanceof RegistryError) return error;
  const code = error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : 'unknown';
  const host = url.host;
  if (DNS_CODES.has(code)) {
    return new RegistryError(
      code,
      'dns',
      `The registry host ${url.hostname} does not resolve (${code}): check the registry name in the image and the DNS of the machine running pullfix.`,
    );
  }
  if (TLS_CODES.has(code) || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_')) {
    // OpenSSL's message names its source files: the code says enough to the person, the log keeps the rest.
    log.warn('a TLS connection to a registry failed', { host, code, detail: error instanceof Error ? error.message : String(error) });
    return new RegistryError(
      code,
      'tls',
      `The TLS connection to ${host} failed (${code}). If the registry uses a private CA, set caFile for it in the registry configuration; check that it serves HTTPS on this port and that its certificate names ${url.hostname}.`,
    );
  }
  if (code === 'ETIMEDOUT') {
    return new RegistryError(
      'timeout',
      'network',
      `${host} did not answer within ${timeoutMs} ms: check that the registry is up and that no firewall or proxy holds the connection.`,
    );
  }
  if (NETWORK_CODES.has(code)) {
    const what = code === 'ECONNREFUSED' ? 'refused the connection' : 'could not be reached';
    return new RegistryError(
      code,
      'network',
      `${host} ${what} (${code}): check the port, that the registry is running, and the network path (firewall, proxy).`,
    );
  }
  return new RegistryError(code, 'unknown', `The request to ${host} failed (${code}).`);
}

function tooLarge(url: URL, maxBodyBytes: number): RegistryError {
  return new RegistryError('too-large', 'unknown', `${url.host} sent a response larger than ${maxBodyBytes} bytes.`);
}
