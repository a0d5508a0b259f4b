#!/usr/bin/env node
// `npm run screenshot:docs`: refreshes docs/overview.png, the README's picture, on purpose and only then. It
// starts the demo cluster and the production build (`prescreenshot:docs` builds it when stale), waits in
// Chromium until the overview's verdicts stop changing, and takes a 1440×900 screenshot in light mode.
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const output = path.join(root, 'docs', 'overview.png');
const workDir = path.join(root, 'test-results', 'docs-screenshot');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };
/** The verdicts must read the same for this long: the simulated kubelet needs a few back-off rounds to settle. */
const STABLE_MS = 3_000;
const SETTLE_TIMEOUT_MS = 120_000;

await main();

async function main() {
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  const kubeconfig = path.join(workDir, 'kubeconfig');
  const children = [];
  let browser;
  try {
    const sim = start(bin('tsx'), ['sim/main.ts', '--scenario', 'demo', '--port', '0', '--kubeconfig', kubeconfig], env, children);
    await waitForLine(sim, /^ready https:\/\/127\.0\.0\.1:\d+ /, 'the simulator');
    const port = await freePort();
    const app = start(bin('next'), ['start', '--hostname', '127.0.0.1', '--port', String(port)], {
      ...env,
      PULLFIX_KUBECONFIG: kubeconfig,
      PULLFIX_REGISTRY_CONFIG: path.join(workDir, 'registries.json'),
    }, children);
    await waitForLine(app, /Ready in/, 'the app');

    browser = await chromium.launch({
      executablePath: process.env.PULLFIX_CHROMIUM ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' });
    await page.goto(`http://127.0.0.1:${port}/contexts/sim-admin`);
    await page.waitForFunction(verdictsSettled, STABLE_MS, { polling: 500, timeout: SETTLE_TIMEOUT_MS });
    await page.screenshot({ path: output });
    console.log(`wrote ${path.relative(root, output)}`);
  } finally {
    await browser?.close();
    for (const child of children) child.kill('SIGTERM');
  }
}

/** Runs in the page: true once the seed's case shows its verdict and no verdict on the page changed for `stableMs`. */
function verdictsSettled(stableMs) {
  const verdicts = [...document.querySelectorAll('[data-verdict]')].map((element) => element.getAttribute('data-verdict')).join(' ');
  const seen = (window.__pullfixVerdicts ??= { verdicts: '', since: Date.now() });
  if (seen.verdicts !== verdicts) Object.assign(seen, { verdicts, since: Date.now() });
  return verdicts.includes('secret-not-attached') && Date.now() - seen.since >= stableMs;
}

function start(command, args, childEnv, children) {
  const child = spawn(command, args, { cwd: root, env: childEnv, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return child;
}

function waitForLine(child, pattern, name) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} was not ready in 120 s`)), 120_000);
    const lines = readline.createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      if (!pattern.test(line)) return;
      clearTimeout(timer);
      resolve();
    });
    child.on('exit', (code) => reject(new Error(`${name} exited with code ${code} before it was ready`)));
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}
