import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { FixRequest } from '../../lib/api/fix-request';
import type { FixProgress, FixResponse } from '../../lib/fix-plan';
import { clientsFor } from '../../lib/kube/config';
import { ApiError } from '../../lib/api/errors';
import { getFixOptions } from '../../lib/kube/fix/options';
import { getFixProgress } from '../../lib/kube/fix/progress';
import { runFix } from '../../lib/kube/fix/run';
import { simCliForFile } from '../support/sim-cli';
import { podOf } from '../support/pods';
import { waitUntil } from '../support/wait';

/**
 * lib/kube/fix against the demo cluster from the simulator's CLI: its controllers roll out what the fixes
 * patch and its kubelet pulls from the scenario's registries with the credentials the fixes attach.
 */
const sim = simCliForFile();
const answers: string[] = [];

const DAVID_PASSWORD = 'Dav1d-pull-2024';
const WRONG_PASSWORD = 'not-Dav1d-s-password';

async function fix(namespace: string, request: FixRequest, context = 'sim-admin'): Promise<FixResponse> {
  const response = await runFix(context, namespace, request);
  answers.push(JSON.stringify(response));
  return response;
}

/** Polls progress as the page does until the newest pod runs (or, a Job's, completes) or shows a new verdict. */
async function settle(namespace: string, response: FixResponse): Promise<FixProgress> {
  const follow = response.follow;
  if (!follow) throw new Error(`nothing to follow: ${JSON.stringify(response.steps)}`);
  return waitUntil(
    async () => {
      const last = await getFixProgress('sim-admin', namespace, follow.kind, follow.name, follow.after, follow.secret, follow.restartedAt);
      answers.push(JSON.stringify(last));
      return (last.failure || last.pods[0]?.phase === 'Running' || last.pods[0]?.phase === 'Succeeded') && last;
    },
    { what: `a new pod to settle in ${namespace} (the answers so far are kept for the failure report)`, timeoutMs: 40_000, intervalMs: 500 },
  );
}

describe('the seed tutorial', () => {
  it('offers dockercreds first, which the registry rejects; a new secret with the right credentials runs the pod', async () => {
    const pod = await podOf('default', 'nginx-david-');
    const options = await getFixOptions('sim-admin', 'default', pod, 'nginx');
    expect(options.workload).toEqual({ kind: 'Deployment', name: 'nginx-david' });
    expect(options.preferred).toMatchObject({ source: 'existing', existingName: 'dockercreds', target: 'workload' });
    expect(options.sources.existing.map((choice) => choice.name)).toEqual(expect.arrayContaining(['dockercreds', 'dockerreq']));
    expect(options.defaults).toEqual({ secretName: 'regcred-docker-io', server: 'https://index.docker.io/v1/', portNote: null });
    expect(options.targets.map((target) => [target.kind, target.allowed])).toEqual([['workload', true], ['service-account', true]]);

    const existing = await fix('default', { mode: 'apply', pod, container: 'nginx', source: { kind: 'existing', name: 'dockercreds' }, target: { kind: 'workload' } });
    expect(existing.applied).toBe(true);
    const rejected = await settle('default', existing);
    expect(rejected.failure?.verdict.code).toBe('credentials-rejected');

    const wrong = await fix('default', {
      mode: 'apply',
      pod: rejected.pods[0]?.name ?? pod,
      container: 'nginx',
      source: { kind: 'new', name: 'regcred-docker-io', server: options.defaults.server, username: 'davidpuziol', password: WRONG_PASSWORD },
      target: { kind: 'workload' },
    });
    expect(wrong.steps.map((step) => [step.kind, step.result?.ok])).toEqual([['create-secret', true], ['patch-workload', true]]);
    expect((await settle('default', wrong)).failure?.verdict.code).toBe('credentials-rejected');

    const retryPod = await podOf('default', 'nginx-david-');
    const request: FixRequest = {
      mode: 'apply',
      pod: retryPod,
      container: 'nginx',
      source: { kind: 'new', name: 'regcred-docker-io', server: options.defaults.server, username: 'davidpuziol', password: DAVID_PASSWORD },
      target: { kind: 'workload' },
    };
    await expect(runFix('sim-admin', 'default', request)).rejects.toMatchObject({ code: 'conflict', status: 409 });
    const restarted = await fix('default', { ...request, source: { ...request.source, replaceExisting: true } as FixRequest['source'] });
    // The template already names the secret: new data alone would not roll new pods, so the fix restarts them.
    expect(restarted.steps.map((step) => [step.kind, step.result?.ok])).toEqual([['replace-secret', true], ['patch-workload', true], ['restart-workload', true]]);
    const running = await settle('default', restarted);
    expect(running.failure).toBeNull();
    expect(running.pods[0]?.containers).toEqual([{ name: 'nginx', state: 'running', reason: null, pulled: true }]);
  }, 180_000);
});

describe('the secret pullfix creates', () => {
  it('holds the bytes kubectl create secret docker-registry writes', async () => {
    const pod = await podOf('team-missing', 'api-');
    const input = { name: 'kubectl-twin', server: 'ghcr.io', username: 'acme-bot', password: 'ghp_acme-bot-token', email: 'bot@example.com' };
    await fix('team-missing', { mode: 'apply', pod, container: 'api', source: { kind: 'new', ...input }, target: { kind: 'workload' } });
    const created = await clientsFor('sim-admin').core.readNamespacedSecret({ namespace: 'team-missing', name: 'kubectl-twin' });
    const kubectl = JSON.parse(
      execFileSync(
        'kubectl',
        ['create', 'secret', 'docker-registry', input.name, `--docker-server=${input.server}`, `--docker-username=${input.username}`, `--docker-password=${input.password}`, `--docker-email=${input.email}`, '--dry-run=client', '-o', 'json', '--kubeconfig', sim().kubeconfig],
        { encoding: 'utf8' },
      ),
    ) as { type: string; data: Record<string, string> };
    expect(created.type).toBe(kubectl.type);
    expect(created.data?.['.dockerconfigjson']).toBe(kubectl.data['.dockerconfigjson']);
  });
});

describe('attaching an existing or copied secret', () => {
  it('patches a CronJob\'s job template once, however often it is applied', async () => {
    const cronJob = () => clientsFor('sim-admin').batch.readNamespacedCronJob({ namespace: 'batch', name: 'nightly-report' });
    // `kubectl create job --from=cronjob/nightly-report`: a Job the CronJob owns, so there is a failing pod now.
    const parent = await cronJob();
    await clientsFor('sim-admin').batch.createNamespacedJob({
      namespace: 'batch',
      body: {
        metadata: {
          name: 'nightly-report-manual',
          ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'nightly-report', uid: parent.metadata?.uid ?? '', controller: true }],
        },
        spec: parent.spec?.jobTemplate.spec,
      },
    });
    const pod = await podOf('batch', 'nightly-report-manual-');
    const options = await getFixOptions('sim-admin', 'batch', pod, 'report');
    expect(options.workload).toEqual({ kind: 'CronJob', name: 'nightly-report' });
    expect(options.preferred.existingName).toBe('ghcr-creds');
    const request: FixRequest = { mode: 'apply', pod, container: 'report', source: { kind: 'existing', name: 'ghcr-creds' }, target: { kind: 'workload' } };
    expect((await fix('batch', request)).applied).toBe(true);
    const again = await fix('batch', request);
    expect(again.steps[1]).toMatchObject({ kind: 'patch-workload', yaml: null, result: { ok: true } });
    expect((await cronJob()).spec?.jobTemplate.spec?.template.spec?.imagePullSecrets).toEqual([{ name: 'ghcr-creds' }]);
    const progress = await getFixProgress('sim-admin', 'batch', 'CronJob', 'nightly-report', again.follow?.after ?? '');
    expect(progress.pods.length).toBeGreaterThan(0);
  });

  it('copies a matching secret into a StatefulSet\'s namespace and keeps the entry already on its template', async () => {
    const pod = await podOf('team-port', 'app-');
    const options = await getFixOptions('sim-admin', 'team-port', pod, 'app');
    expect(options.workload).toEqual({ kind: 'StatefulSet', name: 'app' });
    expect(options.sources.existing).toEqual([]);
    expect(options.defaults.portNote).toMatch(/:5000/);
    const copy = options.sources.copies.find((choice) => choice.namespace === 'team-sa' && choice.name === 'team-creds');
    expect(copy?.allowed).toBe(true);
    const request: FixRequest = { mode: 'apply', pod, container: 'app', source: { kind: 'copy', fromNamespace: 'team-sa', name: 'team-creds' }, target: { kind: 'workload' } };
    const preview = await fix('team-port', { ...request, mode: 'preview' });
    expect(preview.steps.map((step) => [step.kind, step.dryRun?.ok, step.result])).toEqual([['copy-secret', true, null], ['patch-workload', true, null]]);
    expect(preview.steps[0]?.yaml).toContain('pullfix.dev/copied-from');
    const applied = await fix('team-port', request);
    expect(applied.applied).toBe(true);
    const copied = await clientsFor('sim-admin').core.readNamespacedSecret({ namespace: 'team-port', name: 'team-creds' });
    expect(copied.metadata?.annotations?.['pullfix.dev/copied-from']).toBe('team-sa/team-creds');
    const statefulSet = await clientsFor('sim-admin').apps.readNamespacedStatefulSet({ namespace: 'team-port', name: 'app' });
    expect(statefulSet.spec?.template.spec?.imagePullSecrets).toEqual([{ name: 'registry-creds' }, { name: 'team-creds' }]);
    expect((await settle('team-port', applied)).failure).toBeNull();
    await expect(runFix('sim-admin', 'team-port', request)).rejects.toMatchObject({ code: 'conflict' });
  }, 90_000);
});

describe('a ReplicaSet without a Deployment', () => {
  it('gets the secret on its template, and its pod is deleted so it comes back from that template', async () => {
    const pod = await podOf('legacy', 'frontend-');
    const options = await getFixOptions('sim-admin', 'legacy', pod, 'web');
    expect(options.workload).toEqual({ kind: 'ReplicaSet', name: 'frontend' });
    const applied = await fix('legacy', { mode: 'apply', pod, container: 'web', source: { kind: 'new', name: 'hub', server: options.defaults.server, username: 'reqbot', password: 'req-pass' }, target: { kind: 'workload' } });
    expect(applied.steps.map((step) => [step.kind, step.result?.ok])).toEqual([['create-secret', true], ['patch-workload', true], ['delete-pod', true]]);
    const progress = await settle('legacy', applied);
    expect(progress.failure).toBeNull();
    const replacement = await clientsFor('sim-admin').core.readNamespacedPod({ namespace: 'legacy', name: progress.pods[0]?.name ?? '' });
    expect(replacement.spec?.imagePullSecrets).toEqual([{ name: 'hub' }]);
  }, 60_000);
});

describe('through the service account', () => {
  it('adds the secret to the account once and restarts the Deployment', async () => {
    const pod = await podOf('team-missing', 'api-');
    const request: FixRequest = { mode: 'apply', pod, container: 'api', source: { kind: 'existing', name: 'kubectl-twin' }, target: { kind: 'service-account' } };
    const applied = await fix('team-missing', request);
    expect(applied.steps.map((step) => [step.kind, step.result?.ok])).toEqual([['reuse-secret', true], ['update-service-account', true], ['restart-workload', true]]);
    // The second apply restarts again: its pods are the ones to follow.
    const second = await fix('team-missing', request);
    const account = await clientsFor('sim-admin').core.readNamespacedServiceAccount({ namespace: 'team-missing', name: 'default' });
    expect(account.imagePullSecrets).toEqual([{ name: 'kubectl-twin' }]);
    const deployment = await clientsFor('sim-admin').apps.readNamespacedDeployment({ namespace: 'team-missing', name: 'api' });
    expect(deployment.spec?.template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt']).toBeDefined();
    expect((await settle('team-missing', second)).failure).toBeNull();
  }, 90_000);
});

describe('a bare pod', () => {
  it('cannot be patched or restarted, and is recreated with the secret after confirmation', async () => {
    const options = await getFixOptions('sim-admin', 'team-malformed', 'batch-runner', 'runner');
    expect(options.workload).toBeNull();
    expect(options.targets.map((target) => [target.kind, target.allowed])).toEqual([['in-place', true], ['workload', false], ['service-account', false], ['recreate-pod', true]]);
    expect(options.targets[1]?.reason).toMatch(/bare pod cannot gain pull secrets/);
    const credentials = { server: options.defaults.server, username: 'team-ci', password: 'team-ci-secret' };
    const added = { kind: 'new', name: options.defaults.secretName, ...credentials } as const;
    await expect(runFix('sim-admin', 'team-malformed', { mode: 'apply', pod: 'batch-runner', container: 'runner', source: added, target: { kind: 'workload' } })).rejects.toMatchObject({ code: 'invalid-input' });
    const before = await clientsFor('sim-admin').core.readNamespacedPod({ namespace: 'team-malformed', name: 'batch-runner' });

    const recreate = { kind: 'recreate-pod', confirm: true } as const;
    const applied = await fix('team-malformed', { mode: 'apply', pod: 'batch-runner', container: 'runner', source: added, target: recreate });
    expect(applied.steps.map((step) => [step.kind, step.dryRun?.ok, step.result?.ok])).toEqual([
      ['create-secret', true, true],
      ['delete-pod', true, true],
      ['create-pod', true, true],
    ]);
    expect(applied.follow).toMatchObject({ kind: 'Pod', name: 'batch-runner' });
    const recreated = await clientsFor('sim-admin').core.readNamespacedPod({ namespace: 'team-malformed', name: 'batch-runner' });
    expect(recreated.metadata?.uid).not.toBe(before.metadata?.uid);
    expect(recreated.spec?.imagePullSecrets).toEqual([{ name: 'registry-creds' }, { name: 'regcred-registry-example-com-5000' }]);
    // The kubelet stops at the malformed secret listed first: the new pod shows that verdict, and replacing it fixes the pull.
    expect((await settle('team-malformed', applied)).failure?.verdict.code).toBe('malformed-secret');

    const replaced = await fix('team-malformed', {
      mode: 'apply',
      pod: 'batch-runner',
      container: 'runner',
      source: { kind: 'new', name: 'registry-creds', ...credentials, replaceExisting: true },
      target: recreate,
    });
    expect(replaced.steps.map((step) => step.kind)).toEqual(['replace-secret', 'delete-pod', 'create-pod']);
    const again = await clientsFor('sim-admin').core.readNamespacedPod({ namespace: 'team-malformed', name: 'batch-runner' });
    expect(again.spec?.imagePullSecrets).toEqual([{ name: 'registry-creds' }, { name: 'regcred-registry-example-com-5000' }]);
    expect((await settle('team-malformed', replaced)).failure).toBeNull();
  }, 90_000);
});

describe('a Job without a CronJob', () => {
  it('is recreated with the secret after a confirmation naming its pods, and its new pod pulls with it', async () => {
    const batch = clientsFor('sim-admin').batch;
    const readJob = () => batch.readNamespacedJob({ namespace: 'team-unattached', name: 'migrate' });
    const pod = await podOf('team-unattached', 'migrate-');
    const options = await getFixOptions('sim-admin', 'team-unattached', pod, 'migrate');
    expect(options.workload).toEqual({ kind: 'Job', name: 'migrate' });
    expect(options.targets.map((target) => [target.kind, target.label, target.allowed])).toEqual([
      ['workload', 'recreate Job migrate', true],
      ['service-account', 'service account default', true],
    ]);
    expect(options.targets[0]?.confirmation).toMatch(new RegExp(`^Job migrate and its pod ${pod} will be deleted \\(propagationPolicy Background`));
    expect(options.targets[1]?.confirmation).toBe(options.targets[0]?.confirmation);

    const request: FixRequest = { mode: 'preview', pod, container: 'migrate', source: { kind: 'existing', name: 'ghcr-creds' }, target: { kind: 'workload' } };
    await expect(runFix('sim-admin', 'team-unattached', request)).rejects.toMatchObject({
      code: 'invalid-input',
      message: `recreating Job migrate deletes Job migrate and its pod ${pod}: confirm it to go on`,
    });
    const before = await readJob();
    const confirmed: FixRequest = { ...request, target: { kind: 'workload', confirm: true } };
    const preview = await fix('team-unattached', confirmed);
    expect(preview.steps.map((step) => [step.kind, step.title, step.dryRun?.ok])).toEqual([
      ['reuse-secret', 'reuse Secret ghcr-creds', true],
      ['delete-job', `delete Job migrate and its pod ${pod}`, true],
      ['create-job', 'create Job migrate with ghcr-creds', true],
    ]);
    expect(preview.steps[2]?.dryRun?.message).toBe('the API server accepts the new Job migrate once the old one is deleted');
    const yaml = preview.steps[2]?.yaml ?? '';
    expect(yaml).toContain('imagePullSecrets:\n        - name: "ghcr-creds"');
    expect(yaml).not.toContain('controller-uid');
    expect(yaml).not.toContain(before.metadata?.uid ?? 'no uid');
    expect((await readJob()).metadata?.uid).toBe(before.metadata?.uid);

    const applied = await fix('team-unattached', { ...confirmed, mode: 'apply' });
    expect(applied.steps.map((step) => [step.kind, step.result?.ok])).toEqual([['reuse-secret', true], ['delete-job', true], ['create-job', true]]);
    expect(applied.follow).toMatchObject({ kind: 'Job', name: 'migrate', secret: 'ghcr-creds' });
    const after = await readJob();
    expect(after.metadata?.uid).not.toBe(before.metadata?.uid);
    expect(after.spec?.template.spec?.imagePullSecrets).toEqual([{ name: 'ghcr-creds' }]);
    expect(after.spec?.selector?.matchLabels).toEqual({ 'batch.kubernetes.io/controller-uid': after.metadata?.uid });
    expect(after.spec?.template.spec?.containers).toEqual(before.spec?.template.spec?.containers);
    const progress = await settle('team-unattached', applied);
    expect(progress.failure).toBeNull();
    expect(progress.pods[0]?.name).not.toBe(pod);
    // Background propagation: the garbage collector deleted the old Job's pod.
    const pods = await clientsFor('sim-admin').core.listNamespacedPod({ namespace: 'team-unattached' });
    expect(pods.items.map((item) => item.metadata?.name)).not.toContain(pod);
  }, 90_000);

  it('through the service account: the account gains the secret and the Job is recreated as it was', async () => {
    const batch = clientsFor('sim-admin').batch;
    const template = { spec: { restartPolicy: 'Never', containers: [{ name: 'seed', image: 'ghcr.io/acme/api:2.1' }] } };
    await batch.createNamespacedJob({ namespace: 'team-unattached', body: { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'seed-db' }, spec: { template } } });
    const pod = await podOf('team-unattached', 'seed-db-');
    const request: FixRequest = { mode: 'apply', pod, container: 'seed', source: { kind: 'existing', name: 'ghcr-creds' }, target: { kind: 'service-account', confirm: true } };
    const applied = await fix('team-unattached', request);
    expect(applied.steps.map((step) => [step.kind, step.title, step.result?.ok])).toEqual([
      ['reuse-secret', 'reuse Secret ghcr-creds', true],
      ['update-service-account', 'add ghcr-creds to service account default', true],
      ['delete-job', `delete Job seed-db and its pod ${pod}`, true],
      ['create-job', 'create Job seed-db again', true],
    ]);
    const account = await clientsFor('sim-admin').core.readNamespacedServiceAccount({ namespace: 'team-unattached', name: 'default' });
    expect(account.imagePullSecrets).toEqual([{ name: 'ghcr-creds' }]);
    const job = await batch.readNamespacedJob({ namespace: 'team-unattached', name: 'seed-db' });
    expect(job.spec?.template.spec?.imagePullSecrets).toBeUndefined();
    const progress = await settle('team-unattached', applied);
    expect(progress.failure).toBeNull();
    expect(progress.pods[0]?.name).not.toBe(pod);
  }, 90_000);
});

describe('as sim-viewer', () => {
  it('offers every option disabled with its reason, and the cluster refuses a forged request', async () => {
    const pod = await podOf('team-unattached', 'migrate-');
    const options = await getFixOptions('sim-viewer', 'team-unattached', pod, 'migrate');
    expect(options.sources.new.allowed).toBe(false);
    expect(options.sources.new.reason).toMatch(/may not create secrets/);
    expect(options.sources.note).toMatch(/may not list secrets/);
    expect(options.targets.every((target) => !target.allowed && target.reason)).toBe(true);
    expect(options.preferred.target).toBeNull();
    const forged = runFix('sim-viewer', 'team-unattached', {
      mode: 'apply',
      pod,
      container: 'migrate',
      source: { kind: 'new', name: 'forged', server: 'ghcr.io', username: 'acme-bot', password: 'forged-password-123' },
      target: { kind: 'workload' },
    });
    await expect(forged).rejects.toBeInstanceOf(ApiError);
    await expect(forged).rejects.toMatchObject({ status: 403, code: 'forbidden' });
  });
});

describe('every answer of these journeys', () => {
  it('holds no password', () => {
    expect(answers.length).toBeGreaterThan(10);
    for (const password of [DAVID_PASSWORD, WRONG_PASSWORD, 'ghp_acme-bot-token', 'team-ci-secret', 'forged-password-123', 'req-pass']) {
      for (const answer of answers) expect(answer).not.toContain(password);
    }
  });
});
