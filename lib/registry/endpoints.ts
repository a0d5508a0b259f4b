import 'server-only';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { z } from 'zod';
import { RegistryError } from './errors';

/**
 * Where each registry host is really served, in the spirit of containerd's hosts configuration. The
 * simulator writes the same shape as `registries.json` beside its kubeconfig.
 */
export interface RegistryEndpointConfig {
  hosts: Record<string, RegistryHostConfig>;
}

export interface RegistryHostConfig {
  /** Base URL the host is served at: "https://mirror.example.com", "http://127.0.0.1:5000". */
  endpoint: string;
  /** PEM bundle of the CAs to trust for this endpoint instead of the system's. */
  caFile?: string;
  /** Allows plain HTTP with credentials and turns off certificate verification, like Docker's insecure-registries. */
  insecure?: boolean;
}

/** How to verify a TLS server. */
export interface TransportTrust {
  /** PEM to trust instead of the system CAs; null for the system CAs. */
  ca: string | null;
  rejectUnauthorized: boolean;
}

export interface ResolvedEndpoint {
  /** The host as image references write it. */
  host: string;
  /** Base URL without a trailing slash; API paths ("/v2/…") are appended to it. */
  url: string;
  caFile: string | null;
  trust: TransportTrust;
  insecure: boolean;
  /** HTTPS, plain HTTP to a loopback address, or a host configured insecure. */
  credentialsAllowed: boolean;
}

export const REGISTRY_CONFIG_ENV = 'PULLFIX_REGISTRY_CONFIG';

const DEFAULT_ENDPOINTS: Record<string, string> = {
  // Docker Hub's API is not served at the name images use.
  'docker.io': 'https://registry-1.docker.io',
};

/** Reads the configuration named by PULLFIX_REGISTRY_CONFIG; no variable means no overrides. */
export function loadEndpointConfig(path: string | undefined = process.env[REGISTRY_CONFIG_ENV]): RegistryEndpointConfig {
  if (path === undefined || path === '') return { hosts: {} };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw configError(`The registry configuration ${path} cannot be read (${errorCode(error)}).`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw configError(`The registry configuration ${path} is not valid JSON.`);
  }
  return parseEndpointConfig(json, path);
}

export function parseEndpointConfig(json: unknown, source = 'registry configuration'): RegistryEndpointConfig {
  const parsed = configSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? issue.path.join('.') : '';
    throw configError(`The ${source} is malformed${where ? ` at ${where}` : ''}: ${issue?.message ?? 'invalid'}.`);
  }
  const hosts: Record<string, RegistryHostConfig> = {};
  for (const [host, entry] of Object.entries(parsed.data.hosts)) hosts[host.toLowerCase()] = entry;
  return { hosts };
}

/** Where `host` (as an image reference writes it) is served, how to trust it, and whether it may see credentials. */
export function resolveEndpoint(host: string, config: RegistryEndpointConfig = loadEndpointConfig()): ResolvedEndpoint {
  const key = host.toLowerCase();
  const entry = config.hosts[key];
  const url = (entry?.endpoint ?? DEFAULT_ENDPOINTS[key] ?? `https://${key}`).replace(/\/+$/, '');
  const insecure = entry?.insecure ?? false;
  const caFile = entry?.caFile ?? null;
  return {
    host: key,
    url,
    caFile,
    trust: { ca: caFile === null ? null : readCaFile(caFile, key), rejectUnauthorized: !insecure },
    insecure,
    credentialsAllowed: credentialsAllowed(new URL(url), insecure),
  };
}

/**
 * Trust for a URL the registry sent us to (a token realm, a redirect): the configuration entry whose
 * endpoint is served at that origin, or null when none is.
 */
export function trustForUrl(url: URL, config: RegistryEndpointConfig): { trust: TransportTrust; insecure: boolean } | null {
  for (const entry of Object.values(config.hosts)) {
    if (new URL(entry.endpoint).origin !== url.origin) continue;
    const insecure = entry.insecure ?? false;
    return {
      trust: { ca: entry.caFile ? readCaFile(entry.caFile, url.host) : null, rejectUnauthorized: !insecure },
      insecure,
    };
  }
  return null;
}

export const SYSTEM_TRUST: TransportTrust = { ca: null, rejectUnauthorized: true };

export function credentialsAllowed(url: URL, insecure: boolean): boolean {
  return url.protocol === 'https:' || insecure || isLoopbackHost(url.hostname);
}

export function isLoopbackHost(hostname: string): boolean {
  const bare = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  return bare === '::1';
}

const hostSchema = z.object({
  endpoint: z.url({ protocol: /^https?$/ }),
  caFile: z.string().min(1).optional(),
  insecure: z.boolean().optional(),
});

const configSchema = z.object({ hosts: z.record(z.string().min(1), hostSchema) });

function readCaFile(path: string, host: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw configError(`The CA file ${path} configured for ${host} cannot be read (${errorCode(error)}).`);
  }
}

function configError(message: string): RegistryError {
  return new RegistryError('config', 'unknown', message);
}

function errorCode(error: unknown): string {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : 'error';
}
