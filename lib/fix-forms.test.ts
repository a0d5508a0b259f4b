import { describe, expect, it } from 'vitest';
import { fixFormFor } from './fix-forms';
import { VERDICT_CODES, VERDICTS } from './verdicts';

const deployment = { container: 'app', registry: 'ghcr.io', workload: { kind: 'Deployment', name: 'web' } };

describe('fixFormFor', () => {
  it.each(VERDICT_CODES.map((code) => [code, VERDICTS[code].secretFixable] as const))('%s: a form exactly when the table calls it fixable (%s)', (code, fixable) => {
    const form = fixFormFor({ code, secretName: 'regcred' }, deployment);
    if (fixable) {
      expect(form?.heading.length).toBeGreaterThan(0);
      expect(form?.summary.length).toBeGreaterThan(0);
    } else {
      expect(form).toBeNull();
    }
  });

  it('gives a rate-limited pod the authenticated-pulls form', () => {
    expect(fixFormFor({ code: 'rate-limited', secretName: null }, { ...deployment, registry: 'mirror.example.com' })).toMatchObject({
      kind: 'authenticated-pulls',
      heading: 'Authenticate the pulls of app from mirror.example.com',
    });
  });

  it.each([
    ['123456789012.dkr.ecr.us-east-1.amazonaws.com', /ECR tokens expire after 12 hours/],
    ['myregistry.azurecr.io', /expire after 3 hours/],
    ['europe-west1-docker.pkg.dev', /expire after 1 hour/],
  ])('warns that a stop-gap secret for %s expires, and names the lasting fix', (registry, expiry) => {
    const form = fixFormFor({ code: 'node-credentials', secretName: null }, { ...deployment, registry });
    expect(form?.kind).toBe('stop-gap-secret');
    expect(form?.warning).toMatch(expiry);
    expect(form?.warning).toMatch(/credential provider/);
    expect(form?.summary).toMatch(/lasting fix is the node's credential provider/);
  });

  it('puts replacing the data first for a malformed or refused secret', () => {
    for (const code of ['malformed-secret', 'credentials-rejected'] as const) {
      const form = fixFormFor({ code, secretName: 'registry-creds' }, { ...deployment, workload: null });
      expect(form).toMatchObject({ kind: 'replace-secret', heading: 'Replace the data of registry-creds for app' });
      expect(form?.summary).toMatch(/next pull retry/);
    }
  });

  it('says a Job is recreated, never restarted', () => {
    for (const code of VERDICT_CODES) {
      const form = fixFormFor({ code, secretName: 'regcred' }, { ...deployment, workload: { kind: 'Job', name: 'migrate' } });
      if (form === null) continue;
      expect(form.summary).toMatch(/Job migrate is recreated/);
      expect(`${form.heading} ${form.summary}`).not.toMatch(/restart/i);
    }
  });
});
