import { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST as postFix } from '../../app/api/contexts/[context]/namespaces/[namespace]/fixes/route';
import type { ApiErrorBody } from '../../lib/api/types';
import type { FixResponse } from '../../lib/fix-plan';
import { clientsFor } from '../../lib/kube/config';
import { CSRF_COOKIE, CSRF_HEADER } from '../../lib/security/csrf';
import { startSimCli, type SimProcess } from '../support/sim-cli';
import { pointAppAtCluster } from '../support/app-cluster';

/**
 * The apply gate over the demo cluster and its registries: a credential the registry refused is not applied
 * unless the request accepts the refusal; a credential the registry accepts goes through.
 */
let sim: SimProcess;
let restoreApp = (): void => undefined;

beforeAll(async () => {
  sim = await startSimCli();
  restoreApp = pointAppAtCluster(sim);
}, 100_000);

afterAll(async () => {
  restoreApp();
  await sim?.stop();
});

const ORIGIN = 'http://127.0.0.1:3107';
const TOKEN = 'csrf-token-gate-7e2d';
const sameOrigin = { 'content-type': 'application/json', origin: ORIGIN, cookie: `${CSRF_COOKIE}=${TOKEN}`, [CSRF_HEADER]: TOKEN };

function post(namespace: string, body: unknown): Promise<Response> {
  const request = new NextRequest(`${ORIGIN}/api/contexts/sim-admin/namespaces/${namespace}/fixes`, {
    method: 'POST',
    headers: { host: '127.0.0.1:3107', ...sameOrigin },
    body: JSON.stringify(body),
  });
  return postFix(request, { params: Promise.resolve({ context: 'sim-admin', namespace }) });
}

async function podOf(namespace: string, prefix: string): Promise<string> {
  const pods = await clientsFor('sim-admin').core.listNamespacedPod({ namespace });
  const pod = pods.items.find((candidate) => candidate.metadata?.name?.startsWith(prefix) && !candidate.metadata.deletionTimestamp);
  if (!pod?.metadata?.name) throw new Error(`no pod ${prefix}* in ${namespace}`);
  return pod.metadata.name;
}

async function templateSecrets(namespace: string, name: string): Promise<string[]> {
  const deployment = await clientsFor('sim-admin').apps.readNamespacedDeployment({ namespace, name });
  return (deployment.spec?.template.spec?.imagePullSecrets ?? []).map((reference) => reference.name ?? '');
}

describe('applying a credential the registry refused', () => {
  it('refuses to attach dockercreds to nginx-david with a 422 naming the refusal, and leaves the Deployment as it was', async () => {
    const pod = await podOf('default', 'nginx-david-');
    const body = { mode: 'apply', pod, container: 'nginx', source: { kind: 'existing', name: 'dockercreds' }, target: { kind: 'workload' } };
    const refused = await post('default', body);
    expect(refused.status).toBe(422);
    const error = ((await refused.json()) as ApiErrorBody).error;
    expect(error).toMatchObject({ code: 'credential-refused', status: 422 });
    expect(error.message).toContain('the credentials of otheruser in secret default/dockercreds (rejected)');
    expect(error.message).not.toContain('other-pass');
    expect(await templateSecrets('default', 'nginx-david')).toEqual([]);

    const accepted = await post('default', { ...body, acceptUnverified: true });
    expect(accepted.status).toBe(200);
    expect(((await accepted.json()) as FixResponse).applied).toBe(true);
    expect(await templateSecrets('default', 'nginx-david')).toEqual(['dockercreds']);
  });

  it('refuses a new secret whose typed password the registry rejects, and still previews it', async () => {
    const pod = await podOf('team-missing', 'api-');
    const source = { kind: 'new', name: 'ghcr-typed', server: 'ghcr.io', username: 'acme-bot', password: 'ghp_wrong-token' };
    const body = { mode: 'apply', pod, container: 'api', source, target: { kind: 'workload' } };
    const refused = await post('team-missing', body);
    expect(refused.status).toBe(422);
    const message = ((await refused.json()) as ApiErrorBody).error.message;
    expect(message).toContain('the credentials typed for acme-bot (rejected)');
    expect(message).not.toContain('ghp_wrong-token');
    await expect(clientsFor('sim-admin').core.readNamespacedSecret({ namespace: 'team-missing', name: 'ghcr-typed' })).rejects.toThrow();

    const preview = await post('team-missing', { ...body, mode: 'preview' });
    expect(preview.status).toBe(200);
  });

  it('applies a new secret the registry accepts without asking', async () => {
    const pod = await podOf('team-missing', 'api-');
    const source = { kind: 'new', name: 'ghcr-right', server: 'ghcr.io', username: 'acme-bot', password: 'ghp_acme-bot-token' };
    const response = await post('team-missing', { mode: 'apply', pod, container: 'api', source, target: { kind: 'workload' } });
    expect(response.status).toBe(200);
    expect(((await response.json()) as FixResponse).applied).toBe(true);
  });
});
