// What a benchmark run times: the two baselines (kubectl, a raw paged list) and pullfix's failures answer
// alone, under concurrent clients, after a change in the cluster, and the API requests it makes meanwhile.
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { simCounters, sleep } from './processes.mjs';

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

/** One failures answer for all namespaces, as the overview asks for it: its items and how long it took. */
export async function failures(app) {
  const started = performance.now();
  const reply = await fetch(`${app.base}/api/contexts/${encodeURIComponent(app.context)}/failures`);
  const body = await reply.json();
  if (!reply.ok) throw new Error(`/failures answered ${reply.status}: ${JSON.stringify(body).slice(0, 300)}`);
  return { ms: performance.now() - started, items: body.items };
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
 * Change-to-page latency: deletes a failing pod with kubectl, then asks for the failures back to back until the pod
 * is no longer in them; milliseconds from kubectl's exit. A Deployment's pod comes back under a new name.
 */
export async function changeLatencies(app, kubeconfig, cacheDir, changes) {
  const latencies = [];
  const deleted = new Set();
  while (latencies.length < changes) {
    const { items } = await failures(app);
    const target = items.find((item) => !deleted.has(`${item.namespace}/${item.pod}`));
    if (!target) {
      await sleep(200);
      continue;
    }
    const key = `${target.namespace}/${target.pod}`;
    deleted.add(key);
    await kubectl(kubeconfig, cacheDir, ['delete', 'pod', '-n', target.namespace, target.pod, '--wait=false']);
    const exited = performance.now();
    for (;;) {
      const answer = await failures(app);
      if (!answer.items.some((item) => `${item.namespace}/${item.pod}` === key)) break;
      if (performance.now() - exited > 60_000) throw new Error(`${key} was still in the failures a minute after kubectl deleted it`);
    }
    latencies.push(performance.now() - exited);
  }
  return latencies;
}

function kubectl(kubeconfig, cacheDir, args) {
  return new Promise((resolve, reject) => {
    const child = spawn('kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', cacheDir, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`kubectl ${args.join(' ')} exited ${code}: ${stderr.trim()}`))));
  });
}
