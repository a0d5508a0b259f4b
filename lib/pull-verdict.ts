import { cachedImageVerdict, type NodeImageFacts } from './cached-image-verdict';
import { BUILT_IN_PROVIDERS, findProviderFor, type ProviderFinding } from './credential-providers';
import { pullErrorDetail, type PullFailureCause } from './diagnosis';
import { providerVerdictText } from './provider-verdict';
import { VERDICTS, type VerdictCode } from './verdicts';

/**
 * What pullfix learned about one pull secret, for this image:
 * - matches: it decodes and has a key the kubelet would use for the image's registry
 * - no-match: it decodes but no key applies to this registry
 * - missing: the name is referenced but no such secret exists
 * - malformed: the type and key are right but the content does not decode (decodePullSecret's
 *   bad-json, bad-base64, bad-auth): the kubelet's keyring then fails before any pull
 * - wrong-type: not a docker config type, or its key is missing or empty (decodePullSecret's
 *   wrong-type, missing-key): the kubelet silently skips it
 * - unreadable: the user may not read it, so nothing above is known
 */
export type SecretState = 'matches' | 'no-match' | 'missing' | 'malformed' | 'wrong-type' | 'unreadable';

export interface SecretFact {
  name: string;
  state: SecretState;
  /** The registry keys the secret holds, when it could be decoded: explains a no-match. */
  servers?: string[];
}

export interface PullFacts {
  cause: PullFailureCause;
  /** The image as written in the pod spec. */
  image: string;
  /** ImageRef.registry ("docker.io", "localhost:5000"); '' when the reference does not parse. */
  registry: string;
  /** The kubelet's message (container waiting message or event message). */
  message: string;
  serviceAccount: string;
  /** The pod's spec.imagePullSecrets, in order. */
  podSecrets: SecretFact[];
  /** The service account's imagePullSecrets as they are now. */
  serviceAccountSecrets: SecretFact[];
  /** Secrets in the namespace that match the image but that the pod does not reference. */
  namespaceMatchingSecrets: string[];
  /** False when the user may not list or read secrets in the namespace. */
  secretsReadable: boolean;
  /** The container's imagePullPolicy (an image volume's pullPolicy), when known. */
  pullPolicy?: string | null;
  /** The pod's node, when it could be read: a kubelet from 1.35 verifies cached images (KEP-2535). */
  node?: NodeImageFacts | null;
  /**
   * The node's credential provider that serves the image (lib/credential-providers), null when none does;
   * absent: the built-in cloud patterns are assumed.
   */
  provider?: ProviderFinding | null;
}

export interface PullVerdict {
  code: VerdictCode;
  cause: PullFailureCause;
  title: string;
  explanation: string;
  fix: string;
  /** The secret the fix is about: the one to attach, create under its name, or replace. */
  secretName: string | null;
  /** True when secrets could not be read and the verdict rests on what could be seen. */
  partial: boolean;
}

/** Joins the cause of a failed pull with what is known of the pod's credentials. */
export function decidePullVerdict(facts: PullFacts): PullVerdict {
  const cached = cachedImageVerdict(facts);
  if (cached) return cached;
  switch (facts.cause) {
    case 'unauthorized':
      return decideCredentials(facts);
    case 'unknown':
      return malformedAttached(facts) ?? unknownVerdict(facts);
    case 'signature':
      return unknownVerdict(facts);
    case 'not-found':
      return tagNotFound(facts);
    case 'dns':
    case 'tls':
    case 'network':
    case 'registry-unavailable':
      return registryUnreachable(facts, facts.cause);
    case 'rate-limit':
      return rateLimited(facts);
    case 'platform':
      return verdict(facts, 'platform-mismatch', {
        explanation: `${quoted(facts.image)} has no image for the node's OS and architecture: ${detail(facts)}.`,
        fix: "Check which platforms the image provides (pullfix lists them when the registry lets it), then use a tag built for the node's platform, or schedule the pod onto matching nodes with a nodeSelector on kubernetes.io/arch.",
      });
    case 'invalid-name':
      return verdict(facts, 'invalid-reference', {
        explanation: `${quoted(facts.image)} is not a valid image reference: ${detail(facts)}.`,
        fix: 'Correct the image in the workload: repository names are lowercase, a tag follows a single ":", a digest follows "@".',
      });
    case 'never-pull':
      return verdict(facts, 'never-pull', {
        explanation: `imagePullPolicy is Never and ${quoted(facts.image)} is not on the node, so the kubelet will not fetch it.`,
        fix: 'Set imagePullPolicy to IfNotPresent so the kubelet pulls the image, or preload the image on every node that may run the pod.',
      });
  }
}

/**
 * The order is deliberate; the first rule that holds decides:
 * 1. A malformed attached secret: the kubelet's keyring fails on it before anything is sent,
 *    so no other credential mattered.
 * 2. An attached secret that matches: the kubelet sent it and the registry refused it.
 * 3. A referenced secret that does not exist: the pod's author meant that name, and creating
 *    it fixes the pod at the kubelet's next retry, without touching the workload.
 * 4. An attached secret of the wrong type: the kubelet skipped it, so it must be replaced.
 * 5. The service account has a matching secret the pod lacks. Admission copies the account's
 *    secrets only into pods created with none of their own: if the pod's secrets all come from
 *    the account, the pod predates the account's new secret and a restart fixes it; if the pod
 *    lists its own, a restart will not help and the secret must be attached.
 * 6. A matching secret sits in the namespace unattached.
 * 7. Unreadable secrets are attached: pullfix cannot tell rejected from mismatched from
 *    missing, so it reports the registry's refusal of what the pod carries, flagged partial.
 * 8. The service account lists secrets pullfix cannot read that the pod lacks: likely 5.
 * 9. A configured credential provider serves the image: its service account lacks an annotation the provider
 *    requires (the plugin was not called), or the provider ran and the registry refused what it supplied.
 * 10. Secrets are attached and none applies to this registry.
 * 11. Nothing is attached and a credential provider (the configured one, or the assumed cloud one) serves
 *    the registry: the same two cases, or the node's identity supplies the credentials.
 * 12. Otherwise the pod simply has no credentials for the registry.
 */
function decideCredentials(facts: PullFacts): PullVerdict {
  const pod = facts.podSecrets;
  const podNames = new Set(pod.map((s) => s.name));
  const account = facts.serviceAccountSecrets;
  const accountNames = new Set(account.map((s) => s.name));
  const podSecretsCameFromAccount = pod.every((s) => accountNames.has(s.name));
  const unseenSecrets = !facts.secretsReadable || [...pod, ...account].some((s) => s.state === 'unreadable');

  const malformed = malformedAttached(facts);
  if (malformed) return malformed;

  const matching = pod.find((s) => s.state === 'matches');
  if (matching) {
    return verdict(facts, 'credentials-rejected', {
      secretName: matching.name,
      explanation: `The kubelet sent the credentials in secret ${matching.name} to ${facts.registry} and the registry refused them (${detail(facts)}). Either the credentials are wrong or expired, the account has no access to this repository, or the repository does not exist.`,
      fix: `Test the credentials in ${matching.name} against ${facts.registry}. If they are refused, replace the secret with working credentials; if they work, check the repository name and the account's access to it.`,
    });
  }

  const missing = pod.find((s) => s.state === 'missing');
  if (missing) {
    return verdict(facts, 'referenced-secret-missing', {
      secretName: missing.name,
      explanation: `The pod names pull secret ${missing.name}, but no secret of that name exists in the namespace, so the kubelet pulled from ${facts.registry} without credentials.`,
      fix: `Create a docker-registry secret named ${missing.name} with credentials for ${facts.registry}. The kubelet picks it up at its next retry; the workload needs no change.`,
    });
  }

  const wrongType = pod.find((s) => s.state === 'wrong-type');
  if (wrongType) {
    return verdict(facts, 'malformed-secret', {
      secretName: wrongType.name,
      explanation: `Secret ${wrongType.name} is attached as a pull secret but is not a kubernetes.io/dockerconfigjson secret with a .dockerconfigjson key, so the kubelet ignores it and pulled from ${facts.registry} without credentials.`,
      fix: `Replace ${wrongType.name} with a docker-registry secret (type kubernetes.io/dockerconfigjson) for ${facts.registry}.`,
    });
  }

  const accountMatch = account.find((s) => s.state === 'matches' && !podNames.has(s.name));
  if (accountMatch && podSecretsCameFromAccount) return podPredatesAccount(facts, accountMatch.name, false);
  if (accountMatch) {
    return verdict(facts, 'secret-not-attached', {
      secretName: accountMatch.name,
      explanation: `Service account ${facts.serviceAccount} has secret ${accountMatch.name} with credentials for ${facts.registry}, but the pod lists its own pull secrets, and a service account's secrets are only added to pods that list none.`,
      fix: `Add ${accountMatch.name} to the workload's imagePullSecrets.`,
    });
  }

  const unattached = facts.namespaceMatchingSecrets[0];
  if (unattached !== undefined) {
    const others = facts.namespaceMatchingSecrets.length > 1 ? ` (also matching: ${facts.namespaceMatchingSecrets.slice(1).join(', ')})` : '';
    return verdict(facts, 'secret-not-attached', {
      secretName: unattached,
      explanation: `Secret ${unattached} in this namespace holds credentials for ${facts.registry}${others}, but the pod does not use it, so the kubelet pulled without credentials.`,
      fix: `Attach ${unattached} to the workload's imagePullSecrets, or to service account ${facts.serviceAccount} and restart the workload.`,
    });
  }

  const unreadable = pod.filter((s) => s.state === 'unreadable');
  const firstUnreadable = unreadable[0];
  if (firstUnreadable) {
    return verdict(facts, 'credentials-rejected', {
      secretName: firstUnreadable.name,
      partial: true,
      explanation: `${facts.registry} refused the pull (${detail(facts)}). The pod carries pull secrets ${names(unreadable)}, which your access does not let pullfix read: it cannot tell whether they hold credentials for ${facts.registry}, exist, or decode.`,
      fix: `Test the credentials meant for ${facts.registry} against the registry, and ask someone who may read secrets in this namespace to check ${names(unreadable)}.`,
    });
  }

  const accountUnreadable = account.find((s) => s.state === 'unreadable' && !podNames.has(s.name));
  if (accountUnreadable && podSecretsCameFromAccount) return podPredatesAccount(facts, accountUnreadable.name, true);

  const provider = facts.provider === undefined ? findProviderFor(BUILT_IN_PROVIDERS, facts.registry, null) : facts.provider;
  if (provider?.source === 'config') return providerVerdict(facts, provider, unseenSecrets);

  if (pod.length > 0) {
    return verdict(facts, 'secret-for-other-registry', {
      partial: unseenSecrets,
      explanation: `None of the pod's pull secrets applies to ${facts.registry}: ${pod.map(describeMismatch).join('; ')}. A key applies only to the same host, port and path prefix.${unseenNote(unseenSecrets)}`,
      fix: `Create a docker-registry secret for ${facts.registry} and attach it to the workload.`,
    });
  }

  if (provider) return providerVerdict(facts, provider, unseenSecrets);

  return verdict(facts, 'missing-secret', {
    partial: unseenSecrets,
    explanation: `${facts.registry} refused the pull (${detail(facts)}) and the pod has no credentials for it: no pull secret is attached and service account ${facts.serviceAccount} has none for it${
      unseenSecrets ? `.${unseenNote(true)}` : ', nor does any secret in the namespace.'
    }`,
    fix: `Create a docker-registry secret for ${facts.registry} and attach it to the workload.`,
  });
}

function malformedAttached(facts: PullFacts): PullVerdict | null {
  const malformed = facts.podSecrets.find((s) => s.state === 'malformed');
  if (!malformed) return null;
  return verdict(facts, 'malformed-secret', {
    secretName: malformed.name,
    explanation: `Pull secret ${malformed.name} cannot be decoded, and the kubelet stops at the first pull secret it cannot decode, before contacting ${facts.registry || 'the registry'}.`,
    fix: `Replace ${malformed.name} with a valid docker-registry secret for ${facts.registry || 'the registry'}.`,
  });
}

function podPredatesAccount(facts: PullFacts, secretName: string, partial: boolean): PullVerdict {
  const holds = partial
    ? `lists secret ${secretName}, which pullfix cannot read to confirm it holds credentials for ${facts.registry}`
    : `now has secret ${secretName} with credentials for ${facts.registry}`;
  return verdict(facts, 'pod-predates-service-account', {
    secretName,
    partial,
    explanation: `Service account ${facts.serviceAccount} ${holds}, but the pod was created before the account got it: an account's pull secrets are copied into a pod only when the pod is created.`,
    fix: 'Restart the workload so new pods get the secret (a bare pod must be deleted and created again).',
  });
}

function tagNotFound(facts: PullFacts): PullVerdict {
  return verdict(facts, 'tag-not-found', {
    explanation: `${facts.registry || 'The registry'} has no image for ${quoted(facts.image)}: ${detail(facts)}.${frozenRegistryHint(facts)}`,
    fix: "Check the tag or digest for a typo. pullfix lists the repository's tags when the registry allows it and suggests the closest; update the workload's image to one that exists.",
  });
}

const UNREACHABLE: Record<'dns' | 'tls' | 'network' | 'registry-unavailable', { kind: string; what: string; fix: string }> = {
  dns: {
    kind: 'DNS',
    what: 'the host name does not resolve from the node',
    fix: "Check the registry host in the image for a typo, then that the node's resolvers (and CoreDNS, if the runtime uses it) resolve it.",
  },
  tls: {
    kind: 'TLS',
    what: 'the TLS connection failed',
    fix: "If the registry uses a private CA, install it in the container runtime's trust on every node (containerd: /etc/containerd/certs.d/<host>/ca.crt); check that the certificate has not expired and names this host; a registry serving plain HTTP must be declared insecure in the runtime's configuration.",
  },
  network: {
    kind: 'network',
    what: 'the node cannot connect to it',
    fix: "Check that the registry is up and listening on that port, and that firewalls, egress rules and the runtime's proxy settings let the nodes reach it.",
  },
  'registry-unavailable': {
    kind: 'registry error',
    what: 'it answered with a server error or reported itself unavailable',
    fix: "Check the registry's status page or server logs; the kubelet keeps retrying with back-off. Use a mirror if the outage lasts.",
  },
};

function registryUnreachable(facts: PullFacts, cause: keyof typeof UNREACHABLE): PullVerdict {
  const { kind, what, fix } = UNREACHABLE[cause];
  return verdict(facts, 'registry-unreachable', {
    title: `${VERDICTS['registry-unreachable'].label} (${kind})`,
    explanation: `${facts.registry || 'The registry'} cannot be reached: ${what} (${detail(facts)}).${frozenRegistryHint(facts)}`,
    fix,
  });
}

function rateLimited(facts: PullFacts): PullVerdict {
  const authenticated = facts.podSecrets.some((s) => s.state === 'matches');
  return verdict(facts, 'rate-limited', {
    explanation: authenticated
      ? `${facts.registry} is rate-limiting the pulls of the account in the pod's pull secret (${detail(facts)}).`
      : `${facts.registry} is rate-limiting anonymous pulls from the node's address (${detail(facts)}).`,
    fix: authenticated
      ? 'Use an account with a higher pull limit, or pull through a mirror or pull-through cache; the kubelet retries with back-off.'
      : 'Authenticate the pulls: create a pull secret for a registry account and attach it; or pull through a mirror or pull-through cache.',
  });
}

function unknownVerdict(facts: PullFacts): PullVerdict {
  if (facts.cause === 'signature') {
    return verdict(facts, 'unknown', {
      title: 'Signature rejected',
      explanation: `The node's signature policy rejected ${quoted(facts.image)}: ${detail(facts)}.`,
      fix: "No automatic fix: use an image signed by a trusted key, or ask the cluster admin to review the runtime's signature policy for this registry.",
    });
  }
  return verdict(facts, 'unknown', {
    explanation: facts.message.trim() || 'The kubelet gave no reason.',
    fix: "No automatic fix: read the pod's events and the node's container runtime logs.",
  });
}

function verdict(
  facts: PullFacts,
  code: VerdictCode,
  text: { explanation: string; fix: string; title?: string; secretName?: string; partial?: boolean },
): PullVerdict {
  return {
    code,
    cause: facts.cause,
    title: text.title ?? VERDICTS[code].label,
    explanation: text.explanation,
    fix: text.fix,
    secretName: text.secretName ?? null,
    partial: text.partial ?? false,
  };
}

/** k8s.gcr.io was frozen in 2023; its images and every newer tag live on registry.k8s.io. */
function frozenRegistryHint(facts: PullFacts): string {
  if (facts.registry !== 'k8s.gcr.io') return '';
  const moved = facts.image.replace(/^k8s\.gcr\.io\//, 'registry.k8s.io/');
  return ` k8s.gcr.io is frozen and no longer serves new images: use ${quoted(moved)} instead.`;
}

function describeMismatch(secret: SecretFact): string {
  if (!secret.servers || secret.servers.length === 0) return `${secret.name} has no key for it`;
  return `${secret.name} holds ${secret.servers.join(', ')}`;
}

function unseenNote(unseen: boolean): string {
  return unseen ? ' Your access does not let pullfix read every secret in the namespace, so this rests on what it could see.' : '';
}

function names(secrets: SecretFact[]): string {
  return secrets.map((s) => s.name).join(', ');
}

function quoted(text: string): string {
  return `"${text}"`;
}

function detail(facts: PullFacts): string {
  return pullErrorDetail(facts.message).replace(/\.$/, '') || 'no details given';
}

function providerVerdict(facts: PullFacts, provider: ProviderFinding, unseenSecrets: boolean): PullVerdict {
  const { code, explanation, fix, partial } = providerVerdictText(
    { registry: facts.registry, serviceAccount: facts.serviceAccount, detail: detail(facts) },
    provider,
  );
  return verdict(facts, code, { explanation: `${explanation}${unseenNote(unseenSecrets)}`, fix, partial: partial || unseenSecrets });
}
