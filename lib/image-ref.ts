/**
 * Container image references read the way the kubelet reads them: distribution/reference's
 * ParseNormalizedNamed (the grammar, Docker Hub normalization, the error words), then the
 * kubelet's default `latest` tag when neither a tag nor a digest was written.
 * Pure and isomorphic: the browser points at the broken character with the same code.
 */
import { goQuote } from './go/strconv';
import { goToLower } from './go/strings';
import { breakAtUppercase, isRegistryComponent, locateFormatBreak } from './image-ref-break';

export { goQuote };

export interface ImageRef {
  input: string;
  /** "docker.io", "gcr.io", "localhost:5000" (index.docker.io is normalized to docker.io) */
  registry: string;
  /** path without registry: "library/nginx", "davidpuziol/nginx" */
  repository: string;
  /** every path component but the last; null for one component */
  account: string | null;
  /** last path component: "nginx" */
  image: string;
  /** the tag as written; null when none was written */
  tag: string | null;
  /** "sha256:..." as written */
  digest: string | null;
  /** what the kubelet asks the runtime to pull: "docker.io/library/nginx:latest" */
  normalized: string;
  /** Docker's short form of what was written: "nginx", "davidpuziol/nginx:1.2" */
  familiar: string;
  /** the parts that were not written but defaulted: `nginx` implies docker.io, library/ and latest */
  implied: { registry: boolean; account: boolean; tag: boolean };
}

export type ImageRefErrorCode =
  | 'empty'
  | 'invalid-format'
  | 'uppercase'
  | 'name-too-long'
  | 'invalid-digest'
  | 'hex-identifier';

export type ImageRefPart = 'registry' | 'repository' | 'tag' | 'digest';

/** Where a reference breaks, in UTF-16 indexes of the input. */
export interface ImageRefBreak {
  part: ImageRefPart;
  /** the first character that cannot belong to a valid reference; input.length when the input stops too early */
  index: number;
  /** start and end (exclusive) of the registry, path component, tag, digest or repository holding `index` */
  span: readonly [start: number, end: number];
}

export class ImageRefError extends Error {
  readonly code: ImageRefErrorCode;
  readonly input: string;
  readonly at: ImageRefBreak | null;
  /** the kubelet's own line: `couldn't parse image name "<input>": <message>` */
  readonly kubeletMessage: string;

  /** `message` is distribution's wording, so callers can rebuild the kubelet's line. */
  constructor(code: ImageRefErrorCode, input: string, message: string, at: ImageRefBreak | null) {
    super(message);
    this.name = 'ImageRefError';
    this.code = code;
    this.input = input;
    this.at = at;
    this.kubeletMessage = `couldn't parse image name ${goQuote(input)}: ${message}`;
  }
}

export function parseImageRef(input: string): ImageRef {
  const named = parseNormalizedNamed(input);
  const { registry, repository, tag, digest } = named;
  const slash = repository.lastIndexOf('/');
  const implied = {
    registry: !named.registryWritten,
    account: named.accountAdded,
    tag: tag === null && digest === null,
  };
  return {
    input,
    registry,
    repository,
    account: slash < 0 ? null : repository.slice(0, slash),
    image: repository.slice(slash + 1),
    tag,
    digest,
    normalized: `${registry}/${repository}${suffix(implied.tag ? DEFAULT_TAG : tag, digest)}`,
    familiar: `${familiarName(registry, repository)}${suffix(tag, digest)}`,
    implied,
  };
}

const DEFAULT_DOMAIN = 'docker.io';
const LEGACY_DEFAULT_DOMAIN = 'index.docker.io';
const OFFICIAL_REPO_PREFIX = 'library/';
const DEFAULT_TAG = 'latest';
const REPOSITORY_NAME_TOTAL_LENGTH_MAX = 255;
const INVALID_FORMAT = 'invalid reference format';

// The grammar of distribution/reference's regexp.go, piece by piece. Go's RE2 takes the first
// alternative that leads to a match, as JavaScript's engine does, so the captures agree.
const ALPHANUMERIC = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|[-]+)';
const PATH_COMPONENT = `${ALPHANUMERIC}(?:${SEPARATOR}${ALPHANUMERIC})*`;
const REMOTE_NAME = `${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const DOMAIN_NAME_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN_NAME = `${DOMAIN_NAME_COMPONENT}(?:\\.${DOMAIN_NAME_COMPONENT})*`;
const IPV6_ADDRESS = '\\[(?:[a-fA-F0-9:]+)\\]';
const DOMAIN_AND_PORT = `(?:${DOMAIN_NAME}|${IPV6_ADDRESS})(?::[0-9]+)?`;
const NAME = `(?:${DOMAIN_AND_PORT}/)?${REMOTE_NAME}`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}';

const REFERENCE = new RegExp(`^(${NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`);
const ANCHORED_DOMAIN = new RegExp(`^${DOMAIN_AND_PORT}$`);
const ANCHORED_IDENTIFIER = /^[a-f0-9]{64}$/;
// go-digest's DigestRegexpAnchored: lowercase algorithm, any encoding.
const GO_DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
// The kubelet registers crypto/sha256 and crypto/sha512; the latter also makes sha384 available to go-digest.
const HEX_LENGTH_BY_ALGORITHM = new Map([
  ['sha256', 64],
  ['sha384', 96],
  ['sha512', 128],
]);

interface DockerDomainSplit {
  domain: string;
  /** the path with any tag and digest, as Parse sees it (with `library/` when it was added) */
  remainder: string;
  /** where the written part of `remainder` starts in the input */
  remainderOffset: number;
  registryWritten: boolean;
  accountAdded: boolean;
}

interface NormalizedNamed {
  registry: string;
  repository: string;
  tag: string | null;
  digest: string | null;
  registryWritten: boolean;
  accountAdded: boolean;
}

function parseNormalizedNamed(input: string): NormalizedNamed {
  // distribution itself reports an empty name as a format error; the code lets the UI say "empty".
  if (input === '') throw new ImageRefError('empty', input, INVALID_FORMAT, null);
  if (ANCHORED_IDENTIFIER.test(input)) {
    throw new ImageRefError(
      'hex-identifier',
      input,
      `invalid repository name (${input}), cannot specify 64-byte hexadecimal strings`,
      { part: 'repository', index: 0, span: [0, input.length] },
    );
  }
  const split = splitDockerDomain(input);
  const tagSeparator = split.remainder.indexOf(':');
  const remote = tagSeparator < 0 ? split.remainder : split.remainder.slice(0, tagSeparator);
  if (goToLower(remote) !== remote) {
    const writtenEnd = split.remainderOffset + remote.length - (split.accountAdded ? OFFICIAL_REPO_PREFIX.length : 0);
    throw new ImageRefError(
      'uppercase',
      input,
      `${INVALID_FORMAT}: repository name (${remote}) must be lowercase`,
      breakAtUppercase(input, split.remainderOffset, writtenEnd),
    );
  }
  return parse(input, split);
}

/** distribution's splitDockerDomain, keeping track of what was written and what was added. */
function splitDockerDomain(input: string): DockerDomainSplit {
  const slash = input.indexOf('/');
  if (slash < 0) {
    // A single element is a Docker Hub official image even when it looks like a host ("localhost", "example.com").
    return {
      domain: DEFAULT_DOMAIN,
      remainder: OFFICIAL_REPO_PREFIX + input,
      remainderOffset: 0,
      registryWritten: false,
      accountAdded: true,
    };
  }
  const maybeDomain = input.slice(0, slash);
  const written = isRegistryComponent(maybeDomain);
  const domain = written && maybeDomain !== LEGACY_DEFAULT_DOMAIN ? maybeDomain : DEFAULT_DOMAIN;
  const remainderOffset = written ? slash + 1 : 0;
  const remoteName = input.slice(remainderOffset);
  const accountAdded = domain === DEFAULT_DOMAIN && !remoteName.includes('/');
  return {
    domain,
    remainder: accountAdded ? OFFICIAL_REPO_PREFIX + remoteName : remoteName,
    remainderOffset,
    registryWritten: written,
    accountAdded,
  };
}

/** distribution's Parse of `domain/remainder`, with go-digest's validation of the digest. */
function parse(input: string, split: DockerDomainSplit): NormalizedNamed {
  const candidate = `${split.domain}/${split.remainder}`;
  const match = REFERENCE.exec(candidate);
  if (match === null) {
    const lowered = goToLower(candidate);
    if (lowered !== candidate && REFERENCE.test(lowered)) {
      const at = breakAtUppercase(input, 0, input.length);
      throw new ImageRefError('uppercase', input, 'repository name must be lowercase', at);
    }
    throw new ImageRefError('invalid-format', input, INVALID_FORMAT, locateFormatBreak(input));
  }
  const [, name = '', tag = '', digest = ''] = match;
  const repository = name.slice(split.domain.length + 1);
  checkPathLength(input, split, name, repository);
  if (digest !== '') checkDigest(input, digest);
  return {
    registry: split.domain,
    repository,
    tag: tag === '' ? null : tag,
    digest: digest === '' ? null : digest,
    registryWritten: split.registryWritten,
    accountAdded: split.accountAdded,
  };
}

/**
 * The limit applies to the path Parse finds. When the written host is no valid host but a valid
 * path component ("my_host.lan/app"), Parse reads no domain and the whole name is the path; the
 * runtime still contacts that first component, so it stays this reference's registry.
 */
function checkPathLength(input: string, split: DockerDomainSplit, name: string, repository: string): void {
  const hasDomain = ANCHORED_DOMAIN.test(split.domain);
  const path = hasDomain ? repository : name;
  if (path.length <= REPOSITORY_NAME_TOTAL_LENGTH_MAX) return;
  const added = split.accountAdded ? OFFICIAL_REPO_PREFIX.length : 0;
  const start = hasDomain ? split.remainderOffset : 0;
  throw new ImageRefError(
    'name-too-long',
    input,
    `repository name must not be more than ${REPOSITORY_NAME_TOTAL_LENGTH_MAX} characters`,
    {
      part: 'repository',
      index: start + REPOSITORY_NAME_TOTAL_LENGTH_MAX - added,
      span: [start, start + path.length - added],
    },
  );
}

/** go-digest v1.0.0's Digest.Validate; the digest is always the end of the input. */
function checkDigest(input: string, digest: string): void {
  const start = input.length - digest.length;
  const separator = digest.indexOf(':');
  const encoded = digest.slice(separator + 1);
  const expectedLength = HEX_LENGTH_BY_ALGORITHM.get(digest.slice(0, separator));
  const fail = (message: string, offset: number): never => {
    throw new ImageRefError('invalid-digest', input, message, {
      part: 'digest',
      index: start + offset,
      span: [start, input.length],
    });
  };
  if (expectedLength === undefined) {
    fail(GO_DIGEST.test(digest) ? 'unsupported digest algorithm' : 'invalid checksum digest format', 0);
  } else if (encoded.length !== expectedLength) {
    fail('invalid checksum digest length', Math.min(separator + 1 + expectedLength, digest.length));
  } else if (/[^a-f0-9]/.test(encoded)) {
    fail('invalid checksum digest format', separator + 1 + encoded.search(/[^a-f0-9]/));
  }
}

function suffix(tag: string | null, digest: string | null): string {
  return `${tag === null ? '' : `:${tag}`}${digest === null ? '' : `@${digest}`}`;
}

/** distribution's familiarizeName: Docker Hub drops its domain, official images their `library/`. */
function familiarName(registry: string, repository: string): string {
  if (registry !== DEFAULT_DOMAIN) return `${registry}/${repository}`;
  const official = repository.startsWith(OFFICIAL_REPO_PREFIX) ? repository.slice(OFFICIAL_REPO_PREFIX.length) : '';
  return official !== '' && !official.includes('/') ? official : repository;
}
