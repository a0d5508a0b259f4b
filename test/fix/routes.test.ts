import { NextRequest } from 'next/server';
import { describe, expect, it } from 'vitest';
import { GET as getOptions } from '../../app/api/contexts/[context]/namespaces/[namespace]/fixes/options/route';
import { GET as getProgress } from '../../app/api/contexts/[context]/namespaces/[namespace]/fixes/progress/route';
import { POST as postFix } from '../../app/api/contexts/[context]/namespaces/[namespace]/fixes/route';
import type { ApiErrorBody } from '../../lib/api/types';
import type { FixOptions, FixProgress, FixResponse } from '../../lib/fix-plan';
import { CSRF_COOKIE, CSRF_HEADER } from '../../lib/security/csrf';
import { simClusterForFile } from '../kube/sim-cluster';

/** The fix routes over the seeded API server: the gate in front of the mutation, validation, and no password out. */
const cluster = simClusterForFile();

const ORIGIN = 'http://127.0.0.1:3107';
const PASSWORD = 'Dav1d-typed-into-the-form';
const TOKEN = 'csrf-token-5b1c9e';

function fixBody(mode: 'preview' | 'apply', name = 'regcred-docker-io') {
  return {
    mode,
    pod: 'web-7d4b9c8f6d-x2x9k',
    container: 'app',
    source: { kind: 'new', name, server: 'https://index.docker.io/v1/', username: 'davidpuziol', password: PASSWORD },
    target: { kind: 'workload' },
  };
}

function post(body: unknown, headers: Record<string, string>, context = 'sim-admin'): Promise<Response> {
  const request = new NextRequest(`${ORIGIN}/api/contexts/${context}/namespaces/shop/fixes`, {
    method: 'POST',
    headers: { host: '127.0.0.1:3107', ...headers },
    body: JSON.stringify(body),
  });
  return postFix(request, { params: Promise.resolve({ context, namespace: 'shop' }) });
}

const sameOrigin = { 'content-type': 'application/json', origin: ORIGIN, cookie: `${CSRF_COOKIE}=${TOKEN}`, [CSRF_HEADER]: TOKEN };

describe('POST …/fixes', () => {
  it.each([
    ['no CSRF header', { ...sameOrigin, [CSRF_HEADER]: '' }],
    ['a CSRF header that does not match the cookie', { ...sameOrigin, [CSRF_HEADER]: 'forged' }],
    ['another origin', { ...sameOrigin, origin: 'http://evil.invalid' }],
    ['a form body', { ...sameOrigin, 'content-type': 'application/x-www-form-urlencoded' }],
  ])('refuses a request with %s, before touching the cluster', async (_name, headers) => {
    const response = await post(fixBody('apply'), headers);
    expect(response.status).toBe(403);
    const body = (await response.json()) as ApiErrorBody;
    expect(body.error.code).toBe('csrf-rejected');
    expect(cluster().store.get('secrets', 'shop', 'regcred-docker-io')).toBeUndefined();
  });

  it('refuses a body that fails validation with the field it is about', async () => {
    const response = await post({ ...fixBody('apply'), target: { kind: 'recreate-pod' } }, sameOrigin);
    expect(response.status).toBe(400);
    expect(((await response.json()) as ApiErrorBody).error.message).toMatch(/^target/);
  });

  it('previews with the password masked, applies, and never sends the password back', async () => {
    const preview = await post(fixBody('preview'), sameOrigin);
    const previewText = await preview.text();
    expect(preview.status).toBe(200);
    expect((JSON.parse(previewText) as FixResponse).steps.every((step) => step.dryRun?.ok)).toBe(true);
    expect(cluster().store.get('secrets', 'shop', 'regcred-docker-io')).toBeUndefined();

    const applied = await post(fixBody('apply'), sameOrigin);
    const appliedText = await applied.text();
    expect((JSON.parse(appliedText) as FixResponse).applied).toBe(true);
    // The same request again is a retry: pullfix created that secret with these very credentials, so it reuses it.
    const retry = await post(fixBody('apply'), sameOrigin);
    const retryText = await retry.text();
    expect(retry.status).toBe(200);
    expect((JSON.parse(retryText) as FixResponse).steps[0]?.kind).toBe('reuse-secret');
    const conflict = await post({ ...fixBody('apply'), source: { ...fixBody('apply').source, password: `${PASSWORD}-other` } }, sameOrigin);
    expect(conflict.status).toBe(409);
    const conflictText = await conflict.text();
    expect((JSON.parse(conflictText) as ApiErrorBody).error).toMatchObject({ code: 'conflict', reason: 'AlreadyExists' });

    const auth = Buffer.from(`davidpuziol:${PASSWORD}`).toString('base64');
    for (const text of [previewText, appliedText, retryText, conflictText]) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(auth);
    }
  });

  it('passes the cluster\'s 403 through for a user who may not create secrets', async () => {
    const response = await post(fixBody('apply', 'viewer-secret'), sameOrigin, 'sim-viewer');
    expect(response.status).toBe(403);
    expect(((await response.json()) as ApiErrorBody).error).toMatchObject({ code: 'forbidden', reason: 'Forbidden' });
  });
});

describe('GET …/fixes/options and …/fixes/progress', () => {
  const get = (handler: typeof getOptions, path: string) =>
    handler(new NextRequest(`${ORIGIN}/api/contexts/sim-admin/namespaces/shop/fixes/${path}`), { params: Promise.resolve({ context: 'sim-admin', namespace: 'shop' }) });

  it('answers the options of a pod', async () => {
    const response = await get(getOptions, 'options?pod=web-7d4b9c8f6d-q8m4z&container=app');
    const options = (await response.json()) as FixOptions;
    expect(options.workload).toEqual({ kind: 'Deployment', name: 'web' });
    expect(options.sources.existing.map((choice) => choice.name)).toContain('regcred');
  });

  it('answers the progress of a workload', async () => {
    const response = await get(getProgress, 'progress?kind=Deployment&name=web&after=2026-01-01T00:00:00Z');
    expect(response.status).toBe(200);
    expect(((await response.json()) as FixProgress).workload).toEqual({ kind: 'Deployment', name: 'web' });
  });

  it.each(['progress?kind=Secret&name=web&after=2026-01-01T00:00:00Z', 'progress?kind=Deployment&name=web&after=yesterday', 'options?pod=web'])(
    'refuses %s',
    async (path) => {
      const handler = path.startsWith('options') ? getOptions : getProgress;
      expect((await get(handler, path)).status).toBe(400);
    },
  );
});
