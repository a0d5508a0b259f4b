#!/usr/bin/env node
// `npm run demo`: starts the cluster simulator with the demo scenario and pullfix against it, prints the URL once
// the app answers, and stops both on Ctrl-C. If either stops on its own, it says which and exits non-zero.
// The app's log (audit lines included) goes to a file; the terminal gets one short line per mutation.
// (`predemo` installs dependencies and builds the app when the build is stale.)
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { chooseDemoPort, terminalLine } from './demo-plan.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const simDir = path.resolve(root, process.env.PULLFIX_DEMO_DIR || path.join('.sim', 'demo'));
const logFile = path.join(simDir, 'pullfix.log');
const shown = (file) => (path.relative(root, file).startsWith('..') ? file : path.relative(root, file));
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };
const READY_TIMEOUT_MS = 120_000;

await main();

async function main() {
  const choice = await chooseDemoPort(process.env.PORT);
  if (choice.error) fail(choice.error);
  if (choice.note) console.log(`pullfix: ${choice.note}`);
  const { port } = choice;
  mkdirSync(simDir, { recursive: true });

  const children = new Set();
  let stopping = false;
  const stopAll = () => {
    stopping = true;
    for (const child of children) child.kill('SIGTERM');
  };
  process.on('SIGINT', stopAll);
  process.on('SIGTERM', stopAll);

  const sim = spawn(bin('tsx'), ['sim/main.ts', '--scenario', 'demo', '--port', '0', '--kubeconfig', path.join(simDir, 'kubeconfig')], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    env,
  });
  children.add(sim);
  const { url, kubeconfig } = await waitForSimulator(sim).catch((error) => fail(error.message));
  console.log(`pullfix: demo cluster at ${url} (kubeconfig ${shown(kubeconfig)})`);

  const log = createWriteStream(logFile, { flags: 'a' });
  const app = spawn(process.execPath, [path.join(root, 'scripts', 'serve.mjs')], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...env,
      PORT: String(port),
      PULLFIX_KUBECONFIG: kubeconfig,
      PULLFIX_REGISTRY_CONFIG: path.join(path.dirname(kubeconfig), 'registries.json'),
    },
  });
  children.add(app);
  for (const stream of [app.stdout, app.stderr]) {
    readline.createInterface({ input: stream }).on('line', (line) => {
      log.write(`${line}\n`);
      const shown = terminalLine(line);
      if (shown) console.log(shown);
    });
  }

  const exits = new Map();
  for (const [name, child] of [['the demo cluster', sim], ['the pullfix app', app]]) {
    child.on('exit', (code, signal) => {
      children.delete(child);
      exits.set(name, { code, signal });
      if (!stopping) {
        console.error(`pullfix: ${name} stopped on its own (${signal ?? `exit code ${code}`}); stopping the demo. Log: ${shown(logFile)}`);
        process.exitCode = 1;
        stopAll();
      }
      // A grandchild may still hold the pipes open: nothing more is read from a process that ended.
      child.stdout?.destroy();
      child.stderr?.destroy();
      if (children.size === 0) log.end();
    });
  }

  const ready = await waitForApp(port, () => exits.size > 0);
  if (!ready) {
    if (!stopping) {
      console.error(`pullfix: the app did not answer on http://127.0.0.1:${port} within ${READY_TIMEOUT_MS / 1000}s; see ${shown(logFile)}`);
      process.exitCode = 1;
      stopAll();
    }
    return;
  }
  console.log(`\n  pullfix is running: http://127.0.0.1:${port}\n  kubectl against the demo: KUBECONFIG=${kubeconfig} kubectl get pods -A\n  app log: ${shown(logFile)}\n`);
}

function fail(message) {
  console.error(`pullfix: ${message}`);
  process.exit(1);
}

function waitForSimulator(sim) {
  return new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: sim.stdout });
    lines.on('line', (line) => {
      const match = /^ready (\S+) (\S+)$/.exec(line);
      if (match) resolve({ url: match[1], kubeconfig: match[2] });
      else console.log(line);
    });
    sim.on('exit', (code) => reject(new Error(`the demo cluster exited with code ${code} before it was ready`)));
  });
}

/** Polls the app's health route until it answers 200; false when `gaveUp` says a process ended, or on timeout. */
async function waitForApp(port, gaveUp) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline && !gaveUp()) {
    const healthy = await fetch(`http://127.0.0.1:${port}/api/health`, { signal: AbortSignal.timeout(2_000) })
      .then((response) => response.ok)
      .catch(() => false);
    if (healthy) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}
