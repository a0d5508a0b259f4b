// The browser must never receive code that can return a credential. The module graph keeps it out (components
// import only the client half of a fix; the decoder, the secret bytes and the previews are server modules); this
// test checks the result in the production build itself, so a new import that leaks them fails here.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');
const nextDir = path.join(root, '.next');

/**
 * String literals that survive minification and exist only in credential-handling code: if one is in the client
 * bundle, the module that holds it went to the browser.
 */
const CREDENTIAL_MARKERS: Array<[module: string, marker: string]> = [
  ['lib/pull-secrets/read.ts (the decoder that returns passwords)', 'unable to parse auth field, must be formatted as base64(username:password)'],
  ['lib/pull-secrets/read.ts', 'holds no username:password pair'],
  ['lib/pull-secrets (the bytes of a docker config: kubectl-secret.ts, read.ts)', '{"auths":{'],
  ['lib/fix-manifests.ts (secrets, patches, previews)', '# data shown decoded; passwords, tokens and auth masked'],
  ['lib/kube/registry-credentials.ts', 'has no entry the kubelet would use for'],
];

/** A message of lib/api/fix-request.ts, whose zod schemas cost the overview's first render when it loaded them. */
const SCHEMA_MARKER = 'a tag is up to 128 letters';

/** A string of the client half of a fix, which the fix form does ship: proves the scan reads the right files. */
const CLIENT_MARKER = 'secret data replaced';

describe('the client bundle', () => {
  let clientCode = '';
  let serverCode = '';

  beforeAll(() => {
    // `npm test` builds before it runs vitest; elsewhere, build now unless the build is newer than the sources.
    const build = spawnSync(process.execPath, [path.join(root, 'scripts/build-if-stale.mjs')], { cwd: root, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`next build failed:\n${build.stdout}\n${build.stderr}`);
    if (!existsSync(path.join(nextDir, 'BUILD_ID')) || !existsSync(path.join(nextDir, 'static'))) {
      throw new Error('no production build in .next: run `npm run build` first');
    }
    clientCode = javascriptUnder(path.join(nextDir, 'static'));
    serverCode = javascriptUnder(path.join(nextDir, 'server'));
  }, 600_000);

  it('holds the client half of the fix form', () => {
    expect(clientCode.length).toBeGreaterThan(0);
    expect(clientCode).toContain(CLIENT_MARKER);
  });

  it("loads the overview without the fix requests' schemas: the fix forms bring them when they open", () => {
    expect(clientCode, `"${SCHEMA_MARKER}" is not in the client build: choose a marker that survives bundling`).toContain(SCHEMA_MARKER);
    const chunks = entryChunks('/contexts/[context]/page');
    expect(chunks.length).toBeGreaterThan(0);
    for (const chunk of chunks) expect(readFileSync(path.join(nextDir, chunk), 'utf8').includes(SCHEMA_MARKER), `${chunk} holds lib/api/fix-request.ts`).toBe(false);
  });

  it.each(CREDENTIAL_MARKERS)('holds nothing of %s', (_module, marker) => {
    // The marker must be in the server build, or its absence from the client proves nothing.
    expect(serverCode, `"${marker}" is not in the server build: choose a marker that survives bundling`).toContain(marker);
    expect(clientCode.includes(marker), `"${marker}" is in .next/static: a component reaches credential code`).toBe(false);
  });
});

/** The scripts a page loads before it renders, as its client reference manifest lists them. */
function entryChunks(page: string): string[] {
  const holder: { __RSC_MANIFEST?: Record<string, { entryJSFiles: Record<string, string[]> }> } = {};
  new Function('globalThis', readFileSync(path.join(nextDir, 'server', 'app', `${page}_client-reference-manifest.js`), 'utf8'))(holder);
  return [...new Set(Object.values(holder.__RSC_MANIFEST?.[page]?.entryJSFiles ?? {}).flat())];
}

function javascriptUnder(directory: string): string {
  if (!existsSync(directory)) return '';
  return readdirSync(directory)
    .map((name) => path.join(directory, name))
    .map((entry) => (statSync(entry).isDirectory() ? javascriptUnder(entry) : entry.endsWith('.js') ? readFileSync(entry, 'utf8') : ''))
    .join('\n');
}
