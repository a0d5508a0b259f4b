import { waitUntil } from '../../../test/support/wait';
import type { ManualClock } from '../../clock';
import type { PullCredential, PullImage, PullOutcome } from '../../contracts';
import { nodeObject, type ScenarioNode } from '../../scenario';
import { ObjectStore, type KubeObject } from '../../store';
import { admit } from '../admission';
import type { Pod } from '../objects';

/** A store holding what a fresh cluster has: Ready nodes, the `default` namespace and its service account. */
export function clusterStore(nodes: ScenarioNode[] = [{ name: 'node-a' }]): ObjectStore {
  const store = new ObjectStore();
  nodes.forEach((node, index) => store.create('nodes', nodeObject(node, index)));
  store.create('namespaces', admit('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } }, store));
  store.create('serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'default' } });
  return store;
}

export function createPod(store: ObjectStore, name: string, spec: Partial<Pod['spec']> & { containers: Pod['spec']['containers'] }): Pod {
  return store.create('pods', admit('pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec }, store)) as Pod;
}

export function dockerConfigSecret(name: string, auths: Record<string, { username: string; password: string }>, type = 'kubernetes.io/dockerconfigjson'): KubeObject {
  const key = type === 'kubernetes.io/dockercfg' ? '.dockercfg' : '.dockerconfigjson';
  const json = type === 'kubernetes.io/dockercfg' ? JSON.stringify(auths) : JSON.stringify({ auths });
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: 'default' },
    type,
    data: { [key]: Buffer.from(json).toString('base64') },
  };
}

export interface PullCall {
  image: string;
  credentials: PullCredential[];
  platform: string;
}

/** A container runtime stand-in: records every pull and answers with `decide`. */
export function fakePuller(decide: (call: PullCall) => PullOutcome): { pullImage: PullImage; calls: PullCall[] } {
  const calls: PullCall[] = [];
  return {
    calls,
    pullImage: async (image, credentials, platform) => {
      const call = { image, credentials, platform };
      calls.push(call);
      return decide(call);
    },
  };
}

export const PULLED: PullOutcome & { size: number } = {
  ok: true,
  digest: 'sha256:4c0fdaa8b6341bfdeca5f18f7837462c80cff90527ee35ef185571e1c327beac',
  resolved: 'docker.io/library/nginx@sha256:4c0fdaa8b6341bfdeca5f18f7837462c80cff90527ee35ef185571e1c327beac',
  size: 72_195_292,
};

export function denied(image: string): PullOutcome {
  return {
    ok: false,
    reason: 'ErrImagePull',
    message: `failed to pull and unpack image "${image}": failed to resolve reference "${image}": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed`,
  };
}

export function eventsFor(store: ObjectStore, podName: string): KubeObject[] {
  return store.list('events', 'default').filter((event) => (event.involvedObject as { name?: string }).name === podName);
}

/**
 * Lets a kubelet on a manual clock work until `check` holds: between two polls its pending work (a sync, the fake
 * puller's promise) finishes, and a poll that finds the check false moves the clock to the kubelet's next timer.
 */
export function untilOnClock<T>(clock: ManualClock, check: () => T | undefined | false, what: string): Promise<T> {
  return waitUntil(
    () => {
      const value = check();
      if (value === undefined || value === false) clock.advanceToNextTimer();
      return value;
    },
    { what, intervalMs: 1 },
  );
}
