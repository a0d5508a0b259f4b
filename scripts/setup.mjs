#!/usr/bin/env node
// Makes a fresh checkout runnable: installs the npm dependencies when they are missing or older than the lock
// file, and (with --system) the Debian packages the tests drive. Dependency-free, so it runs before `npm ci`.
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SYSTEM_PACKAGES = [
  { name: 'chromium', binary: '/usr/bin/chromium', why: 'the end-to-end tests drive it' },
  { name: 'docker-registry', binary: '/usr/bin/docker-registry', why: 'the registry tests run the real Distribution registry' },
];

main();

function main() {
  ensureNodeModules();
  if (process.argv.includes('--system')) ensureSystemPackages();
}

function ensureNodeModules() {
  const marker = path.join(root, 'node_modules', '.package-lock.json');
  const lock = path.join(root, 'package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  console.error('pullfix: installing npm dependencies (npm ci)…');
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
}

function ensureSystemPackages() {
  const missing = SYSTEM_PACKAGES.filter((p) => !existsSync(p.binary));
  if (missing.length === 0) return;
  const names = missing.map((p) => p.name);
  if (process.getuid?.() !== 0) {
    const reasons = missing.map((p) => `  ${p.name}: ${p.why}`).join('\n');
    console.error(`pullfix: the tests need Debian packages that are not installed:\n${reasons}\n` +
      `Install them with: sudo apt-get update && sudo apt-get install -y ${names.join(' ')}`);
    process.exit(1);
  }
  console.error(`pullfix: installing ${names.join(', ')} (apt-get)…`);
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '-qq', ...names], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}
