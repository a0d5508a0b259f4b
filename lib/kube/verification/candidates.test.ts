import type { V1Pod, V1Secret, V1ServiceAccount } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { parseImageRef } from '../../image-ref';
import { indexSecrets } from '../credentials';
import { candidatesFor } from './candidates';

function pullSecret(namespace: string, name: string, auths: Record<string, { username: string; password: string }>): V1Secret {
  const json = JSON.stringify({ auths });
  return {
    metadata: { namespace, name },
    type: 'kubernetes.io/dockerconfigjson',
    data: { '.dockerconfigjson': Buffer.from(json).toString('base64') },
  };
}

const hub = (username: string) => ({ 'https://index.docker.io/v1/': { username, password: `${username}-pass` } });
const ghcr = (username: string) => ({ 'ghcr.io': { username, password: `${username}-pass` } });

const pod: V1Pod = {
  metadata: { namespace: 'app', name: 'web-1' },
  spec: { serviceAccountName: 'builder', imagePullSecrets: [{ name: 'on-pod' }, { name: 'gone' }], containers: [{ name: 'web', image: 'acme/web:1' }] },
};
const account: V1ServiceAccount = { metadata: { name: 'builder' }, imagePullSecrets: [{ name: 'on-account' }, { name: 'on-pod' }] };
const image = parseImageRef('acme/web:1');

const local = [
  pullSecret('app', 'on-pod', hub('pod-user')),
  pullSecret('app', 'on-account', { ...ghcr('x'), ...hub('account-user') }),
  pullSecret('app', 'spare', hub('spare-user')),
  pullSecret('app', 'ghcr-only', ghcr('other')),
  { metadata: { namespace: 'app', name: 'opaque' }, type: 'Opaque', data: { password: 'eA==' } },
];

describe('candidatesFor', () => {
  it('lists the pod\'s, the service account\'s, the namespace\'s and other namespaces\' matching secrets, in that order', () => {
    const candidates = candidatesFor(
      pod,
      image,
      { secrets: indexSecrets(local), serviceAccounts: new Map([['builder', account]]) },
      [pullSecret('ops', 'shared', hub('ops-user')), pullSecret('app', 'spare', hub('spare-user')), pullSecret('ops', 'ghcr', ghcr('o'))],
    );
    expect(candidates.map(({ namespace, secret, origin, server, username }) => ({ namespace, secret, origin, server, username }))).toEqual([
      { namespace: 'app', secret: 'on-pod', origin: 'pod', server: 'https://index.docker.io/v1/', username: 'pod-user' },
      { namespace: 'app', secret: 'on-account', origin: 'service-account', server: 'https://index.docker.io/v1/', username: 'account-user' },
      { namespace: 'app', secret: 'spare', origin: 'namespace', server: 'https://index.docker.io/v1/', username: 'spare-user' },
      { namespace: 'ops', secret: 'shared', origin: 'other-namespace', server: 'https://index.docker.io/v1/', username: 'ops-user' },
    ]);
    expect(candidates[0]?.login).toEqual({ username: 'pod-user', password: 'pod-user-pass' });
  });

  it('keeps the secrets the pod names but the user may not read, as untestable', () => {
    const candidates = candidatesFor(pod, image, { secrets: null, serviceAccounts: new Map([['builder', account]]) }, null);
    expect(candidates.map((candidate) => [candidate.secret, candidate.origin, candidate.login])).toEqual([
      ['on-pod', 'pod', null],
      ['gone', 'pod', null],
      ['on-account', 'service-account', null],
    ]);
    expect(candidates[0]?.untestable).toContain('cannot be read');
  });

  it('has nothing to test in an entry without a password', () => {
    const secret = pullSecret('app', 'on-pod', { 'https://index.docker.io/v1/': { username: 'nopass', password: '' } });
    const [candidate] = candidatesFor(pod, image, { secrets: indexSecrets([secret]), serviceAccounts: null }, null);
    expect(candidate).toMatchObject({ secret: 'on-pod', login: null, untestable: expect.stringContaining('no password') });
  });
});
