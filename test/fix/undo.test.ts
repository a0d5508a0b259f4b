import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../lib/api/errors';
import type { FixRequest } from '../../lib/api/fix-request';
import type { FixUndo } from '../../lib/api/fix-undo';
import type { FixResponse } from '../../lib/fix-plan';
import { clientsFor } from '../../lib/kube/config';
import { getFixProgress } from '../../lib/kube/fix/progress';
import { runFix } from '../../lib/kube/fix/run';
import { undoFix } from '../../lib/kube/fix/undo';
import { readPullSecret, loginOf } from '../../lib/pull-secrets/read';
import { simCliForFile } from '../support/sim-cli';
import { followFix } from '../support/follow-fix';
import { podOf } from '../support/pods';
import { waitUntil } from '../support/wait';

/**
 * Undo, retry and replace against the demo cluster: an undo puts `imagePullSecrets` back exactly and deletes only
 * the secret its own fix created; a retry reuses the secret pullfix created before; a replace merges one entry.
 */
const sim = simCliForFile();
const answers: string[] = [];

const ACME = { server: 'ghcr.io', username: 'acme-bot', password: 'ghp_acme-bot-token' };

async function fix(namespace: string, request: Omit<FixRequest, 'container' | 'pod'> & { container: string; pod?: string }, podPrefix: string): Promise<FixResponse> {
  const pod = request.pod ?? (await podOf(namespace, podPrefix));
  const response = await runFix('sim-admin', namespace, { ...request, pod } as FixRequest);
  answers.push(JSON.stringify(response));
  return response;
}

async function deploymentSecrets(namespace: string, name: string) {
  return (await clientsFor('sim-admin').apps.readNamespacedDeployment({ namespace, name })).spec?.template.spec?.imagePullSecrets;
}

async function secretNames(namespace: string): Promise<string[]> {
  return (await clientsFor('sim-admin').core.listNamespacedSecret({ namespace })).items.map((secret) => secret.metadata?.name ?? '');
}

function undoOf(response: FixResponse): FixUndo {
  expect(response.undo, 'the apply answers an undo record').toBeTruthy();
  return response.undo!;
}

async function refusal(work: Promise<unknown>): Promise<ApiError> {
  const error = await work.then(() => null, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe('undo', () => {
  it('puts a Deployment\'s imagePullSecrets back exactly and deletes the secret its fix created', async () => {
    const before = await deploymentSecrets('team-ghcr', 'api');
    expect(before).toEqual([{ name: 'hub-creds' }]);
    const applied = await fix('team-ghcr', { mode: 'apply', container: 'api', source: { kind: 'new', name: 'regcred-ghcr-io', ...ACME }, target: { kind: 'workload' } }, 'api-');
    const undo = undoOf(applied);
    expect(undo.attach).toMatchObject({ kind: 'workload', before: ['hub-creds'], after: ['hub-creds', 'regcred-ghcr-io'] });
    expect(JSON.stringify(undo)).not.toContain(ACME.password);
    expect(await deploymentSecrets('team-ghcr', 'api')).toEqual([{ name: 'hub-creds' }, { name: 'regcred-ghcr-io' }]);

    const undone = await undoFix('sim-admin', undo);
    expect(undone.undone).toBe(true);
    expect(await deploymentSecrets('team-ghcr', 'api')).toEqual(before);
    const secrets = await secretNames('team-ghcr');
    expect(secrets).not.toContain('regcred-ghcr-io');
    expect(secrets).toContain('hub-creds');
  }, 60_000);

  it('removes the field again from a template that had none', async () => {
    expect(await deploymentSecrets('limits', 'mirror')).toBeUndefined();
    const applied = await fix('limits', { mode: 'apply', container: 'nginx', source: { kind: 'new', name: 'regcred-mirror', server: 'mirror.example.com', username: 'mirror-user', password: 'mirror-pass' }, target: { kind: 'workload' } }, 'mirror-');
    expect(undoOf(applied).attach).toMatchObject({ kind: 'workload', before: null, after: ['regcred-mirror'] });
    await undoFix('sim-admin', undoOf(applied));
    expect(await deploymentSecrets('limits', 'mirror')).toBeUndefined();
    expect(await secretNames('limits')).not.toContain('regcred-mirror');
  }, 60_000);

  it('detaches an existing secret it reused and leaves that secret alone', async () => {
    const applied = await fix('team-wrongpass', { mode: 'apply', container: 'worker', source: { kind: 'existing', name: 'registry-creds' }, target: { kind: 'service-account' } }, 'worker-');
    const undo = undoOf(applied);
    expect(undo.secret).toEqual({ name: 'registry-creds', origin: 'reused' });
    expect(undo.attach).toMatchObject({ kind: 'service-account', name: 'default', before: null, after: ['registry-creds'] });
    await undoFix('sim-admin', undo);
    const account = await clientsFor('sim-admin').core.readNamespacedServiceAccount({ namespace: 'team-wrongpass', name: 'default' });
    expect(account.imagePullSecrets).toBeUndefined();
    expect(await secretNames('team-wrongpass')).toContain('registry-creds');
  }, 60_000);

  it('refuses to delete a secret another fix created, and changes nothing', async () => {
    const applied = await fix('team-refmissing', { mode: 'apply', container: 'agent', source: { kind: 'new', name: 'regcred-ghcr-io', ...ACME }, target: { kind: 'workload' } }, 'agent-');
    const forged: FixUndo = { ...undoOf(applied), fixId: '00000000-0000-4000-8000-000000000000' };
    const error = await refusal(undoFix('sim-admin', forged));
    expect(error.code).toBe('conflict');
    expect(error.message).toMatch(/not created by this fix/);
    expect(await secretNames('team-refmissing')).toContain('regcred-ghcr-io');
    const template = (await clientsFor('sim-admin').apps.readNamespacedDaemonSet({ namespace: 'team-refmissing', name: 'agent' })).spec?.template.spec?.imagePullSecrets;
    expect(template).toEqual([{ name: 'ghcr-pull' }, { name: 'regcred-ghcr-io' }]);
  }, 60_000);

  it('refuses when the workload changed since the fix, rather than overwrite the change', async () => {
    const applied = await fix('init', { mode: 'apply', container: 'fetch-config', source: { kind: 'new', name: 'regcred-ghcr-io', ...ACME }, target: { kind: 'workload' } }, 'with-init-');
    execFileSync('kubectl', ['annotate', 'deployment/with-init', '-n', 'init', '--overwrite', 'example.com/touched=yes', '--kubeconfig', sim().kubeconfig]);
    execFileSync('kubectl', ['patch', 'deployment/with-init', '-n', 'init', '--type=merge', '-p', '{"spec":{"template":{"metadata":{"labels":{"touched":"yes"}}}}}', '--kubeconfig', sim().kubeconfig]);
    const error = await refusal(undoFix('sim-admin', undoOf(applied)));
    expect(error.code).toBe('conflict');
    expect(error.message).toMatch(/Deployment with-init changed since the fix: its pod template changed/);
    expect(await deploymentSecrets('init', 'with-init')).toEqual([{ name: 'regcred-ghcr-io' }]);
    expect(await secretNames('init')).toContain('regcred-ghcr-io');
  }, 60_000);
});

describe('a retry', () => {
  it('reuses the secret pullfix created with the same credentials instead of hitting 409; other credentials still conflict', async () => {
    const source = { kind: 'new' as const, name: 'regcred-docker-io', server: 'https://index.docker.io/v1/', username: 'davidpuziol', password: 'Dav1d-pull-2024' };
    const first = await fix('default', { mode: 'apply', container: 'nginx', source, target: { kind: 'service-account' } }, 'nginx-david-');
    expect(first.steps[0]?.kind).toBe('create-secret');
    const created = await clientsFor('sim-admin').core.readNamespacedSecret({ namespace: 'default', name: 'regcred-docker-io' });
    expect(created.metadata?.labels?.['app.kubernetes.io/managed-by']).toBe('pullfix');
    expect(created.metadata?.annotations?.['pullfix.dev/fix-id']).toBe(first.undo?.fixId);

    // The first fix restarts the Deployment: the retry names the pod the page would have moved to, not one that
    // the rollout may delete between listing it and reading it.
    const pod = (await followFix('sim-admin', 'default', first)).pods[0]?.name;
    expect(pod).toBeTruthy();
    const retry = await fix('default', { mode: 'apply', container: 'nginx', pod, source, target: { kind: 'workload' } }, 'nginx-david-');
    expect(retry.steps[0]).toMatchObject({ kind: 'reuse-secret', result: { ok: true } });
    expect(retry.undo?.secret).toEqual({ name: 'regcred-docker-io', origin: 'reused' });
    expect(await deploymentSecrets('default', 'nginx-david')).toEqual([{ name: 'regcred-docker-io' }]);

    // The retry's rollout replaces that pod too. Creation times have whole seconds, so the first fix's pod can pass
    // the retry's follow filter: the pod to name is the retry's own, the running one that is not the first's.
    const follow = retry.follow!;
    const retriedPod = await waitUntil(
      async () => {
        const progress = await getFixProgress('sim-admin', 'default', follow.kind, follow.name, follow.after, follow.secret, follow.restartedAt);
        return progress.pods.find((candidate) => candidate.name !== pod && candidate.phase === 'Running')?.name;
      },
      { what: 'the retry\'s new nginx-david pod to run', timeoutMs: 40_000, intervalMs: 500 },
    );
    const other = await refusal(fix('default', { mode: 'preview', container: 'nginx', pod: retriedPod, source: { ...source, password: 'another-password' }, target: { kind: 'workload' } }, 'nginx-david-'));
    expect(other.code).toBe('conflict');
    // The retry's undo detaches; the secret stays, since an earlier fix created it.
    await undoFix('sim-admin', retry.undo!);
    expect(await deploymentSecrets('default', 'nginx-david')).toBeUndefined();
    expect(await secretNames('default')).toContain('regcred-docker-io');
  }, 60_000);
});

describe('replacing a secret\'s data', () => {
  it('writes only the ghcr.io entry of team-merge\'s multi-creds, keeps the Docker Hub entry, and lets the pod run', async () => {
    const source = { kind: 'new' as const, name: 'multi-creds', ...ACME, replaceExisting: true };
    const preview = await fix('team-merge', { mode: 'preview', container: 'worker', source, target: { kind: 'workload' } }, 'worker-');
    const pod = await podOf('team-merge', 'worker-');
    expect(preview.secretChange?.entries.map((row) => [row.change, row.after?.server ?? row.before?.server, row.after?.username])).toEqual([
      ['kept', 'https://index.docker.io/v1/', 'reqbot'],
      ['replaced', 'ghcr.io', 'acme-bot'],
    ]);
    expect(preview.secretChange?.users).toMatchObject({ pods: [pod], workloads: [{ kind: 'Deployment', name: 'worker' }], serviceAccounts: [] });

    const applied = await fix('team-merge', { mode: 'apply', container: 'worker', source, target: { kind: 'workload' } }, 'worker-');
    expect(applied.steps.map((step) => step.kind)).toEqual(['replace-secret', 'patch-workload', 'restart-workload']);
    const secret = await clientsFor('sim-admin').core.readNamespacedSecret({ namespace: 'team-merge', name: 'multi-creds' });
    expect(readPullSecret(secret).entries.map(loginOf)).toEqual([
      { server: 'https://index.docker.io/v1/', username: 'reqbot', password: 'req-pass' },
      { server: 'ghcr.io', username: 'acme-bot', password: 'ghp_acme-bot-token' },
    ]);
    // Pullfix did not create it: it carries no mark, and the undo keeps it.
    expect(secret.metadata?.labels?.['app.kubernetes.io/managed-by']).toBeUndefined();
    expect(applied.undo?.secret).toEqual({ name: 'multi-creds', origin: 'replaced' });

    const follow = applied.follow!;
    const settled = await waitUntil(
      async () => {
        const progress = await getFixProgress('sim-admin', 'team-merge', follow.kind, follow.name, follow.after, follow.secret, follow.restartedAt);
        return (progress.failure || progress.pods[0]?.phase === 'Running') && progress;
      },
      { what: 'worker\'s new pod to run or fail', timeoutMs: 40_000, intervalMs: 500 },
    );
    expect(settled.failure).toBeNull();
  }, 90_000);
});

it('no answer holds a password', () => {
  expect(answers.length).toBeGreaterThan(5);
  for (const answer of answers) {
    for (const password of ['ghp_acme-bot-token', 'mirror-pass', 'Dav1d-pull-2024', 'req-pass', 'ghp_revoked-token']) expect(answer).not.toContain(password);
  }
});
