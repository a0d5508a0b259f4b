import { describe, expect, it } from 'vitest';
import { clientsFor } from '../../lib/kube/config';
import { ApiError } from '../../lib/api/errors';
import { findSecret, getPod, getSecret, listPods, listPullSecrets, POD_PAGE_SIZE, unlessRefused } from '../../lib/kube/reads';
import { ADMIN, STRANGER, VIEWER, pod, pullSecret, simClusterForFile } from './sim-cluster';

simClusterForFile((store) => {
  store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'many' } });
  for (let index = 0; index < POD_PAGE_SIZE + 3; index += 1) pod(store, 'many', `pod-${index}`, { containers: [{ name: 'app', image: 'nginx' }] });
  pullSecret(store, 'many', 'regcred', 'https://index.docker.io/v1/', 'someone');
});

describe('the read layer', () => {
  it('tells a missing secret apart by name: get throws not-found, find answers null', async () => {
    const clients = clientsFor(ADMIN.name);
    await expect(getSecret(clients, 'many', 'absent')).rejects.toMatchObject({ name: 'ApiError', code: 'not-found', status: 404, reason: 'NotFound' });
    expect(await findSecret(clients, 'many', 'absent')).toBeNull();
    expect((await findSecret(clients, 'many', 'regcred'))?.metadata?.name).toBe('regcred');
  });

  it('maps every refusal to the one error type, whoever asks', async () => {
    await expect(getPod(clientsFor(STRANGER.name), 'many', 'pod-0')).rejects.toMatchObject({ code: 'unauthorized', status: 401 });
    await expect(getSecret(clientsFor(VIEWER.name), 'many', 'regcred')).rejects.toBeInstanceOf(ApiError);
  });

  it('reads every page of a list', async () => {
    const pods = await listPods(clientsFor(ADMIN.name), 'many');
    expect(pods).toHaveLength(POD_PAGE_SIZE + 3);
    expect(new Set(pods.map((item) => item.metadata?.name)).size).toBe(POD_PAGE_SIZE + 3);
  });

  it('degrades only on the codes it is told to', async () => {
    const viewer = clientsFor(VIEWER.name);
    expect(await unlessRefused(listPullSecrets(viewer, 'many'), 'forbidden')).toBeNull();
    await expect(unlessRefused(listPullSecrets(viewer, 'many'), 'not-found')).rejects.toMatchObject({ code: 'forbidden', status: 403 });
  });
});
