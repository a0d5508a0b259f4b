import { describe, expect, it } from 'vitest';
import type { FixRequest } from '../../lib/api/fix-request';
import { clientsFor } from '../../lib/kube/config';
import { runFix } from '../../lib/kube/fix/run';
import { simCliForFile } from '../support/sim-cli';

/**
 * Ten people fix the same pull failure through the same service account at once, against the simulator: each
 * update of the account conflicts with the others on its resourceVersion, and every one must still land.
 */
simCliForFile();

describe('concurrent service-account fixes', () => {
  it('all ten succeed, the account lists ten new entries once each, and no secret is orphaned', async () => {
    const core = clientsFor('sim-admin').core;
    const pods = await core.listNamespacedPod({ namespace: 'team-missing' });
    const pod = pods.items.find((candidate) => candidate.metadata?.name?.startsWith('api-'))?.metadata?.name;
    expect(pod).toBeTruthy();
    const account = (await core.readNamespacedPod({ namespace: 'team-missing', name: pod! })).spec?.serviceAccountName ?? 'default';
    const before = (await core.readNamespacedServiceAccount({ namespace: 'team-missing', name: account })).imagePullSecrets ?? [];

    const names = Array.from({ length: 10 }, (_, index) => `race-${index}`);
    const fixes = names.map((name) => {
      const request: FixRequest = {
        mode: 'apply',
        pod: pod!,
        container: 'api',
        source: { kind: 'new', name, server: 'https://index.docker.io/v1/', username: 'racer', password: `race-password-${name}` },
        target: { kind: 'service-account' },
      };
      return runFix('sim-admin', 'team-missing', request);
    });
    const settled = await Promise.allSettled(fixes);
    const failures = settled.flatMap((result) => (result.status === 'rejected' ? [String((result.reason as Error).message)] : []));
    expect(failures).toEqual([]);
    for (const result of settled) expect(result.status === 'fulfilled' && result.value.applied).toBe(true);

    const after = (await core.readNamespacedServiceAccount({ namespace: 'team-missing', name: account })).imagePullSecrets ?? [];
    const added = after.map((reference) => reference.name).filter((name) => !before.some((old) => old.name === name));
    expect(added.sort()).toEqual(names);
    expect(new Set(after.map((reference) => reference.name)).size).toBe(after.length);
    const secrets = (await core.listNamespacedSecret({ namespace: 'team-missing' })).items.map((secret) => secret.metadata?.name ?? '');
    expect(secrets.filter((name) => name.startsWith('race-')).sort()).toEqual(names);
  }, 120_000);
});
