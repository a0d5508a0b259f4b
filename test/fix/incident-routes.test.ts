import { NextRequest } from 'next/server';
import { describe, expect, it } from 'vitest';
import { POST as postIncidentFix } from '../../app/api/contexts/[context]/incident-fixes/route';
import type { ApiErrorBody } from '../../lib/api/types';
import { CSRF_COOKIE, CSRF_HEADER } from '../../lib/security/csrf';
import { simClusterForFile } from '../kube/sim-cluster';

/** The incident fix route over the seeded API server: the gate in front of the mutation, validation, one error shape. */
simClusterForFile();

const ORIGIN = 'http://127.0.0.1:3107';
const PASSWORD = 'typed-into-the-incident-form';
const TOKEN = 'csrf-token-7c2d0a';
const sameOrigin = { 'content-type': 'application/json', origin: ORIGIN, cookie: `${CSRF_COOKIE}=${TOKEN}`, [CSRF_HEADER]: TOKEN };

function body(targets: unknown[] = [{ namespace: 'shop', pod: 'no-such-pod', container: 'app' }]) {
  return {
    mode: 'preview',
    source: { kind: 'new', name: 'regcred', server: 'registry.example.com', username: 'robot', password: PASSWORD, replaceExisting: true },
    targets,
  };
}

async function post(payload: unknown, headers: Record<string, string> = sameOrigin): Promise<{ status: number; json: ApiErrorBody; text: string }> {
  const request = new NextRequest(`${ORIGIN}/api/contexts/sim-admin/incident-fixes`, { method: 'POST', headers: { host: '127.0.0.1:3107', ...headers }, body: JSON.stringify(payload) });
  const response = await postIncidentFix(request, { params: Promise.resolve({ context: 'sim-admin' }) });
  const text = await response.text();
  return { status: response.status, json: JSON.parse(text) as ApiErrorBody, text };
}

describe('POST /api/contexts/{context}/incident-fixes', () => {
  it('refuses a request without the CSRF header, before touching the cluster', async () => {
    const answer = await post(body(), { ...sameOrigin, [CSRF_HEADER]: '' });
    expect(answer.status).toBe(403);
    expect(answer.json.error.code).toBe('csrf-rejected');
  });

  it.each([
    ['no targets', body([]), /^targets: an incident fix needs at least one failing container/],
    ['too many targets', body(Array.from({ length: 51 }, (_, i) => ({ namespace: 'shop', pod: `p-${i}`, container: 'app' }))), /^targets: an incident fix serves at most 50 workloads/],
    ['a bad namespace', body([{ namespace: 'Shop!', pod: 'p', container: 'app' }]), /^targets\.0\.namespace: /],
  ])('answers 400 naming the field for %s', async (_name, payload, message) => {
    const answer = await post(payload);
    expect(answer.status).toBe(400);
    expect(answer.json.error.code).toBe('invalid-input');
    expect(answer.json.error.message).toMatch(message);
    expect(answer.text).not.toContain(PASSWORD);
  });

  it('answers a target pod that does not exist with the one error shape, and no password', async () => {
    const answer = await post(body());
    expect(answer.status).toBe(404);
    expect(answer.json.error).toMatchObject({ code: 'not-found', status: 404 });
    expect(answer.json.error.message).toContain('no-such-pod');
    expect(answer.text).not.toContain(PASSWORD);
  });
});
