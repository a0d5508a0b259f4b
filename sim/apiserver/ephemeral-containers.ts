import type { KubeObject } from '../store';
import { defaultImagePullPolicy } from './defaults';
import { deepEqual } from './patch';
import type { StatusCause } from './status';

/**
 * The pods/ephemeralcontainers subresource, as kubernetes' registry/core/pod serves it (what `kubectl debug`
 * patches): a write through it changes only `spec.ephemeralContainers`, and the pod's existing ephemeral
 * containers can be neither removed nor changed.
 */

/**
 * podEphemeralContainersStrategy.PrepareForUpdate (dropNonEphemeralContainerUpdates): everything but the
 * ephemeral containers comes from the stored pod. The new containers get the defaults a container gets.
 */
export function ephemeralContainersWrite(current: KubeObject, proposed: KubeObject): KubeObject {
  const next = structuredClone(current);
  const proposedSpec = (proposed.spec ?? {}) as Record<string, unknown>;
  const ephemeral = structuredClone(proposedSpec.ephemeralContainers);
  const spec = (next.spec ?? {}) as Record<string, unknown>;
  if (Array.isArray(ephemeral) && ephemeral.length > 0) {
    for (const container of ephemeral as Record<string, unknown>[]) defaultEphemeralContainer(container);
    spec.ephemeralContainers = ephemeral;
  } else {
    delete spec.ephemeralContainers;
  }
  next.spec = spec;
  next.metadata = { ...next.metadata, resourceVersion: proposed.metadata?.resourceVersion ?? current.metadata.resourceVersion };
  return next;
}

/** ValidatePodEphemeralContainersUpdate's checks on what a write through the subresource may do. */
export function validateEphemeralContainersUpdate(oldPod: KubeObject, newPod: KubeObject): StatusCause[] {
  const oldSpec = (oldPod.spec ?? {}) as Record<string, unknown>;
  const newSpec = (newPod.spec ?? {}) as Record<string, unknown>;
  const causes: StatusCause[] = [];
  const taken = new Set([...containers(newSpec.initContainers), ...containers(newSpec.containers)].map((container) => String(container.name)));
  containers(newSpec.ephemeralContainers).forEach((container, index) => {
    const path = `spec.ephemeralContainers[${index}]`;
    if (!container.name) causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: `${path}.name` });
    else if (taken.has(String(container.name))) {
      causes.push({ reason: 'FieldValueDuplicate', message: `Duplicate value: "${String(container.name)}"`, field: `${path}.name` });
    } else taken.add(String(container.name));
    if (!container.image) causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: `${path}.image` });
    for (const field of FORBIDDEN_FIELDS) {
      if (container[field] !== undefined) {
        causes.push({ reason: 'FieldValueForbidden', message: 'Forbidden: cannot be set for an Ephemeral Container', field: `${path}.${field}` });
      }
    }
  });
  const byName = new Map(containers(newSpec.ephemeralContainers).map((container) => [String(container.name), container]));
  for (const old of containers(oldSpec.ephemeralContainers)) {
    const name = String(old.name);
    const now = byName.get(name);
    if (!now) {
      causes.push({ reason: 'FieldValueForbidden', message: `Forbidden: existing ephemeral containers "${name}" may not be removed\n`, field: 'spec.ephemeralContainers' });
    } else if (!deepEqual(old, now)) {
      causes.push({ reason: 'FieldValueForbidden', message: `Forbidden: existing ephemeral containers "${name}" may not be changed\n`, field: 'spec.ephemeralContainers' });
    }
  }
  return causes;
}

/** Fields an ephemeral container may not have (validateEphemeralContainers). */
const FORBIDDEN_FIELDS = ['ports', 'livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle', 'resizePolicy', 'restartPolicy'];

function defaultEphemeralContainer(container: Record<string, unknown>): void {
  container.imagePullPolicy ??= defaultImagePullPolicy(String(container.image ?? ''));
  container.terminationMessagePath ??= '/dev/termination-log';
  container.terminationMessagePolicy ??= 'File';
  container.resources ??= {};
}

function containers(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? (value.filter((item) => item !== null && typeof item === 'object') as Record<string, unknown>[]) : [];
}
