import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as getFailures } from '../../app/api/contexts/[context]/failures/route';
import type { FailuresResponse } from '../../lib/api/types';
import { cacheRegistry } from '../../lib/kube/cache';
import { firstScreenFor } from '../../lib/kube/cache/first-screen';
import { reloadKubeConfig } from '../../lib/kube/config';
import { byImpact, groupByWorkload, type OverviewFilters } from '../../lib/overview';
import { generateServingCertificate, writeKubeconfig } from '../../sim/testing';
import { waitUntil } from '../support/wait';
import { ADMIN, STRANGER, startSimCluster, type SimCluster } from '../kube/sim-cluster';

let cluster: SimCluster;

beforeAll(async () => {
  cluster = await startSimCluster();
  useKubeconfig(cluster.kubeconfig);
});
afterAll(async () => {
  cacheRegistry().stopAll();
  useKubeconfig(null);
  await cluster?.close();
});

function useKubeconfig(path: string | null): void {
  cacheRegistry().stopAll();
  if (path) process.env.PULLFIX_KUBECONFIG = path;
  else delete process.env.PULLFIX_KUBECONFIG;
  reloadKubeConfig();
}

/** A context of its own, so no feed of the simulator's context answers for it. */
const HUNG = { ...ADMIN, name: 'sim-hung' };

const ALL: OverviewFilters = { namespace: null, q: '', verdict: null };

async function failuresNow(): Promise<FailuresResponse> {
  const request = new NextRequest(`http://127.0.0.1/api/contexts/${ADMIN.name}/failures`);
  return (await (await getFailures(request, { params: Promise.resolve({ context: ADMIN.name }) })).json()) as FailuresResponse;
}

/** Row ids in the order the overview shows them. */
function shownOrder(items: FailuresResponse['items']): string[] {
  return byImpact(groupByWorkload(items)).flatMap((group) => group.failures.map((item) => `${item.namespace}/${item.pod}/${item.container}`));
}

describe('firstScreenFor', () => {
  it('holds the rows the overview shows first, from the answer the API gives, and counts them all', async () => {
    const answer = await failuresNow();
    const screen = await firstScreenFor(ADMIN.name, ALL, 60_000);
    expect(screen).not.toBeNull();
    expect(screen!.total).toBe(answer.items.length);
    expect(shownOrder(screen!.items)).toEqual(shownOrder(answer.items).slice(0, screen!.items.length));
    expect(screen!.filters).toEqual(ALL);
  });

  it('picks within the namespace and the text it is asked for', async () => {
    const answer = await failuresNow();
    const [first] = answer.items;
    const screen = await firstScreenFor(ADMIN.name, { namespace: first!.namespace, q: first!.pod, verdict: null }, 60_000);
    expect(screen!.items.map((item) => `${item.namespace}/${item.pod}`)).toContain(`${first!.namespace}/${first!.pod}`);
    expect(screen!.items.every((item) => item.namespace === first!.namespace && item.pod.includes(first!.pod))).toBe(true);
  });

  it('has nothing to show for a namespace without failures, one that is not a name, or a user the cluster refuses', async () => {
    expect(await firstScreenFor(ADMIN.name, { ...ALL, namespace: 'no-such-namespace' }, 60_000)).toBeNull();
    expect(await firstScreenFor(ADMIN.name, { ...ALL, namespace: 'Not_A_Label' }, 60_000)).toBeNull();
    expect(await firstScreenFor(STRANGER.name, ALL, 60_000)).toBeNull();
  });

  it('does not hold the page for an API server that never answers', async () => {
    const sockets = new Set<net.Socket>();
    const hung = net.createServer((socket) => sockets.add(socket));
    await new Promise<void>((listening) => hung.listen(0, '127.0.0.1', listening));
    const directory = mkdtempSync(join(tmpdir(), 'pullfix-hung-'));
    try {
      const kubeconfig = join(directory, 'kubeconfig');
      writeKubeconfig(kubeconfig, `https://127.0.0.1:${(hung.address() as net.AddressInfo).port}`, generateServingCertificate().caPem, [HUNG], 'default');
      useKubeconfig(kubeconfig);
      const screen = firstScreenFor(HUNG.name, ALL, 50);
      await waitUntil(() => sockets.size > 0, { what: 'pullfix to connect to the API server' });
      expect(await screen).toBeNull();
      // The cluster's first read, which it did not wait for, is still going on.
      expect(cacheRegistry().health().map((cache) => cache.context)).toContain(HUNG.name);
    } finally {
      useKubeconfig(cluster.kubeconfig);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((closed) => hung.close(() => closed()));
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
