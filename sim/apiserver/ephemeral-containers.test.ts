import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../store';
import { ephemeralContainersWrite, validateEphemeralContainersUpdate } from './ephemeral-containers';

const pod = (ephemeralContainers?: Record<string, unknown>[]): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'default', resourceVersion: '7', labels: { app: 'web' } },
  spec: {
    containers: [{ name: 'web', image: 'nginx:1.27' }],
    imagePullSecrets: [{ name: 'registry-creds' }],
    ...(ephemeralContainers ? { ephemeralContainers } : {}),
  },
  status: { phase: 'Running' },
});

describe('a write through pods/ephemeralcontainers', () => {
  it('takes only the ephemeral containers from the body, with the defaults a container gets', () => {
    const proposed = pod([{ name: 'debugger', image: 'ghcr.io/acme/debug-tools:1.0' }]);
    proposed.metadata.labels = { app: 'changed' };
    Object.assign(proposed.spec as object, { containers: [{ name: 'web', image: 'evil' }], imagePullSecrets: [{ name: 'ghcr-creds' }] });
    proposed.status = { phase: 'Failed' };
    const next = ephemeralContainersWrite(pod(), proposed);
    expect(next).toEqual({
      ...pod(),
      spec: {
        ...(pod().spec as object),
        ephemeralContainers: [
          {
            name: 'debugger',
            image: 'ghcr.io/acme/debug-tools:1.0',
            imagePullPolicy: 'IfNotPresent',
            terminationMessagePath: '/dev/termination-log',
            terminationMessagePolicy: 'File',
            resources: {},
          },
        ],
      },
    });
  });

  it('adds a container beside the existing ones', () => {
    // Stored ephemeral containers were defaulted when they were added.
    const existing = {
      name: 'debugger',
      image: 'busybox:1.36',
      imagePullPolicy: 'IfNotPresent',
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
      resources: {},
    };
    const next = ephemeralContainersWrite(pod([existing]), pod([existing, { name: 'debugger-2', image: 'busybox:latest' }]));
    expect(validateEphemeralContainersUpdate(pod([existing]), next)).toEqual([]);
    expect((next.spec as { ephemeralContainers: { imagePullPolicy: string }[] }).ephemeralContainers.map((c) => c.imagePullPolicy)).toEqual([
      'IfNotPresent',
      'Always',
    ]);
  });
});

describe('validateEphemeralContainersUpdate', () => {
  const debuggerContainer = { name: 'debugger', image: 'busybox:1.36' };

  it('forbids removing or changing an existing ephemeral container', () => {
    expect(validateEphemeralContainersUpdate(pod([debuggerContainer]), pod([]))).toEqual([
      { reason: 'FieldValueForbidden', message: 'Forbidden: existing ephemeral containers "debugger" may not be removed\n', field: 'spec.ephemeralContainers' },
    ]);
    expect(validateEphemeralContainersUpdate(pod([debuggerContainer]), pod([{ ...debuggerContainer, image: 'busybox:latest' }]))).toEqual([
      { reason: 'FieldValueForbidden', message: 'Forbidden: existing ephemeral containers "debugger" may not be changed\n', field: 'spec.ephemeralContainers' },
    ]);
  });

  it('requires a name and an image, unique names, and no ports or probes', () => {
    const causes = validateEphemeralContainersUpdate(
      pod(),
      pod([{ image: 'busybox' }, { name: 'web', image: 'busybox' }, { name: 'probe', readinessProbe: {}, ports: [] }]),
    );
    expect(causes.map((cause) => `${cause.field}: ${cause.message}`)).toEqual([
      'spec.ephemeralContainers[0].name: Required value',
      'spec.ephemeralContainers[1].name: Duplicate value: "web"',
      'spec.ephemeralContainers[2].image: Required value',
      'spec.ephemeralContainers[2].ports: Forbidden: cannot be set for an Ephemeral Container',
      'spec.ephemeralContainers[2].readinessProbe: Forbidden: cannot be set for an Ephemeral Container',
    ]);
  });
});
