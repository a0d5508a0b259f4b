#!/usr/bin/env node
// `npm run demo`: starts the cluster simulator with the demo scenario and pullfix against it, prints the URL,
// and stops both on Ctrl-C. (`predemo` installs dependencies and builds the app when the build is stale.)
import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const port = Number(process.env.PORT ?? 3000);
const simDir = path.join(root, '.sim', 'demo');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };

await main();

async function main() {
  const sim = spawn(bin('tsx'), ['sim/main.ts', '--scenario', 'demo', '--port', '0', '--kubeconfig', path.join(simDir, 'kubeconfig')], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    env,
  });
  const { url, kubeconfig } = await waitForReady(sim);
  console.log(`pullfix: demo cluster at ${url} (kubeconfig ${path.relative(root, kubeconfig)})`);

  const app = spawn(process.execPath, [path.join(root, 'scripts', 'serve.mjs')], {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...env,
      PORT: String(port),
      PULLFIX_KUBECONFIG: kubeconfig,
      PULLFIX_REGISTRY_CONFIG: path.join(path.dirname(kubeconfig), 'registries.json'),
    },
  });
  console.log(`\n  pullfix is running: http://127.0.0.1:${port}\n  kubectl against the demo: KUBECONFIG=${kubeconfig} kubectl get pods -A\n`);

  const stop = () => {
    app.kill('SIGTERM');
    sim.kill('SIGTERM');
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  for (const child of [sim, app]) {
    child.on('exit', (code) => {
      stop();
      process.exitCode = code ?? 0;
    });
  }
}

function waitForReady(sim) {
  return new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: sim.stdout });
    lines.on('line', (line) => {
      const match = /^ready (\S+) (\S+)$/.exec(line);
      if (match) resolve({ url: match[1], kubeconfig: match[2] });
      else console.log(line);
    });
    sim.on('exit', (code) => reject(new Error(`the simulator exited with code ${code} before it was ready`)));
  });
}
