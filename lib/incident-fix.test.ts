import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rollbackOrder } from './incident-fix';

describe('rollbackOrder', () => {
  const steps = [
    { title: 'replace secret a', touches: 'a/Secret/s' },
    { title: 'patch web (nothing to change)', touches: null },
    { title: 'restart web', touches: 'a/Deployment/web' },
    { title: 'patch api', touches: 'a/Deployment/api' },
    { title: 'restart api', touches: 'a/Deployment/api' },
    { title: 'replace secret b', touches: 'b/Secret/s' },
  ];

  it('restores what the steps before the failed one changed, last changed first, each object once', () => {
    expect(rollbackOrder(steps, 5).map((step) => step.title)).toEqual(['restart api', 'restart web', 'replace secret a']);
    expect(rollbackOrder(steps, 0)).toEqual([]);
    expect(rollbackOrder(steps, 2).map((step) => step.title)).toEqual(['replace secret a']);
  });

  it('names every object changed before the failure exactly once, and nothing from the failed step on', () => {
    const arbitrarySteps = fc.array(fc.record({ touches: fc.option(fc.constantFrom('s1', 's2', 'w1', 'w2', 'w3'), { nil: null }) }), { maxLength: 20 });
    fc.assert(
      fc.property(arbitrarySteps, fc.nat(25), (list, failed) => {
        const order = rollbackOrder(list, failed);
        const before = list.slice(0, failed);
        const changed = new Set(before.flatMap((step) => (step.touches === null ? [] : [step.touches])));
        expect(order.map((step) => step.touches).sort()).toEqual([...changed].sort());
        for (const step of order) expect(before).toContain(step);
        const positions = order.map((step) => before.lastIndexOf(step));
        expect(positions).toEqual([...positions].sort((a, b) => b - a));
      }),
    );
  });
});
