import 'server-only';

import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ApiError } from '../api/errors';
import { BUILT_IN_PROVIDERS, CREDENTIAL_PROVIDERS_FILE, CredentialProviderConfigError, parseCredentialProviderConfig, type CredentialProviders } from '../credential-providers';
import { log } from '../log';
import { REGISTRY_CONFIG_ENV } from '../registry/endpoints';

export const CREDENTIAL_PROVIDERS_ENV = 'PULLFIX_CREDENTIAL_PROVIDERS';

/**
 * The credential providers the nodes of `context` run, from the kubelet's own CredentialProviderConfig:
 * PULLFIX_CREDENTIAL_PROVIDERS maps contexts to files ("*" for any other context); without an entry, a
 * credential-providers.yaml beside PULLFIX_REGISTRY_CONFIG applies; without either, the built-in cloud
 * patterns are assumed. A file is read again when it changes.
 */
export function credentialProvidersFor(context: string): CredentialProviders {
  const file = configFileFor(context);
  if (file === null) return BUILT_IN_PROVIDERS;
  let modified: number;
  try {
    modified = statSync(file).mtimeMs;
  } catch (error) {
    throw invalid(`The credential provider configuration for context "${context}" cannot be read (${errorCode(error)}).`, file, error);
  }
  const cached = loaded.get(file);
  if (cached && cached.modified === modified) return cached.providers;
  try {
    const providers: CredentialProviders = { source: 'config', providers: parseCredentialProviderConfig(readFileSync(file, 'utf8'), path.basename(file)).providers };
    loaded.set(file, { modified, providers });
    return providers;
  } catch (error) {
    if (error instanceof CredentialProviderConfigError) throw invalid(error.message, file, error);
    throw invalid(`The credential provider configuration for context "${context}" cannot be read (${errorCode(error)}).`, file, error);
  }
}

const loaded = new Map<string, { modified: number; providers: CredentialProviders }>();

function configFileFor(context: string): string | null {
  const mapping = process.env[CREDENTIAL_PROVIDERS_ENV];
  if (mapping) {
    const files = parseMapping(mapping);
    const file = files[context] ?? files['*'];
    if (file !== undefined) return file;
  }
  const registryConfig = process.env[REGISTRY_CONFIG_ENV];
  if (!registryConfig) return null;
  const beside = path.join(path.dirname(registryConfig), CREDENTIAL_PROVIDERS_FILE);
  try {
    statSync(beside);
    return beside;
  } catch {
    return null;
  }
}

function parseMapping(text: string): Record<string, string> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw invalid(`${CREDENTIAL_PROVIDERS_ENV} must be a JSON object mapping context names to file paths.`, null, null);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json) || Object.values(json).some((value) => typeof value !== 'string')) {
    throw invalid(`${CREDENTIAL_PROVIDERS_ENV} must be a JSON object mapping context names to file paths.`, null, null);
  }
  return json as Record<string, string>;
}

/** The path stays in the server log: an answer may reach anyone. */
function invalid(message: string, file: string | null, cause: unknown): ApiError {
  log.warn('the credential provider configuration is unusable', { file, cause: cause instanceof Error ? cause.message : null });
  return new ApiError('credential-provider-config-invalid', 500, message);
}

function errorCode(error: unknown): string {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : 'error';
}
