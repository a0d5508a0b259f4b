// What a benchmark run times: the two baselines (kubectl, a raw paged list) and pullfix's failures answer
// alone, under concurrent clients, after a change in the cluster, and the API requests it makes meanwhile.
import { performance } from 'node:perf_hooks';
import { tsImport } from 'tsx/esm/api';
import { kubectl, simCounters, sleep } from './processes.mjs';

// The page's own paths and unpacking, so a client here asks as a page does and does the work it does.
const { apiPaths } = await tsImport('../../lib/queries/paths.ts', import.meta.url);
const { unpackFailures } = await tsImport('../../lib/packed-failures.ts', import.meta.url);
const { unpackStreamMessage } = await tsImport('../../lib/failures-stream.ts', import.meta.url);

/** Baseline A: `kubectl get pods -A -o json`, output discarded; milliseconds. */
export async function timeKubectl(kubeconfig, cacheDir) {
  const started = performance.now();
  await kubectl(kubeconfig, cacheDir, ['get', 'pods', '-A', '-o', 'json']);
  return performance.now() - started;
}

/** Baseline B: the pod list as a client without a typed model reads it — pages of 500, each parsed; milliseconds. */
export async function timeRawList(api) {
  const started = performance.now();
  let count = 0;
  let token = '';
  do {
    const page = JSON.parse((await api.get(`/api/v1/pods?limit=500${token ? `&continue=${encodeURIComponent(token)}` : ''}`)).toString('utf8'));
    count += page.items.length;
    token = page.metadata.continue ?? '';
  } while (token);
  if (count === 0) throw new Error('the raw list read no pods');
  return performance.now() - started;
}

/**
 * One failures answer for all namespaces, as the overview asks for it: in the page's packed form, unpacked by the
 * page's own code. Its items and how long it took.
 */
export async function failures(app) {
  const started = performance.now();
  const reply = await fetch(`${app.base}${apiPaths.failures(app.context, null)}`);
  const body = await reply.json();
  if (!reply.ok) throw new Error(`/failures answered ${reply.status}: ${JSON.stringify(body).slice(0, 300)}`);
  const { items } = unpackFailures(body);
  return { ms: performance.now() - started, items };
}

/** `clients` clients at once, each asking `requests` times in a row; every answer's time. */
export async function concurrentClients(app, clients, requests) {
  const times = [];
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (let index = 0; index < requests; index += 1) times.push((await failures(app)).ms);
    }),
  );
  return times;
}

/**
 * API requests the app makes per minute while `clients` clients poll every `pollMs` for `windowMs`, counted by
 * the simulator; lists are counted apart (the cache lists only on a relist).
 */
export async function steadyRequestRate(app, api, { clients, windowMs, pollMs }) {
  const before = await simCounters(api);
  const ends = Date.now() + windowMs;
  let answers = 0;
  await Promise.all(
    Array.from({ length: clients }, async (_, index) => {
      await sleep((pollMs * index) / clients);
      while (Date.now() < ends) {
        const next = Date.now() + pollMs;
        await failures(app);
        answers += 1;
        await sleep(Math.max(0, next - Date.now()));
      }
    }),
  );
  const after = await simCounters(api);
  // The two reads of /metrics are not resource requests, so the difference is the app's alone.
  const perMinute = (count) => (count * 60_000) / windowMs;
  return {
    clients,
    answers,
    perMinute: perMinute(after.total - before.total),
    listsPerMinute: perMinute((after.byVerb.LIST ?? 0) - (before.byVerb.LIST ?? 0)),
  };
}

/**
 * Change-to-page latency: deletes a failing pod with kubectl, then waits on the failures stream (what an open page
 * listens to) for the message that removes the pod; milliseconds from kubectl's exit to that message's arrival. A
 * Deployment's pod comes back under a new name; a StatefulSet's under the same one, so those are not deleted.
 */
export async function changeLatencies(app, kubeconfig, cacheDir, changes) {
  const stream = await failuresStream(app);
  const latencies = [];
  const deleted = new Set();
  try {
    while (latencies.length < changes) {
      const target = [...stream.pods()].find((key) => !deleted.has(key));
      if (!target) {
        await stream.next(60_000);
        continue;
      }
      deleted.add(target);
      const [namespace, pod] = target.split('/');
      await kubectl(kubeconfig, cacheDir, ['delete', 'pod', '-n', namespace, pod, '--wait=false']);
      const exited = performance.now();
      const gone = await stream.until(() => !stream.pods().has(target), 60_000);
      if (gone === null) throw new Error(`${target} was still in the failures stream a minute after kubectl deleted it`);
      latencies.push(gone - exited);
    }
  } finally {
    stream.close();
  }
  return latencies;
}

/**
 * The failures stream of all namespaces, as the overview opens it, applied as messages arrive: the failing pods it
 * holds, and a wait for a condition that answers when the message that met it arrived.
 */
async function failuresStream(app) {
  const aborted = new AbortController();
  const reply = await fetch(`${app.base}${apiPaths.failuresStream(app.context, null)}`, { signal: aborted.signal });
  if (!reply.ok || !reply.body) throw new Error(`/failures/stream answered ${reply.status}`);
  const items = new Map();
  let waiters = [];
  let ended = null;
  const apply = (message) => {
    if (message.type === 'snapshot') {
      items.clear();
      for (const item of message.answer.items) items.set(itemId(item), item);
    } else {
      for (const id of message.removals) items.delete(id);
      for (const item of message.upserts) items.set(itemId(item), item);
    }
  };
  const settle = () => {
    const arrived = performance.now();
    waiters = waiters.filter((waiter) => (waiter.met() || ended ? (waiter.resolve(ended ? null : arrived), false) : true));
  };
  const read = async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of reply.body) {
        buffer += decoder.decode(chunk, { stream: true });
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = event.split('\n').find((line) => line.startsWith('data: '));
          const type = event.split('\n').find((line) => line.startsWith('event: '))?.slice(7);
          if (data && (type === 'snapshot' || type === 'changes')) apply(unpackStreamMessage(JSON.parse(data.slice(6))));
          settle();
        }
      }
      ended = new Error('the failures stream ended');
    } catch (error) {
      ended = error;
    }
    settle();
  };
  const reading = read();
  const waitFor = (met, timeoutMs) =>
    new Promise((resolve) => {
      const waiter = { met, resolve };
      waiters.push(waiter);
      setTimeout(() => {
        waiters = waiters.filter((other) => other !== waiter);
        resolve(null);
      }, timeoutMs).unref();
    });
  const stream = {
    pods: () => new Set([...items.values()].filter((item) => item.workload?.kind !== 'StatefulSet').map((item) => `${item.namespace}/${item.pod}`)),
    /** When `met()` first held (now, or at a message's arrival), or null at the deadline. */
    until: (met, timeoutMs) => (met() ? Promise.resolve(performance.now()) : waitFor(met, timeoutMs)),
    /** The next message's arrival, or null at the deadline. */
    next: (timeoutMs) => waitFor(() => true, timeoutMs),
    close: () => {
      aborted.abort();
      return reading;
    },
  };
  if ((await stream.until(() => items.size > 0, 60_000)) === null) throw new Error(`the failures stream sent no failing item within a minute${ended ? `: ${ended.message}` : ''}`);
  return stream;
}

function itemId(item) {
  return `${item.namespace}/${item.pod}/${item.containerType}/${item.container}`;
}

