import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistries, type SimRegistryFleet } from '../../sim/testing';
import { startDistribution, type RunningDistribution } from '../../test/registry/distribution';
import { parseImageRef } from '../image-ref';
import { probeAccess } from './access-probe';
import { TokenCache } from './client';

/**
 * The probe against registries that answer as the real ones do: a Docker-Hub-style token registry that says
 * "unauthorized" for everything it will not serve, one whose tag listing names unknown repositories, a Basic
 * registry with per-repository access (403 DENIED), and Debian's Distribution registry (htpasswd, TLS).
 */
const HUB = 'hub.probe.test';
const LISTING = 'listing.probe.test';
const BASIC = 'basic.probe.test';
const owner = { username: 'owner', password: 'owner-pass' };
const stranger = { username: 'stranger', password: 'stranger-pass' };
const app = { name: 'team/app', public: false, pullers: ['owner'], tags: { '1.0': { platforms: ['linux/amd64'] } } };

let fleet: SimRegistryFleet;
let distribution: RunningDistribution;

beforeAll(async () => {
  [fleet, distribution] = await Promise.all([
    startRegistries([
      { host: HUB, auth: 'token', users: [owner, stranger], repositories: [app] },
      { host: LISTING, auth: 'token', users: [owner, stranger], repositories: [app], tagListNamesUnknown: true },
      { host: BASIC, auth: 'basic', users: [owner, stranger], repositories: [app] },
      { host: 'down.probe.invalid', auth: 'none', users: [], repositories: [], failure: 'dns' },
    ]),
    startDistribution(),
  ]);
});
afterAll(async () => {
  await Promise.all([fleet?.close(), distribution?.stop()]);
});

const probe = (image: string, login: { username: string; password: string }) =>
  probeAccess(parseImageRef(image), login, { endpoints: { hosts: { ...fleet.endpoints().hosts, ...distribution.endpoints().hosts } }, tokenCache: new TokenCache() });

describe('probeAccess on token registries', () => {
  it.each([HUB, LISTING, BASIC])('%s: the right account can pull', async (host) => {
    expect(await probe(`${host}/team/app:1.0`, owner)).toMatchObject({ result: 'can-pull', loginAccepted: true, repositoryExists: true });
  });

  it.each([HUB, LISTING, BASIC])('%s: a wrong password is rejected at the login', async (host) => {
    const result = await probe(`${host}/team/app:1.0`, { username: 'owner', password: 'wrong' });
    expect(result).toMatchObject({ result: 'rejected', loginAccepted: false, repositoryExists: null });
    expect(result.message).toContain('rejected the credentials of owner');
    expect(result.message).not.toContain('wrong');
  });

  it.each([HUB, BASIC])('%s: a valid account without access is refused, and the registry will not say whether the repository exists', async (host) => {
    const result = await probe(`${host}/team/app:1.0`, stranger);
    expect(result).toMatchObject({ result: 'rejected', loginAccepted: true, repositoryExists: null });
    expect(result.message).toContain('may not pull it, or it does not exist');
  });

  it('a registry that says "unauthorized" for an unknown name is found out by its tag listing', async () => {
    const result = await probe(`${LISTING}/team/ap:1.0`, owner);
    expect(result).toMatchObject({ result: 'not-found', loginAccepted: true, repositoryExists: false });
    expect(result.message).toContain('team/ap does not exist');
  });

  it('the same unknown name on a registry that answers alike everywhere stays ambiguous', async () => {
    expect(await probe(`${HUB}/team/ap:1.0`, owner)).toMatchObject({ result: 'rejected', loginAccepted: true, repositoryExists: null });
  });

  it('a missing tag of a repository the account may pull is not-found, the repository existing', async () => {
    expect(await probe(`${HUB}/team/app:9.9`, owner)).toMatchObject({ result: 'not-found', repositoryExists: true });
  });

  it('an unreachable registry says nothing about the credential', async () => {
    expect(await probe('down.probe.invalid/team/app:1.0', owner)).toMatchObject({ result: 'unreachable', loginAccepted: null });
  });
});

describe('probeAccess on Distribution (htpasswd, TLS)', () => {
  const login = () => ({ username: distribution.username, password: distribution.password });

  it('can pull a pushed tag', async () => {
    expect(await probe(`${distribution.host}/pullfix/app:1.0`, login())).toMatchObject({ result: 'can-pull' });
  });

  it('rejects a wrong password at the login', async () => {
    expect(await probe(`${distribution.host}/pullfix/app:1.0`, { username: distribution.username, password: 'nope' })).toMatchObject({
      result: 'rejected',
      loginAccepted: false,
    });
  });

  it('tells a missing repository from a missing tag', async () => {
    expect(await probe(`${distribution.host}/pullfix/nothing:1.0`, login())).toMatchObject({ result: 'not-found', repositoryExists: false });
    expect(await probe(`${distribution.host}/pullfix/app:0.0-missing`, login())).toMatchObject({ result: 'not-found', repositoryExists: true });
  });
});
