import 'server-only';

import { packStreamMessage } from '../../failures-stream';
import { API_CACHE_CONTROL } from '../../security/headers';
import { clientsFor } from '../config';
import { assertNamespaceExists } from '../namespace-check';
import type { FeedEvent } from './failures-feed';
import { cacheRegistry, packedAnswerJson } from './index';

/**
 * Headers of the failures stream: never stored by a cache, never compressed or buffered by a proxy in between
 * (`no-transform` also keeps Next's own compression off, which would hold the events back).
 */
export const STREAM_HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': API_CACHE_CONTROL,
  Connection: 'keep-alive',
  'X-Accel-Buffering': 'no',
};

/** A comment line this often keeps idle connections (and the proxies between) from timing out. */
const HEARTBEAT_MS = 15_000;
/** How soon EventSource reconnects after the stream breaks. */
const RETRY_MS = 2_000;
/** Ids are `<8 hex>-<n>`; anything longer is not one of ours. */
const MAX_EVENT_ID = 40;

/**
 * The streams open now. A server told to stop ends them: Next's graceful shutdown waits for every response to
 * finish, and a stream never would; the pages reconnect to whatever server comes next.
 */
const openStreams = new Set<() => void>();
let closesOnShutdown = false;
let shuttingDown = false;

/**
 * The failures of a (context, namespace filter) as server-sent events: the whole answer once (or, with a
 * Last-Event-ID this server still remembers, the messages after it), then every change, outages as they start
 * and end, and a heartbeat. Throws the ApiError of a first read that failed, or of a namespace that does not
 * exist, before anything is sent. Ends when the client goes (`signal`) or cancels.
 */
export async function failuresEventStream(
  context: string,
  namespace: string | null,
  lastEventId: string | null,
  signal: AbortSignal,
): Promise<ReadableStream<Uint8Array>> {
  const encoder = new TextEncoder();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let detach: (() => void) | null = null;
  let heartbeat: NodeJS.Timeout | null = null;
  let ended = false;
  const end = () => {
    ended = true;
    detach?.();
    detach = null;
    if (heartbeat) clearInterval(heartbeat);
    heartbeat = null;
  };
  const stream = new ReadableStream<Uint8Array>({
    start: (opened) => {
      controller = opened;
    },
    cancel: () => {
      openStreams.delete(close);
      end();
    },
  });
  const send = (text: string) => {
    if (!ended) controller.enqueue(encoder.encode(text));
  };
  send(`retry: ${RETRY_MS}\n\n`);
  // A page reconnecting over a kept-alive connection while the server stops is told to come back later.
  if (shuttingDown) {
    controller.close();
    return stream;
  }
  let firstItems: number | null = null;
  detach = await cacheRegistry()
    .feed(context, namespace)
    .attach((event) => {
      if (firstItems === null && 'message' in event && event.message.type === 'snapshot') firstItems = event.message.answer.items.length;
      send(serialize(event));
    }, lastEventId && lastEventId.length <= MAX_EVENT_ID ? lastEventId : null);
  if (namespace !== null && firstItems === 0) {
    try {
      await assertNamespaceExists(clientsFor(context), namespace);
    } catch (error) {
      end();
      throw error;
    }
  }
  heartbeat = setInterval(() => send(': heartbeat\n\n'), HEARTBEAT_MS);
  const close = () => {
    openStreams.delete(close);
    end();
    try {
      controller.close();
    } catch {
      // Already closed by a cancel.
    }
  };
  if (signal.aborted) {
    close();
    return stream;
  }
  openStreams.add(close);
  closeOnShutdown();
  signal.addEventListener('abort', close, { once: true });
  return stream;
}

function closeOnShutdown(): void {
  if (closesOnShutdown) return;
  closesOnShutdown = true;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      shuttingDown = true;
      for (const close of [...openStreams]) close();
      // Without another listener (Next's own), the signal would now be swallowed: let it do what it does by default.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  }
}

/**
 * Every stream on a feed gets the same message, and every page that opens gets the same snapshot until the answer
 * changes: each is packed and serialized once, for the first stream that sends it.
 */
const serialized = new WeakMap<object, string>();

function serialize(event: FeedEvent): string {
  if (!('message' in event)) return `event: outage\ndata: ${JSON.stringify(event.outage)}\n\n`;
  const { message } = event;
  const key = message.type === 'snapshot' ? message.answer : message;
  let data = serialized.get(key);
  if (data === undefined) {
    // The snapshot as packStreamMessage writes it, around the answer's packed JSON that the polls send too.
    data = message.type === 'snapshot' ? `{"type":"snapshot","answer":${packedAnswerJson(message.answer)}}` : JSON.stringify(packStreamMessage(message));
    serialized.set(key, data);
  }
  return `id: ${event.id}\nevent: ${message.type}\ndata: ${data}\n\n`;
}
