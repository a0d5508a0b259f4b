import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

/** The demo scenario the e2e simulator serves, read from the same file so the specs follow its changes. */
const SCENARIO_FILE = path.join(__dirname, '..', '..', 'sim', 'scenarios', 'demo.yaml');

export interface ExpectedRow {
  namespace: string;
  /** The workload name, or the pod name for a bare pod. */
  workload: string;
  container: string;
  /** The verdict code, or null for a healthy workload that must not be listed. */
  verdict: string | null;
}

/**
 * Every demo workload and its verdict, verified against the registry, as sim/scenarios/README.md lists them
 * (the scenario's section headers name the host-match verdict). Healthy workloads are listed with null.
 */
export const DEMO_WORKLOADS: ExpectedRow[] = [
  { namespace: 'default', workload: 'nginx', container: 'nginx', verdict: null },
  { namespace: 'default', workload: 'nginx-david', container: 'nginx', verdict: 'no-working-credential' },
  { namespace: 'default', workload: 'redis', container: 'redis', verdict: null },
  { namespace: 'default', workload: 'toolbox', container: 'shell', verdict: null },
  { namespace: 'team-missing', workload: 'api', container: 'api', verdict: 'missing-secret' },
  { namespace: 'team-ghcr', workload: 'api', container: 'api', verdict: 'secret-for-other-registry' },
  { namespace: 'team-port', workload: 'app', container: 'app', verdict: 'secret-for-other-registry' },
  { namespace: 'team-wrongpass', workload: 'worker', container: 'worker', verdict: 'credentials-rejected' },
  { namespace: 'team-unattached', workload: 'migrate', container: 'migrate', verdict: 'secret-not-attached' },
  { namespace: 'team-sa', workload: 'web', container: 'web', verdict: 'pod-predates-service-account' },
  { namespace: 'team-refmissing', workload: 'agent', container: 'agent', verdict: 'referenced-secret-missing' },
  { namespace: 'team-malformed', workload: 'batch-runner', container: 'runner', verdict: 'malformed-secret' },
  { namespace: 'legacy', workload: 'legacy-app', container: 'app', verdict: null },
  { namespace: 'legacy', workload: 'frontend', container: 'web', verdict: null },
  { namespace: 'typos', workload: 'web', container: 'web', verdict: 'tag-not-found' },
  { namespace: 'network', workload: 'dns-fail', container: 'app', verdict: 'registry-unreachable' },
  { namespace: 'network', workload: 'tls-fail', container: 'app', verdict: 'registry-unreachable' },
  { namespace: 'limits', workload: 'mirror', container: 'nginx', verdict: 'rate-limited' },
  { namespace: 'platforms', workload: 'arm-only', container: 'app', verdict: 'platform-mismatch' },
  { namespace: 'invalid', workload: 'bad-name', container: 'web', verdict: 'invalid-reference' },
  { namespace: 'never', workload: 'preloaded-only', container: 'shell', verdict: 'never-pull' },
  { namespace: 'cloud', workload: 'billing', container: 'billing', verdict: 'node-credentials' },
  { namespace: 'init', workload: 'with-init', container: 'fetch-config', verdict: 'missing-secret' },
  { namespace: 'batch', workload: 'db-migrate', container: 'migrate', verdict: null },
  { namespace: 'team-access', workload: 'reports', container: 'reports', verdict: 'account-lacks-access' },
  { namespace: 'team-typo', workload: 'api', container: 'api', verdict: 'repository-not-found' },
  { namespace: 'team-merge', workload: 'worker', container: 'worker', verdict: 'credentials-rejected' },
  // The demo incident: one rotated password behind four workloads in two namespaces.
  { namespace: 'store-front', workload: 'web', container: 'web', verdict: 'credentials-rejected' },
  { namespace: 'store-front', workload: 'catalog', container: 'catalog', verdict: 'credentials-rejected' },
  { namespace: 'store-back', workload: 'cart', container: 'cart', verdict: 'credentials-rejected' },
  { namespace: 'store-back', workload: 'checkout', container: 'checkout', verdict: 'credentials-rejected' },
  // GitOps: Argo CD tracks the Deployment; the fix form warns that a live patch would be reverted.
  { namespace: 'team-gitops', workload: 'storefront', container: 'storefront', verdict: 'missing-secret' },
  // Image volumes: `container` is the volume's name.
  { namespace: 'volumes', workload: 'model-server', container: 'models', verdict: 'missing-secret' },
  { namespace: 'volumes', workload: 'docs-site', container: 'docs', verdict: 'tag-not-found' },
  // KEP-2535 on sim-node-3 (kubelet 1.35): the list and the pod detail both read the node's kubelet version and images.
  { namespace: 'cached', workload: 'warmer', container: 'api', verdict: null },
  { namespace: 'cached', workload: 'reader', container: 'api', verdict: 'cached-image-unverified' },
  { namespace: 'cached', workload: 'never-reader', container: 'api', verdict: 'cached-image-never-pull' },
  // Credential providers (KEP-4412): no pull secret, the nodes' workload-identity provider.
  { namespace: 'workload-identity', workload: 'ledger', container: 'ledger', verdict: 'provider-annotation-missing' },
  { namespace: 'workload-identity', workload: 'reports', container: 'reports', verdict: 'provider-credentials-refused' },
  // Docker Hub's allowance: capped-bot has spent its 100 pulls per 6 h; the verdict card and the registry panel state it.
  { namespace: 'hub-limits', workload: 'nightly', container: 'nginx', verdict: 'rate-limited' },
];

/**
 * Every credential the scenario holds, in every form a leak could take: registry passwords, each pull
 * secret's passwords and `auth` values, base64 of username:password, and each secret's whole payload as
 * the API server stores it (base64). None may reach the browser.
 */
export function demoSecretValues(): string[] {
  const documents = parseAllDocuments(readFileSync(SCENARIO_FILE, 'utf8')).map((document) => document.toJS() as Record<string, unknown>);
  const values = new Set<string>();
  for (const document of documents) {
    for (const registry of asArray(document.registries)) {
      for (const user of asArray((registry as { users?: unknown }).users)) {
        const { username, password } = user as { username?: string; password?: string };
        if (password) {
          values.add(password);
          values.add(base64(`${username ?? ''}:${password}`));
        }
      }
    }
    if (document.kind === 'Secret') addSecretValues(document, values);
  }
  return [...values].filter((value) => value.length >= 6);
}

function addSecretValues(secret: Record<string, unknown>, values: Set<string>): void {
  const stringData = (secret.stringData ?? {}) as Record<string, string>;
  const data = Object.fromEntries(Object.entries((secret.data ?? {}) as Record<string, string>).map(([key, value]) => [key, Buffer.from(value, 'base64').toString('utf8')]));
  for (const payload of Object.values({ ...data, ...stringData })) {
    values.add(base64(payload));
    const config = parseJson(payload);
    const auths = (config?.auths ?? config ?? {}) as Record<string, { password?: string; auth?: string; username?: string }>;
    for (const entry of Object.values(auths)) {
      if (typeof entry !== 'object' || entry === null) continue;
      if (entry.password) values.add(entry.password);
      if (entry.auth) {
        values.add(entry.auth);
        const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
        const password = decoded.slice(decoded.indexOf(':') + 1);
        if (decoded.includes(':') && password) values.add(password);
      }
    }
  }
}

function parseJson(text: string): Record<string, unknown> | null {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return null;
  }
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}
