import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import kubectlSecret from '../test/fixtures/kubectl-secret.json';
import { encodeBase64 } from './base64';
import {
  COPIED_FROM_ANNOTATION,
  MASK,
  copiedPullSecret,
  newPullSecret,
  previewYaml,
  pullSecretsPatch,
  recreatedJob,
  restartPatch,
  secretPreview,
  serverPrefill,
  withPullSecret,
} from './fix-manifests';
import type { PatchableKind } from './fix-plan';

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

describe('previewYaml', () => {
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
      expect(parseYaml(previewYaml(value))).toEqual(value);
    }), { numRuns: 500 });
  });
});
