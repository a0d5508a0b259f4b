import { boundedMemo } from './bounded-memo';

export type PullFailureCause =
  | 'unauthorized'
  | 'not-found'
  | 'dns'
  | 'tls'
  | 'network'
  | 'rate-limit'
  | 'platform'
  | 'invalid-name'
  | 'never-pull'
  | 'registry-unavailable'
  | 'signature'
  | 'unknown';

export const PULL_FAILURE_CAUSES: readonly PullFailureCause[] = [
  'unauthorized',
  'not-found',
  'dns',
  'tls',
  'network',
  'rate-limit',
  'platform',
  'invalid-name',
  'never-pull',
  'registry-unavailable',
  'signature',
  'unknown',
];

/**
 * Reads why a pull failed from the kubelet's waiting reason and message (or an
 * event's message, with the event's reason or null), whichever runtime wrote it.
 */
export function classifyPullFailure(reason: string | null, message: string): PullFailureCause {
  const fromReason = causeFromReason(reason?.trim() ?? '', message);
  if (fromReason) return fromReason;

  const backOff = parseBackOff(message);
  if (backOff) return backOff.original ? classifyPullFailure(backOff.reason, backOff.original) : 'unknown';

  const reasonOnly = /^Error: (\w+)$/.exec(message.trim());
  if (reasonOnly?.[1]) return classifyPullFailure(reasonOnly[1], '');

  return causeFromText(message) ?? causeFromStatusCode(message) ?? 'unknown';
}

export function describeCause(cause: PullFailureCause): string {
  return CAUSE_DESCRIPTIONS[cause];
}

/**
 * The part of a long runtime message worth showing: the wrappers each layer adds
 * (kubelet, gRPC, containerd's resolver, Go's HTTP client) are peeled off until the
 * registry's or the network's own words remain.
 */
export function pullErrorDetail(message: string): string {
  const lines = message
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const [first, ...registryErrors] = lines;
  if (first === undefined) return '';
  // containerd joins the registry's JSON errors below its own line: those are the most specific words.
  if (registryErrors.length > 0) return registryErrors.map(peelWrappers).join('; ');
  return peelWrappers(first);
}

const CAUSE_DESCRIPTIONS: Record<PullFailureCause, string> = {
  unauthorized: 'the registry refused access (missing or rejected credentials, or no such repository)',
  'not-found': 'the tag or digest does not exist',
  dns: "the registry's host name does not resolve",
  tls: 'the TLS connection to the registry failed',
  network: 'the registry cannot be reached over the network',
  'rate-limit': 'the registry is rate-limiting pulls',
  platform: "the image has no variant for the node's OS or architecture",
  'invalid-name': 'the image reference does not parse',
  'never-pull': 'imagePullPolicy is Never and the image is not on the node',
  'registry-unavailable': 'the registry reports an error or is unavailable',
  signature: "the image's signature was rejected by the node's policy",
  unknown: 'the pull failed for a reason pullfix does not recognise',
};

/**
 * Reasons that settle the cause on their own. ImageInspectError is the runtime failing
 * to look at its own image store, so nothing in its message is about the registry.
 * RegistryUnavailable is refined by its message, which often names the transport failure.
 */
function causeFromReason(reason: string, message: string): PullFailureCause | null {
  switch (reason) {
    case 'InvalidImageName':
      return 'invalid-name';
    case 'ErrImageNeverPull':
      return 'never-pull';
    case 'SignatureValidationFailed':
      return 'signature';
    case 'ImageInspectError':
      return 'unknown';
    case 'RegistryUnavailable':
      return transportCause(maskUserText(message)) ?? 'registry-unavailable';
    default:
      return null;
  }
}

interface BackOff {
  reason: string | null;
  original: string;
}

/**
 * The kubelet writes `Back-off pulling image "<image>"`, and recent kubelets append
 * `: <Reason>: <message of the last failed pull>`.
 */
function parseBackOff(message: string): BackOff | null {
  const match = /^\s*Back-off pulling image "(?:[^"\\]|\\.)*"(?::\s*([\s\S]*))?$/.exec(message);
  if (!match) return null;
  const rest = (match[1] ?? '').trim();
  const embedded = /^(ErrImagePull|RegistryUnavailable|SignatureValidationFailed):\s*([\s\S]*)$/.exec(rest);
  if (embedded) return { reason: embedded[1] ?? null, original: embedded[2] ?? '' };
  return { reason: null, original: rest };
}

type Rule = readonly [PullFailureCause, readonly RegExp[]];

/**
 * Checked top to bottom; the first cause with a matching pattern wins. The order is what
 * makes compound messages come out right:
 * - never-pull, invalid-name and kubelet-local failures come first: no registry was asked.
 * - signature and platform: the registry answered, the node refused what it got.
 * - DNS before network (a lookup that times out is a DNS failure), network before TLS
 *   ("TLS handshake timeout" is a network symptom), and all three before any HTTP status:
 *   a token fetch that never connected is a transport failure, not an authorization one.
 * - rate-limit and 5xx before unauthorized: a token endpoint answering 429 or 503 is not a
 *   credentials problem.
 * - unauthorized before not-found: registries hide private repositories behind "does not
 *   exist or may require authorization", and that sentence contains "not exist".
 */
const TEXT_RULES: readonly Rule[] = [
  ['never-pull', [/is not present with pull policy of never/, /\berrimageneverpull\b/]],
  [
    'invalid-name',
    [
      /failed to apply default image tag/,
      /couldn't parse image name/,
      /invalid reference format/,
      /\binvalidimagename\b/,
      // CRI-O with short-name-mode "enforcing": the short name matches several registries and nobody can choose.
      /short name mode is enforcing/,
      /short-name resolution enforced/,
    ],
  ],
  ['unknown', [/^failed to inspect image\b/, /failed to record image pull intent/]],
  [
    'signature',
    [
      /\bsignaturevalidationfailed\b/,
      /signature validation failed/,
      /source image rejected/,
      /is rejected by policy/,
      /a signature was required/,
      /signature verification failed/,
      /invalid gpg signature/,
      /signature for identity .* is not accepted/,
    ],
  ],
  [
    'platform',
    [
      /no match for platform in manifest/,
      /no matching manifest for \S+ in the manifest list/,
      /no image found in (?:image index|manifest list) for architecture/,
      /does not match the specified platform/,
      /image operating system .* cannot be used on this platform/,
    ],
  ],
  [
    'dns',
    [
      /\blookup _(?: on _)?: /,
      /\bno such host\b/,
      /server misbehaving/,
      /temporary failure in name resolution/,
      /name or service not known/,
      /no address associated with hostname/,
    ],
  ],
  [
    'network',
    [
      /connection refused/,
      /i\/o timeout/,
      /context deadline exceeded/,
      /connection reset by peer/,
      /network is unreachable/,
      /no route to host/,
      /host is down/,
      /connection timed out/,
      /tls handshake timeout/,
      /timeout awaiting response headers/,
      /request canceled while waiting for connection/,
      /exceeded while awaiting headers/,
      /\bbroken pipe\b/,
      /unexpected eof/,
      /proxyconnect tcp/,
    ],
  ],
  [
    'tls',
    [
      /\bx509: /,
      /\btls: /,
      /server gave http response to https client/,
      /first record does not look like a tls handshake/,
      /certificate (?:has expired|is not valid|signed by unknown authority|is valid for)/,
    ],
  ],
  ['rate-limit', [/\btoomanyrequests\b/, /too many requests?\b/, /\bpull rate limit\b/, /\brate limit exceeded\b/, /\brate exceeded\b/]],
  [
    'registry-unavailable',
    [
      /registry is unavailable/,
      /^registryunavailable\b/,
      /\b50[0234] (?:internal server error|bad gateway|service unavailable|gateway timeout)\b/,
      /\bservice unavailable\b/,
      /\binternal server error\b/,
    ],
  ],
  [
    'unauthorized',
    [
      /pull access denied/,
      /\bunauthorized\b/,
      /\bunauthenticated\b/,
      /authentication required/,
      /\binsufficient_scope\b/,
      /\bdenied\b/,
      /no basic auth credentials/,
      /authorization failed/,
      /failed to authorize/,
      /\bforbidden\b/,
      /not authorized/,
      /authorization token has expired/,
      /\brefresh_token_error\b/,
    ],
  ],
  ['not-found', [/\bnot found\b/, /\bmanifest unknown\b/, /\bname unknown\b/, /\bdoes not exist\b/]],
];

/** Remembered per message: a kubelet retrying a pull repeats its words, and every answer reads them again. */
const causeFromText = boundedMemo((message: string): PullFailureCause | null => {
  const text = maskUserText(message);
  for (const [cause, patterns] of TEXT_RULES) {
    if (patterns.some((pattern) => pattern.test(text))) return cause;
  }
  return null;
}, 2048);

/**
 * The gRPC status the runtime answered with, for messages whose words were cut short (dashboards and
 * `kubectl describe` truncate long lines) or say nothing a rule knows. containerd maps its errdefs to these
 * codes (errgrpc.ToGRPC); kubelets before 1.10 printed them as numbers. Unavailable is left out: it is the
 * runtime's own socket failing, not the registry.
 */
function causeFromStatusCode(message: string): PullFailureCause | null {
  // The innermost status is the runtime's own; outer ones are layers that passed it on.
  const codes = [...message.matchAll(/\brpc error: code = (\w+) desc = /g)].map((match) => match[1] ?? '').reverse();
  for (const code of codes) {
    const cause = STATUS_CODE_CAUSES[code];
    if (cause) return cause;
  }
  return null;
}

const STATUS_CODE_CAUSES: Readonly<Record<string, PullFailureCause>> = {
  NotFound: 'not-found',
  '5': 'not-found',
  Unauthenticated: 'unauthorized',
  '16': 'unauthorized',
  PermissionDenied: 'unauthorized',
  '7': 'unauthorized',
  ResourceExhausted: 'rate-limit',
  '8': 'rate-limit',
  DeadlineExceeded: 'network',
  '4': 'network',
};

function transportCause(maskedText: string): PullFailureCause | null {
  for (const [cause, patterns] of TEXT_RULES) {
    if (cause !== 'dns' && cause !== 'network' && cause !== 'tls') continue;
    if (patterns.some((pattern) => pattern.test(maskedText))) return cause;
  }
  return null;
}

/**
 * Image names, tags, hosts and URLs are chosen by users and may spell anything
 * ("acme/denied:timeout"), so they are blanked before the runtime's own words are read.
 * Quoted strings come from Go's %q; the format masks cover the runtimes' unquoted operands.
 */
function maskUserText(message: string): string {
  let text = unquoteRegistryWords(message.toLowerCase()).replace(/^\s*rpc error: code = \w+ desc = /, '');
  text = text.replace(/"(?:[^"\\]|\\.)*"/g, '"_"');
  for (const [pattern, replacement] of UNQUOTED_OPERANDS) text = text.replace(pattern, replacement);
  return text.replace(REFERENCE_LIKE_TOKEN, (token) => (token === 'i/o' ? token : '_'));
}

/**
 * Two Docker-era forms quote the registry's (or the daemon's) own words, which the quote mask would blank:
 * the daemon's JSON error body (`{"message":"..."}`) and moby's "error parsing HTTP 403 response body: ...: %q",
 * which quotes a body that was not JSON (ECR's "Your Authorization Token has expired").
 */
function unquoteRegistryWords(text: string): string {
  return text
    .replace(/\{"message":"((?:[^"\\]|\\.)*)"\}/g, (_whole, inner: string) => inner.replace(/\\(.)/g, '$1'))
    .replace(/(error parsing http \d+ response body: [^"]*?: )"((?:[^"\\]|\\.)*)"/g, '$1$2');
}

const UNQUOTED_OPERANDS: readonly (readonly [RegExp, string])[] = [
  [/pull access denied for [^\s,]+/g, 'pull access denied for _'],
  [/\brepository \S+ not found/g, 'repository _ not found'],
  [/\bproject \S+ not found/g, 'project _ not found'],
  [/\breading manifest \S+ in \S+?:(?=\s|$)/g, 'reading manifest _ in _:'],
  [/\bpinging container registry \S+?:(?=\s|$)/g, 'pinging container registry _:'],
  [/\bimage pull failed for \S+ because/g, 'image pull failed for _ because'],
  [/\blookup [^\s:]+/g, 'lookup _'],
];

/** A token with a separator between two word characters: a reference, host:port, URL or path. */
const REFERENCE_LIKE_TOKEN = /[^\s"()[\],]*\w[./@:]\w[^\s"()[\],]*?(?=[:,.)\]]?(?:\s|$))/g;

const WRAPPERS: readonly RegExp[] = [
  /^back-off pulling image "(?:[^"\\]|\\.)*":\s*/i,
  /^(?:ErrImagePull|RegistryUnavailable|SignatureValidationFailed|ImagePullBackOff):\s*/,
  /^failed to pull image "(?:[^"\\]|\\.)*":\s*/i,
  /^failed to apply default image tag "(?:[^"\\]|\\.)*":\s*/i,
  /^couldn't parse image name(?: "(?:[^"\\]|\\.)*")?:\s*/i,
  /^rpc error: code = \w+ desc = /i,
  /^error response from daemon:\s*/i,
  /^failed to pull and unpack image "(?:[^"\\]|\\.)*":\s*/i,
  /^failed to resolve reference "(?:[^"\\]|\\.)*":\s*/i,
  /^failed to do request:\s*/i,
  /^(?:head|get|post|put) "(?:[^"\\]|\\.)*":\s*/i,
  /^failed to authorize:\s*/i,
  /^failed to fetch (?:oauth|anonymous) token:\s*/i,
  /^pull access denied, repository does not exist or may require authorization:\s*/i,
  /^server message:\s*/i,
  /^authorization failed:\s*/i,
  /^pinging container registry \S+?:(?:\s+|$)/i,
  /^(?:error )?reading manifest \S+ in \S+?:(?:\s+|$)/i,
  /^unexpected status from \w+ request to \S+?:(?:\s+|$)/i,
  /^image pull failed for \S+ because the (?:registry is unavailable|signature validation failed):\s*/i,
  /^tls: failed to verify certificate:\s*/i,
  /^dial tcp:\s*/i,
  /^choosing image instance:\s*/i,
  /^unable to pull image(?: or OCI artifact: pull image err)?:\s*/i,
  /^initializing source \S+?:(?:\s+|$)/i,
  /^requesting bearer token:\s*/i,
];

function peelWrappers(line: string): string {
  let detail = line;
  for (;;) {
    const wrapper = WRAPPERS.find((pattern) => pattern.test(detail));
    const rest = wrapper ? detail.replace(wrapper, '') : '';
    // A wrapper with nothing after it is the most specific text there is.
    if (rest === '') return detail;
    detail = rest;
  }
}

/**
 * Whether a kubelet of this version (node status `nodeInfo.kubeletVersion`, "v1.35.2") verifies the credentials
 * of images already on the node (KEP-2535): `KubeletEnsureSecretPulledImages` is beta and on by default from
 * Kubernetes 1.35. Its `imagePullCredentialsVerificationPolicy` decides which images (default
 * `NeverVerifyPreloadedImages`: every image the kubelet pulled with credentials, none it did not pull).
 */
export function verifiesCachedImages(kubeletVersion: string | null | undefined): boolean {
  const match = /^v?(\d+)\.(\d+)/.exec(kubeletVersion ?? '');
  if (!match) return false;
  const [major, minor] = [Number(match[1]), Number(match[2])];
  return major > 1 || (major === 1 && minor >= 35);
}
