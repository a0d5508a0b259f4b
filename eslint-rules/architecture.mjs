import fs from 'node:fs';
import path from 'node:path';

/**
 * The import rules of the design (§2), kept by the linter: only lib/kube talks to the cluster through
 * client-node; code that runs in the browser never imports a server-only module; the app never imports the
 * simulator; tests reach the simulator only through sim/testing.ts. Imports are resolved to files (relative
 * paths and the `@/` alias), so a rule cannot be dodged by spelling a path another way.
 */
const CLIENT_NODE = '@kubernetes/client-node';
const SERVER_ONLY_FOLDERS = ['lib/kube/', 'lib/registry/', 'lib/security/'];
/** The CSRF header helper is what the browser's fetchers call: the one client module in lib/security. */
const CLIENT_SAFE = new Set(['lib/security/csrf-client.ts']);
const SIM_TESTING_ENTRY = 'sim/testing.ts';
const EXTENSIONS = ['', '.ts', '.tsx', '.mjs', '.js', '/index.ts', '/index.tsx'];
/** Blank lines and comments before a module's first statement. */
const LEADING = String.raw`^(?:\s|//[^\n]*\n|/\*[\s\S]*?\*/)*`;
const USE_CLIENT = new RegExp(`${LEADING}['"]use client['"]`);
const IMPORT_SERVER_ONLY = new RegExp(`${LEADING}import ['"]server-only['"]`);

const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'Keeps the layers of pullfix apart (design §2).' },
    schema: [],
    messages: {
      clientNode: '@kubernetes/client-node is imported only in lib/kube: call a function of the data layer instead.',
      serverOnly: '"{{target}}" is server-only: browser code ({{why}}) imports pure lib/ modules and lib/queries only.',
      simInApp: 'the app never imports the simulator ("{{target}}"): it talks to it as to any cluster.',
      simInTest: 'tests import the simulator through sim/testing.ts only, not "{{target}}".',
    },
  },
  create(context) {
    const root = context.cwd;
    const file = toPosix(path.relative(root, context.filename));
    const importer = classify(file, context.sourceCode.text);
    const check = (node, specifier) => {
      if (typeof specifier !== 'string') return;
      const problem = problemOf(importer, specifier, resolve(root, file, specifier), root);
      if (problem) context.report({ node, messageId: problem.messageId, data: problem.data });
    };
    return {
      ImportDeclaration: (node) => check(node.source, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value),
      ExportAllDeclaration: (node) => check(node.source, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node.source, node.source.value),
    };
  },
};

const plugin = { rules: { imports: rule } };

export default plugin;

function problemOf(importer, specifier, target, root) {
  if (specifier === CLIENT_NODE || specifier.startsWith(`${CLIENT_NODE}/`)) {
    return importer.inKube || importer.test ? null : { messageId: 'clientNode' };
  }
  if (target === null) return null;
  if (importer.client && isServerOnly(target, root)) return { messageId: 'serverOnly', data: { target, why: importer.client } };
  if (target.startsWith('sim/') && !importer.inSim) {
    if (importer.test) return target === SIM_TESTING_ENTRY ? null : { messageId: 'simInTest', data: { target } };
    if (importer.app) return { messageId: 'simInApp', data: { target } };
  }
  return null;
}

function classify(file, text) {
  const test = /\.test\.tsx?$/.test(file) || file.startsWith('test/') || file.startsWith('e2e/');
  const useClient = USE_CLIENT.test(text);
  let client = null;
  if (file.startsWith('components/')) client = 'a component';
  else if (file.startsWith('lib/queries/')) client = 'lib/queries';
  else if (useClient) client = "a 'use client' module";
  return {
    test,
    client: test ? null : client,
    app: !test && /^(app|components|lib)\//.test(file),
    inKube: file.startsWith('lib/kube/'),
    inSim: file.startsWith('sim/'),
  };
}

/** The repository path an import names, or null for a package. */
function resolve(root, file, specifier) {
  let base;
  if (specifier.startsWith('@/')) base = specifier.slice(2);
  else if (specifier.startsWith('.')) base = path.posix.join(path.posix.dirname(file), specifier);
  else return null;
  for (const extension of EXTENSIONS) {
    const candidate = path.posix.normalize(base + extension);
    if (isFile(path.join(root, candidate))) return candidate;
  }
  return path.posix.normalize(base);
}

function isServerOnly(target, root) {
  if (CLIENT_SAFE.has(target)) return false;
  if (SERVER_ONLY_FOLDERS.some((folder) => target.startsWith(folder))) return true;
  const full = path.join(root, target);
  if (!isFile(full)) return false;
  return IMPORT_SERVER_ONLY.test(fs.readFileSync(full, 'utf8'));
}

function isFile(candidate) {
  try {
    return fs.statSync(candidate).isFile();
  } catch {
    return false;
  }
}

function toPosix(file) {
  return file.split(path.sep).join('/');
}
