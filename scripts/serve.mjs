#!/usr/bin/env node
// Starts pullfix's production server on PULLFIX_HOST (default 127.0.0.1) and PORT (default 3000). Beyond
// loopback it will not run without an access token: PULLFIX_ACCESS_TOKEN, or one generated here and printed
// once (never in a URL). Runs Next's standalone server.js when present (the container image), else `next start`.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { planServe, signInAddress } from './serve-plan.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

main();

function main() {
  const plan = planServe(process.env);
  if (plan.error) {
    console.error(`pullfix: refusing to start: ${plan.error}`);
    process.exit(1);
  }
  if (plan.generated) {
    console.log(`pullfix: listening beyond this machine (${plan.host}) requires an access token. Open ${signInAddress(plan.host, plan.port, os.hostname())}`);
    console.log(`  and sign in with: ${plan.token}`);
    console.log('  (names other than the bound address must be listed in PULLFIX_ALLOWED_HOSTS)');
  } else if (plan.token) {
    console.log('pullfix: access token required on every request (configured by PULLFIX_ACCESS_TOKEN).');
  }
  const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', HOSTNAME: plan.host, PORT: String(plan.port) };
  if (plan.token) env.PULLFIX_ACCESS_TOKEN = plan.token;
  if (plan.allowedHosts) env.PULLFIX_ALLOWED_HOSTS = plan.allowedHosts;
  const child = spawn(process.execPath, serverCommand(plan), { cwd: root, env, stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + os.constants.signals[signal] : 1)));
}

/**
 * --expose-gc lets the live cache collect what a dropped context leaves (lib/kube/cache/collection.ts); the preloaded
 * peer-stamp.mjs stamps each request with its client's address before the server listens (the token gate reads it).
 */
function serverCommand(plan) {
  const flags = ['--expose-gc', '--import', pathToFileURL(path.join(root, 'scripts', 'peer-stamp.mjs')).href];
  const standalone = path.join(root, 'server.js');
  if (existsSync(standalone)) return [...flags, standalone];
  const next = path.join(root, 'node_modules', 'next', 'dist', 'bin', 'next');
  return [...flags, next, 'start', '--hostname', plan.host, '--port', String(plan.port)];
}
