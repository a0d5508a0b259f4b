import { request as httpsRequest } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../../test/support/wait';
import { ManualClock } from '../clock';
import { AdmissionError, type AdmissionHook } from '../contracts';
import { AGGREGATED_DISCOVERY_CONTENT_TYPE } from './discovery';
import { ADMIN, VIEWER, startTestCluster, type TestCluster } from './testing';

// The wire behaviour clients rely on, checked with plain HTTPS requests.

const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
const protobufVectors = JSON.parse(readFileSync(join(__dirname, 'fixtures/protobuf-requests.json'), 'utf8')) as { cases: { hex: string }[] };

let cluster: TestCluster;

interface Reply {
  status: number;
  headers: IncomingMessage['headers'];
  body: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- response bodies are read field by field
}

function call(
  method: string,
  path: string,
  options: { token?: string | null; body?: unknown; contentType?: string; accept?: string; target?: TestCluster } = {},
): Promise<Reply> {
  const target = options.target ?? cluster;
  const payload = options.body === undefined ? undefined : Buffer.isBuffer(options.body) ? options.body : Buffer.from(JSON.stringify(options.body));
  const headers: Record<string, string> = { Accept: options.accept ?? 'application/json' };
  const token = options.token === undefined ? ADMIN.token : options.token;
  if (token) headers.Authorization = `Bearer ${token}`;
  if (payload) {
    headers['Content-Type'] = options.contentType ?? 'application/json';
    headers['Content-Length'] = String(payload.length);
  }
  return new Promise((resolve, reject) => {
    const request = httpsRequest(`${target.url}${path}`, { method, headers, ca: target.caPem }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text ? JSON.parse(text) : {} });
      });
    });
    request.on('error', reject);
    request.end(payload);
  });
}

/** Opens a watch and collects its lines until the server ends the stream or `until` says stop. */
function watchLines(path: string, target: TestCluster, accept = 'application/json', until?: (lines: unknown[]) => boolean) {
  const lines: Record<string, any>[] = []; // eslint-disable-line @typescript-eslint/no-explicit-any -- watch events are read field by field
  let headers = false;
  const ended = new Promise<void>((resolve, reject) => {
    const request = httpsRequest(`${target.url}${path}`, { headers: { Authorization: `Bearer ${ADMIN.token}`, Accept: accept }, ca: target.caPem }, (response) => {
      headers = true;
      let buffered = '';
      response.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('utf8');
        const parts = buffered.split('\n');
        buffered = parts.pop() ?? '';
        for (const part of parts) if (part) lines.push(JSON.parse(part));
        if (until?.(lines)) request.destroy();
      });
      response.on('end', resolve);
      response.on('close', resolve);
    });
    request.on('error', (error) => (until?.(lines) ? resolve() : reject(error)));
    request.end();
  });
  return { lines, ended, headersArrived: () => headers };
}

beforeAll(async () => {
  cluster = await startTestCluster();
});

afterAll(async () => {
  await cluster?.close();
});

describe('discovery', () => {
  it('reports version 1.32 so the kubectl dispatcher picks kubectl 1.32', async () => {
    const reply = await call('GET', '/version?timeout=5s');
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ major: '1', minor: '32', gitVersion: 'v1.32.0' });
  });

  it('serves legacy discovery with singular names, short names, verbs and categories', async () => {
    expect((await call('GET', '/api')).body).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    const groups = (await call('GET', '/apis')).body.groups.map((group: { name: string }) => group.name);
    expect(groups).toEqual(['apps', 'batch', 'rbac.authorization.k8s.io', 'authorization.k8s.io']);
    const core = (await call('GET', '/api/v1')).body;
    expect(core).toMatchObject({ kind: 'APIResourceList', groupVersion: 'v1' });
    expect(core.resources).toContainEqual({
      name: 'pods',
      singularName: 'pod',
      namespaced: true,
      kind: 'Pod',
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
      shortNames: ['po'],
      categories: ['all'],
    });
    expect(core.resources).toContainEqual(expect.objectContaining({ name: 'pods/status', verbs: ['get', 'patch', 'update'] }));
    expect(core.resources).toContainEqual(expect.objectContaining({ name: 'namespaces', namespaced: false, shortNames: ['ns'] }));
    expect(core.resources).toContainEqual(expect.objectContaining({ name: 'services', namespaced: true, kind: 'Service', shortNames: ['svc'], categories: ['all'] }));
    const apps = (await call('GET', '/apis/apps/v1')).body;
    expect(apps.resources).toContainEqual(expect.objectContaining({ name: 'deployments', shortNames: ['deploy'], kind: 'Deployment' }));
    const batch = (await call('GET', '/apis/batch/v1')).body;
    expect(batch.resources.map((resource: { name: string }) => resource.name)).toEqual(['jobs', 'jobs/status', 'cronjobs', 'cronjobs/status']);
    const rbac = (await call('GET', '/apis/rbac.authorization.k8s.io/v1')).body;
    expect(rbac.resources.map((resource: { name: string; namespaced: boolean }) => `${resource.name} ${resource.namespaced}`)).toEqual([
      'roles true',
      'rolebindings true',
      'clusterroles false',
      'clusterrolebindings false',
    ]);
    const authorization = (await call('GET', '/apis/authorization.k8s.io/v1')).body;
    expect(authorization.resources).toEqual([
      { name: 'selfsubjectaccessreviews', singularName: 'selfsubjectaccessreview', namespaced: false, kind: 'SelfSubjectAccessReview', verbs: ['create'] },
    ]);
  });

  it('serves aggregated discovery with its own Content-Type when asked for it', async () => {
    const accept = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
    const core = await call('GET', '/api?timeout=32s', { accept });
    expect(core.headers['content-type']).toBe(AGGREGATED_DISCOVERY_CONTENT_TYPE);
    expect(core.body).toMatchObject({ kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2' });
    const pods = core.body.items[0].versions[0].resources.find((resource: { resource: string }) => resource.resource === 'pods');
    expect(pods).toEqual({
      resource: 'pods',
      responseKind: { group: '', version: 'v1', kind: 'Pod' },
      scope: 'Namespaced',
      singularResource: 'pod',
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
      shortNames: ['po'],
      categories: ['all'],
      subresources: [
        { subresource: 'ephemeralcontainers', responseKind: { group: '', version: 'v1', kind: 'Pod' }, verbs: ['get', 'patch', 'update'] },
        { subresource: 'status', responseKind: { group: '', version: 'v1', kind: 'Pod' }, verbs: ['get', 'patch', 'update'] },
      ],
    });
    const groups = await call('GET', '/apis', { accept });
    expect(groups.body.items.map((item: { metadata: { name: string } }) => item.metadata.name)).toEqual(['apps', 'batch', 'rbac.authorization.k8s.io', 'authorization.k8s.io']);
    expect((await call('GET', '/apis')).headers['content-type']).toBe('application/json');
  });

  it('serves an OpenAPI v3 index whose documents declare fieldValidation on PATCH', async () => {
    const index = (await call('GET', '/openapi/v3')).body;
    expect(Object.keys(index.paths)).toEqual(['api/v1', 'apis/apps/v1', 'apis/batch/v1', 'apis/rbac.authorization.k8s.io/v1', 'apis/authorization.k8s.io/v1']);
    const documentPath = index.paths['apis/apps/v1'].serverRelativeURL as string;
    const document = (await call('GET', documentPath)).body;
    const patch = document.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch;
    expect(patch['x-kubernetes-group-version-kind']).toEqual({ group: 'apps', version: 'v1', kind: 'Deployment' });
    expect(patch.parameters).toContainEqual({ name: 'fieldValidation', in: 'query', schema: { type: 'string' } });
    expect((await call('GET', '/openapi/v2')).status).toBe(404);
  });

  it('answers unknown paths with the NotFound Status', async () => {
    for (const path of ['/nothing', '/api/v2', '/apis/apps/v1/widgets', '/api/v1/pods/web-7d4b9c-x2x9k']) {
      const reply = await call('GET', path);
      expect(reply.status).toBe(404);
      expect(reply.body).toMatchObject({ kind: 'Status', reason: 'NotFound', message: 'the server could not find the requested resource', code: 404 });
    }
  });
});

describe('authentication', () => {
  it.each([null, 'wrong-token'])('token %s gets the real 401 Status', async (token) => {
    const reply = await call('GET', '/api/v1/pods', { token });
    expect(reply.status).toBe(401);
    expect(reply.body).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
  });

  it('records every request with the user and status', async () => {
    await call('GET', '/api/v1/namespaces/default/pods?limit=1', { token: VIEWER.token });
    expect(cluster.requestLog).toContainEqual({ method: 'GET', path: '/api/v1/namespaces/default/pods?limit=1', user: 'sim-viewer', status: 200 });
  });
});

describe('tables', () => {
  it('prints pod lists as Tables whose rows carry namespaced metadata', async () => {
    const table = (await call('GET', '/api/v1/pods?limit=500', { accept: TABLE_ACCEPT })).body;
    expect(table).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1' });
    const rows = table.rows as { cells: unknown[]; object: { metadata: { namespace: string } } }[];
    expect(rows.map((row) => [row.object.metadata.namespace, row.cells[0], row.cells[2]])).toEqual([
      ['default', 'init-fails', 'Init:ErrImagePull'],
      ['default', 'web-7d4b9c-x2x9k', 'ImagePullBackOff'],
      ['team-a', 'nginx-public', 'Running'],
    ]);
  });

  it('prints a single object as a one-row Table, and plain JSON without the Table Accept', async () => {
    const table = (await call('GET', '/api/v1/namespaces/default/serviceaccounts/default', { accept: TABLE_ACCEPT })).body;
    expect(table.rows).toHaveLength(1);
    expect(table.columnDefinitions.map((column: { name: string }) => column.name)).toEqual(['Name', 'Secrets', 'Age']);
    expect((await call('GET', '/api/v1/namespaces/default/serviceaccounts/default')).body.kind).toBe('ServiceAccount');
  });
});

describe('protobuf request bodies', () => {
  it('creates the Secret kubectl encodes, answering in JSON', async () => {
    const reply = await call('POST', '/api/v1/namespaces/default/secrets?fieldManager=kubectl-create&fieldValidation=Strict', {
      body: Buffer.from(protobufVectors.cases[0]!.hex, 'hex'),
      contentType: 'application/vnd.kubernetes.protobuf',
      accept: 'application/vnd.kubernetes.protobuf,application/json',
    });
    expect(reply.status).toBe(201);
    expect(reply.headers['content-type']).toBe('application/json');
    expect(reply.body).toMatchObject({ kind: 'Secret', metadata: { name: 'regcred', namespace: 'default' }, type: 'kubernetes.io/dockerconfigjson' });
  });

  it('answers the SelfSubjectAccessReview kubectl encodes with 201 and the decision', async () => {
    const body = Buffer.from(protobufVectors.cases[1]!.hex, 'hex');
    const admin = await call('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', { body, contentType: 'application/vnd.kubernetes.protobuf' });
    expect(admin.status).toBe(201);
    expect(admin.body).toMatchObject({
      kind: 'SelfSubjectAccessReview',
      spec: { resourceAttributes: { verb: 'patch', resource: 'deployments' } },
      status: { allowed: true },
    });
    const viewer = await call('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
      body,
      contentType: 'application/vnd.kubernetes.protobuf',
      token: VIEWER.token,
    });
    expect(viewer.body.status).toEqual({ allowed: false });
  });

  it('answers a kind it cannot decode with 415', async () => {
    const configMap = Buffer.concat([Buffer.from('6b387300', 'hex'), Buffer.from('0a0f0a0276311209436f6e6669674d6170', 'hex')]);
    const reply = await call('POST', '/api/v1/namespaces/default/secrets', { body: configMap, contentType: 'application/vnd.kubernetes.protobuf' });
    expect(reply.status).toBe(415);
    expect(reply.body.message).toBe('the body of the request was in an unknown format - accepted media types include: application/json, application/yaml');
  });
});

describe('create', () => {
  it('generates a name from generateName', async () => {
    const reply = await call('POST', '/api/v1/namespaces/default/secrets', { body: { metadata: { generateName: 'pull-' }, stringData: { a: 'b' } } });
    expect(reply.status).toBe(201);
    expect(reply.body.metadata.name).toMatch(/^pull-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(reply.body.data).toEqual({ a: 'Yg==' });
  });

  it('refuses a namespace that does not exist, a mismatched namespace, bad base64 and an invalid pull secret', async () => {
    const missing = await call('POST', '/api/v1/namespaces/nope/secrets', { body: { metadata: { name: 'x' } } });
    expect(missing).toMatchObject({ status: 404, body: { message: 'namespaces "nope" not found' } });
    const mismatch = await call('POST', '/api/v1/namespaces/default/secrets', { body: { metadata: { name: 'x', namespace: 'team-a' } } });
    expect(mismatch).toMatchObject({ status: 400, body: { message: 'the namespace of the provided object does not match the namespace sent on the request' } });
    const base64 = await call('POST', '/api/v1/namespaces/default/secrets', { body: { metadata: { name: 'x' }, data: { a: 'not base64!' } } });
    expect(base64).toMatchObject({ status: 400, body: { reason: 'BadRequest', message: 'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 3' } });
    const invalid = await call('POST', '/api/v1/namespaces/default/secrets', { body: { metadata: { name: 'x' }, type: 'kubernetes.io/dockerconfigjson', data: {} } });
    expect(invalid).toMatchObject({
      status: 422,
      body: { reason: 'Invalid', message: 'Secret "x" is invalid: data[.dockerconfigjson]: Required value', details: { name: 'x', kind: 'Secret' } },
    });
  });

  it('names RBAC objects by path segment, so system:-style names are valid and a % is not', async () => {
    const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] };
    const created = await call('POST', '/apis/rbac.authorization.k8s.io/v1/clusterroles', { body: { ...role, metadata: { name: 'system:pullfix:reader' } } });
    expect(created).toMatchObject({ status: 201, body: { kind: 'ClusterRole', metadata: { name: 'system:pullfix:reader' } } });
    expect(created.body.metadata.namespace).toBeUndefined();
    const invalid = await call('POST', '/apis/rbac.authorization.k8s.io/v1/clusterroles', { body: { ...role, metadata: { name: 'fifty%' } } });
    expect(invalid).toMatchObject({ status: 422, body: { message: `ClusterRole.rbac.authorization.k8s.io "fifty%" is invalid: metadata.name: Invalid value: "fifty%": may not contain '%'` } });
  });

  it('goes through admission, and maps an AdmissionError to a Status', async () => {
    const admit: AdmissionHook = (resource, object) => {
      if (resource !== 'pods') return object;
      if (object.metadata.name === 'refused') throw new AdmissionError(403, 'pods "refused" is forbidden: error looking up service account default/missing: serviceaccount "missing" not found');
      return { ...object, spec: { ...(object.spec as object), imagePullSecrets: [{ name: 'from-admission' }] } };
    };
    const admitted = await startTestCluster(admit);
    try {
      const pod = (name: string) => ({ metadata: { name }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
      const created = await call('POST', '/api/v1/namespaces/default/pods', { body: pod('ok'), target: admitted });
      expect(created.body.spec.imagePullSecrets).toEqual([{ name: 'from-admission' }]);
      const refused = await call('POST', '/api/v1/namespaces/default/pods', { body: pod('refused'), target: admitted });
      expect(refused).toMatchObject({ status: 403, body: { reason: 'Forbidden', message: expect.stringContaining('serviceaccount "missing" not found') } });
    } finally {
      await admitted.close();
    }
  });
});

describe('update, status and dry runs', () => {
  it('the main resource ignores status, the status subresource ignores spec, and only spec bumps generation', async () => {
    const path = '/apis/apps/v1/namespaces/default/deployments/web';
    const current = (await call('GET', path)).body;
    const relabelled = await call('PUT', path, { body: { ...current, metadata: { ...current.metadata, labels: { app: 'web', extra: 'x' } }, status: { replicas: 99 } } });
    expect(relabelled.body.metadata.generation).toBe(current.metadata.generation);
    expect(relabelled.body.status).toEqual(current.status);
    const status = await call('PUT', `${path}/status`, { body: { ...relabelled.body, spec: { replicas: 7 }, status: { ...current.status, observedGeneration: 5 } } });
    expect(status.body.status.observedGeneration).toBe(5);
    expect(status.body.spec).toEqual(current.spec);
    expect(status.body.metadata.generation).toBe(current.metadata.generation);
    const scaled = await call('PATCH', path, { body: { spec: { replicas: 2 } }, contentType: 'application/merge-patch+json' });
    expect(scaled.body.metadata.generation).toBe(current.metadata.generation + 1);
  });

  it('a dry-run patch returns the merged object and changes nothing', async () => {
    const path = '/api/v1/namespaces/default/serviceaccounts/default';
    const before = (await call('GET', path)).body;
    const preview = await call('PATCH', `${path}?dryRun=All&fieldManager=pullfix`, {
      body: { imagePullSecrets: [{ name: 'preview' }] },
      contentType: 'application/strategic-merge-patch+json',
    });
    expect(preview.body.imagePullSecrets).toEqual([{ name: 'preview' }]);
    expect((await call('GET', path)).body).toEqual(before);
  });

  it('refuses unknown patch types with 415 and a failing JSON patch with 422', async () => {
    const path = '/api/v1/namespaces/default/serviceaccounts/default';
    const unknown = await call('PATCH', path, { body: {}, contentType: 'text/plain' });
    expect(unknown.status).toBe(415);
    const failing = await call('PATCH', path, { body: [{ op: 'remove', path: '/nothing/here' }], contentType: 'application/json-patch+json' });
    expect(failing).toMatchObject({ status: 422, body: { reason: 'Invalid', details: { causes: [{ reason: 'UnexpectedServerResponse' }] } } });
  });

  it('serves the autoscaling/v1 Scale of a deployment and validates writes to it', async () => {
    const path = '/apis/apps/v1/namespaces/default/deployments/web/scale';
    const scale = (await call('GET', path)).body;
    expect(scale).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', metadata: { name: 'web' }, status: { selector: 'app=web' } });
    const negative = await call('PUT', path, { body: { ...scale, spec: { replicas: -1 } } });
    expect(negative).toMatchObject({
      status: 422,
      body: { message: 'Scale.autoscaling "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0' },
    });
    const stale = await call('PUT', path, { body: { ...scale, metadata: { ...scale.metadata, resourceVersion: '1' }, spec: { replicas: 4 } } });
    expect(stale.status).toBe(409);
    const scaled = await call('PUT', path, { body: { ...scale, spec: { replicas: 4 } } });
    expect(scaled.body.spec.replicas).toBe(4);
    expect((await call('GET', '/apis/apps/v1/namespaces/default/deployments/web')).body.spec.replicas).toBe(4);
    expect((await call('GET', '/apis/batch/v1/namespaces/default/jobs/x/scale')).status).toBe(404);
  });

  it('a server-side apply creates a missing object, then patches it', async () => {
    const path = '/api/v1/namespaces/default/serviceaccounts/applied?fieldManager=pullfix';
    const manifest = 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: applied\nimagePullSecrets:\n- name: one\n';
    const created = await call('PATCH', path, { body: Buffer.from(manifest), contentType: 'application/apply-patch+yaml' });
    expect(created).toMatchObject({ status: 201, body: { kind: 'ServiceAccount', imagePullSecrets: [{ name: 'one' }] } });
    const applied = await call('PATCH', path, { body: Buffer.from(manifest.replace('one', 'two')), contentType: 'application/apply-patch+yaml' });
    expect(applied).toMatchObject({ status: 200, body: { imagePullSecrets: [{ name: 'two' }] } });
  });

  it('deletes a collection by label selector', async () => {
    for (const name of ['gone-1', 'gone-2']) {
      await call('POST', '/api/v1/namespaces/team-a/secrets', { body: { metadata: { name, labels: { batch: 'cleanup' } } } });
    }
    const deleted = await call('DELETE', '/api/v1/namespaces/team-a/secrets?labelSelector=batch%3Dcleanup');
    expect(deleted.body.items.map((item: { metadata: { name: string } }) => item.metadata.name)).toEqual(['gone-1', 'gone-2']);
    expect((await call('GET', '/api/v1/namespaces/team-a/secrets')).body.items).toEqual([]);
  });

  it.each([
    ['POST', '/api/v1/namespaces/default/secrets/regcred'],
    ['PUT', '/api/v1/namespaces/default/secrets'],
    ['PATCH', '/api/v1/namespaces/default/secrets'],
    ['DELETE', '/api/v1/namespaces/default/pods/web-7d4b9c-x2x9k/status'],
    ['POST', '/api/v1/pods'],
  ])('%s %s is 405 MethodNotAllowed', async (method, path) => {
    const reply = await call(method, path, { body: {}, contentType: 'application/merge-patch+json' });
    expect(reply).toMatchObject({ status: 405, body: { reason: 'MethodNotAllowed', message: 'the server does not allow this method on the requested resource' } });
  });

  it('namespaces cannot be deleted as a collection', async () => {
    const reply = await call('DELETE', '/api/v1/namespaces');
    expect(reply).toMatchObject({ status: 405, body: { message: 'deletecollection is not supported on resources of kind "namespaces"' } });
  });

  it('serves cluster-scoped namespaces by name', async () => {
    const namespace = await call('GET', '/api/v1/namespaces/team-a');
    expect(namespace.body).toMatchObject({ kind: 'Namespace', metadata: { name: 'team-a' }, status: { phase: 'Active' } });
    expect(namespace.body.metadata.namespace).toBeUndefined();
  });
});

describe('watch', () => {
  it('flushes headers at once and ends the stream after timeoutSeconds', async () => {
    const clock = new ManualClock();
    const own = await startTestCluster(undefined, clock);
    try {
      const watch = watchLines('/api/v1/namespaces/default/pods?watch=true&resourceVersion=' + own.store.resourceVersion + '&timeoutSeconds=1', own);
      let ended = false;
      void watch.ended.then(() => (ended = true));
      // The headers arrive while no time passes on the server's clock; the stream stays open until a second has.
      await waitUntil(() => watch.headersArrived(), { what: 'the watch response headers' });
      expect(clock.pending()).toBe(1);
      clock.advance(999);
      expect(clock.pending()).toBe(1);
      expect(ended).toBe(false);
      clock.advance(1);
      expect(clock.pending()).toBe(0);
      await watch.ended;
      expect(watch.lines).toEqual([]);
    } finally {
      await own.close();
    }
  });

  it('without a resourceVersion starts with ADDED for what exists; with the Table Accept sends one-row Tables', async () => {
    const watch = watchLines('/api/v1/namespaces/default/pods?watch=1&fieldSelector=status.phase%3DPending', cluster, TABLE_ACCEPT, (lines) => lines.length >= 2);
    await watch.ended;
    expect(watch.lines.map((line) => [line.type, line.object.kind, line.object.rows[0].cells[0]])).toEqual([
      ['ADDED', 'Table', 'init-fails'],
      ['ADDED', 'Table', 'web-7d4b9c-x2x9k'],
    ]);
    expect(watch.lines[0]!.object.columnDefinitions.length).toBeGreaterThan(0);
    expect(watch.lines[1]!.object.columnDefinitions).toEqual([]);
  });

  it('reports an object that stops matching the selector as DELETED', async () => {
    const since = cluster.store.resourceVersion;
    const path = `/api/v1/namespaces/default/pods?watch=true&resourceVersion=${since}&fieldSelector=status.phase%3DPending`;
    const watch = watchLines(path, cluster, 'application/json', (lines) => lines.length >= 1);
    await waitUntil(() => cluster.requestLog.some((entry) => entry.path === path), { what: 'the watch to be served' });
    const pod = cluster.store.get('pods', 'default', 'init-fails')!;
    cluster.store.update('pods', { ...pod, status: { ...(pod.status as object), phase: 'Running' } });
    await watch.ended;
    expect(watch.lines.map((line) => [line.type, line.object.metadata.name])).toEqual([['DELETED', 'init-fails']]);
  });

  it('ends open watches when the server closes', async () => {
    const own = await startTestCluster();
    const path = `/api/v1/pods?watch=true&resourceVersion=${own.store.resourceVersion}`;
    const watch = watchLines(path, own);
    await waitUntil(() => own.requestLog.some((entry) => entry.path === path), { what: 'the watch to be served' });
    await own.close();
    await watch.ended;
    expect(watch.lines).toEqual([]);
  });
});
