import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startApiServer } from './apiserver/index';
import { realClock } from './clock';
import { admit } from './cluster/admission';
import { startControllers } from './cluster/controllers/index';
import { writeCredentialProviderConfig } from './cluster/credential-provider';
import { startKubelet } from './cluster/kubelet';
import { isRuntimeDialect, RUNTIME_DIALECTS, type RuntimeDialect } from './cluster/runtime-dialects';
import { loadOrCreateIdentity } from './identity';
import { writeKubeconfig } from './kubeconfig';
import { startRegistries, createPuller } from './registry/index';
import { applyScenario, loadScenario } from './scenario';
import { generateScaleScenario } from './scenarios/scale';
import { ObjectStore } from './store';

const USAGE = `usage: npm run sim -- --scenario <name|path> [--port <n>] [--kubeconfig <path>] [--backoff-ms <n>]
       [--runtime ${RUNTIME_DIALECTS.join(' | ')}]   (whose words the kubelet reports pull failures in)
       [--namespaces <n>] [--pods <n>] [--failing-ratio <0..1>]   (scale scenario)`;

/** A real kubelet's first image pull back-off; `--backoff-ms` scales every simulated duration against it. */
const REAL_INITIAL_BACKOFF_MS = 10_000;

/**
 * `npm run sim`: plays a whole cluster from a scenario — registries, API server, controllers, admission and
 * kubelet — on 127.0.0.1, writes a kubeconfig (and `registries.json` beside it for the app), prints
 * `ready <url> <kubeconfig>` on stdout once it serves, and stops cleanly on SIGTERM or SIGINT. Logs go to stderr.
 * A restart with the same `--kubeconfig` and `--port` is the same cluster to its clients: the CA, serving
 * certificate and tokens an earlier run left beside the kubeconfig (sim-state.json) are reused.
 */
async function main(): Promise<void> {
  const options = readOptions();
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const scenario = loadScenario(options.scenario, {
    generators: { scale: generateScaleScenario },
    scale: { namespaces: options.namespaces, pods: options.pods, failingRatio: options.failingRatio },
  });

  const { tls, users } = loadOrCreateIdentity(path.dirname(options.kubeconfig), scenario.users);
  const fleet = await startRegistries(scenario.registries);
  const store = new ObjectStore();
  const timeScale = options.backoffMs / REAL_INITIAL_BACKOFF_MS;
  const clock = realClock;
  const controllers = startControllers({ store, admit, timeScale, clock }, log);
  await applyScenario(scenario, { store, admit, settle: () => controllers.settle() });
  // Started after the scenario is in place: it takes the pods over from one list instead of copying every
  // change as it happens, which is most of what ten thousand pre-settled pods cost.
  const kubelet = startKubelet({
    store,
    pullImage: createPuller(fleet, { runtime: options.runtime }),
    backoffMs: options.backoffMs,
    containerRunMs: Math.max(20, options.backoffMs / 2),
    credentialProviders: scenario.credentialProviders ?? [],
    clock,
    log,
  });
  const server = await startApiServer({ store, users, port: options.port, admit, tls });

  writeKubeconfig(options.kubeconfig, server.url, tls.caPem, users, 'default');
  writeFileSync(path.join(path.dirname(options.kubeconfig), 'registries.json'), `${JSON.stringify(fleet.endpoints(), null, 2)}\n`);
  writeCredentialProviderConfig(path.dirname(options.kubeconfig), scenario.credentialProviders ?? []);
  log(`scenario ${scenario.name}: ${store.count('pods')} pods in ${store.count('namespaces')} namespaces`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping`);
    kubelet.stop();
    controllers.stop();
    await Promise.allSettled([server.close(), fleet.close()]);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  process.stdout.write(`ready ${server.url} ${options.kubeconfig}\n`);
}

interface CliOptions {
  scenario: string;
  port: number;
  kubeconfig: string;
  backoffMs: number;
  runtime: RuntimeDialect;
  namespaces: number;
  pods: number;
  failingRatio: number;
}

function readOptions(): CliOptions {
  const { values } = parseArgs({
    options: {
      scenario: { type: 'string' },
      port: { type: 'string', default: '0' },
      kubeconfig: { type: 'string', default: path.join('.sim', 'kubeconfig') },
      'backoff-ms': { type: 'string', default: '1000' },
      runtime: { type: 'string', default: 'containerd-2' },
      namespaces: { type: 'string', default: '100' },
      pods: { type: 'string', default: '10000' },
      'failing-ratio': { type: 'string', default: '0.1' },
    },
  });
  if (!values.scenario) throw new UsageError('--scenario is required');
  if (!isRuntimeDialect(values.runtime)) {
    throw new UsageError(`--runtime must be one of ${RUNTIME_DIALECTS.join(', ')}, got "${values.runtime}"`);
  }
  return {
    scenario: values.scenario,
    port: number('--port', values.port, 0, 65_535),
    kubeconfig: path.resolve(values.kubeconfig),
    backoffMs: number('--backoff-ms', values['backoff-ms'], 1, 600_000),
    runtime: values.runtime,
    namespaces: number('--namespaces', values.namespaces, 1, 100_000),
    pods: number('--pods', values.pods, 0, 1_000_000),
    failingRatio: number('--failing-ratio', values['failing-ratio'], 0, 1),
  };
}

function number(flag: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < min || value > max) throw new UsageError(`${flag} must be a number from ${min} to ${max}, got "${text}"`);
  return value;
}

class UsageError extends Error {}

main().catch((error: unknown) => {
  if (error instanceof UsageError || (error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))) {
    process.stderr.write(`${error.message}\n${USAGE}\n`);
    process.exit(2);
  }
  process.stderr.write(`sim: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
