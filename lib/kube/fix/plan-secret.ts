import 'server-only';
/** Planning a fix's secret: reuse one, copy one from another namespace, create it, or merge an entry into it. */
import { randomUUID } from 'node:crypto';
import type { V1Secret } from '@kubernetes/client-node';
import { copiedPullSecret, createdByPullfix, markedByFix, newPullSecret, secretPreview, type SecretManifest } from '../../fix-manifests';
import type { FixStepKind } from '../../fix-plan';
import type { FixRequest } from '../../api/fix-request';
import type { KubeClients } from '../config';
import { PULL_SECRET_TYPES } from '../credentials';
import { ApiError } from '../../api/errors';
import { toApiError } from '../errors';
import { findSecret } from '../reads';
import { mergePullSecretEntry } from '../../secret-merge';
import type { SecretChange } from '../../secret-diff';
import { dryRunParam, type PlannedStep } from './planned-step';
import { secretUsers } from './secret-users';

/** What a fix does to its secret; an undo deletes it only when this fix created it (new or copied). */
export type SecretOrigin = 'created' | 'copied' | 'replaced' | 'reused';

export interface PlannedSecret {
  name: string;
  namespace: string;
  step: PlannedStep;
  origin: SecretOrigin;
  /** For a replace: the entries before and after and who else uses the secret; null otherwise. */
  change: SecretChange | null;
}

/**
 * Plans the secret step of fix `fixId` (a fresh id when the caller keeps none, as an incident fix): a secret it
 * creates or copies carries pullfix's mark with that id. A new
 * secret whose name exists is reused when pullfix made it (marked) with the very data this request would write,
 * as a retry after a failed try does; otherwise it is a 409 unless the request asks to replace its data, which
 * merges this registry's entry into it. A copy whose name exists stays a 409: the copy is there to attach as an
 * existing secret.
 */
export async function planSecret(clients: KubeClients, namespace: string, source: FixRequest['source'], fixId: string = randomUUID()): Promise<PlannedSecret> {
  switch (source.kind) {
    case 'existing': {
      const existing = await findSecret(clients, namespace, source.name);
      if (!existing) throw new ApiError('not-found', 404, `the secret "${source.name}" does not exist in namespace "${namespace}"`, 'NotFound');
      assertPullSecret(existing, namespace);
      return reused(namespace, source.name, `Secret ${source.name} exists and is a pull secret`, `reuse Secret ${source.name}`);
    }
    case 'copy': {
      const original = await findSecret(clients, source.fromNamespace, source.name);
      if (!original) throw new ApiError('not-found', 404, `the secret "${source.name}" does not exist in namespace "${source.fromNamespace}"`, 'NotFound');
      assertPullSecret(original, source.fromNamespace);
      const name = source.newName ?? source.name;
      const copy = markedByFix(copiedPullSecret({ namespace: source.fromNamespace, name: source.name, type: original.type ?? '', data: original.data ?? {} }, namespace, name), fixId);
      if (await findSecret(clients, namespace, name)) throw nameTaken(namespace, name);
      const title = `copy Secret ${source.fromNamespace}/${source.name} to ${namespace}/${name}`;
      return { name, namespace, step: createSecretStep('copy-secret', title, clients, copy), origin: 'copied', change: null };
    }
    case 'new': {
      const secret = markedByFix(newPullSecret(namespace, source), fixId);
      const existing = await findSecret(clients, namespace, source.name);
      if (!existing) return { name: source.name, namespace, step: createSecretStep('create-secret', `create Secret ${source.name}`, clients, secret), origin: 'created', change: null };
      if (sameData(existing, secret)) {
        return reused(namespace, source.name, `Secret ${source.name}, created by pullfix before, holds these credentials`, `reuse Secret ${source.name}, created by pullfix before`);
      }
      if (!source.replaceExisting) throw nameTaken(namespace, source.name);
      const merged = mergePullSecretEntry({ type: existing.type, data: existing.data }, source);
      const change: SecretChange = { secret: source.name, ...merged.change, users: await secretUsers(clients, namespace, source.name) };
      const type = PULL_SECRET_TYPES.has(existing.type ?? '') && merged.change.before !== null ? (existing.type ?? secret.type) : secret.type;
      const replacement: SecretManifest = { ...secret, metadata: { name: source.name, namespace }, type, data: merged.data };
      if (sameBytes(existing.data ?? {}, merged.data)) {
        return { ...reused(namespace, source.name, `Secret ${source.name} already holds this entry: nothing to change`, `Secret ${source.name} already holds this entry`), change };
      }
      return { name: source.name, namespace, step: replaceSecretStep(clients, existing, replacement), origin: 'replaced', change };
    }
  }
}

function reused(namespace: string, name: string, message: string, title: string): PlannedSecret {
  return { name, namespace, step: { kind: 'reuse-secret', title, yaml: null, run: async () => message }, origin: 'reused', change: null };
}

/** A secret pullfix made (its mark) whose type and data are what this request would write. */
function sameData(existing: V1Secret, wanted: SecretManifest): boolean {
  return createdByPullfix(existing.metadata) && existing.type === wanted.type && sameBytes(existing.data ?? {}, wanted.data);
}

function sameBytes(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}

function createSecretStep(kind: FixStepKind, title: string, clients: KubeClients, secret: SecretManifest): PlannedStep {
  return {
    kind,
    title,
    yaml: secretPreview(secret),
    run: async (dryRun) => {
      try {
        await clients.core.createNamespacedSecret({ namespace: secret.metadata.namespace, body: secret, ...dryRunParam(dryRun) });
      } catch (error) {
        const kubeError = toApiError(error, clients);
        if (kubeError.status === 409) throw nameTaken(secret.metadata.namespace, secret.metadata.name);
        throw kubeError;
      }
      return dryRun ? `the API server would create Secret ${secret.metadata.name}` : `created Secret ${secret.metadata.name}`;
    },
  };
}

/** Writes the merged data into the secret the person chose to change, guarded by its resourceVersion. */
function replaceSecretStep(clients: KubeClients, existing: V1Secret, secret: SecretManifest): PlannedStep {
  const body: V1Secret = { ...secret, metadata: { ...existing.metadata, name: secret.metadata.name, namespace: secret.metadata.namespace } };
  return {
    kind: 'replace-secret',
    title: `replace the data of Secret ${secret.metadata.name}`,
    yaml: secretPreview(secret),
    run: async (dryRun) => {
      await clients.core.replaceNamespacedSecret({ namespace: secret.metadata.namespace, name: secret.metadata.name, body, ...dryRunParam(dryRun) });
      return dryRun ? `the API server would replace the data of Secret ${secret.metadata.name}` : `replaced the data of Secret ${secret.metadata.name}`;
    },
  };
}

function nameTaken(namespace: string, name: string): ApiError {
  return new ApiError(
    'conflict',
    409,
    `a secret named "${name}" already exists in namespace "${namespace}": choose to replace its data, or pick another name`,
    'AlreadyExists',
  );
}

function assertPullSecret(secret: V1Secret, namespace: string): void {
  if (!PULL_SECRET_TYPES.has(secret.type ?? '')) {
    throw new ApiError(
      'invalid-input',
      400,
      `the secret "${secret.metadata?.name ?? ''}" in namespace "${namespace}" has type ${secret.type ?? 'Opaque'}; the kubelet reads pull credentials only from kubernetes.io/dockerconfigjson or kubernetes.io/dockercfg secrets`,
    );
  }
}
