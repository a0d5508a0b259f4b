import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeBase64Text } from '../../lib/base64';
import { fixHandoff, type HandoffSource } from '../../lib/fix-handoff';
import type { AttachTargetKind } from '../../lib/api/fix-request';
import { clientsFor } from '../../lib/kube/config';
import { getFixOptions } from '../../lib/kube/fix/options';
import { getFixProgress } from '../../lib/kube/fix/progress';
import { runFix } from '../../lib/kube/fix/run';
import { CredentialVerifier } from '../../lib/kube/verification';
import { recheckCandidate, RECHECK_MIN_AGE_MS } from '../../lib/kube/verification/recheck';
import { probeAccess } from '../../lib/registry/access-probe';
import { simCliForFile } from '../support/sim-cli';
import { waitUntil } from '../support/wait';

/**
 * The fix options every form needs (what is attached, who manages the workload, the in-place target) and the
 * hand-off's kubectl commands, run as written, by sh and the real kubectl, against the demo cluster, with
 * the password given on stdin as a person would type it; then the simulated kubelet must pull with what they made.
 */
const sim = simCliForFile('demo', { withRegistries: true });

const admin = () => clientsFor('sim-admin');

async function podOf(namespace: string, prefix: string): Promise<string> {
  return waitUntil(
    async () => {
      const pods = await admin().core.listNamespacedPod({ namespace });
      return pods.items.find((pod) => pod.metadata?.name?.startsWith(prefix) && !pod.metadata.deletionTimestamp)?.metadata?.name;
    },
    { what: `a pod ${prefix}* in ${namespace}`, timeoutMs: 30_000, intervalMs: 500 },
  );
}

/** Builds the hand-off from the options the form would get, and runs its commands in a scratch directory. */
async function runHandoff(namespace: string, pod: string, container: string, source: HandoffSource, target: AttachTargetKind, password = '') {
  const options = await getFixOptions('sim-admin', namespace, pod, container);
  const { commands } = fixHandoff({ namespace, pod, workload: options.workload, serviceAccount: options.serviceAccount, attached: options.attached, source, target, management: options.management });
  const directory = fs.mkdtempSync(path.join(sim().directory, 'handoff-'));
  const script = path.join(directory, 'fix.sh');
  fs.writeFileSync(script, commands);
  const run = spawnSync('sh', [script], { cwd: directory, input: `${password}\n`, encoding: 'utf8', env: { ...process.env, KUBECONFIG: sim().kubeconfig }, timeout: 60_000 });
  expect(run.stderr.replace(/^Password or token for .*: \n?/m, '').replace(/^Warning: .*\n/gm, '')).toBe('');
  expect(run.status).toBe(0);
  expect(commands).not.toContain(password || '\u0000');
  return run.stdout;
}

/** Until a pod of the workload that names `secret` runs (or completes). */
async function runsWith(namespace: string, prefix: string, secret: string): Promise<void> {
  await waitUntil(
    async () => {
      const pods = await admin().core.listNamespacedPod({ namespace });
      return pods.items.some(
        (pod) =>
          pod.metadata?.name?.startsWith(prefix) &&
          !pod.metadata.deletionTimestamp &&
          (pod.spec?.imagePullSecrets ?? []).some((reference) => reference.name === secret) &&
          (pod.status?.phase === 'Running' || pod.status?.phase === 'Succeeded'),
      );
    },
    { what: `a ${namespace}/${prefix}* pod with ${secret} to run`, timeoutMs: 45_000, intervalMs: 500 },
  );
}

describe('the fix options', () => {
  it('say Argo CD manages the storefront Deployment, and what the template and service account list', async () => {
    const pod = await podOf('team-gitops', 'storefront-');
    for (const context of ['sim-admin', 'sim-viewer']) {
      const options = await getFixOptions(context, 'team-gitops', pod, 'storefront');
      expect(options.management).toMatchObject({ tool: 'Argo CD', owner: 'storefront', evidence: 'argocd.argoproj.io/tracking-id=storefront:apps/Deployment:team-gitops/storefront' });
      expect(options.attached).toEqual({ template: [], serviceAccount: [] });
      expect(options.podSecrets).toEqual([]);
    }
    const viewer = await getFixOptions('sim-viewer', 'team-gitops', pod, 'storefront');
    expect(viewer.targets.map((target) => [target.kind, target.allowed, target.possible])).toEqual([
      ['workload', false, true],
      ['service-account', false, true],
    ]);
  });

  it('name no manager for a plain Deployment', async () => {
    const pod = await podOf('team-missing', 'api-');
    expect((await getFixOptions('sim-admin', 'team-missing', pod, 'api')).management).toBeNull();
  });

  it('offer "nothing to attach" first where the pod names the secret, and creating it fixes the pull in place', async () => {
    const pod = await podOf('team-refmissing', 'agent-');
    const options = await getFixOptions('sim-admin', 'team-refmissing', pod, 'agent');
    expect(options.podSecrets).toEqual(['ghcr-pull']);
    expect(options.targets[0]).toMatchObject({ kind: 'in-place', allowed: true, possible: true });
    const source = { kind: 'new', name: 'ghcr-pull', server: 'ghcr.io', username: 'acme-bot', password: 'ghp_acme-bot-token' } as const;
    const other = { ...source, name: 'not-named-by-the-pod' };
    await expect(runFix('sim-admin', 'team-refmissing', { mode: 'preview', pod, container: 'agent', source: other, target: { kind: 'in-place' } })).rejects.toMatchObject({ code: 'invalid-input' });
    const applied = await runFix('sim-admin', 'team-refmissing', { mode: 'apply', pod, container: 'agent', source, target: { kind: 'in-place' } });
    expect(applied.steps.map((step) => [step.kind, step.result?.ok])).toEqual([['create-secret', true], ['already-attached', true]]);
    const follow = applied.follow;
    if (!follow) throw new Error('nothing to follow');
    const progress = await waitUntil(
      async () => {
        const last = await getFixProgress('sim-admin', 'team-refmissing', follow.kind, follow.name, follow.after, follow.secret, follow.restartedAt);
        // A DaemonSet has a pod on each node, each on its own back-off (up to the simulator's 30 s cap): the fix
        // is whole when every one runs.
        return last.pods.some((candidate) => candidate.name === pod) && last.pods.every((candidate) => candidate.phase === 'Running') && last;
      },
      { what: `every agent pod, ${pod} among them, to pull with ghcr-pull`, timeoutMs: 75_000, intervalMs: 500 },
    );
    expect(progress.failure).toBeNull();
  }, 120_000);
});

describe('the kubectl hand-off, run by kubectl', () => {
  it('creates a secret from the password on stdin and patches the Deployment', async () => {
    const pod = await podOf('team-missing', 'api-');
    const source = { kind: 'new', name: 'handoff-ghcr', server: 'ghcr.io', username: 'acme-bot', password: 'typed-in-the-form' } as const;
    await runHandoff('team-missing', pod, 'api', source, 'workload', 'ghp_acme-bot-token');
    const secret = await admin().core.readNamespacedSecret({ namespace: 'team-missing', name: 'handoff-ghcr' });
    expect(secret.type).toBe('kubernetes.io/dockerconfigjson');
    const config = JSON.parse(decodeBase64Text(secret.data?.['.dockerconfigjson'] ?? ''));
    expect(config).toEqual({ auths: { 'ghcr.io': { username: 'acme-bot', auth: Buffer.from('acme-bot:ghp_acme-bot-token').toString('base64') } } });
    await runsWith('team-missing', 'api-', 'handoff-ghcr');
  }, 90_000);

  it('recreates a Job with an existing secret', async () => {
    const pod = await podOf('team-unattached', 'migrate-');
    const before = await admin().batch.readNamespacedJob({ namespace: 'team-unattached', name: 'migrate' });
    await runHandoff('team-unattached', pod, 'migrate', { kind: 'existing', name: 'ghcr-creds' }, 'workload');
    const after = await admin().batch.readNamespacedJob({ namespace: 'team-unattached', name: 'migrate' });
    expect(after.metadata?.uid).not.toBe(before.metadata?.uid);
    expect(after.spec?.template.spec?.imagePullSecrets).toEqual([{ name: 'ghcr-creds' }]);
    await runsWith('team-unattached', 'migrate-', 'ghcr-creds');
  }, 90_000);

  it('copies a secret from another namespace onto the service account and restarts the Deployment', async () => {
    const pod = await podOf('init', 'with-init-');
    await runHandoff('init', pod, 'fetch-config', { kind: 'copy', fromNamespace: 'team-unattached', name: 'ghcr-creds' }, 'service-account');
    const copy = await admin().core.readNamespacedSecret({ namespace: 'init', name: 'ghcr-creds' });
    const original = await admin().core.readNamespacedSecret({ namespace: 'team-unattached', name: 'ghcr-creds' });
    expect(copy.data).toEqual(original.data);
    expect(copy.metadata?.annotations?.['pullfix.dev/copied-from']).toBe('team-unattached/ghcr-creds');
    const account = await admin().core.readNamespacedServiceAccount({ namespace: 'init', name: 'default' });
    expect(account.imagePullSecrets).toEqual([{ name: 'ghcr-creds' }]);
    await runsWith('init', 'with-init-', 'ghcr-creds');
  }, 90_000);

  it('replaces a malformed secret\'s data in place, and the bare pod pulls at its next retry', async () => {
    const before = await admin().core.readNamespacedPod({ namespace: 'team-malformed', name: 'batch-runner' });
    const source = { kind: 'new', name: 'registry-creds', server: 'registry.example.com:5000', username: 'team-ci', replaceExisting: true } as const;
    await runHandoff('team-malformed', 'batch-runner', 'runner', source, 'in-place', 'team-ci-secret');
    await runsWith('team-malformed', 'batch-runner', 'registry-creds');
    const after = await admin().core.readNamespacedPod({ namespace: 'team-malformed', name: 'batch-runner' });
    expect(after.metadata?.uid).toBe(before.metadata?.uid);
  }, 90_000);
});

describe('Test again', () => {
  it('tests one candidate past the cache, but not twice within its minimum age, and names no password', async () => {
    let probes = 0;
    let now = Date.now();
    const verifier = new CredentialVerifier({
      now: () => now,
      probe: (image, login, options) => {
        probes += 1;
        return probeAccess(image, login, options);
      },
    });
    const pod = await podOf('default', 'nginx-david-');
    const input = { container: 'nginx', secretNamespace: 'default', secret: 'dockercreds' };
    const first = await recheckCandidate('sim-admin', 'default', pod, input, { verifier, now: () => now });
    expect(first).toMatchObject({ namespace: 'default', secret: 'dockercreds', result: 'rejected' });
    expect(JSON.stringify(first)).not.toContain('other-pass');
    expect(await recheckCandidate('sim-admin', 'default', pod, input, { verifier, now: () => now })).toEqual(first);
    expect(probes).toBe(1);
    now += RECHECK_MIN_AGE_MS;
    const again = await recheckCandidate('sim-admin', 'default', pod, input, { verifier, now: () => now });
    expect(probes).toBe(2);
    expect(Date.parse(again.checkedAt)).toBeGreaterThan(Date.parse(first.checkedAt));
  }, 60_000);

  it('refuses a secret the container\'s image has no entry in', async () => {
    const pod = await podOf('default', 'nginx-david-');
    await expect(recheckCandidate('sim-admin', 'default', pod, { container: 'nginx', secretNamespace: 'team-ghcr', secret: 'hub-creds' })).resolves.toMatchObject({ secret: 'hub-creds' });
    await expect(recheckCandidate('sim-admin', 'default', pod, { container: 'nginx', secretNamespace: 'team-unattached', secret: 'ghcr-creds' })).rejects.toMatchObject({ code: 'invalid-input' });
  }, 60_000);
});
