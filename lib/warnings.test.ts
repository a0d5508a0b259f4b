import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ApiWarning } from './api/types';
import { foldWarnings } from './warnings';

const forbidden = (namespace: string, resource = 'secrets'): ApiWarning => ({
  code: resource === 'secrets' ? 'secrets-forbidden' : 'events-forbidden',
  namespace,
  message: `the user of context "sim-viewer" may not list ${resource} in namespace "${namespace}", so the diagnosis comes from the pods and events only`,
});

describe('foldWarnings', () => {
  it('folds the same warning about many namespaces into one line that counts them', () => {
    const namespaces = Array.from({ length: 18 }, (_, i) => `team-${i}`);
    const folded = foldWarnings(namespaces.map((namespace) => forbidden(namespace)));
    expect(folded).toEqual([
      {
        key: expect.any(String),
        code: 'secrets-forbidden',
        message: 'the user of context "sim-viewer" may not list secrets in 18 namespaces, so the diagnosis comes from the pods and events only',
        namespaces,
      },
    ]);
  });

  it('keeps different warnings apart, in the order they first appear', () => {
    const folded = foldWarnings([forbidden('a'), forbidden('a', 'events'), forbidden('b'), forbidden('b', 'events'), forbidden('c')]);
    expect(folded.map((warning) => [warning.code, warning.namespaces])).toEqual([
      ['secrets-forbidden', ['a', 'b', 'c']],
      ['events-forbidden', ['a', 'b']],
    ]);
  });

  it('leaves a single warning, a cluster-wide one and one that does not name its namespace as they are', () => {
    const clusterWide: ApiWarning = { code: 'events-forbidden', namespace: null, message: 'may not list events across namespaces' };
    const odd: ApiWarning = { code: 'read-failed', namespace: 'x', message: 'reading failed' };
    const folded = foldWarnings([forbidden('only'), clusterWide, odd, odd]);
    expect(folded.map((warning) => [warning.message, warning.namespaces])).toEqual([
      [forbidden('only').message, []],
      [clusterWide.message, []],
      [odd.message, []],
      [odd.message, []],
    ]);
  });

  it('never loses a namespace: every warning is its own line or counted in exactly one fold', () => {
    const warning = fc.record({
      namespace: fc.option(fc.constantFrom('a', 'b', 'c', 'd'), { nil: null }),
      resource: fc.constantFrom('secrets', 'events'),
    });
    fc.assert(
      fc.property(fc.array(warning, { maxLength: 30 }), (specs) => {
        const warnings = specs.map(({ namespace, resource }) =>
          namespace === null ? { code: 'read-failed' as const, namespace, message: `cluster-wide ${resource}` } : forbidden(namespace, resource),
        );
        const folded = foldWarnings(warnings);
        const accounted = folded.reduce((sum, line) => sum + Math.max(1, line.namespaces.length), 0);
        expect(accounted).toBe(warnings.length);
        expect(new Set(folded.map((line) => line.key)).size).toBe(folded.length);
      }),
    );
  });
});
