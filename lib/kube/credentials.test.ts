import type { V1Pod, V1Secret, V1ServiceAccount } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { dockerConfigJson } from '../pull-secrets';
import { imageCredentials, indexSecrets, podCredentials, type NamespaceCredentials } from './credentials';

const PASSWORD = 'pa55-word-never-shown';

function dockerConfigSecret(name: string, server: string): V1Secret {
  const json = dockerConfigJson({ server, username: 'robot', password: PASSWORD });
  return { metadata: { name, namespace: 'shop' }, type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': Buffer.from(json).toString('base64') } };
}

function dockercfgSecret(name: string, server: string): V1Secret {
  const auth = Buffer.from(`robot:${PASSWORD}`).toString('base64');
  const json = JSON.stringify({ [server]: { auth, email: 'robot@example.com' } });
  return { metadata: { name, namespace: 'shop' }, type: 'kubernetes.io/dockercfg', data: { '.dockercfg': Buffer.from(json).toString('base64') } };
}

const opaque: V1Secret = { metadata: { name: 'app-config', namespace: 'shop' }, type: 'Opaque', data: { token: Buffer.from('x').toString('base64') } };
const tls: V1Secret = { metadata: { name: 'ingress-tls', namespace: 'shop' }, type: 'kubernetes.io/tls', data: {} };

function podWith(pullSecrets: string[], serviceAccountName = 'default'): V1Pod {
  return {
    metadata: { name: 'web-1', namespace: 'shop' },
    spec: { serviceAccountName, containers: [{ name: 'app', image: 'ghcr.io/acme/app:1' }], imagePullSecrets: pullSecrets.map((name) => ({ name })) },
  };
}

function namespace(secrets: V1Secret[] | null, accounts: V1ServiceAccount[] | null): NamespaceCredentials {
  return {
    secrets: secrets ? indexSecrets(secrets) : null,
    serviceAccounts: accounts ? new Map(accounts.map((account) => [account.metadata?.name ?? '', account])) : null,
  };
}

const defaultAccount = (pullSecrets: string[] = []): V1ServiceAccount => ({
  metadata: { name: 'default', namespace: 'shop' },
  imagePullSecrets: pullSecrets.map((name) => ({ name })),
});

describe('indexSecrets', () => {
  it('keeps every secret by name, and the data of pull secrets only', () => {
    const index = indexSecrets([dockerConfigSecret('ghcr', 'ghcr.io'), dockercfgSecret('legacy', 'quay.io'), opaque, tls]);
    expect([...index.keys()]).toEqual(['ghcr', 'legacy', 'app-config', 'ingress-tls']);
    expect(Object.keys(index.get('ghcr')?.data ?? {})).toEqual(['.dockerconfigjson']);
    expect(index.get('app-config')).toEqual({ metadata: opaque.metadata, type: 'Opaque' });
  });
});

describe('podCredentials and imageCredentials', () => {
  it('a matching attached secret, an unattached one, and one for another registry', () => {
    const credentials = podCredentials(
      podWith(['quay']),
      namespace([dockercfgSecret('quay', 'quay.io'), dockerConfigSecret('ghcr', 'https://ghcr.io'), dockerConfigSecret('ghcr-acme', 'ghcr.io/acme')], [defaultAccount()]),
    );
    const image = imageCredentials(credentials, 'ghcr.io/acme/app');
    expect(image.state).toEqual({ attached: ['quay'], matching: [], unattachedMatching: ['ghcr', 'ghcr-acme'], missing: [], malformed: [], readable: true });
    expect(image.podSecrets).toEqual([{ name: 'quay', state: 'no-match', servers: ['quay.io'] }]);
    expect(image.matches.map(({ secret, matches, rule }) => [secret, matches, rule])).toEqual([
      ['quay', false, 'host-mismatch'],
      ['ghcr', true, 'exact-host'],
      ['ghcr-acme', true, 'path-prefix'],
    ]);
    expect(credentials.attached[0]?.view.entries).toEqual([
      { server: 'quay.io', kubeletKey: 'quay.io', username: 'robot', hasPassword: true, fingerprint: expect.stringMatching(/^fp:/), email: 'robot@example.com', ignoredReason: null },
    ]);
  });

  it('a referenced secret of the wrong type, and one that does not exist', () => {
    const credentials = podCredentials(podWith(['app-config', 'nowhere']), namespace([opaque], [defaultAccount()]));
    expect(credentials.missing).toEqual(['nowhere']);
    expect(credentials.attached.map((secret) => [secret.view.name, secret.view.status, secret.view.problem?.code])).toEqual([['app-config', 'wrong-type', 'wrong-type']]);
    const image = imageCredentials(credentials, 'ghcr.io/acme/app');
    expect(image.podSecrets).toEqual([
      { name: 'app-config', state: 'wrong-type' },
      { name: 'nowhere', state: 'missing' },
    ]);
    expect(image.state.malformed).toEqual(['app-config']);
  });

  it('the service account\'s secrets: on the account, not on the pod', () => {
    const credentials = podCredentials(podWith([]), namespace([dockerConfigSecret('ghcr', 'ghcr.io')], [defaultAccount(['ghcr'])]));
    expect(credentials.serviceAccount).toEqual({ name: 'default', exists: true, imagePullSecrets: ['ghcr'], addedAfterPod: ['ghcr'] });
    expect(credentials.attached.map((secret) => secret.view.attachedTo)).toEqual([['service-account']]);
    const image = imageCredentials(credentials, 'ghcr.io/acme/app');
    expect(image.serviceAccountSecrets).toEqual([{ name: 'ghcr', state: 'matches', servers: ['ghcr.io'] }]);
    expect(image.state.matching).toEqual([]);
  });

  it('a service account naming a secret of the wrong type', () => {
    const credentials = podCredentials(podWith([]), namespace([opaque, tls], [defaultAccount(['app-config'])]));
    expect(credentials.missing).toEqual([]);
    expect(imageCredentials(credentials, 'ghcr.io/acme/app').serviceAccountSecrets).toEqual([{ name: 'app-config', state: 'wrong-type' }]);
    expect(credentials.unattached).toEqual([]);
  });

  it('a service account that does not exist', () => {
    const credentials = podCredentials(podWith([], 'builder'), namespace([], [defaultAccount()]));
    expect(credentials.serviceAccount).toEqual({ name: 'builder', exists: false, imagePullSecrets: [], addedAfterPod: [] });
  });

  it('secrets not readable: names from the pod spec only, every one unreadable', () => {
    const credentials = podCredentials(podWith(['quay']), namespace(null, [defaultAccount(['ghcr'])]));
    expect(credentials).toMatchObject({ readable: false, attached: [], unattached: [], missing: [] });
    const image = imageCredentials(credentials, 'ghcr.io/acme/app');
    expect(image.podSecrets).toEqual([{ name: 'quay', state: 'unreadable' }]);
    expect(image.serviceAccountSecrets).toEqual([{ name: 'ghcr', state: 'unreadable' }]);
    expect(image.state.readable).toBe(false);
  });

  it('never carries a password', () => {
    const credentials = podCredentials(podWith(['quay']), namespace([dockercfgSecret('quay', 'quay.io')], [defaultAccount()]));
    const views = JSON.stringify({ views: credentials.attached.map((secret) => secret.view), image: imageCredentials(credentials, 'quay.io/x/y') });
    expect(views).not.toContain(PASSWORD);
    expect(views).not.toContain(Buffer.from(`robot:${PASSWORD}`).toString('base64'));
  });
});
