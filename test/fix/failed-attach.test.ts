import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../lib/api/errors';
import type { FixRequest } from '../../lib/api/fix-request';
import { clientsFor } from '../../lib/kube/config';
import { runFix } from '../../lib/kube/fix/run';
import { undoFix } from '../../lib/kube/fix/undo';
import { pointApp } from '../support/app-cluster';
import { isRealCall, startFaultProxy, type FaultProxy } from '../support/fault-proxy';
import { startSimCli, type SimProcess } from '../support/sim-cli';

/**
 * A fix whose attach step fails for real after its dry run passed — the workload changed, a webhook refused, the
 * API server fell over — must leave the cluster as it was; so must an undo whose second step fails. The simulator answers the dry run and the real call
 * alike, so a test-owned proxy on loopback sits between pullfix and it and fails only the real patch.
 */
let sim: SimProcess;
let proxy: FaultProxy;
let restoreApp: (() => void) | undefined;

const DEPLOYMENT_PATCH = /^\/apis\/apps\/v1\/namespaces\/default\/deployments\/nginx-david(\?|$)/;
const SECRET_DELETE = /^\/api\/v1\/namespaces\/team-ghcr\/secrets\/regcred-undo-fault(\?|$)/;

beforeAll(async () => {
  sim = await startSimCli();
  // Only the real (not dry-run) patch of nginx-david and the real delete of team-ghcr's regcred-undo-fault fail.
  proxy = await startFaultProxy(sim, (method, url) => isRealCall(url) && ((method === 'PATCH' && DEPLOYMENT_PATCH.test(url)) || (method === 'DELETE' && SECRET_DELETE.test(url))));
  restoreApp = pointApp({ PULLFIX_KUBECONFIG: proxy.kubeconfig });
}, 100_000);

afterAll(async () => {
  restoreApp?.();
  await proxy?.close();
  await sim?.stop();
});

describe('an apply whose attach step fails', () => {
  it('answers non-2xx naming the step, and deletes the secret it created: the cluster is as it was', async () => {
    const core = clientsFor('sim-admin').core;
    const apps = clientsFor('sim-admin').apps;
    const pod = (await core.listNamespacedPod({ namespace: 'default' })).items.find((candidate) => candidate.metadata?.name?.startsWith('nginx-david-'));
    expect(pod?.metadata?.name).toBeTruthy();
    const before = (await apps.readNamespacedDeployment({ namespace: 'default', name: 'nginx-david' })).spec?.template.spec?.imagePullSecrets;
    const request: FixRequest = {
      mode: 'apply',
      pod: pod!.metadata!.name!,
      container: 'nginx',
      source: { kind: 'new', name: 'regcred-fault', server: 'https://index.docker.io/v1/', username: 'davidpuziol', password: 'Dav1d-pull-2024' },
      target: { kind: 'workload' },
    };

    const failure = await runFix('sim-admin', 'default', request).then(
      () => null,
      (error: unknown) => error,
    );

    expect(failure).toBeInstanceOf(ApiError);
    expect((failure as ApiError).code).toBe('fix-failed');
    expect((failure as ApiError).status).toBeGreaterThanOrEqual(400);
    expect((failure as ApiError).message).toMatch(/regcred-fault, created for this fix, was deleted again/);
    const secrets = (await core.listNamespacedSecret({ namespace: 'default' })).items.map((secret) => secret.metadata?.name);
    expect(secrets).not.toContain('regcred-fault');
    const after = (await apps.readNamespacedDeployment({ namespace: 'default', name: 'nginx-david' })).spec?.template.spec?.imagePullSecrets;
    expect(after).toEqual(before);
  }, 60_000);
});

describe('an undo whose secret deletion fails', () => {
  it('answers undo-failed naming the step, and attaches the secret again: the cluster is as it was', async () => {
    const core = clientsFor('sim-admin').core;
    const apps = clientsFor('sim-admin').apps;
    const pod = (await core.listNamespacedPod({ namespace: 'team-ghcr' })).items.find((candidate) => candidate.metadata?.name?.startsWith('api-'));
    const request: FixRequest = {
      mode: 'apply',
      pod: pod!.metadata!.name!,
      container: 'api',
      source: { kind: 'new', name: 'regcred-undo-fault', server: 'ghcr.io', username: 'acme-bot', password: 'ghp_acme-bot-token' },
      target: { kind: 'workload' },
    };
    const applied = await runFix('sim-admin', 'team-ghcr', request);
    const fixed = (await apps.readNamespacedDeployment({ namespace: 'team-ghcr', name: 'api' })).spec?.template.spec?.imagePullSecrets;
    expect(fixed).toEqual([{ name: 'hub-creds' }, { name: 'regcred-undo-fault' }]);

    const failure = await undoFix('sim-admin', applied.undo!).then(
      () => null,
      (error: unknown) => error,
    );

    expect(failure).toBeInstanceOf(ApiError);
    expect((failure as ApiError).code).toBe('undo-failed');
    expect((failure as ApiError).message).toMatch(/stopped at "delete Secret regcred-undo-fault, created by this fix" during the undo: .*the cluster is as it was/);
    expect((await apps.readNamespacedDeployment({ namespace: 'team-ghcr', name: 'api' })).spec?.template.spec?.imagePullSecrets).toEqual(fixed);
    expect((await core.listNamespacedSecret({ namespace: 'team-ghcr' })).items.map((secret) => secret.metadata?.name)).toContain('regcred-undo-fault');
  }, 60_000);
});
