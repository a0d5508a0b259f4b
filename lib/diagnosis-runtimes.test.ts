import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import fixture from '../test/fixtures/runtime-messages.json';
import { PULL_FAILURE_CAUSES, classifyPullFailure, type PullFailureCause } from './diagnosis';

/**
 * Every runtime's wording of a failed pull (containerd 1.6, 1.7, 2.x, CRI-O and Docker-era kubelets) carrying
 * each big registry's answer: test/fixtures/runtime-messages.json, each message with the source of its wording.
 */
interface RuntimeMessage {
  runtime: string;
  registry: string;
  reason: string | null;
  message: string;
  cause: PullFailureCause;
  source: string;
}

const MESSAGES = fixture.messages as RuntimeMessage[];

describe('classifyPullFailure over every runtime and registry (test/fixtures/runtime-messages.json)', () => {
  it('holds at least 150 messages, each with its source, across the runtimes and the seven big registries', () => {
    expect(MESSAGES.length).toBeGreaterThanOrEqual(150);
    for (const entry of MESSAGES) {
      expect(PULL_FAILURE_CAUSES).toContain(entry.cause);
      expect(entry.source.length, entry.message).toBeGreaterThan(20);
    }
    expect(new Set(MESSAGES.map((entry) => entry.runtime))).toEqual(
      new Set(['containerd-1.6', 'containerd-1.7', 'containerd-2', 'cri-o', 'docker']),
    );
    const registries = new Set(MESSAGES.map((entry) => entry.registry));
    for (const registry of ['docker-hub', 'ghcr', 'ecr', 'gcr', 'artifact-registry', 'acr', 'quay', 'harbor']) {
      expect(registries).toContain(registry);
    }
  });

  it.each(MESSAGES)('$runtime / $registry: $cause from [$reason] $message', (entry) => {
    expect(classifyPullFailure(entry.reason, entry.message)).toBe(entry.cause);
  });
});

describe('the kubelet wrappers never change a cause', () => {
  const classified = MESSAGES.filter((entry) => entry.cause !== 'unknown');
  // Image names are the user's words: they may spell anything a rule looks for.
  const image = fc.oneof(
    fc.constantFrom('acme/denied:timeout', 'toomanyrequests/x509:not-found', 'nginx', 'registry.example.com:5000/unauthorized:1'),
    fc.stringMatching(/^[a-z0-9][a-z0-9./:@-]{0,40}$/),
  );
  const statusCode = fc.constantFrom('Unknown', 'Unavailable', 'Internal', 'NotFound', 'Unauthenticated', '2', '14');

  const wrappers: Record<string, (entry: RuntimeMessage, image: string, code: string) => [string | null, string]> = {
    'Failed to pull image "X": ': (entry, name) => [entry.reason, `Failed to pull image ${JSON.stringify(name)}: ${entry.message}`],
    'rpc error: code = … desc = ': (entry, _name, code) => [entry.reason, `rpc error: code = ${code} desc = ${entry.message}`],
    'Back-off pulling image "X": ErrImagePull: ': (entry, name) => [
      'ImagePullBackOff',
      `Back-off pulling image ${JSON.stringify(name)}: ErrImagePull: ${entry.message}`,
    ],
  };

  it.each(Object.entries(wrappers))('%s', (_form, wrap) => {
    fc.assert(
      fc.property(fc.constantFrom(...classified), image, statusCode, (entry, name, code) => {
        const [reason, message] = wrap(entry, name, code);
        expect(classifyPullFailure(reason, message)).toBe(entry.cause);
      }),
      { numRuns: 600 },
    );
  });

  it('holds for every message under every wrapper (exhaustive over the fixture)', () => {
    for (const entry of classified) {
      for (const [form, wrap] of Object.entries(wrappers)) {
        const [reason, message] = wrap(entry, 'app:1.0', 'Unknown');
        expect(classifyPullFailure(reason, message), `${form}${entry.message}`).toBe(entry.cause);
      }
    }
  });
});
