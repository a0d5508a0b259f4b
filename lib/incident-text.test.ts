import { describe, expect, it } from 'vitest';
import type { PullFailure, VerdictCode } from './api/types';
import { parseImageRef } from './image-ref';
import { describeIncident } from './incident-text';
import { groupIncidents, type IncidentInput } from './incidents';
import { VERDICT_CODES, VERDICTS } from './verdicts';

function failure(namespace: string, workload: string, verdict: VerdictCode, extra: Partial<PullFailure> = {}): IncidentInput {
  const imageInput = extra.imageInput ?? 'ghcr.io/acme/api:2';
  return {
    namespace,
    pod: `${workload}-1`,
    container: 'main',
    containerType: 'regular',
    imageInput,
    image: parseImageRef(imageInput),
    imageError: null,
    reason: 'ImagePullBackOff',
    message: '',
    cause: 'unauthorized',
    verdict: { code: verdict, title: VERDICTS[verdict].label, explanation: '', fix: '', secretName: 'regcred', partial: false },
    workload: { kind: 'Deployment', name: workload },
    workloadPods: { failing: 2, total: 2 },
    podCreated: '2026-12-05T10:00:00Z',
    failingSince: null,
    pullSecrets: { attached: [], matching: [], unattachedMatching: [], missing: [], malformed: [], readable: true },
    verification: { state: 'not-tested', checkedAt: null },
    ...extra,
  };
}

describe('describeIncident', () => {
  it('says what is wrong, how wide and what to do, for one secret missing in three namespaces', () => {
    const [incident] = groupIncidents(['shop', 'team', 'ops'].map((ns) => failure(ns, `api-${ns}`, 'referenced-secret-missing')));
    expect(describeIncident(incident!)).toEqual({
      title: 'secret regcred does not exist',
      radius: '3 workloads · 3 pods · 3 namespaces · 6 unavailable',
      action: 'Create regcred once and copy it to 3 namespaces',
      registryPulls: null,
    });
  });

  it('names the registry and the evidence for a registry-wide cause', () => {
    const [incident] = groupIncidents(
      [failure('shop', 'a', 'rate-limited', { cause: 'rate-limit', imageInput: 'nginx' })],
      { runningByRegistry: new Map([['docker.io', 12]]) },
    );
    const text = describeIncident(incident!);
    expect(text.title).toBe('docker.io is rate-limiting pulls');
    expect(text.action).toBe('Authenticate pulls from docker.io or use a mirror: anonymous pulls are rate-limited');
    expect(text.registryPulls).toBe('12 running, 1 failing from docker.io');
  });

  it('has words for every verdict', () => {
    for (const code of VERDICT_CODES) {
      const [incident] = groupIncidents([failure('shop', 'a', code)]);
      const text = describeIncident(incident!);
      expect(text.title.length, code).toBeGreaterThan(5);
      expect(text.action.length, code).toBeGreaterThan(5);
    }
  });
});
