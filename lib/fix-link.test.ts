import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixLinkQuery, parseFixLink, withPrefill, type FixPrefill } from './fix-link';
import type { FixOptions, InitialChoice } from './fix-plan';

const parse = (query: string) => parseFixLink(new URLSearchParams(query));

describe('parseFixLink', () => {
  it('reads every field of a link the form made', () => {
    const prefill: FixPrefill = { container: 'api', source: 'new', secret: 'regcred-ghcr-io', target: 'workload', server: 'ghcr.io', username: 'acme-bot' };
    expect(parse(fixLinkQuery(prefill).replace(/#fix$/, ''))).toEqual({ prefill, ignored: [] });
  });

  it('round-trips whatever it accepts', () => {
    fc.assert(
      fc.property(fc.record({ server: fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim() === s && s.length > 0), username: fc.string({ minLength: 1, maxLength: 40 }) }), (prefill) => {
        expect(parse(fixLinkQuery(prefill).replace(/#fix$/, '')).prefill).toEqual(prefill);
      }),
    );
  });

  it('drops bad values one by one, saying why, and keeps the rest', () => {
    const { prefill, ignored } = parse('source=stolen&secret=Bad_Name&target=workload&username=acme-bot');
    expect(prefill).toEqual({ target: 'workload', username: 'acme-bot' });
    expect(ignored).toHaveLength(2);
    expect(ignored[0]).toMatch(/^"source" was ignored/);
    expect(ignored[1]).toMatch(/^"secret" was ignored: a secret name is lowercase/);
  });

  it('never reads a credential, and says so', () => {
    const { prefill, ignored } = parse('username=acme-bot&password=hunter2&Token=abc');
    expect(prefill).toEqual({ username: 'acme-bot' });
    expect(ignored).toEqual(['"password" was ignored: a link never carries credentials; type them into the form.', '"Token" was ignored: a link never carries credentials; type them into the form.']);
  });

  it('keeps no value given twice', () => {
    expect(parse('secret=a&secret=b')).toEqual({ prefill: {}, ignored: ['"secret" was given 2 times; the form keeps none of them.'] });
  });
});

describe('withPrefill', () => {
  const options = {
    registry: 'ghcr.io',
    sources: { new: { allowed: true, reason: null }, existing: [{ name: 'ghcr-creds', servers: ['ghcr.io'], allowed: true, reason: null }], copies: [{ namespace: 'team-unattached', name: 'ghcr-creds', servers: ['ghcr.io'], allowed: true, reason: null }], note: null },
    targets: [{ kind: 'workload', label: 'Deployment api', description: '', allowed: true, reason: null, possible: true }],
  } as unknown as FixOptions;
  const initial: InitialChoice = { source: 'new', existingName: null, newName: 'regcred-ghcr-io', replaceExisting: false, target: 'workload' };

  it.each<[string, FixPrefill, Partial<InitialChoice>, number]>([
    ['an existing secret the namespace has', { source: 'existing', secret: 'ghcr-creds' }, { source: 'existing', existingName: 'ghcr-creds' }, 0],
    ['an existing secret it has not', { source: 'existing', secret: 'nope' }, { source: 'new' }, 1],
    ['a copy', { source: 'copy', secret: 'ghcr-creds', from: 'team-unattached' }, { source: 'copy', copy: { namespace: 'team-unattached', name: 'ghcr-creds' } }, 0],
    ['a new secret', { source: 'new', secret: 'mine', server: 'ghcr.io', username: 'acme-bot' }, { source: 'new', newName: 'mine', server: 'ghcr.io', username: 'acme-bot' }, 0],
    ['a target the pod does not have', { target: 'recreate-pod' }, { target: 'workload' }, 1],
  ])('%s', (_, prefill, expected, notes) => {
    const result = withPrefill(initial, options, prefill);
    expect(result.initial).toMatchObject(expected);
    expect(result.ignored).toHaveLength(notes);
  });
});
