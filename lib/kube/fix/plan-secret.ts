import 'server-only';
/** Planning a fix's secret: reuse one, copy one from another namespace, create it, or replace its data. */
import type { V1Secret } from '@kubernetes/client-node';
import { copiedPullSecret, newPullSecret, secretPreview, type SecretManifest } from '../../fix-manifests';
import type { FixStepKind } from '../../fix-plan';
import type { FixRequest } from '../../api/fix-request';
import type { KubeClients } from '../config';
import { PULL_SECRET_TYPES } from '../credentials';
import { ApiError } from '../../api/errors';
import { toApiError } from '../errors';
import { findSecret } from '../reads';
import { dryRunParam, type PlannedStep } from './planned-step';

export async function planSecret(
  clients: KubeClients,
  namespace: string,
  source: FixRequest['source'],
): Promise<{ name: string; namespace: string; step: PlannedStep }> {
  return { namespace, ...(await planSecretStep(clients, namespace, source)) };
}

async function planSecretStep(
  clients: KubeClients,
  namespace: string,
  source: FixRequest['source'],
): Promise<{ name: string; step: PlannedStep }> {
  switch (source.kind) {
    case 'existing': {
      const existing = await findSecret(clients, namespace, source.name);
      if (!existing) throw new ApiError('not-found', 404, `the secret "${source.name}" does not exist in namespace "${namespace}"`, 'NotFound');
      assertPullSecret(existing, namespace);
      return {
        name: source.name,
        step: { kind: 'reuse-secret', title: `reuse Secret ${source.name}`, yaml: null, run: async () => `Secret ${source.name} exists and is a pull secret` },
      };
    }
    case 'copy': {
      const original = await findSecret(clients, source.fromNamespace, source.name);
      if (!original) throw new ApiError('not-found', 404, `the secret "${source.name}" does not exist in namespace "${source.fromNamespace}"`, 'NotFound');
      assertPullSecret(original, source.fromNamespace);
      const name = source.newName ?? source.name;
      await assertNameFree(clients, namespace, name);
      const copy = copiedPullSecret({ namespace: source.fromNamespace, name: source.name, type: original.type ?? '', data: original.data ?? {} }, namespace, name);
      return { name, step: createSecretStep('copy-secret', `copy Secret ${source.fromNamespace}/${source.name} to ${namespace}/${name}`, clients, copy) };
    }
    case 'new': {
      const secret = newPullSecret(namespace, source);
      const existing = await findSecret(clients, namespace, source.name);
      if (!existing) return { name: source.name, step: createSecretStep('create-secret', `create Secret ${source.name}`, clients, secret) };
      if (!source.replaceExisting) throw nameTaken(namespace, source.name);
      return { name: source.name, step: replaceSecretStep(clients, existing, secret) };
    }
  }
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

/** Replaces the data of an existing secret the person chose to overwrite, guarded by its resourceVersion. */
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

async function assertNameFree(clients: KubeClients, namespace: string, name: string): Promise<void> {
  if (await findSecret(clients, namespace, name)) throw nameTaken(namespace, name);
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
