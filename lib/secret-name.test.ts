import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deriveSecretName } from './secret-name';

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

describe('deriveSecretName', () => {
  it.each([
    ['docker.io', [], 'regcred-docker-io'],
    ['ghcr.io', [], 'regcred-ghcr-io'],
    ['registry.example.com:5000', [], 'regcred-registry-example-com-5000'],
    ['docker.io', ['regcred-docker-io'], 'regcred-docker-io-2'],
    ['docker.io', ['regcred-docker-io', 'regcred-docker-io-2'], 'regcred-docker-io-3'],
    ['123456789012.dkr.ecr.us-east-1.amazonaws.com', [], 'regcred-123456789012-dkr-ecr-us-east-1-amazonaws-com'],
    ['[::1]:5000', [], 'regcred-1-5000'],
  ])('%s with %j taken → %s', (registry, taken, expected) => {
    expect(deriveSecretName(registry, taken)).toBe(expected);
  });

  it('always yields a valid, free name', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.array(fc.string(), { maxLength: 5 }), (registry, extra) => {
        const taken = [deriveSecretName(registry, []), ...extra];
        const name = deriveSecretName(registry, taken);
        expect(name).toMatch(DNS1123_SUBDOMAIN);
        expect(name.length).toBeLessThanOrEqual(63);
        expect(taken).not.toContain(name);
      }),
    );
  });
});
