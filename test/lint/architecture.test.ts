import path from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * The import rules of the design, run through the project's own ESLint config on small snippets placed (by
 * name only) where they would live: each rule must flag its violation and leave the allowed import alone.
 */
const root = path.resolve(__dirname, '../..');
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: root });
});

async function architectureMessages(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? []).filter((message) => message.ruleId === 'architecture/imports').map((message) => message.message);
}

describe('@kubernetes/client-node stays in lib/kube', () => {
  it.each([
    ['lib/api/fixture.ts', /only in lib\/kube/],
    ['components/fixture.tsx', /only in lib\/kube/],
    ['app/api/fixture/route.ts', /only in lib\/kube/],
  ])('flags it in %s', async (file, expected) => {
    expect(await architectureMessages(file, "import { CoreV1Api } from '@kubernetes/client-node';\nexport const api = CoreV1Api;\n")).toEqual([
      expect.stringMatching(expected),
    ]);
  });

  it('allows it in lib/kube', async () => {
    expect(await architectureMessages('lib/kube/fixture.ts', "import { CoreV1Api } from '@kubernetes/client-node';\nexport const api = CoreV1Api;\n")).toEqual([]);
  });
});

describe('browser code never imports a server-only module', () => {
  it.each([
    ['components/fixture.tsx', "import { getPod } from '@/lib/kube/reads';\nexport const read = getPod;\n"],
    ['components/fix/fixture.tsx', "import { listTags } from '../../lib/registry/client';\nexport const tags = listTags;\n"],
    ['components/fixture.tsx', "import { assertMutationRequest } from '@/lib/security/mutation';\nexport const gate = assertMutationRequest;\n"],
    // Not in a server-only folder, but it starts with import 'server-only'.
    ['components/fixture.tsx', "import { log } from '@/lib/log';\nexport const logger = log;\n"],
    ['lib/queries/fixture.ts', "export { toApiError } from '../kube/errors';\n"],
    ['app/fixture/page.tsx', "'use client';\nimport { respond } from '@/lib/api/respond';\nexport const answer = respond;\n"],
    ['components/fixture.tsx', "export async function load() {\n  return import('@/lib/kube/reads');\n}\n"],
  ])('flags %s importing it', async (file, code) => {
    expect(await architectureMessages(file, code)).toEqual([expect.stringMatching(/is server-only/)]);
  });

  it.each([
    ['components/fixture.tsx', "import { csrfHeaders } from '@/lib/security/csrf-client';\nexport const headers = csrfHeaders;\n"],
    ['components/fixture.tsx', "import { parseImageRef } from '@/lib/image-ref';\nimport { ApiError } from '@/lib/api/errors';\nexport const parts = [parseImageRef, ApiError];\n"],
    ['app/api/fixture/route.ts', "import { respond } from '@/lib/api/respond';\nexport const answer = respond;\n"],
  ])('allows %s its pure and client imports', async (file, code) => {
    expect(await architectureMessages(file, code)).toEqual([]);
  });
});

describe('the simulator stays apart', () => {
  it.each([
    ['lib/fixture.ts', "import { ObjectStore } from '../sim/store';\nexport const store = ObjectStore;\n"],
    ['app/fixture/page.tsx', "import { generateServingCertificate } from '@/sim/tls';\nexport const tls = generateServingCertificate;\n"],
    ['components/fixture.tsx', "import { startApiServer } from '@/sim/testing';\nexport const start = startApiServer;\n"],
  ])('flags %s importing it', async (file, code) => {
    expect(await architectureMessages(file, code)).toEqual([expect.stringMatching(/never imports the simulator/)]);
  });

  it.each([
    ['test/kube/fixture.test.ts', "import { ObjectStore } from '../../sim/store';\nexport const store = ObjectStore;\n"],
    ['lib/kube/fixture.test.ts', "import { generateServingCertificate } from '../../sim/tls';\nexport const tls = generateServingCertificate;\n"],
    ['test/support/fixture.ts', "import { startApiServer } from '../../sim/apiserver';\nexport const start = startApiServer;\n"],
  ])('holds %s to the testing entry', async (file, code) => {
    expect(await architectureMessages(file, code)).toEqual([expect.stringMatching(/through sim\/testing\.ts only/)]);
  });

  it.each([
    ['test/kube/fixture.test.ts', "import { ObjectStore } from '../../sim/testing';\nexport const store = ObjectStore;\n"],
    ['sim/fixture.test.ts', "import { ObjectStore } from './store';\nexport const store = ObjectStore;\n"],
  ])('allows %s', async (file, code) => {
    expect(await architectureMessages(file, code)).toEqual([]);
  });
});
