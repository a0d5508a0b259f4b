// The processes a benchmark run starts — the cluster simulator and the built app, both on 127.0.0.1 — and what
// it reads from them: the simulator's request counters and the app's resident memory.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import readline from 'node:readline';
import { parse } from 'yaml';

const READY_TIMEOUT_MS = 600_000;

/**
 * Starts `npm run sim` (its command, without npm in between) and resolves once it prints `ready <url> <kubeconfig>`,
 * with an API client that speaks for the kubeconfig's current user.
 */
export async function startSimulator(root, { scenario, pods, namespaces, failingRatio = 0.05, directory }) {
  const kubeconfig = path.join(directory, 'kubeconfig');
  const args = ['sim/main.ts', '--scenario', scenario, '--port', '0', '--kubeconfig', kubeconfig];
  if (scenario === 'scale') args.push('--namespaces', String(namespaces), '--pods', String(pods), '--failing-ratio', String(failingRatio));
  const child = spawn(path.join(root, 'node_modules', '.bin', 'tsx'), args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = [];
  readline.createInterface({ input: child.stderr }).on('line', (line) => log.push(line));
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the simulator did not start in ${READY_TIMEOUT_MS / 1000} s`)), READY_TIMEOUT_MS);
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      const match = /^ready (\S+) /.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the simulator exited (${code}) before it was ready:\n${log.slice(-20).join('\n')}`));
    });
  });
  return { url, kubeconfig, api: apiClient(kubeconfig), stop: () => stopProcess(child) };
}

/** Starts the built app as `npm start` does (scripts/serve.mjs) and resolves once it answers `/api/contexts`. */
export async function startApp(root, { kubeconfig, idleMs }) {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(root, 'scripts', 'serve.mjs')], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      NEXT_TELEMETRY_DISABLED: '1',
      PORT: String(port),
      PULLFIX_HOST: '127.0.0.1',
      PULLFIX_KUBECONFIG: kubeconfig,
      PULLFIX_REGISTRY_CONFIG: path.join(path.dirname(kubeconfig), 'registries.json'),
      PULLFIX_CACHE_IDLE_MS: String(idleMs),
    },
  });
  const log = [];
  for (const stream of [child.stdout, child.stderr]) readline.createInterface({ input: stream }).on('line', (line) => log.push(line));
  let exited = false;
  child.once('exit', () => (exited = true));
  const base = `http://127.0.0.1:${port}`;
  const started = Date.now();
  for (;;) {
    if (exited) throw new Error(`the app exited before it answered:\n${log.slice(-20).join('\n')}`);
    if (Date.now() - started > READY_TIMEOUT_MS) throw new Error('the app did not answer /api/contexts in time');
    const reply = await fetch(`${base}/api/contexts`).catch(() => null);
    if (reply?.ok) {
      const { contexts } = await reply.json();
      const context = contexts.find((entry) => entry.current)?.name ?? contexts[0].name;
      return { base, context, pid: child.pid, log, stop: () => stopProcess(child) };
    }
    await sleep(100);
  }
}

/** Resident memory of the app's server: its processes below the launcher, in MB. */
export function appRssMb(launcherPid) {
  const children = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProc(`/proc/${entry}/stat`);
    if (!stat) continue;
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
  }
  let kb = 0;
  const pending = [...(children.get(launcherPid) ?? [])];
  while (pending.length > 0) {
    const pid = pending.pop();
    const match = /VmRSS:\s+(\d+) kB/.exec(readProc(`/proc/${pid}/status`) ?? '');
    if (match) kb += Number(match[1]);
    pending.push(...(children.get(pid) ?? []));
  }
  return kb / 1024;
}

/** The simulator's request counters (`/metrics`): totals by verb, and the watches open now. */
export async function simCounters(api) {
  const text = (await api.get('/metrics')).toString('utf8');
  const counters = { total: 0, byVerb: {}, openWatches: 0 };
  for (const line of text.split('\n')) {
    const request = /^apiserver_request_total\{verb="(\w+)",resource="([^"]*)".*\} (\d+)$/.exec(line);
    if (request && request[2] !== '') {
      counters.total += Number(request[3]);
      counters.byVerb[request[1]] = (counters.byVerb[request[1]] ?? 0) + Number(request[3]);
    }
    const watches = /^apiserver_longrunning_requests\{.*\} (\d+)$/.exec(line);
    if (watches) counters.openWatches += Number(watches[1]);
  }
  return counters;
}

/** A keep-alive HTTPS client for the kubeconfig's current context (a bearer token, the cluster's CA). */
function apiClient(kubeconfig) {
  const config = parse(readFileSync(kubeconfig, 'utf8'));
  const context = config.contexts.find((entry) => entry.name === config['current-context']).context;
  const cluster = config.clusters.find((entry) => entry.name === context.cluster).cluster;
  const user = config.users.find((entry) => entry.name === context.user).user;
  const agent = new https.Agent({ keepAlive: true, ca: Buffer.from(cluster['certificate-authority-data'], 'base64') });
  const get = (pathAndQuery) =>
    new Promise((resolve, reject) => {
      const request = https.get(`${cluster.server}${pathAndQuery}`, { agent, headers: { Authorization: `Bearer ${user.token}`, Accept: 'application/json' } }, (response) => {
        const chunks = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('end', () => {
          const body = Buffer.concat(chunks);
          if (response.statusCode === 200) resolve(body);
          else reject(new Error(`GET ${pathAndQuery}: ${response.statusCode} ${body.toString('utf8').slice(0, 200)}`));
        });
        response.on('error', reject);
      });
      request.on('error', reject);
    });
  return {
    // A kept-alive connection the server closed while it sat idle (a 50k kubectl run is long) fails on reuse with
    // ECONNRESET: a GET is safe to send once more, on a new connection.
    get: (pathAndQuery) => get(pathAndQuery).catch((error) => (error?.code === 'ECONNRESET' ? get(pathAndQuery) : Promise.reject(error))),
    close: () => agent.destroy(),
  };
}

function readProc(file) {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null; // The process ended between the listing and the read.
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function stopProcess(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** One kubectl call against the kubeconfig, `input` on its stdin; rejects with its stderr when it fails. */
export function kubectl(kubeconfig, cacheDir, args, input = '') {
  return new Promise((resolve, reject) => {
    const child = spawn('kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', cacheDir, ...args], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`kubectl ${args.join(' ')} exited ${code}: ${stderr.trim()}`))));
    child.stdin.end(input);
  });
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
