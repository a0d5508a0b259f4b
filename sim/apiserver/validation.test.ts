import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../store';
import { applyCreateDefaults, defaultImagePullPolicy } from './defaults';
import { UPDATABLE_POD_SPEC_FIELDS, validateJobUpdate, validateObject, validatePodUpdate, validateSecretUpdate } from './validation';

const basePod: KubeObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'default' },
  spec: {
    containers: [{ name: 'web', image: 'nginx:1.0' }],
    initContainers: [{ name: 'init', image: 'busybox:1' }],
    imagePullSecrets: [{ name: 'a' }],
    tolerations: [{ key: 'x', operator: 'Exists' }],
    terminationGracePeriodSeconds: 30,
  },
};

function withSpec(changes: Record<string, unknown>): KubeObject {
  return { ...basePod, spec: { ...(basePod.spec as object), ...changes } };
}

const baseJob: KubeObject = {
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'migrate', namespace: 'default' },
  spec: { backoffLimit: 6, template: { metadata: { labels: { 'job-name': 'migrate' } }, spec: { containers: [{ name: 'migrate', image: 'api:2.1' }] } } },
};

describe('validateJobUpdate', () => {
  it('allows changes outside the pod template', () => {
    expect(validateJobUpdate(baseJob, { ...baseJob, spec: { ...(baseJob.spec as object), backoffLimit: 2 } })).toEqual([]);
  });

  it('refuses a new pull secret on the template with the real field, reason and words', () => {
    const template = { metadata: { labels: { 'job-name': 'migrate' } }, spec: { containers: [{ name: 'migrate', image: 'api:2.1' }], imagePullSecrets: [{ name: 'regcred' }] } };
    const causes = validateJobUpdate(baseJob, { ...baseJob, spec: { ...(baseJob.spec as object), template } });
    expect(causes).toEqual([
      {
        reason: 'FieldValueInvalid',
        field: 'spec.template',
        message:
          'Invalid value: core.PodTemplateSpec{ObjectMeta:{"labels":{"job-name":"migrate"}}, Spec:{"containers":[{"name":"migrate","image":"api:2.1"}],"imagePullSecrets":[{"name":"regcred"}]}}: field is immutable',
      },
    ]);
  });
});

describe('validatePodUpdate', () => {
  it.each([
    ['a container image change', withSpec({ containers: [{ name: 'web', image: 'nginx:1.1' }] })],
    ['an init container image change', withSpec({ initContainers: [{ name: 'init', image: 'busybox:2' }] })],
    ['setting activeDeadlineSeconds', withSpec({ activeDeadlineSeconds: 60 })],
    ['adding a toleration', withSpec({ tolerations: [{ key: 'x', operator: 'Exists' }, { key: 'y', operator: 'Exists' }] })],
    ['no change at all', withSpec({})],
  ])('allows %s', (_name, updated) => {
    expect(validatePodUpdate(basePod, updated)).toEqual([]);
  });

  it.each([
    ['imagePullSecrets', withSpec({ imagePullSecrets: [{ name: 'a' }, { name: 'regcred' }] }), 'ImagePullSecrets'],
    ['removing a toleration', withSpec({ tolerations: [] }), 'Tolerations'],
    ['terminationGracePeriodSeconds', withSpec({ terminationGracePeriodSeconds: 5 }), 'TerminationGracePeriodSeconds'],
    ['serviceAccountName', withSpec({ serviceAccountName: 'other' }), 'ServiceAccountName'],
    ['a container command', withSpec({ containers: [{ name: 'web', image: 'nginx:1.0', command: ['sh'] }] }), 'Containers'],
  ])('forbids changing %s with the real words and a diff naming the field', (_name, updated, field) => {
    const causes = validatePodUpdate(basePod, updated);
    expect(causes).toHaveLength(1);
    expect(causes[0]!.field).toBe('spec');
    expect(causes[0]!.reason).toBe('FieldValueForbidden');
    expect(causes[0]!.message.startsWith(`Forbidden: pod updates may not change fields other than ${UPDATABLE_POD_SPEC_FIELDS.join(',')}\n`)).toBe(true);
    expect(causes[0]!.message).toContain(`+ \t${field}:`);
  });

  it('forbids adding or removing containers', () => {
    const causes = validatePodUpdate(basePod, withSpec({ containers: [{ name: 'web', image: 'nginx:1.0' }, { name: 'two', image: 'x' }] }));
    expect(causes).toEqual([{ reason: 'FieldValueForbidden', message: 'Forbidden: pod updates may not add or remove containers', field: 'spec.containers' }]);
  });
});

describe('validateSecretUpdate', () => {
  const secret = (changes: Record<string, unknown>): KubeObject => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, type: 'Opaque', data: { a: 'YQ==' }, ...changes });

  it.each([
    ['a data change', secret({}), secret({ data: { a: 'Yg==' } }), []],
    ['a type change', secret({}), secret({ type: 'kubernetes.io/dockerconfigjson' }), ['type']],
    ['data of an immutable secret', secret({ immutable: true }), secret({ immutable: true, data: {} }), ['data']],
    ['unsetting immutable', secret({ immutable: true }), secret({}), ['immutable']],
  ])('%s → causes on %j', (_name, before, after, fields) => {
    expect(validateSecretUpdate(before, after).map((cause) => cause.field)).toEqual(fields);
  });
});

describe('validateObject', () => {
  const secret = (type: string, data?: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'regcred' }, type, data });

  it.each([
    ['a dockerconfigjson secret without its key', secret('kubernetes.io/dockerconfigjson', {}), 'data[.dockerconfigjson]', 'Required value'],
    [
      'a dockerconfigjson secret that is not JSON',
      secret('kubernetes.io/dockerconfigjson', { '.dockerconfigjson': Buffer.from('{not json').toString('base64') }),
      'data[.dockerconfigjson]',
      'Invalid value: "<secret contents redacted>": ',
    ],
    ['a dockercfg secret without its key', secret('kubernetes.io/dockercfg'), 'data[.dockercfg]', 'Required value'],
    ['a pod without containers', { ...basePod, spec: { containers: [] } }, 'spec.containers', 'Required value'],
    ['a container without image', { ...basePod, spec: { containers: [{ name: 'web' }] } }, 'spec.containers[0].image', 'Required value'],
    ['an upper-case name', { ...basePod, metadata: { name: 'Web' } }, 'metadata.name', 'Invalid value: "Web": a lowercase RFC 1123 subdomain'],
    ['a missing name', { ...basePod, metadata: { name: '' } }, 'metadata.name', 'Required value: name or generateName is required'],
  ])('rejects %s', (_name, object, field, message) => {
    const resource = object.kind === 'Secret' ? 'secrets' : 'pods';
    const causes = validateObject(resource, object);
    expect(causes.map((cause) => cause.field)).toContain(field);
    expect(causes.find((cause) => cause.field === field)!.message.startsWith(message)).toBe(true);
  });

  it('accepts a well-formed pull secret and pod', () => {
    expect(validateObject('secrets', secret('kubernetes.io/dockerconfigjson', { '.dockerconfigjson': Buffer.from('{"auths":{}}').toString('base64') }))).toEqual([]);
    expect(validateObject('pods', basePod)).toEqual([]);
  });
});

describe('create defaults', () => {
  it.each([
    ['nginx', 'Always'],
    ['nginx:latest', 'Always'],
    ['nginx:1.27', 'IfNotPresent'],
    ['localhost:5000/team/app', 'Always'],
    ['localhost:5000/team/app:v1', 'IfNotPresent'],
    ['nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', 'IfNotPresent'],
    ['nginx:latest@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', 'Always'],
  ])('the pull policy of %s defaults to %s', (image, policy) => {
    expect(defaultImagePullPolicy(image)).toBe(policy);
  });

  it('defaults a pod as the API server does and sets it Pending', () => {
    const pod = applyCreateDefaults('pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
    expect(pod.spec).toMatchObject({ restartPolicy: 'Always', serviceAccountName: 'default', schedulerName: 'default-scheduler', containers: [{ imagePullPolicy: 'Always' }] });
    expect(pod.status).toEqual({ phase: 'Pending', qosClass: 'BestEffort' });
  });

  it('folds secret stringData into data and defaults the type', () => {
    const secret = applyCreateDefaults('secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { a: 'eA==' }, stringData: { a: 'y', b: 'z' } });
    expect(secret).toMatchObject({ type: 'Opaque', data: { a: 'eQ==', b: 'eg==' } });
    expect(secret.stringData).toBeUndefined();
  });

  it('defaults a deployment replicas, strategy and template', () => {
    const deployment = applyCreateDefaults('deployments', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd' },
      spec: { template: { spec: { containers: [{ name: 'c', image: 'nginx:1' }] } } },
    });
    expect(deployment.spec).toMatchObject({ replicas: 1, progressDeadlineSeconds: 600, strategy: { type: 'RollingUpdate' }, template: { spec: { dnsPolicy: 'ClusterFirst' } } });
  });
});

describe('image volumes (validateImageVolumeSource)', () => {
  const volumePod = (image: Record<string, unknown>, mounts: { name: string }[] = [{ name: 'models' }]) =>
    withSpec({ volumes: [{ name: 'models', image }], containers: [{ name: 'web', image: 'nginx:1.0', volumeMounts: mounts.map((mount) => ({ ...mount, mountPath: '/m' })) }] });

  it('defaults the pull policy from the reference, as for a container image', () => {
    const pinned = applyCreateDefaults('pods', volumePod({ reference: 'ghcr.io/acme/models:1.0' }));
    const latest = applyCreateDefaults('pods', volumePod({ reference: 'ghcr.io/acme/models' }));
    expect((pinned.spec as { volumes: { image: unknown }[] }).volumes[0]?.image).toEqual({ reference: 'ghcr.io/acme/models:1.0', pullPolicy: 'IfNotPresent' });
    expect((latest.spec as { volumes: { image: unknown }[] }).volumes[0]?.image).toEqual({ reference: 'ghcr.io/acme/models', pullPolicy: 'Always' });
    expect(validateObject('pods', pinned)).toEqual([]);
  });

  it('requires a reference and one of the three pull policies, with the real field paths and words', () => {
    expect(validateObject('pods', volumePod({ pullPolicy: 'IfNotPresent' }))).toEqual([
      { reason: 'FieldValueRequired', message: 'Required value', field: 'spec.volumes[0].image.reference' },
    ]);
    expect(validateObject('pods', volumePod({ reference: 'ghcr.io/acme/models:1.0', pullPolicy: 'Sometimes' }))).toEqual([
      {
        reason: 'FieldValueNotSupported',
        message: 'Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"',
        field: 'spec.volumes[0].image.pullPolicy',
      },
    ]);
  });

  it('refuses a mount of a volume the pod does not declare', () => {
    expect(validateObject('pods', volumePod({ reference: 'ghcr.io/acme/models:1.0', pullPolicy: 'Always' }, [{ name: 'modles' }]))).toEqual([
      { reason: 'FieldValueNotFound', message: 'Not found: "modles"', field: 'spec.containers[0].volumeMounts[0].name' },
    ]);
  });
});
