import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import kubectlSecret from '../test/fixtures/kubectl-secret.json';
import type { VerdictCode } from './pull-verdict';
import {
  COPIED_FROM_ANNOTATION,
  MASK,
  copiedPullSecret,
  deriveSecretName,
  encodeBase64,
  fixChecklist,
  initialChoice,
  newPullSecret,
  pullSecretsPatch,
  recreatedJob,
  restartPatch,
  secretPreview,
  serverPrefill,
  toYaml,
  validateNewSecret,
  withPullSecret,
  type FixOptions,
  type FixProgress,
  type FixResponse,
  type PatchableKind,
} from './fix-plan';
import { fixRequestSchema } from './api/fix-request';

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

describe('deriveSecretName', () => {
  it.each([
    ['docker.io', [], 'regcred-docker-io'],
    ['ghcr.io', [], 'regcred-ghcr-io'],
    ['registry.example.com:5000', [], 'regcred-registry-example-com-5000'],
    ['docker.io', ['regcred-docker-io'], 'regcred-docker-io-2'],
    ['docker.io', ['regcred-docker-io', 'regcred-docker-io-2'], 'regcred-docker-io-3'],
    ['123456789012.dkr.ecr.us-east-1.amazonaws.com', [], 'regcred-123456789012-dkr-ecr-us-east-1-amazonaws-com'],
    ['[::1]:5000', [], 'regcred-1-5000'],
  ])('%s with %j taken → %s', (registry, taken, expected) => {
    expect(deriveSecretName(registry, taken)).toBe(expected);
  });

  it('always yields a valid, free name', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.array(fc.string(), { maxLength: 5 }), (registry, extra) => {
        const taken = [deriveSecretName(registry, []), ...extra];
        const name = deriveSecretName(registry, taken);
        expect(name).toMatch(DNS1123_SUBDOMAIN);
        expect(name.length).toBeLessThanOrEqual(63);
        expect(taken).not.toContain(name);
      }),
    );
  });
});

describe('serverPrefill', () => {
  it.each([
    ['docker.io', 'https://index.docker.io/v1/', false],
    ['ghcr.io', 'ghcr.io', false],
    ['registry.example.com:5000', 'registry.example.com:5000', true],
    ['localhost:5000', 'localhost:5000', true],
  ])('%s → %s (port note: %s)', (registry, server, note) => {
    const prefill = serverPrefill(registry);
    expect(prefill.server).toBe(server);
    expect(prefill.portNote !== null).toBe(note);
  });
});

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

describe('newPullSecret', () => {
  it.each(kubectlSecret.cases)('writes kubectl\'s bytes ($source)', (vector) => {
    const secret = newPullSecret('default', { name: 'foo', server: vector.server, username: vector.username, password: vector.password, email: vector.email ?? undefined });
    expect(secret.type).toBe('kubernetes.io/dockerconfigjson');
    expect(Buffer.from(secret.data['.dockerconfigjson'] ?? '', 'base64').toString('utf8')).toBe(vector.dockerconfigjson);
  });

  it('encodes base64 as Node does, UTF-8 included', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (text) => {
      expect(encodeBase64(text)).toBe(Buffer.from(text, 'utf8').toString('base64'));
    }));
  });
});

describe('copiedPullSecret', () => {
  it('keeps type and data and records the origin', () => {
    const copy = copiedPullSecret({ namespace: 'team-a', name: 'hub', type: 'kubernetes.io/dockercfg', data: { '.dockercfg': 'e30=' } }, 'default', 'hub-copy');
    expect(copy).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'hub-copy', namespace: 'default', annotations: { [COPIED_FROM_ANNOTATION]: 'team-a/hub' } },
      type: 'kubernetes.io/dockercfg',
      data: { '.dockercfg': 'e30=' },
    });
  });
});

describe('pullSecretsPatch', () => {
  it.each<[PatchableKind, string[], string, unknown]>([
    ['Deployment', [], 'regcred', { spec: { template: { spec: { imagePullSecrets: [{ name: 'regcred' }] } } } }],
    ['StatefulSet', ['old'], 'regcred', { spec: { template: { spec: { imagePullSecrets: [{ name: 'old' }, { name: 'regcred' }] } } } }],
    ['CronJob', [], 'regcred', { spec: { jobTemplate: { spec: { template: { spec: { imagePullSecrets: [{ name: 'regcred' }] } } } } } }],
    ['Deployment', ['regcred'], 'regcred', null],
  ])('%s with %j + %s', (kind, existing, secret, expected) => {
    expect(pullSecretsPatch(kind, existing, secret)).toEqual(expected);
  });

  it('never drops or duplicates an entry', () => {
    const names = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/);
    fc.assert(
      fc.property(fc.uniqueArray(names, { maxLength: 6 }), names, (existing, secret) => {
        const patch = pullSecretsPatch('Deployment', existing, secret) as { spec: { template: { spec: { imagePullSecrets: { name: string }[] } } } } | null;
        const result = patch ? patch.spec.template.spec.imagePullSecrets.map((entry) => entry.name) : existing;
        expect(new Set(result).size).toBe(result.length);
        expect(result).toEqual(expect.arrayContaining([...existing, secret]));
        expect(result.slice(0, existing.length)).toEqual(existing);
        expect(withPullSecret(existing, secret)).toEqual(result);
      }),
    );
  });
});

describe('recreatedJob', () => {
  const uid = '0b5e7f6a-1c2d-4e3f-8a9b-0c1d2e3f4a5b';
  const job = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: 'migrate',
      namespace: 'team-unattached',
      uid,
      resourceVersion: '4711',
      creationTimestamp: new Date('2026-11-26T15:00:00Z'),
      generation: 1,
      managedFields: [{ manager: 'kubectl' }],
      labels: { app: 'api', 'controller-uid': uid },
      annotations: { team: 'platform' },
    },
    spec: {
      backoffLimit: 2,
      completions: 1,
      selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } },
      template: {
        metadata: { labels: { app: 'api', 'batch.kubernetes.io/controller-uid': uid, 'controller-uid': uid, 'job-name': 'migrate' } },
        spec: { restartPolicy: 'Never', imagePullSecrets: [{ name: 'old' }], containers: [{ name: 'migrate', image: 'ghcr.io/acme/api:2.1' }] },
      },
    },
    status: { active: 1, failed: 0 },
  };

  it('keeps the spec and user metadata, adds the secret, and drops what the API server set', () => {
    expect(recreatedJob(job, 'ghcr-creds')).toEqual({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'migrate', namespace: 'team-unattached', labels: { app: 'api' }, annotations: { team: 'platform' } },
      spec: {
        backoffLimit: 2,
        completions: 1,
        template: {
          metadata: { labels: { app: 'api', 'job-name': 'migrate' } },
          spec: {
            restartPolicy: 'Never',
            imagePullSecrets: [{ name: 'old' }, { name: 'ghcr-creds' }],
            containers: [{ name: 'migrate', image: 'ghcr.io/acme/api:2.1' }],
          },
        },
      },
    });
    expect(job.metadata.uid).toBe(uid);
    expect(job.spec.template.spec.imagePullSecrets).toEqual([{ name: 'old' }]);
  });

  it('keeps the template as it is for the service-account path, and a selector the user wrote', () => {
    const manual = { ...job, spec: { ...job.spec, manualSelector: true, selector: { matchLabels: { app: 'api' }, matchExpressions: [{ key: 'tier', operator: 'Exists' }] } } };
    const recreated = recreatedJob(manual, null);
    expect(recreated.spec.selector).toEqual({ matchLabels: { app: 'api' }, matchExpressions: [{ key: 'tier', operator: 'Exists' }] });
    expect(recreated.spec.template.spec.imagePullSecrets).toEqual([{ name: 'old' }]);
  });

  it('names a secret the template already lists once', () => {
    expect(recreatedJob(job, 'old').spec.template.spec.imagePullSecrets).toEqual([{ name: 'old' }]);
  });
});

describe('restartPatch', () => {
  const at = new Date('2026-11-26T15:00:00.000Z');
  it('sets restartedAt on the pod template, the CronJob\'s inside its job template', () => {
    expect(restartPatch('Deployment', at)).toEqual({
      spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-11-26T15:00:00.000Z' } } } },
    });
    expect(restartPatch('CronJob', at)).toEqual({
      spec: { jobTemplate: { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-11-26T15:00:00.000Z' } } } } } },
    });
  });
});

describe('secretPreview', () => {
  it('shows server, username and email and masks password and auth', () => {
    const preview = secretPreview(newPullSecret('default', { name: 'regcred-docker-io', server: 'https://index.docker.io/v1/', username: 'davidpuziol', password: 'Dav1d-pull-2024', email: 'd@example.com' }));
    const parsed = parseYaml(preview) as { stringData: Record<string, string>; metadata: { name: string } };
    expect(parsed.metadata.name).toBe('regcred-docker-io');
    expect(JSON.parse(parsed.stringData['.dockerconfigjson'] ?? '')).toEqual({
      auths: { 'https://index.docker.io/v1/': { username: 'davidpuziol', password: MASK, email: 'd@example.com', auth: MASK } },
    });
  });

  it('masks identity tokens and anything it cannot decode', () => {
    const token = encodeBase64('{"auths":{"ghcr.io":{"identitytoken":"tok-123"}}}');
    expect(secretPreview({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'a', namespace: 'b' }, type: 'x', data: { '.dockerconfigjson': token, other: 'bm90IGpzb24=' } })).not.toMatch(/tok-123|not json|bm90/);
  });

  it('never contains the password, the auth value or the encoded data', () => {
    const field = fc.string({ minLength: 1, maxLength: 30 });
    fc.assert(
      fc.property(field, field, fc.string({ minLength: 6, maxLength: 40 }), fc.option(field, { nil: undefined }), (server, username, password, email) => {
        fc.pre(![server, username, email ?? '', 'regcred', MASK].some((other) => other.includes(password)));
        const secret = newPullSecret('default', { name: 'regcred', server, username, password, email });
        const preview = secretPreview(secret);
        const auth = encodeBase64(`${username}:${password}`);
        for (const form of [password, JSON.stringify(password).slice(1, -1), auth, secret.data['.dockerconfigjson'] ?? '']) {
          expect(preview).not.toContain(form);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('toYaml', () => {
  const json: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      fc.string(),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(fc.string({ minLength: 1 }), tie('value'), { maxKeys: 4 }),
    ),
  })).value;

  it('reads back as the same value', () => {
    fc.assert(fc.property(json, (value) => {
      expect(parseYaml(toYaml(value))).toEqual(value);
    }), { numRuns: 500 });
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
      { kind: 'workload', label: 'Deployment web', description: '', allowed: true, reason: null },
      { kind: 'service-account', label: 'service account default', description: '', allowed: true, reason: null },
    ],
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

  it('offers a new secret under the derived name when nothing matches', () => {
    const none = { ...options, sources: { ...options.sources, existing: [] }, preferred: { ...options.preferred, source: 'new' as const, existingName: null } };
    expect(initialChoice(none, { code: 'missing-secret', secretName: null })).toEqual({ source: 'new', existingName: null, newName: 'regcred-docker-io', replaceExisting: false, target: 'workload' });
  });
});
