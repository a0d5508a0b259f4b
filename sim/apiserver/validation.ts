import type { KubeObject } from '../store';
import { deepEqual } from './patch';
import type { StatusCause } from './status';

/**
 * The validation rules of the real API server that matter to image-pull work: names, pod containers, pull
 * secret payloads, pod spec immutability (`ValidatePodUpdate`) and Job template immutability (`ValidateJobSpecUpdate`),
 * with the real field paths and words.
 */

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export const UPDATABLE_POD_SPEC_FIELDS = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];

export function validateObject(resource: string, object: KubeObject): StatusCause[] {
  const causes = validateName(resource, object.metadata.name);
  if (resource === 'pods') causes.push(...validatePodSpec(record(object.spec), 'spec'));
  if (resource === 'secrets') causes.push(...validateSecret(object));
  return causes;
}

/** Causes for a pod update that changes more of the spec than a running pod allows. */
export function validatePodUpdate(oldPod: KubeObject, newPod: KubeObject): StatusCause[] {
  const oldSpec = record(oldPod.spec);
  const newSpec = record(newPod.spec);
  const oldContainers = list(oldSpec.containers);
  const newContainers = list(newSpec.containers);
  if (oldContainers.length !== newContainers.length) {
    return [forbiddenCause('spec.containers', 'pod updates may not add or remove containers')];
  }
  const munged = structuredClone(newSpec);
  for (const key of ['containers', 'initContainers']) {
    const oldList = list(oldSpec[key]);
    const mungedList = list(munged[key]);
    mungedList.forEach((container, index) => {
      const oldContainer = oldList[index];
      if (oldContainer) container.image = oldContainer.image;
    });
  }
  if (oldSpec.activeDeadlineSeconds === undefined) delete munged.activeDeadlineSeconds;
  else munged.activeDeadlineSeconds = oldSpec.activeDeadlineSeconds;
  const oldTolerations = list(oldSpec.tolerations);
  const newTolerations = list(newSpec.tolerations);
  if (oldTolerations.every((old) => newTolerations.some((candidate) => deepEqual(candidate, old)))) {
    if (oldSpec.tolerations === undefined) delete munged.tolerations;
    else munged.tolerations = oldSpec.tolerations;
  }
  const oldGrace = oldSpec.terminationGracePeriodSeconds;
  if (typeof oldGrace === 'number' && oldGrace < 0 && newSpec.terminationGracePeriodSeconds === 1) {
    munged.terminationGracePeriodSeconds = oldGrace;
  }
  if (deepEqual(munged, oldSpec)) return [];
  const detail = `pod updates may not change fields other than ${UPDATABLE_POD_SPEC_FIELDS.join(',')}\n${podSpecDiff(oldSpec, munged)}`;
  return [forbiddenCause('spec', detail)];
}

/**
 * A Job's pod template never changes (`ValidateImmutableField` on `spec.template`): adding a pull secret means
 * recreating the Job. The real server prints the new value with Go's %#v; JSON inside the same type name stands
 * in for it. The exception for suspended Jobs that never started (scheduling fields only) is not modelled.
 */
export function validateJobUpdate(oldJob: KubeObject, newJob: KubeObject): StatusCause[] {
  const oldTemplate = record(oldJob.spec).template;
  const newTemplate = record(newJob.spec).template;
  if (deepEqual(oldTemplate, newTemplate)) return [];
  const { metadata, spec } = record(newTemplate);
  const shown = `core.PodTemplateSpec{ObjectMeta:${JSON.stringify(metadata ?? {})}, Spec:${JSON.stringify(spec ?? {})}}`;
  return [{ reason: 'FieldValueInvalid', message: `Invalid value: ${shown}: field is immutable`, field: 'spec.template' }];
}

/** A secret's type never changes, and an immutable secret's data neither (`ValidateSecretUpdate`). */
export function validateSecretUpdate(oldSecret: KubeObject, newSecret: KubeObject): StatusCause[] {
  const causes: StatusCause[] = [];
  const oldType = String(oldSecret.type ?? 'Opaque');
  const newType = String(newSecret.type ?? 'Opaque');
  if (oldType !== newType) causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: "${newType}": field is immutable`, field: 'type' });
  if (oldSecret.immutable === true) {
    if (!deepEqual(oldSecret.data ?? {}, newSecret.data ?? {})) {
      causes.push({ reason: 'FieldValueForbidden', message: 'Forbidden: field is immutable when `immutable` is set', field: 'data' });
    }
    if (newSecret.immutable !== true) {
      causes.push({ reason: 'FieldValueForbidden', message: 'Forbidden: field is immutable when `immutable` is set', field: 'immutable' });
    }
  }
  return causes;
}

// A go-cmp-like diff of the fields that differ, so the error points at what the update tried to change.
function podSpecDiff(oldSpec: Record<string, unknown>, newSpec: Record<string, unknown>): string {
  const keys = [...new Set([...Object.keys(oldSpec), ...Object.keys(newSpec)])].sort();
  const changed = keys.filter((key) => !deepEqual(oldSpec[key], newSpec[key]));
  const lines = ['  core.PodSpec{'];
  const identical = keys.length - changed.length;
  if (identical > 0) lines.push(`  \t... // ${identical} identical fields`);
  for (const key of changed) {
    const field = key.charAt(0).toUpperCase() + key.slice(1);
    if (oldSpec[key] !== undefined) lines.push(`- \t${field}: ${JSON.stringify(oldSpec[key])},`);
    if (newSpec[key] !== undefined) lines.push(`+ \t${field}: ${JSON.stringify(newSpec[key])},`);
  }
  lines.push('  }');
  return `${lines.join('\n')}\n`;
}

function validateName(resource: string, name: string | undefined): StatusCause[] {
  if (!name) {
    return [{ reason: 'FieldValueRequired', message: 'Required value: name or generateName is required', field: 'metadata.name' }];
  }
  if (RBAC_RESOURCES.has(resource)) return validatePathSegmentName(name);
  const label = resource === 'namespaces';
  const pattern = label ? DNS_LABEL : DNS_SUBDOMAIN;
  if (name.length <= (label ? 63 : 253) && pattern.test(name)) return [];
  const message = label
    ? `Invalid value: "${name}": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`
    : `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`;
  return [{ reason: 'FieldValueInvalid', message, field: 'metadata.name' }];
}

// RBAC objects are named like `system:controller:foo`: the registry checks only that the name fits in a URL path segment.
const RBAC_RESOURCES = new Set(['roles', 'rolebindings', 'clusterroles', 'clusterrolebindings']);

function validatePathSegmentName(name: string): StatusCause[] {
  const invalidName = (detail: string): StatusCause[] => [{ reason: 'FieldValueInvalid', message: `Invalid value: "${name}": ${detail}`, field: 'metadata.name' }];
  if (name === '.' || name === '..') return invalidName(`may not be '${name}'`);
  for (const illegal of ['/', '%']) {
    if (name.includes(illegal)) return invalidName(`may not contain '${illegal}'`);
  }
  return [];
}

function validatePodSpec(spec: Record<string, unknown>, path: string): StatusCause[] {
  const containers = list(spec.containers);
  if (containers.length === 0) return [{ reason: 'FieldValueRequired', message: 'Required value', field: `${path}.containers` }];
  const causes: StatusCause[] = [];
  for (const key of ['initContainers', 'containers']) {
    list(spec[key]).forEach((container, index) => {
      if (!container.name) causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: `${path}.${key}[${index}].name` });
      if (!container.image) causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: `${path}.${key}[${index}].image` });
    });
  }
  causes.push(...validateImageVolumes(spec, path));
  return causes;
}

const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];

/**
 * `validateImageVolumeSource` (KEP-4639): a pod's image volume needs a reference and one of the three pull
 * policies (`validatePullPolicy`, after defaulting); `validateVolumeMounts`: every mount names a declared volume.
 */
function validateImageVolumes(spec: Record<string, unknown>, path: string): StatusCause[] {
  const causes: StatusCause[] = [];
  const volumes = list(spec.volumes);
  volumes.forEach((volume, index) => {
    if (!('image' in volume)) return;
    const image = record(volume.image);
    const field = `${path}.volumes[${index}].image`;
    if (!image.reference) causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: `${field}.reference` });
    const policy = image.pullPolicy;
    if (policy === undefined || policy === '') causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: `${field}.pullPolicy` });
    else if (!PULL_POLICIES.includes(String(policy))) {
      const supported = PULL_POLICIES.map((value) => `"${value}"`).join(', ');
      causes.push({ reason: 'FieldValueNotSupported', message: `Unsupported value: "${String(policy)}": supported values: ${supported}`, field: `${field}.pullPolicy` });
    }
  });
  const declared = new Set(volumes.map((volume) => volume.name));
  for (const key of ['initContainers', 'containers']) {
    list(spec[key]).forEach((container, index) => {
      list(container.volumeMounts).forEach((mount, mountIndex) => {
        if (declared.has(mount.name)) return;
        causes.push({ reason: 'FieldValueNotFound', message: `Not found: "${String(mount.name ?? '')}"`, field: `${path}.${key}[${index}].volumeMounts[${mountIndex}].name` });
      });
    });
  }
  return causes;
}

const DOCKER_CONFIG_KEYS: Record<string, string> = {
  'kubernetes.io/dockerconfigjson': '.dockerconfigjson',
  'kubernetes.io/dockercfg': '.dockercfg',
};

function validateSecret(secret: KubeObject): StatusCause[] {
  const key = DOCKER_CONFIG_KEYS[String(secret.type ?? '')];
  if (!key) return [];
  const field = `data[${key}]`;
  const encoded = record(secret.data)[key];
  if (typeof encoded !== 'string' || encoded === '') return [{ reason: 'FieldValueRequired', message: 'Required value', field }];
  try {
    JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
    return [];
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return [{ reason: 'FieldValueInvalid', message: `Invalid value: "<secret contents redacted>": ${detail}`, field }];
  }
}

function forbiddenCause(field: string, detail: string): StatusCause {
  return { reason: 'FieldValueForbidden', message: `Forbidden: ${detail}`, field };
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function list(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.map(record) : [];
}
