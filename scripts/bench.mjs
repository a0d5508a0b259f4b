#!/usr/bin/env node
// `npm run bench`: measures pullfix against `kubectl get pods -A -o json` (baseline A) and a raw paged list
// (baseline B) on the simulator's scale scenario, in one run, alternating, and prints every figure as a ratio to
// kubectl with issue #13's targets met or missed. `--quick` is a small smoke run; `--with-50k` adds 50,000 pods.
// Last, Chromium loads the overview at 2,000 failing rows (`--skip-browser` leaves it out).
// Everything binds to 127.0.0.1. Builds the app first when the build is stale.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { measureBrowser } from './bench/browser.mjs';
import { appRssMb, simCounters, sleep, startApp, startSimulator } from './bench/processes.mjs';
import { changeLatencies, concurrentClients, failures, steadyRequestRate, timeKubectl, timeRawList } from './bench/probes.mjs';
import { formatReport, median } from './bench/report.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const FULL = { sizes: [1_000, 10_000], rounds: 5, warmPerRound: 5, changes: 20, windowMs: 30_000, pollMs: 1_000, clientRequests: 10, idleMs: 15_000, browser: { rows: 2_000, loads: 5, updates: 3 } };
const QUICK = { sizes: [300], rounds: 2, warmPerRound: 3, changes: 5, windowMs: 4_000, pollMs: 500, clientRequests: 3, idleMs: 3_000, browser: { rows: 400, loads: 1, updates: 1 } };

await main();

async function main() {
  const options = readOptions();
  build();
  const work = mkdtempSync(path.join(os.tmpdir(), 'pullfix-bench-'));
  const cacheDir = path.join(work, 'kubectl-cache');
  const results = {
    startedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown', node: process.version, loadStart: load(), loadEnd: '' },
    rounds: options.rounds,
    sizes: [],
    service: null,
    demo: null,
    browser: null,
  };
  const running = new Set();
  const own = (handle) => {
    running.add(handle);
    return handle;
  };
  const release = async (handle) => {
    running.delete(handle);
    await handle.stop();
  };
  let failure = null;
  try {
    results.demo = await measureDemo(options, path.join(work, 'demo'), cacheDir, own, release);
    for (const pods of options.sizes) {
      const size = await measureSize(options, pods, path.join(work, String(pods)), cacheDir, own, release, pods === options.servicePods);
      results.sizes.push(size.figures);
      if (size.service) results.service = size.service;
    }
    if (!options.skipBrowser) {
      progress(`browser: the overview at ${options.browser.rows} failing rows`);
      results.browser = await measureBrowser(root, { ...options.browser, directory: path.join(work, 'browser') }, own, release);
    }
  } catch (error) {
    failure = error;
  } finally {
    await Promise.all([...running].map((handle) => handle.stop()));
    rmSync(work, { recursive: true, force: true });
  }
  results.machine.loadEnd = load();
  // What was measured before a failure is still worth printing: a long run should not lose it all.
  console.log(formatReport(results).join('\n'));
  if (failure) {
    console.error(`bench: stopped early: ${failure instanceof Error ? failure.message : String(failure)}`);
    process.exitCode = 1;
  }
}

/** The demo cluster: change-to-page latency only, where the issue measured the poll's 2 s. */
async function measureDemo(options, directory, cacheDir, own, release) {
  progress('demo scenario: change to page');
  const sim = own(await startSimulator(root, { scenario: 'demo', directory }));
  const app = own(await startApp(root, { kubeconfig: sim.kubeconfig, idleMs: options.idleMs }));
  await failures(app);
  const change = await changeLatencies(app, sim.kubeconfig, cacheDir, options.changes);
  await release(app);
  await release(sim);
  return { change };
}

/**
 * One cluster size: rounds of kubectl, the raw list, and a freshly started app's first (cold) answer followed by warm
 * ones. At the service size a last app also serves concurrent clients, polling clients, changes and memory.
 */
async function measureSize(options, pods, directory, cacheDir, own, release, isService) {
  const namespaces = Math.max(1, Math.round(pods / 100));
  progress(`${pods} pods: starting the simulator`);
  const sim = own(await startSimulator(root, { scenario: 'scale', pods, namespaces, directory }));
  const figures = { pods, kubectl: [], raw: [], cold: [], warm: [] };
  // Right after it starts, a large simulator is busy handing its pods to the kubelet, and kubectl's first TLS
  // handshake may time out: kubectl starts once the simulator answers a cheap request. Then one unmeasured pass of
  // each, so no round pays for a first connection or kubectl's discovery cache; a kubectl pass that fails is retried.
  await answering(sim.api);
  await retried(() => timeKubectl(sim.kubeconfig, cacheDir), 3);
  await timeRawList(sim.api);
  for (let round = 1; round <= options.rounds; round += 1) {
    progress(`${pods} pods: round ${round} of ${options.rounds}`);
    figures.kubectl.push(await retried(() => timeKubectl(sim.kubeconfig, cacheDir), 2));
    figures.raw.push(await timeRawList(sim.api));
    const app = own(await startApp(root, { kubeconfig: sim.kubeconfig, idleMs: options.idleMs }));
    figures.cold.push((await failures(app)).ms);
    for (let index = 0; index < options.warmPerRound; index += 1) figures.warm.push((await failures(app)).ms);
    await release(app);
  }
  const service = isService ? await measureService(options, sim, figures, cacheDir, own, release) : null;
  sim.api.close();
  await release(sim);
  return { figures, service };
}

async function measureService(options, sim, figures, cacheDir, own, release) {
  const pods = figures.pods;
  progress(`${pods} pods: concurrent clients, request rate, changes, memory`);
  const app = own(await startApp(root, { kubeconfig: sim.kubeconfig, idleMs: options.idleMs }));
  // A request the route refuses loads its code without starting a cache: the memory a dropped cache returns to.
  await fetch(`${app.base}/api/contexts/${encodeURIComponent(app.context)}/failures?namespace=Not_A_Label`);
  await sleep(1_000);
  const beforeCache = appRssMb(app.pid);
  for (let index = 0; index < 5; index += 1) await failures(app);
  const warm = appRssMb(app.pid);
  const clients = await concurrentClients(app, 10, options.clientRequests);
  const rates = [];
  for (const count of [1, 10]) rates.push(await steadyRequestRate(app, sim.api, { clients: count, windowMs: options.windowMs, pollMs: options.pollMs }));
  const change = await changeLatencies(app, sim.kubeconfig, cacheDir, options.changes);
  await concurrentClients(app, 20, options.clientRequests);
  await sleep(2_000);
  const after20 = appRssMb(app.pid);
  const drop = await idleDrop(app, sim, options);
  await release(app);
  return {
    pods,
    kubectlMedian: median(figures.kubectl),
    pollMs: options.pollMs,
    idleMs: options.idleMs,
    clients,
    rates,
    change,
    rss: { beforeCache, warm, after20, ...drop },
  };
}

/**
 * The memory a context's cache gives back when it is dropped for being idle. The app is left alone until its cache
 * is dropped (the simulator sees the watches close) and its memory stops falling: where it rests without a cache
 * after all that work. Then the context is read again, a fresh cache starts, is left idle, dropped, and the memory is
 * read each second until it is back within 10% of that rest, or stops falling.
 */
async function idleDrop(app, sim, options) {
  const rest = await restAfterDrop(app, sim, options, 0);
  if (rest === null) return { beforeIdle: appRssMb(app.pid), withIdle: appRssMb(app.pid), afterDrop: null, dropSeconds: 0 };
  for (let index = 0; index < 5; index += 1) await failures(app);
  const withIdle = appRssMb(app.pid);
  const after = await restAfterDrop(app, sim, options, rest.rss * 1.1);
  return { beforeIdle: rest.rss, withIdle, afterDrop: after?.rss ?? null, dropSeconds: after?.seconds ?? 0 };
}

/**
 * Waits for the cache to be dropped, then for the memory to reach `enough` or stop falling (no new low for 20 s),
 * at most a minute after the drop: the collector gives pages back to the system some time after they are freed.
 */
async function restAfterDrop(app, sim, options, enough) {
  const deadline = Date.now() + options.idleMs * 2 + 30_000;
  while ((await simCounters(sim.api)).openWatches > 0) {
    if (Date.now() > deadline) return null;
    await sleep(250);
  }
  const dropped = Date.now();
  let lowest = appRssMb(app.pid);
  let lowestAt = Date.now();
  while (lowest > enough && Date.now() - lowestAt < 20_000 && Date.now() - dropped < 60_000) {
    await sleep(1_000);
    const now = appRssMb(app.pid);
    if (now < lowest) {
      lowest = now;
      lowestAt = Date.now();
    }
  }
  return { rss: lowest, seconds: (lowestAt - dropped) / 1000 };
}

/** Until the simulator answers a cheap request (its version), at most two minutes. */
async function answering(api) {
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      await api.get('/version');
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(1_000);
    }
  }
}

async function retried(attempt, times) {
  for (let tried = 1; ; tried += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (tried >= times) throw error;
      progress(`retrying after: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
      await sleep(5_000);
    }
  }
}

function readOptions() {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      'with-50k': { type: 'boolean', default: false },
      pods: { type: 'string' },
      rounds: { type: 'string' },
      changes: { type: 'string' },
      'skip-browser': { type: 'boolean', default: false },
    },
  });
  const base = values.quick ? QUICK : FULL;
  const sizes = values.pods ? values.pods.split(',').map((text) => positive('--pods', text)) : [...base.sizes];
  if (values['with-50k'] && !sizes.includes(50_000)) sizes.push(50_000);
  return {
    ...base,
    sizes,
    servicePods: sizes.includes(10_000) ? 10_000 : Math.max(...sizes),
    rounds: values.rounds ? positive('--rounds', values.rounds) : base.rounds,
    changes: values.changes ? positive('--changes', values.changes) : base.changes,
    skipBrowser: values['skip-browser'],
  };
}

function positive(flag, text) {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    console.error(`bench: ${flag} takes a positive whole number, not "${text}"`);
    process.exit(2);
  }
  return value;
}

/** `next build` when stale; its output goes to stderr with the progress. */
function build() {
  const result = spawnSync(process.execPath, [path.join(root, 'scripts', 'build-if-stale.mjs')], { cwd: root, stdio: ['ignore', 2, 2] });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function load() {
  return os.loadavg().map((value) => value.toFixed(2)).join(' ');
}

/** Progress goes to stderr, so stdout is the report alone. */
function progress(line) {
  process.stderr.write(`bench: ${line}\n`);
}
