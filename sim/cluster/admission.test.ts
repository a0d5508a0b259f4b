import { describe, expect, it } from 'vitest';
import { AdmissionError } from '../contracts';
import { ObjectStore, type KubeObject } from '../store';
import { admit, defaultPullPolicy } from './admission';
import type { Pod } from './objects';

function storeWithAccounts(...accounts: KubeObject[]): ObjectStore {
  const store = new ObjectStore();
  for (const account of accounts) store.create('serviceaccounts', account);
  return store;
}

function account(name: string, imagePullSecrets?: { name: string }[]): KubeObject {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: 'team' }, ...(imagePullSecrets ? { imagePullSecrets } : {}) };
}

function pod(spec: Partial<Pod['spec']> = {}): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', namespace: 'team' }, spec: { containers: [{ name: 'web', image: 'nginx' }], ...spec } };
}

describe('ServiceAccount admission', () => {
  it('runs the pod as default and copies the account\'s pull secrets when the pod names none', () => {
    const store = storeWithAccounts(account('default', [{ name: 'regcred' }, { name: 'backup' }]));
    const admitted = admit('pods', pod(), store) as Pod;
    expect(admitted.spec.serviceAccountName).toBe('default');
    expect(admitted.spec.serviceAccount).toBe('default');
    expect(admitted.spec.imagePullSecrets).toEqual([{ name: 'regcred' }, { name: 'backup' }]);
  });

  it('keeps the pod\'s own pull secrets over the account\'s', () => {
    const store = storeWithAccounts(account('builder', [{ name: 'regcred' }]));
    const admitted = admit('pods', pod({ serviceAccountName: 'builder', imagePullSecrets: [{ name: 'mine' }] }), store) as Pod;
    expect(admitted.spec.imagePullSecrets).toEqual([{ name: 'mine' }]);
  });

  it('rejects a pod whose service account does not exist, in the real plugin\'s words', () => {
    const store = storeWithAccounts(account('default'));
    const attempt = () => admit('pods', pod({ serviceAccountName: 'deployer' }), store);
    expect(attempt).toThrow(AdmissionError);
    try {
      attempt();
    } catch (error) {
      expect((error as AdmissionError).code).toBe(403);
      expect((error as AdmissionError).message).toBe(
        'pods "web-1" is forbidden: error looking up service account team/deployer: serviceaccount "deployer" not found',
      );
    }
  });

  it('leaves later changes to the account out of pods that already exist (admission runs on create only)', () => {
    const store = storeWithAccounts(account('default'));
    const admitted = admit('pods', pod(), store) as Pod;
    const stored = store.create('pods', admitted) as Pod;
    const current = store.get('serviceaccounts', 'team', 'default');
    if (!current) throw new Error('account missing');
    store.update('serviceaccounts', { ...current, imagePullSecrets: [{ name: 'late' }] });
    expect((store.get('pods', 'team', stored.metadata.name) as Pod).spec.imagePullSecrets).toBeUndefined();
    expect((admit('pods', pod(), store) as Pod).spec.imagePullSecrets).toEqual([{ name: 'late' }]);
  });

  it('fills the defaults the tools display', () => {
    const store = storeWithAccounts(account('default'));
    const admitted = admit('pods', pod({ initContainers: [{ name: 'init', image: 'busybox:1.36' }] }), store) as Pod;
    expect(admitted.spec).toMatchObject({ restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', schedulerName: 'default-scheduler', terminationGracePeriodSeconds: 30, priority: 0 });
    expect(admitted.spec.containers[0]).toMatchObject({ imagePullPolicy: 'Always', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File' });
    expect(admitted.spec.initContainers?.[0]?.imagePullPolicy).toBe('IfNotPresent');
    expect(admitted.spec.nodeName).toBeUndefined();
    expect(admitted.status).toMatchObject({ phase: 'Pending' });
  });
});

describe('imagePullPolicy defaulting', () => {
  const cases: [string, 'Always' | 'IfNotPresent'][] = [
    ['nginx', 'Always'],
    ['nginx:latest', 'Always'],
    ['docker.io/library/nginx:latest', 'Always'],
    ['nginx:1.27', 'IfNotPresent'],
    ['registry.example.com:5000/team/app', 'Always'],
    ['registry.example.com:5000/team/app:1.4', 'IfNotPresent'],
    ['nginx@sha256:4c0fdaa8b6341bfdeca5f18f7837462c80cff90527ee35ef185571e1c327beac', 'IfNotPresent'],
    ['nginx:latest@sha256:4c0fdaa8b6341bfdeca5f18f7837462c80cff90527ee35ef185571e1c327beac', 'Always'],
    ['Nginx:Latest', 'IfNotPresent'],
  ];
  for (const [image, policy] of cases) it(`${image} → ${policy}`, () => expect(defaultPullPolicy(image)).toBe(policy));

  it('keeps a policy that was written', () => {
    const store = storeWithAccounts(account('default'));
    const admitted = admit('pods', pod({ containers: [{ name: 'web', image: 'nginx', imagePullPolicy: 'Never' }] }), store) as Pod;
    expect(admitted.spec.containers[0]?.imagePullPolicy).toBe('Never');
  });
});

describe('other types', () => {
  it('folds a secret\'s stringData into data', () => {
    const secret = admit('secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'team' }, type: 'kubernetes.io/dockerconfigjson', stringData: { '.dockerconfigjson': '{"auths":{}}' }, data: { other: 'eA==' } }, new ObjectStore());
    expect(secret.data).toEqual({ other: 'eA==', '.dockerconfigjson': Buffer.from('{"auths":{}}').toString('base64') });
    expect(secret.stringData).toBeUndefined();
  });

  it('gives a Job a selector on its own uid and labels its template', () => {
    const job = admit('jobs', { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'migrate', namespace: 'team' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } } }, new ObjectStore());
    const uid = job.metadata.uid;
    expect(uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(job.spec).toMatchObject({ completions: 1, parallelism: 1, backoffLimit: 6, selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } } });
    expect((job.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels).toMatchObject({ 'job-name': 'migrate', 'controller-uid': uid });
  });

  it('defaults a Deployment\'s strategy and deadline', () => {
    const deployment = admit('deployments', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'team' }, spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } } } }, new ObjectStore());
    expect(deployment.spec).toMatchObject({ replicas: 1, progressDeadlineSeconds: 600, revisionHistoryLimit: 10, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } } });
  });
});
