import 'server-only';

import type { IncomingMessage } from 'node:http';
import https from 'node:https';
import { StringDecoder } from 'node:string_decoder';
import { ApiException, type KubeConfig, type RequestContext, type ResponseContext } from '@kubernetes/client-node';

/**
 * One context's connection to its API server: a single keep-alive HTTPS agent shared by every typed client-node
 * call, every plain-JSON read and every watch. client-node 1.x builds a new agent per request, so each call paid
 * a TLS handshake; the agent has no socket limit because node-fetch 2.7, which client-node calls, throws a false
 * ERR_STREAM_PREMATURE_CLOSE when a limited pool makes a request wait for a socket (node-fetch#1767).
 */
export interface KubeTransport {
  /** A GET answered as plain JSON, without client-node's typed deserialization (the hot lists). */
  getJson<T>(path: string, signal?: AbortSignal): Promise<T>;
  /**
   * A watch: one JSON value per line handed to `onLine` as it arrives; resolves when the server ends the stream,
   * rejects on a transport error or a non-200 answer (an ApiException, as client-node throws them). `onOpen`
   * is called once the server has accepted the watch.
   */
  watch(path: string, onLine: (value: unknown) => void | 'stop', signal: AbortSignal, onOpen?: () => void): Promise<void>;
  /** Puts the shared agent on every typed client-node request of the context. */
  middleware: { pre(request: RequestContext): Promise<RequestContext>; post(response: ResponseContext): Promise<ResponseContext> };
  /** Closes the pooled sockets (the kubeconfig changed, or the context is dropped). */
  close(): void;
}

/** A list as the API server writes it: `continue` keeps its wire name (client-node renames it `_continue`). */
export interface RawList<T> {
  metadata?: { resourceVersion?: string; continue?: string };
  items: T[];
}

export function keepAliveTransport(kubeConfig: KubeConfig, server: string, timeoutMs: number): KubeTransport {
  let agent: Promise<https.Agent | null> | null = null;
  const sharedAgent = () => (agent ??= makeAgent(kubeConfig));

  const request = async (path: string, signal: AbortSignal): Promise<IncomingMessage> => {
    // Headers are asked for on every request: an exec plugin or token file may have refreshed the token.
    const options: https.RequestOptions = {};
    await kubeConfig.applyToHTTPSOptions(options);
    const pooled = await sharedAgent();
    return new Promise((resolve, reject) => {
      const outgoing = https.request(new URL(path, server), {
        method: 'GET',
        agent: pooled ?? options.agent,
        headers: { ...options.headers, Accept: 'application/json' },
        auth: options.auth,
        signal,
      });
      outgoing.on('response', resolve);
      outgoing.on('error', reject);
      outgoing.end();
    });
  };

  return {
    async getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
      const deadline = AbortSignal.timeout(timeoutMs);
      const response = await request(path, signal ? AbortSignal.any([signal, deadline]) : deadline);
      const text = await readText(response);
      if (!isOk(response)) throw apiException(response, text);
      return JSON.parse(text) as T;
    },
    async watch(path, onLine, signal, onOpen) {
      const response = await request(path, signal);
      if (!isOk(response)) throw apiException(response, await readText(response));
      onOpen?.();
      await readLines(response, onLine);
    },
    middleware: {
      pre: async (context) => {
        const pooled = await sharedAgent();
        if (pooled) context.setAgent(pooled);
        return context;
      },
      post: async (response) => response,
    },
    close() {
      void agent?.then((pooled) => pooled?.destroy());
      agent = null;
    },
  };
}

/**
 * The TLS settings client-node derives from the kubeconfig (CA, client certificate, server name, skip-verify),
 * on one agent that keeps its sockets. A cluster behind a proxy keeps client-node's proxy agent per request.
 */
async function makeAgent(kubeConfig: KubeConfig): Promise<https.Agent | null> {
  if (kubeConfig.getCurrentCluster()?.proxyUrl) return null;
  const options: https.RequestOptions = {};
  await kubeConfig.applyToHTTPSOptions(options);
  if (!(options.agent instanceof https.Agent)) return null;
  const { ca, cert, key, pfx, passphrase, rejectUnauthorized, servername } = options.agent.options;
  return new https.Agent({ ca, cert, key, pfx, passphrase, rejectUnauthorized, servername, keepAlive: true, scheduling: 'lifo' });
}

function isOk(response: IncomingMessage): boolean {
  return (response.statusCode ?? 0) >= 200 && (response.statusCode ?? 0) < 300;
}

async function readText(response: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The watch framing: one JSON object per line; a line split across chunks is joined before it is parsed. A
 * line answered 'stop' ends the watch there: the response is closed without an error (aborting the request
 * from inside its own read would raise one on the socket that nobody is left to catch).
 */
async function readLines(response: IncomingMessage, onLine: (value: unknown) => void | 'stop'): Promise<void> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  for await (const chunk of response) {
    pending += decoder.write(chunk as Buffer);
    let newline = pending.indexOf('\n');
    while (newline >= 0) {
      const line = pending.slice(0, newline).trim();
      pending = pending.slice(newline + 1);
      if (line && onLine(JSON.parse(line)) === 'stop') {
        response.destroy();
        return;
      }
      newline = pending.indexOf('\n');
    }
  }
  const last = (pending + decoder.end()).trim();
  if (last) onLine(JSON.parse(last));
}

/** The same error client-node throws for a non-2xx answer, so toApiError maps both paths alike. */
function apiException(response: IncomingMessage, body: string): ApiException<string> {
  const headers = Object.fromEntries(Object.entries(response.headers).map(([name, value]) => [name, String(value)]));
  return new ApiException(response.statusCode ?? 0, `HTTP-Code: ${response.statusCode}`, body, headers);
}
