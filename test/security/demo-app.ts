import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { NextRequest } from 'next/server';
import { parse, parseAllDocuments } from 'yaml';
import { installPeerKey, PEER_HEADER, peerStamp } from '../../lib/security/peer';
import { startSimCli } from '../support/sim-cli';

/**
 * The app's route handlers, found on disk so new endpoints join the sweeps by themselves, driven in-process
 * against the simulator running the demo scenario (`sim/main.ts --scenario demo`).
 */

export const ROOT = resolve(__dirname, '../..');
const API_DIRECTORY = join(ROOT, 'app/api');
export const MUTATING_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'] as const;
const METHODS = ['GET', 'HEAD', ...MUTATING_METHODS] as const;

type Handler = (request: NextRequest, context: { params: Promise<Record<string, string>> }) => Promise<Response> | Response;

export interface ApiRoute {
  /** '/api/contexts/[context]/failures' */
  template: string;
  params: string[];
  methods: Partial<Record<(typeof METHODS)[number], Handler>>;
}

export async function discoverRoutes(): Promise<ApiRoute[]> {
  const routes: ApiRoute[] = [];
  for (const file of routeFiles(API_DIRECTORY)) {
    const segments = relative(join(ROOT, 'app'), file).split(sep).slice(0, -1);
    const exports = (await import(file)) as Record<string, unknown>;
    const methods: ApiRoute['methods'] = {};
    for (const method of METHODS) if (typeof exports[method] === 'function') methods[method] = exports[method] as Handler;
    routes.push({
      template: `/${segments.join('/')}`,
      params: segments.filter((segment) => /^\[.+\]$/.test(segment)).map((segment) => segment.slice(1, -1)),
      methods,
    });
  }
  return routes.sort((a, b) => a.template.localeCompare(b.template));
}

function routeFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) return routeFiles(path);
    return name === 'route.ts' ? [path] : [];
  });
}

export const ORIGIN = 'http://127.0.0.1:3000';
export const CSRF = 'sweep-csrf-token-8d2f6a';

export interface Call {
  method?: string;
  params?: Record<string, string>;
  query?: Record<string, string>;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Sent as pullfix's own pages send mutations: same origin, JSON, the CSRF pair. */
  asPage?: boolean;
}

let clientNumber = 0;
// The handlers read the client's address from the stamp the server process writes (lib/security/peer.ts).
installPeerKey('demo-app-peer-key');

export async function call(route: ApiRoute, options: Call = {}): Promise<Response> {
  const method = (options.method ?? 'GET') as keyof ApiRoute['methods'];
  const handler = route.methods[method];
  if (!handler) throw new Error(`${route.template} has no ${method} handler`);
  const params = options.params ?? {};
  const path = route.template.replace(/\[([^\]]+)\]/g, (_whole, name: string) => encodeURIComponent(params[name] ?? 'x'));
  const url = new URL(`${ORIGIN}${path}`);
  for (const [name, value] of Object.entries(options.query ?? {})) url.searchParams.set(name, value);
  // A client per request: the registry routes' per-client limit would otherwise answer 429 to the sweep.
  clientNumber += 1;
  const headers: Record<string, string> = { host: '127.0.0.1:3000', [PEER_HEADER]: peerStamp(`10.9.${clientNumber >> 8}.${clientNumber & 255}`)! };
  if (options.asPage) {
    Object.assign(headers, { origin: ORIGIN, 'content-type': 'application/json', cookie: `pullfix-csrf=${CSRF}`, 'x-pullfix-csrf': CSRF });
  }
  Object.assign(headers, options.headers);
  const hasBody = options.body !== undefined && method !== 'GET' && method !== 'HEAD';
  const body = !hasBody ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  const request = new NextRequest(url, { method, headers, body });
  return handler(request, { params: Promise.resolve(params) });
}

export interface DemoCluster {
  kubeconfig: string;
  registries: string;
  /** Every password, token, `auth` value and secret payload the scenario and its kubeconfig hold. */
  secretValues: string[];
  close(): Promise<void>;
}

export async function startDemoCluster(): Promise<DemoCluster> {
  const simulator = await startSimCli('demo', 60_000);
  return {
    kubeconfig: simulator.kubeconfig,
    registries: simulator.registries,
    secretValues: scenarioSecrets(simulator.kubeconfig),
    close: () => simulator.stop(),
  };
}

const MIN_SECRET_LENGTH = 6;

/** The parts of the scenario file (header and Secret objects) that hold secret values. */
interface ScenarioDocument {
  kind?: string;
  registries?: { users?: { password: string }[] }[];
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

function scenarioSecrets(kubeconfig: string): string[] {
  const values = new Set<string>();
  const documents = parseAllDocuments(readFileSync(join(ROOT, 'sim/scenarios/demo.yaml'), 'utf8')).map((document) => document.toJS() as ScenarioDocument | null);
  const [header, ...objects] = documents;
  for (const registry of header?.registries ?? []) for (const user of registry.users ?? []) values.add(String(user.password));
  for (const object of objects) {
    if (object?.kind !== 'Secret') continue;
    for (const [key, raw] of Object.entries(object.stringData ?? {})) addSecretPayload(values, key, raw, false);
    for (const [key, raw] of Object.entries(object.data ?? {})) addSecretPayload(values, key, raw, true);
  }
  const config = parse(readFileSync(kubeconfig, 'utf8')) as { users: { user: { token?: string } }[] };
  for (const { user } of config.users) if (user.token) values.add(user.token);
  return [...values].filter((value) => value.length >= MIN_SECRET_LENGTH);
}

function addSecretPayload(values: Set<string>, key: string, raw: string, encoded: boolean): void {
  const text = encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  values.add(encoded ? raw : Buffer.from(raw).toString('base64'));
  if (key !== '.dockerconfigjson' && key !== '.dockercfg') {
    values.add(text);
    return;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return;
  }
  const walk = (node: unknown) => {
    if (typeof node !== 'object' || node === null) return;
    for (const [field, value] of Object.entries(node)) {
      if (typeof value === 'string' && ['password', 'auth', 'identitytoken', 'registrytoken'].includes(field.toLowerCase())) values.add(value);
      else walk(value);
    }
  };
  walk(parsed);
}
