import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { clusterForFile, verifyingEnvironment } from './app-cluster';

/**
 * The whole simulated cluster started by its CLI, as a person would start it (`npm run sim -- --scenario demo`):
 * its API server, controllers and kubelet, and the registries the kubelet pulls from.
 */
export interface SimProcess {
  url: string;
  kubeconfig: string;
  /** The registry endpoint map the CLI writes beside the kubeconfig, for PULLFIX_REGISTRY_CONFIG. */
  registries: string;
  directory: string;
  stop(): Promise<void>;
}

export async function startSimCli(scenario = 'demo', timeoutMs = 90_000): Promise<SimProcess> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'pullfix-sim-'));
  const kubeconfig = path.join(directory, 'kubeconfig');
  const child = spawn(process.execPath, ['--import', 'tsx', 'sim/main.ts', '--scenario', scenario, '--port', '0', '--kubeconfig', kubeconfig], {
    cwd: path.resolve(__dirname, '../..'),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await waitForReady(child, timeoutMs);
  return {
    url,
    kubeconfig,
    registries: path.join(directory, 'registries.json'),
    directory,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}

/**
 * startSimCli for one test file, pullfix's server code pointed at its kubeconfig — and at its registries too
 * when `withRegistries`, with the automatic credential tests on as well when `verifyCredentials` — while the
 * file's tests run.
 */
export function simCliForFile(scenario = 'demo', { withRegistries = false, verifyCredentials = false } = {}): () => SimProcess {
  return clusterForFile(() => startSimCli(scenario), {
    stop: (sim) => sim.stop(),
    environment: (sim) =>
      verifyCredentials ? verifyingEnvironment(sim) : { PULLFIX_KUBECONFIG: sim.kubeconfig, ...(withRegistries ? { PULLFIX_REGISTRY_CONFIG: sim.registries } : {}) },
  });
}

function waitForReady(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => reject(new Error(`the simulator did not print "ready" within ${timeoutMs} ms; stderr:\n${stderr}`)), timeoutMs);
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const ready = /^ready (\S+) \S+$/m.exec(stdout);
      if (ready?.[1]) {
        clearTimeout(timer);
        resolve(ready[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the simulator exited with ${code} before it was ready; stderr:\n${stderr}`));
    });
  });
}

