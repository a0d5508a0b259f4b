import { describe, expect, it } from 'vitest';
import type { VerdictCode } from './verdicts';
import {
  fixChecklist,
  initialChoice,
  validateNewSecret,
  type FixOptions,
  type FixProgress,
  type FixResponse,
} from './fix-plan';
import { fixRequestSchema } from './api/fix-request';

describe('validateNewSecret', () => {
  it('asks for what kubectl requires', () => {
    expect(validateNewSecret({ name: '', server: ' ', username: '', password: '' })).toEqual({
      name: 'a secret name is required',
      server: 'the registry server is required',
      username: 'a username is required',
      password: 'a password or token is required',
    });
  });

  it.each(['Regcred', 'reg_cred', '-regcred', 'regcred-', 'a'.repeat(254)])('refuses the name %s', (name) => {
    expect(validateNewSecret({ name, server: 'ghcr.io', username: 'u', password: 'p' }).name).toBeDefined();
  });

  it('accepts a complete form', () => {
    expect(validateNewSecret({ name: 'regcred-docker-io', server: 'https://index.docker.io/v1/', username: 'u', password: 'p' })).toEqual({});
  });
});

describe('fixRequestSchema', () => {
  const base = { mode: 'preview', pod: 'web-1', container: 'app', source: { kind: 'existing', name: 'regcred' } };

  it('needs an explicit confirmation to recreate a pod', () => {
    expect(fixRequestSchema.safeParse({ ...base, target: { kind: 'recreate-pod' } }).success).toBe(false);
    expect(fixRequestSchema.safeParse({ ...base, target: { kind: 'recreate-pod', confirm: false } }).success).toBe(false);
    expect(fixRequestSchema.safeParse({ ...base, target: { kind: 'recreate-pod', confirm: true } }).success).toBe(true);
  });

  it('takes a confirmation for the workload and service-account targets, which recreate a Job', () => {
    for (const kind of ['workload', 'service-account']) {
      expect(fixRequestSchema.safeParse({ ...base, target: { kind } }).success).toBe(true);
      expect(fixRequestSchema.safeParse({ ...base, target: { kind, confirm: true } }).success).toBe(true);
      expect(fixRequestSchema.safeParse({ ...base, target: { kind, confirm: false } }).success).toBe(false);
    }
  });

  it.each([
    { ...base, mode: 'delete', target: { kind: 'workload' } },
    { ...base, pod: 'Web', target: { kind: 'workload' } },
    { ...base, source: { kind: 'copy', fromNamespace: 'a/b', name: 'x' }, target: { kind: 'workload' } },
    { ...base, source: { kind: 'new', name: 'x', server: 'ghcr.io', username: 'u' }, target: { kind: 'workload' } },
  ])('refuses %j', (body) => {
    expect(fixRequestSchema.safeParse(body).success).toBe(false);
  });
});

describe('fixChecklist', () => {
  const applied: FixResponse = {
    mode: 'apply',
    applied: true,
    follow: { kind: 'Deployment', name: 'web', after: '2026-11-26T15:00:00Z', secret: 'regcred', restartedAt: null },
    steps: [
      { kind: 'create-secret', title: 'create Secret regcred', yaml: null, dryRun: { ok: true, message: 'ok' }, result: { ok: true, message: 'created' } },
      { kind: 'patch-workload', title: 'patch Deployment web', yaml: null, dryRun: { ok: true, message: 'ok' }, result: { ok: true, message: 'patched' } },
    ],
  };
  const pod = (phase: string, pulled: boolean) => ({ name: 'web-2', created: '2026-11-26T15:00:01Z', phase, containers: [{ name: 'app', state: pulled ? 'running' : 'waiting', reason: null, pulled }] as FixProgress['pods'][number]['containers'] });
  const progress = (pods: FixProgress['pods'], failure: FixProgress['failure'] = null): FixProgress => ({ workload: { kind: 'Deployment', name: 'web' }, pods, failure, note: null });
  const states = (items: ReturnType<typeof fixChecklist>) => items.map((item) => item.state);

  it.each<[string, FixProgress | null, string[]]>([
    ['before the first poll', null, ['done', 'done', 'active', 'pending', 'pending']],
    ['no new pod yet', progress([]), ['done', 'done', 'active', 'pending', 'pending']],
    ['pulling', progress([pod('Pending', false)]), ['done', 'done', 'done', 'active', 'pending']],
    ['running', progress([pod('Running', true)]), ['done', 'done', 'done', 'done', 'done']],
    [
      'rejected',
      progress([pod('Pending', false)], {
        pod: 'web-2',
        container: 'app',
        verdict: { code: 'credentials-rejected', title: 'credentials rejected', explanation: 'x', fix: 'y', secretName: 'regcred', partial: false },
      }),
      ['done', 'done', 'done', 'failed', 'pending'],
    ],
  ])('%s', (_name, current, expected) => {
    expect(states(fixChecklist(applied, current))).toEqual(expected);
  });

  it('stops at a failed step', () => {
    const failed: FixResponse = { ...applied, applied: false, steps: [{ ...applied.steps[0]!, result: { ok: false, message: 'forbidden' } }, applied.steps[1]!] };
    expect(states(fixChecklist(failed, null))).toEqual(['failed', 'pending', 'pending', 'pending', 'pending']);
  });
});

describe('initialChoice', () => {
  const options: FixOptions = {
    pod: 'web-1',
    container: 'app',
    image: 'davidpuziol/nginx',
    registry: 'docker.io',
    workload: { kind: 'Deployment', name: 'web' },
    serviceAccount: 'default',
    defaults: { secretName: 'regcred-docker-io', server: 'https://index.docker.io/v1/', portNote: null },
    sources: { new: { allowed: true, reason: null }, existing: [{ name: 'dockercreds', servers: ['https://index.docker.io/v1/'], allowed: true, reason: null }], copies: [], note: null },
    targets: [
      { kind: 'workload', label: 'Deployment web', description: '', allowed: true, reason: null, possible: true },
      { kind: 'service-account', label: 'service account default', description: '', allowed: true, reason: null, possible: true },
    ],
    podSecrets: [],
    attached: { template: [], serviceAccount: [] },
    management: null,
    preferred: { source: 'existing', existingName: 'dockercreds', target: 'workload' },
  };

  it.each<[string, string | null, Partial<ReturnType<typeof initialChoice>>]>([
    ['secret-not-attached', null, { source: 'existing', existingName: 'dockercreds', target: 'workload' }],
    ['secret-not-attached', 'dockercreds', { source: 'existing', existingName: 'dockercreds', target: 'workload' }],
    ['credentials-rejected', 'dockercreds', { source: 'new', newName: 'dockercreds', replaceExisting: true }],
    ['malformed-secret', 'registry-creds', { source: 'new', newName: 'registry-creds', replaceExisting: true }],
    ['referenced-secret-missing', 'ghcr-pull', { source: 'new', newName: 'ghcr-pull', replaceExisting: false }],
    ['pod-predates-service-account', null, { target: 'service-account' }],
  ])('%s (secret %s)', (code, secretName, expected) => {
    expect(initialChoice(options, { code: code as VerdictCode, secretName })).toMatchObject(expected);
  });

  it('replaces the data of a secret a bare pod names in place, before recreating the pod', () => {
    const bare: FixOptions = {
      ...options,
      workload: null,
      podSecrets: ['registry-creds'],
      targets: [
        { kind: 'in-place', label: 'nothing to attach', description: '', allowed: true, reason: null, possible: true },
        { kind: 'recreate-pod', label: 'recreate pod web-1', description: '', allowed: true, reason: null, possible: true },
      ],
      preferred: { ...options.preferred, target: 'recreate-pod' },
    };
    for (const code of ['malformed-secret', 'credentials-rejected', 'referenced-secret-missing'] as const) {
      expect(initialChoice(bare, { code, secretName: 'registry-creds' })).toMatchObject({ source: 'new', newName: 'registry-creds', target: 'in-place' });
    }
    expect(initialChoice(bare, { code: 'malformed-secret', secretName: 'other' }).target).toBe('recreate-pod');
  });

  it('offers a new secret under the derived name when nothing matches', () => {
    const none = { ...options, sources: { ...options.sources, existing: [] }, preferred: { ...options.preferred, source: 'new' as const, existingName: null } };
    expect(initialChoice(none, { code: 'missing-secret', secretName: null })).toEqual({ source: 'new', existingName: null, newName: 'regcred-docker-io', replaceExisting: false, target: 'workload' });
  });
});
