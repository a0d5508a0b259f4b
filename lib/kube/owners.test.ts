import { describe, expect, it } from 'vitest';
import { intermediateKinds, ownerIndex, resolveOwners, workloadKey } from './owners';

const controller = (apiVersion: string, kind: string, name: string) => ({
  apiVersion,
  kind,
  name,
  uid: `${kind}-${name}-uid`,
  controller: true,
  blockOwnerDeletion: true,
});

const replicaSets = [
  { metadata: { name: 'web-7d4b9c8f6d', namespace: 'shop', ownerReferences: [controller('apps/v1', 'Deployment', 'web')] } },
  { metadata: { name: 'orphan-5f9c', namespace: 'shop' } },
];
const jobs = [
  { metadata: { name: 'report-28912345', namespace: 'shop', ownerReferences: [controller('batch/v1', 'CronJob', 'report')] } },
  { metadata: { name: 'migrate', namespace: 'shop' } },
];
const index = ownerIndex(replicaSets, jobs);

const podOwnedBy = (...ownerReferences: ReturnType<typeof controller>[]) => ({
  metadata: { name: 'p', namespace: 'shop', ownerReferences },
});

describe('resolveOwners', () => {
  const cases = [
    {
      name: 'Deployment through its ReplicaSet',
      pod: podOwnedBy(controller('apps/v1', 'ReplicaSet', 'web-7d4b9c8f6d')),
      owners: [
        { kind: 'ReplicaSet', name: 'web-7d4b9c8f6d' },
        { kind: 'Deployment', name: 'web' },
      ],
    },
    {
      name: 'a ReplicaSet nobody owns is the workload',
      pod: podOwnedBy(controller('apps/v1', 'ReplicaSet', 'orphan-5f9c')),
      owners: [{ kind: 'ReplicaSet', name: 'orphan-5f9c' }],
    },
    {
      name: 'a ReplicaSet missing from the index (not readable) stops the chain there',
      pod: podOwnedBy(controller('apps/v1', 'ReplicaSet', 'gone-1')),
      owners: [{ kind: 'ReplicaSet', name: 'gone-1' }],
    },
    {
      name: 'CronJob through its Job',
      pod: podOwnedBy(controller('batch/v1', 'Job', 'report-28912345')),
      owners: [
        { kind: 'Job', name: 'report-28912345' },
        { kind: 'CronJob', name: 'report' },
      ],
    },
    { name: 'a Job of its own', pod: podOwnedBy(controller('batch/v1', 'Job', 'migrate')), owners: [{ kind: 'Job', name: 'migrate' }] },
    {
      name: 'StatefulSet directly',
      pod: podOwnedBy(controller('apps/v1', 'StatefulSet', 'db')),
      owners: [{ kind: 'StatefulSet', name: 'db' }],
    },
    {
      name: 'DaemonSet directly',
      pod: podOwnedBy(controller('apps/v1', 'DaemonSet', 'agent')),
      owners: [{ kind: 'DaemonSet', name: 'agent' }],
    },
    { name: 'bare pod', pod: { metadata: { name: 'p', namespace: 'shop' } }, owners: [] },
    {
      name: 'the controller wins over other owners',
      pod: podOwnedBy(
        { ...controller('v1', 'ConfigMap', 'cfg'), controller: false },
        controller('apps/v1', 'StatefulSet', 'db'),
      ),
      owners: [{ kind: 'StatefulSet', name: 'db' }],
    },
    {
      name: 'a same-named kind from another API group is not followed',
      pod: podOwnedBy(controller('example.com/v1', 'ReplicaSet', 'web-7d4b9c8f6d')),
      owners: [{ kind: 'ReplicaSet', name: 'web-7d4b9c8f6d' }],
    },
  ];

  it.each(cases)('$name', ({ pod, owners }) => {
    const chain = resolveOwners(pod, index);
    expect(chain.owners).toEqual(owners);
    expect(chain.workload).toEqual(owners.at(-1) ?? null);
  });
});

describe('intermediateKinds', () => {
  it('names only the kinds that need a list to go up the chain', () => {
    const kinds = intermediateKinds([
      podOwnedBy(controller('apps/v1', 'ReplicaSet', 'a')),
      podOwnedBy(controller('apps/v1', 'StatefulSet', 'b')),
      { metadata: { name: 'bare' } },
    ]);
    expect([...kinds]).toEqual(['ReplicaSet']);
    expect([...intermediateKinds([podOwnedBy(controller('batch/v1', 'Job', 'j'))])]).toEqual(['Job']);
  });
});

describe('workloadKey', () => {
  it('groups by workload, and a bare pod by itself', () => {
    expect(workloadKey('shop', { kind: 'Deployment', name: 'web' }, 'web-1')).toBe('shop/Deployment/web');
    expect(workloadKey('shop', null, 'debug')).toBe('shop/Pod/debug');
  });
});
