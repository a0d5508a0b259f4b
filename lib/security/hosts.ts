/**
 * Which Host names pullfix answers, the way `kubectl proxy --accept-hosts` does it (design §6). A page on
 * evil.example whose DNS answer flips to 127.0.0.1 reaches pullfix with `Host: evil.example`: refusing every
 * Host that is not an accepted name is what stops DNS rebinding. Loopback names with the listening port are
 * always accepted; more names (an ingress, a port-forward's local port, a Service's DNS name) come from
 * PULLFIX_ALLOWED_HOSTS, and only when an access token guards the server. Pure, so the proxy can use it.
 */
export const ALLOWED_HOSTS_ENV = 'PULLFIX_ALLOWED_HOSTS';

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

export interface HostPolicy {
  /** Accepted `name:port` pairs; a configured name without a port is accepted on any port. */
  exact: ReadonlySet<string>;
  anyPort: ReadonlySet<string>;
}

/**
 * The accepted hosts for this process. `port` is the port the server listens on (Next sets PORT once bound);
 * when it is unknown the loopback names are accepted on any port — a rebinding page can never be one of them.
 */
export function hostPolicy(env: Record<string, string | undefined>, tokenConfigured: boolean): HostPolicy {
  const port = env.PORT && /^\d{1,5}$/.test(env.PORT) ? env.PORT : null;
  const exact = new Set<string>();
  const anyPort = new Set<string>();
  for (const name of LOOPBACK_NAMES) {
    if (port) exact.add(`${name}:${port}`);
    else anyPort.add(name);
  }
  if (tokenConfigured) {
    for (const entry of parseAllowedHosts(env[ALLOWED_HOSTS_ENV] ?? '')) {
      if (entry.port) exact.add(`${entry.name}:${entry.port}`);
      else anyPort.add(entry.name);
    }
  }
  return { exact, anyPort };
}

/** Whether a Host header value (or an Origin's host) names this server. */
export function isAcceptedHost(host: string | null, policy: HostPolicy): boolean {
  const parsed = host === null ? null : splitHost(host);
  if (parsed === null) return false;
  if (policy.anyPort.has(parsed.name)) return true;
  // Browsers leave out the default port: pullfix itself serves plain HTTP.
  return policy.exact.has(`${parsed.name}:${parsed.port ?? '80'}`);
}

/** `a.example.com, localhost:8080, [fd00::1]:3000` → entries; anything that is not a host[:port] is ignored. */
export function parseAllowedHosts(text: string): { name: string; port: string | null }[] {
  return text
    .split(',')
    .map((entry) => splitHost(entry.trim()))
    .filter((entry): entry is { name: string; port: string | null } => entry !== null);
}

const HOST = /^(\[[0-9a-f:.]+\]|[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*)(?::(\d{1,5}))?$/;

function splitHost(host: string): { name: string; port: string | null } | null {
  const match = HOST.exec(host.toLowerCase().replace(/\.(?=:|$)/, ''));
  if (!match) return null;
  return { name: match[1]!, port: match[5] ?? null };
}
