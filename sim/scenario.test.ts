import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { admit } from './cluster/admission';
import { startControllers } from './cluster/controllers/index';
import type { Pod, Workload } from './cluster/objects';
import { applyScenario, loadScenario, parseScenario, ScenarioError } from './scenario';
import { generateScaleScenario } from './scenarios/scale';
import { ObjectStore } from './store';

describe('the demo scenario file', () => {
  const demo = loadScenario('demo');

  it('has the admin and a viewer who may read workloads but not secrets, and may change nothing', () => {
    expect(demo.users.map((user) => user.name)).toEqual(['sim-admin', 'sim-viewer']);
    const viewer = demo.users[1];
    expect(viewer?.username).toBe('system:serviceaccount:pullfix:viewer');
    const granted = viewer?.rules.flatMap((rule) => rule.resources.flatMap((resource) => rule.verbs.map((verb) => `${verb} ${resource}`))) ?? [];
    for (const resource of ['pods', 'events', 'namespaces', 'nodes', 'serviceaccounts', 'deployments', 'replicasets', 'statefulsets', 'daemonsets', 'jobs', 'cronjobs']) {
      expect(granted).toEqual(expect.arrayContaining([`get ${resource}`, `list ${resource}`, `watch ${resource}`]));
    }
    expect(granted).toContain('create selfsubjectaccessreviews');
    expect(granted.filter((grant) => grant.includes('secrets'))).toEqual([]);
    expect(granted.filter((grant) => /^(create|update|patch|delete|\*) /.test(grant) && grant !== 'create selfsubjectaccessreviews' && grant !== 'create selfsubjectrulesreviews')).toEqual([]);
    expect(new Set(demo.users.map((user) => user.token)).size).toBe(2);
  });

  it('holds a workload of every kind', () => {
    const kinds = new Set(demo.objects.map((object) => object.kind));
    for (const kind of ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'Pod', 'ReplicaSet']) expect(kinds).toContain(kind);
  });

  it('applies the service account\'s secret only after the pod exists (pod-predates-service-account)', async () => {
    const store = new ObjectStore();
    const controllers = startControllers({ store, admit, timeScale: 1 });
    try {
      await applyScenario(demo, { store, admit, settle: () => controllers.settle() });
      const web = (store.list('pods', 'team-sa') as Pod[])[0];
      expect(web?.spec.serviceAccountName).toBe('builder');
      expect(web?.spec.imagePullSecrets).toBeUndefined();
      expect(store.get('serviceaccounts', 'team-sa', 'builder')?.imagePullSecrets).toEqual([{ name: 'team-creds' }]);
      const david = (store.list('pods', 'default') as Pod[]).find((pod) => pod.metadata.name.startsWith('nginx-david-'));
      expect(david?.spec.imagePullSecrets).toBeUndefined();
      expect(store.get('secrets', 'default', 'dockerreq')?.data).toEqual({
        '.dockerconfigjson': Buffer.from('{"auths":{"https://index.docker.io/v1/":{"username":"reqbot","password":"req-pass","email":"reqbot@example.com","auth":"cmVxYm90OnJlcS1wYXNz"}}}').toString('base64'),
      });
    } finally {
      controllers.stop();
    }
  });
});

describe('scenario files', () => {
  const header = 'kind: Scenario\nnodes: [{ name: n1 }]\nusers: [{ name: sim-admin, username: admin, rules: [{ verbs: ["*"], apiGroups: ["*"], resources: ["*"] }] }]\nregistries: []\n';

  it('loads a scenario by path', () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'scenario-'));
    const file = path.join(directory, 'tiny.yaml');
    writeFileSync(file, `${header}---\napiVersion: v1\nkind: ServiceAccount\nmetadata: { name: robot, namespace: ci }\n`);
    const scenario = loadScenario(file);
    expect(scenario.name).toBe('tiny');
    expect(scenario.objects.map((object) => object.metadata.name)).toEqual(['robot']);
    expect(scenario.users[0]?.token).toMatch(/^[\w-]{32}$/);
  });

  const broken: [string, string, RegExp][] = [
    ['no header', 'apiVersion: v1\nkind: Pod\nmetadata: { name: p }\n', /the first document must have kind: Scenario/],
    ['no nodes', header.replace('nodes: [{ name: n1 }]', 'nodes: []'), /nodes: a scenario needs at least one node/],
    ['a bad registry auth', `${header.replace('registries: []', 'registries: [{ host: x.io, auth: oauth }]')}`, /registries\[0\]\.auth: expected one of token, basic, none/],
    ['an object without a name', `${header}---\napiVersion: v1\nkind: Pod\nmetadata: {}\n`, /document 2\.metadata\.name: expected a non-empty string/],
  ];
  for (const [label, text, message] of broken) {
    it(`rejects ${label}`, () => {
      expect(() => parseScenario(text, 'broken')).toThrow(ScenarioError);
      expect(() => parseScenario(text, 'broken')).toThrow(message);
    });
  }

  it('names the missing scenario', () => {
    expect(() => loadScenario('no-such-scenario')).toThrow(/scenario "no-such-scenario" not found/);
  });
});

describe('the scale scenario', () => {
  const cases = [
    { namespaces: 10, pods: 1000, failingRatio: 0.1 },
    { namespaces: 7, pods: 95, failingRatio: 0.5 },
    { namespaces: 3, pods: 30, failingRatio: 0 },
  ];
  for (const options of cases) {
    it(`${options.pods} pods in ${options.namespaces} namespaces, ${options.failingRatio * 100}% of deployments failing`, () => {
      const scenario = generateScaleScenario(options);
      const pods = scenario.objects.filter((object) => object.kind === 'Pod') as Pod[];
      const deployments = scenario.objects.filter((object) => object.kind === 'Deployment');
      expect(pods).toHaveLength(options.pods);
      expect(scenario.namespaces).toHaveLength(options.namespaces);
      const failingDeployments = deployments.filter((deployment) => (deployment as Workload).spec.template.spec.containers[0]?.image?.includes('private'));
      expect(failingDeployments).toHaveLength(Math.round(deployments.length * options.failingRatio));
      const failingPods = pods.filter((pod) => pod.status?.containerStatuses?.[0]?.state.waiting?.reason === 'ImagePullBackOff');
      const failingReplicas = failingDeployments.reduce((total, deployment) => total + Number((deployment as Workload).spec.replicas), 0);
      expect(failingPods).toHaveLength(failingReplicas);
      expect(pods.filter((pod) => pod.status?.phase === 'Running')).toHaveLength(options.pods - failingReplicas);
    });
  }

  it('is already settled: the controllers find nothing to create', async () => {
    const scenario = generateScaleScenario({ namespaces: 5, pods: 200, failingRatio: 0.2 });
    const store = new ObjectStore();
    const controllers = startControllers({ store, admit, timeScale: 1 });
    try {
      await applyScenario(scenario, { store, admit, settle: () => controllers.settle() });
      expect(store.list('replicasets')).toHaveLength(scenario.objects.filter((object) => object.kind === 'ReplicaSet').length);
      expect(store.list('pods')).toHaveLength(200);
      const deployment = store.list('deployments')[0] as Workload;
      expect(deployment.status).toMatchObject({ observedGeneration: 1, replicas: 10, updatedReplicas: 10 });
    } finally {
      controllers.stop();
    }
  });
});
