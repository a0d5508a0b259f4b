import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import vectors from '../test/fixtures/image-refs.json';
import { goQuote } from './go/strconv';
import { ImageRefError, parseImageRef, type ImageRef, type ImageRefErrorCode } from './image-ref';

interface ValidVector {
  input: string;
  valid: true;
  registry: string;
  repository: string;
  tag: string | null;
  digest: string | null;
  normalized: string;
  familiar?: string;
  source: string;
}
interface InvalidVector {
  input: string;
  valid: false;
  kubeletError: string;
  source: string;
}
type Vector = ValidVector | InvalidVector;

const cases = vectors.cases as Vector[];
const validVectors = cases.filter((c): c is ValidVector => c.valid);
const invalidVectors = cases.filter((c): c is InvalidVector => !c.valid);

const SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

describe('parseImageRef over the upstream vectors', () => {
  it('holds both valid and invalid cases', () => {
    expect(validVectors.length).toBeGreaterThan(50);
    expect(invalidVectors.length).toBeGreaterThan(20);
  });

  it.each(validVectors.map((c) => [c.input, c] as const))('parses %s (%#)', (_, c) => {
    const ref = parseImageRef(c.input);
    expect(ref.input).toBe(c.input);
    expect(ref.registry).toBe(c.registry);
    expect(ref.repository).toBe(c.repository);
    expect(ref.tag).toBe(c.tag);
    expect(ref.digest).toBe(c.digest);
    expect(ref.normalized).toBe(c.normalized);
    if (c.familiar !== undefined) expect(ref.familiar).toBe(c.familiar);
    expect(ref.implied.tag).toBe(c.tag === null && c.digest === null);
    expectAccountAndImageSplitRepository(ref);
  });

  it.each(invalidVectors.map((c) => [c.input, c] as const))('rejects %s (%#)', (_, c) => {
    const error = parseError(c.input);
    const prefix = `couldn't parse image name ${JSON.stringify(c.input)}: `;
    expect(c.kubeletError.startsWith(prefix)).toBe(true);
    expect(error.message).toBe(c.kubeletError.slice(prefix.length));
    expect(error.kubeletMessage).toBe(c.kubeletError);
    expect(error.code).toBe(codeForDistributionMessage(error.message));
    expectWellFormedBreak(error);
  });
});

describe('parseImageRef on cases known from the kubelet', () => {
  const valid: Array<[string, Omit<ImageRef, 'input'>]> = [
    [
      'nginx',
      {
        registry: 'docker.io',
        repository: 'library/nginx',
        account: 'library',
        image: 'nginx',
        tag: null,
        digest: null,
        normalized: 'docker.io/library/nginx:latest',
        familiar: 'nginx',
        implied: { registry: true, account: true, tag: true },
      },
    ],
    [
      'localhost:5000/a',
      {
        registry: 'localhost:5000',
        repository: 'a',
        account: null,
        image: 'a',
        tag: null,
        digest: null,
        normalized: 'localhost:5000/a:latest',
        familiar: 'localhost:5000/a',
        implied: { registry: false, account: false, tag: true },
      },
    ],
    [
      `gcr.io/proj/img@sha256:${SHA256}`,
      {
        registry: 'gcr.io',
        repository: 'proj/img',
        account: 'proj',
        image: 'img',
        tag: null,
        digest: `sha256:${SHA256}`,
        normalized: `gcr.io/proj/img@sha256:${SHA256}`,
        familiar: `gcr.io/proj/img@sha256:${SHA256}`,
        implied: { registry: false, account: false, tag: false },
      },
    ],
    [
      `nginx:1.25@sha256:${SHA256}`,
      {
        registry: 'docker.io',
        repository: 'library/nginx',
        account: 'library',
        image: 'nginx',
        tag: '1.25',
        digest: `sha256:${SHA256}`,
        normalized: `docker.io/library/nginx:1.25@sha256:${SHA256}`,
        familiar: `nginx:1.25@sha256:${SHA256}`,
        implied: { registry: true, account: true, tag: false },
      },
    ],
    [
      // index.docker.io is Docker Hub, and a one-component Hub name is still an official image.
      'index.docker.io/foo',
      {
        registry: 'docker.io',
        repository: 'library/foo',
        account: 'library',
        image: 'foo',
        tag: null,
        digest: null,
        normalized: 'docker.io/library/foo:latest',
        familiar: 'foo',
        implied: { registry: false, account: true, tag: true },
      },
    ],
    [
      'docker.io/davidpuziol/nginx:1.2',
      {
        registry: 'docker.io',
        repository: 'davidpuziol/nginx',
        account: 'davidpuziol',
        image: 'nginx',
        tag: '1.2',
        digest: null,
        normalized: 'docker.io/davidpuziol/nginx:1.2',
        familiar: 'davidpuziol/nginx:1.2',
        implied: { registry: false, account: false, tag: false },
      },
    ],
    [
      'gcr.io/kubernetes-e2e-test-images/tools/dnsutils:1.3',
      {
        registry: 'gcr.io',
        repository: 'kubernetes-e2e-test-images/tools/dnsutils',
        account: 'kubernetes-e2e-test-images/tools',
        image: 'dnsutils',
        tag: '1.3',
        digest: null,
        normalized: 'gcr.io/kubernetes-e2e-test-images/tools/dnsutils:1.3',
        familiar: 'gcr.io/kubernetes-e2e-test-images/tools/dnsutils:1.3',
        implied: { registry: false, account: false, tag: false },
      },
    ],
    [
      // Tags may hold uppercase; only the repository must be lowercase.
      'nginx:Latest',
      {
        registry: 'docker.io',
        repository: 'library/nginx',
        account: 'library',
        image: 'nginx',
        tag: 'Latest',
        digest: null,
        normalized: 'docker.io/library/nginx:Latest',
        familiar: 'nginx:Latest',
        implied: { registry: true, account: true, tag: false },
      },
    ],
    [
      // A single element is an official image even when it reads like a host.
      'localhost',
      {
        registry: 'docker.io',
        repository: 'library/localhost',
        account: 'library',
        image: 'localhost',
        tag: null,
        digest: null,
        normalized: 'docker.io/library/localhost:latest',
        familiar: 'localhost',
        implied: { registry: true, account: true, tag: true },
      },
    ],
    [
      // Not a valid host but a valid path component: Parse finds no domain, the runtime contacts my_host.lan.
      'my_host.lan/app',
      {
        registry: 'my_host.lan',
        repository: 'app',
        account: null,
        image: 'app',
        tag: null,
        digest: null,
        normalized: 'my_host.lan/app:latest',
        familiar: 'my_host.lan/app',
        implied: { registry: false, account: false, tag: true },
      },
    ],
    [
      // crypto/sha512, which the kubelet links, also registers sha384.
      `foo@sha384:${'ab'.repeat(48)}`,
      {
        registry: 'docker.io',
        repository: 'library/foo',
        account: 'library',
        image: 'foo',
        tag: null,
        digest: `sha384:${'ab'.repeat(48)}`,
        normalized: `docker.io/library/foo@sha384:${'ab'.repeat(48)}`,
        familiar: `foo@sha384:${'ab'.repeat(48)}`,
        implied: { registry: true, account: true, tag: false },
      },
    ],
  ];

  it.each(valid)('parses %s', (input, expected) => {
    expect(parseImageRef(input)).toEqual({ input, ...expected });
  });

  it('applies the 255-character limit to the path Parse finds, library/ included', () => {
    expect(parseImageRef('a'.repeat(247)).repository).toBe(`library/${'a'.repeat(247)}`);
    expect(parseImageRef(`docker.io/${'a'.repeat(247)}`).repository).toBe(`library/${'a'.repeat(247)}`);
    expect(parseError('a'.repeat(248))).toMatchObject({
      code: 'name-too-long',
      message: 'repository name must not be more than 255 characters',
      at: { part: 'repository', index: 247, span: [0, 248] },
    });
    expect(parseError(`docker.io/${'a'.repeat(248)}`).at).toEqual({ part: 'repository', index: 257, span: [10, 258] });
    // With no valid host Parse reads the whole name as the path, and the limit covers it all.
    expect(parseImageRef(`my_host.lan/${'a'.repeat(243)}`).repository).toBe('a'.repeat(243));
    expect(parseError(`my_host.lan/${'a'.repeat(244)}`).at).toEqual({ part: 'repository', index: 255, span: [0, 256] });
  });

  it('accepts tags up to 128 characters', () => {
    expect(parseImageRef(`nginx:${'t'.repeat(128)}`).tag).toBe('t'.repeat(128));
    expect(parseError(`nginx:${'t'.repeat(129)}`)).toMatchObject({
      code: 'invalid-format',
      at: { part: 'tag', index: 6 + 128, span: [6, 6 + 129] },
    });
  });

  const invalid: Array<[string, ImageRefErrorCode, string, ImageRefError['at']]> = [
    ['', 'empty', 'invalid reference format', null],
    [
      'Nginx:Latest',
      'uppercase',
      'invalid reference format: repository name (library/Nginx) must be lowercase',
      { part: 'repository', index: 0, span: [0, 5] },
    ],
    [
      'ghcr.io/org/App:v1',
      'uppercase',
      'invalid reference format: repository name (org/App) must be lowercase',
      { part: 'repository', index: 12, span: [12, 15] },
    ],
    [
      // An uppercase first component is taken for a host; lowercased it would parse as a path.
      'A__B/foo',
      'uppercase',
      'repository name must be lowercase',
      { part: 'registry', index: 0, span: [0, 4] },
    ],
    [
      // Without a tag the lowercase check runs up to the digest's colon and sees its algorithm.
      `foo@SHA256:${SHA256}`,
      'uppercase',
      'invalid reference format: repository name (library/foo@SHA256) must be lowercase',
      { part: 'digest', index: 4, span: [4, 75] },
    ],
    [
      `foo:v1@SHA256:${SHA256}`,
      'invalid-digest',
      'invalid checksum digest format',
      { part: 'digest', index: 7, span: [7, 78] },
    ],
    [
      `foo@md5:${'0'.repeat(32)}`,
      'invalid-digest',
      'unsupported digest algorithm',
      { part: 'digest', index: 4, span: [4, 40] },
    ],
    [
      `foo@sha256:${SHA256.toUpperCase()}`,
      'invalid-digest',
      'invalid checksum digest format',
      { part: 'digest', index: 11, span: [4, 75] },
    ],
    [
      `foo@sha256:${SHA256}${SHA256}`,
      'invalid-digest',
      'invalid checksum digest length',
      { part: 'digest', index: 75, span: [4, 139] },
    ],
    [
      `foo@sha512:${SHA256}`,
      'invalid-digest',
      'invalid checksum digest length',
      { part: 'digest', index: 75, span: [4, 75] },
    ],
    [`foo@sha256:${'0'.repeat(31)}`, 'invalid-format', 'invalid reference format', { part: 'digest', index: 42, span: [4, 42] }],
    ['nginx:', 'invalid-format', 'invalid reference format', { part: 'tag', index: 6, span: [6, 6] }],
    ['nginx@', 'invalid-format', 'invalid reference format', { part: 'digest', index: 6, span: [6, 6] }],
    [' nginx', 'invalid-format', 'invalid reference format', { part: 'repository', index: 0, span: [0, 6] }],
    ['nginx:1.0 ', 'invalid-format', 'invalid reference format', { part: 'tag', index: 9, span: [6, 10] }],
    ['my_registry:5000/app', 'invalid-format', 'invalid reference format', { part: 'registry', index: 2, span: [0, 16] }],
    ['example.com:/app', 'invalid-format', 'invalid reference format', { part: 'registry', index: 12, span: [0, 12] }],
    ['library/nginx:1.0/x', 'invalid-format', 'invalid reference format', { part: 'repository', index: 13, span: [8, 17] }],
    ['a___b', 'invalid-format', 'invalid reference format', { part: 'repository', index: 3, span: [0, 5] }],
    // Read as a path, the registry is fine and the break is in the tag.
    ['my_host.lan/app:', 'invalid-format', 'invalid reference format', { part: 'tag', index: 16, span: [16, 16] }],
    ['[]:5000/x', 'invalid-format', 'invalid reference format', { part: 'registry', index: 1, span: [0, 7] }],
    [
      // Go lowers the Kelvin sign and U+0130 to ASCII, so a tag holding one reads as an uppercase name.
      'nginx:\u212a',
      'uppercase',
      'repository name must be lowercase',
      { part: 'tag', index: 6, span: [6, 7] },
    ],
    ['nginx:v\u0130', 'uppercase', 'repository name must be lowercase', { part: 'tag', index: 7, span: [6, 8] }],
    [
      '\u0130nginx',
      'uppercase',
      'invalid reference format: repository name (library/\u0130nginx) must be lowercase',
      { part: 'repository', index: 0, span: [0, 6] },
    ],
  ];

  it.each(invalid)('rejects %j as %s', (input, code, message, at) => {
    const error = parseError(input);
    expect(error).toMatchObject({ name: 'ImageRefError', code, message, input, at });
    expect(error.kubeletMessage).toBe(`couldn't parse image name ${goQuote(input)}: ${message}`);
  });

  it('quotes the input in the kubelet message as Go does', () => {
    expect(parseError('nginx:latest\n').kubeletMessage).toBe(
      'couldn\'t parse image name "nginx:latest\\n": invalid reference format',
    );
  });
});

describe('parseImageRef properties', () => {
  it('parses generated references into the parts they were built from', () => {
    fc.assert(
      fc.property(generatedReference, (generated) => {
        if (generated.pathLength > 255) {
          expect(parseError(generated.input).code).toBe('name-too-long');
          return;
        }
        const ref = parseImageRef(generated.input);
        expect(ref.registry).toBe(generated.registry);
        expect(ref.repository).toBe(generated.repository);
        expect(ref.tag).toBe(generated.tag);
        expect(ref.digest).toBe(generated.digest);
        expect(ref.implied).toEqual(generated.implied);
      }),
      { numRuns: 1000 },
    );
  });

  it('reads its own normalized form back to the same reference', () => {
    fc.assert(
      fc.property(generatedReference, ({ input }) => {
        const ref = attempt(input);
        if (ref instanceof ImageRefError) return;
        const again = parseImageRef(ref.normalized);
        expect(again.registry).toBe(ref.registry);
        expect(again.repository).toBe(ref.repository);
        expect(again.tag).toBe(ref.implied.tag ? 'latest' : ref.tag);
        expect(again.digest).toBe(ref.digest);
        expect(again.normalized).toBe(ref.normalized);
        expect(again.implied).toEqual({ registry: false, account: false, tag: false });
      }),
      { numRuns: 1000 },
    );
  });

  it('throws nothing but ImageRefError on arbitrary strings', () => {
    fc.assert(fc.property(fc.string(), expectWellFormedOutcome), { numRuns: 2000 });
  });

  it('throws nothing but ImageRefError on arbitrary full-Unicode strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), expectWellFormedOutcome), { numRuns: 2000 });
  });

  it('throws nothing but ImageRefError on mutated valid references, and says where they break', () => {
    fc.assert(fc.property(mutatedReference, expectWellFormedOutcome), { numRuns: 3000 });
  });
});

function parseError(input: string): ImageRefError {
  const outcome = attempt(input);
  if (!(outcome instanceof ImageRefError)) throw new Error(`expected ${JSON.stringify(input)} to be rejected`);
  return outcome;
}

/** Returns the reference or the ImageRefError; anything else thrown escapes and fails the test. */
function attempt(input: string): ImageRef | ImageRefError {
  try {
    return parseImageRef(input);
  } catch (error) {
    if (error instanceof ImageRefError) return error;
    throw error;
  }
}

function codeForDistributionMessage(message: string): ImageRefErrorCode {
  if (message === 'invalid reference format') return 'invalid-format';
  if (message.endsWith('must be lowercase')) return 'uppercase';
  if (message === 'repository name must not be more than 255 characters') return 'name-too-long';
  if (message.startsWith('invalid checksum digest') || message === 'unsupported digest algorithm') return 'invalid-digest';
  if (message.endsWith('cannot specify 64-byte hexadecimal strings')) return 'hex-identifier';
  throw new Error(`no code known for ${JSON.stringify(message)}`);
}

function expectWellFormedOutcome(input: string): void {
  const outcome = attempt(input);
  if (outcome instanceof ImageRefError) {
    expect(outcome.input).toBe(input);
    expect(outcome.kubeletMessage).toBe(`couldn't parse image name ${goQuote(input)}: ${outcome.message}`);
    expect(outcome.code === 'empty').toBe(input === '');
    expectWellFormedBreak(outcome);
    return;
  }
  expectAccountAndImageSplitRepository(outcome);
  expect(parseImageRef(outcome.normalized).normalized).toBe(outcome.normalized);
}

function expectWellFormedBreak(error: ImageRefError): void {
  if (error.code === 'empty') {
    expect(error.at).toBeNull();
    return;
  }
  expect(error.at).not.toBeNull();
  const [start, end] = error.at?.span ?? [-1, -1];
  const index = error.at?.index ?? -1;
  expect(0 <= start && start <= index && index <= end && end <= error.input.length).toBe(true);
}

function expectAccountAndImageSplitRepository(ref: ImageRef): void {
  expect(ref.account === null ? ref.image : `${ref.account}/${ref.image}`).toBe(ref.repository);
  expect(ref.image).not.toContain('/');
}

interface GeneratedReference {
  input: string;
  registry: string;
  repository: string;
  tag: string | null;
  digest: string | null;
  implied: ImageRef['implied'];
  pathLength: number;
}

const pathComponent = fc.stringMatching(/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/);
const domainLabel = fc.stringMatching(/^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/);
const port = fc.integer({ min: 0, max: 65535 }).map(String);
const withOptionalPort = (host: fc.Arbitrary<string>) =>
  fc.tuple(host, fc.option(port)).map(([h, p]) => (p === null ? h : `${h}:${p}`));

/** Hosts that splitDockerDomain takes as a registry when they come first. */
const writtenRegistry = fc.oneof(
  withOptionalPort(fc.constantFrom('localhost', 'docker.io', 'index.docker.io')),
  withOptionalPort(fc.array(domainLabel, { minLength: 2, maxLength: 4 }).map((labels) => labels.join('.'))),
  withOptionalPort(fc.array(fc.nat(255), { minLength: 4, maxLength: 4 }).map((octets) => octets.join('.'))),
  withOptionalPort(fc.ipV6().filter((address) => /^[0-9a-fA-F:]+$/.test(address)).map((address) => `[${address}]`)),
  withOptionalPort(domainLabel.filter((label) => label.toLowerCase() !== label)),
  fc.tuple(domainLabel, port).map(([label, p]) => `${label}:${p}`),
);

const digest = fc
  .constantFrom(['sha256', 64] as const, ['sha384', 96] as const, ['sha512', 128] as const)
  .chain(([algorithm, length]) =>
    fc
      .string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length })
      .map((hex) => `${algorithm}:${hex}`),
  );

const generatedReference: fc.Arbitrary<GeneratedReference> = fc
  .record({
    registry: fc.option(writtenRegistry),
    components: fc.array(pathComponent, { minLength: 1, maxLength: 4 }),
    tag: fc.option(fc.stringMatching(/^\w[\w.-]{0,127}$/)),
    digest: fc.option(digest),
  })
  // Without a written registry, a first component with a dot (or localhost) followed by more would
  // be read as a registry, and a lone name of 64 hex characters as an image ID.
  .filter(({ registry, components }) => {
    const [first = ''] = components;
    return registry !== null || components.length === 1 || !/\.|^localhost$/.test(first);
  })
  .filter(({ registry, components, tag, digest }) => {
    const [first = ''] = components;
    return registry !== null || tag !== null || digest !== null || !/^[a-f0-9]{64}$/.test(first);
  })
  .map(({ registry, components, tag, digest }) => {
    const written = components.join('/');
    const normalizedRegistry = registry === null || registry === 'index.docker.io' ? 'docker.io' : registry;
    const accountAdded = normalizedRegistry === 'docker.io' && components.length === 1;
    const repository = accountAdded ? `library/${written}` : written;
    const name = registry === null ? written : `${registry}/${written}`;
    return {
      input: `${name}${tag === null ? '' : `:${tag}`}${digest === null ? '' : `@${digest}`}`,
      registry: normalizedRegistry,
      repository,
      tag,
      digest,
      implied: { registry: registry === null, account: accountAdded, tag: tag === null && digest === null },
      pathLength: repository.length,
    };
  });

const mutatedReference = fc
  .tuple(
    generatedReference,
    fc.nat(),
    fc.constantFrom('insert', 'replace', 'delete'),
    fc.constantFrom(...'/:@._-A[]% é\n', '😀', '\u0130', '\u212a'),
  )
  .map(([{ input }, position, mutation, character]) => {
    const at = position % (input.length + 1);
    const rest = input.slice(mutation === 'insert' ? at : at + 1);
    return `${input.slice(0, at)}${mutation === 'delete' ? '' : character}${rest}`;
  });
