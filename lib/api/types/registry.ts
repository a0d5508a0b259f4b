/**
 * The registry routes: POST /api/registry/check, and a pod container's tags and platforms.
 * Part of the API's JSON types (gathered in index.ts): types only, nothing server-side.
 */
import type { PullFailureCause } from '../../diagnosis';

// ---- POST /api/registry/check ------------------------------------------------------------------------------

/** Whose credentials to test: typed in the form, a pull secret read on the server, or none. */
export type RegistryCheckCredential =
  | { kind: 'typed'; username: string; password: string }
  | { kind: 'secret'; namespace: string; name: string }
  | { kind: 'anonymous' };

/** The registry's answer about one image and one credential. Never holds a password or token. */
export interface RegistryCheckResponse {
  /** True when the credential can pull the image. */
  ok: boolean;
  /** Why not, in classifyPullFailure's words ('unauthorized', 'not-found', 'rate-limit', …); null when ok. */
  cause: PullFailureCause | null;
  /** Plain words: who can pull what, or what the registry refused and what to check. */
  message: string;
  /** The manifest digest when ok. */
  digest: string | null;
  /** 'os/arch[/variant]' of each image an index offers; null for a single-image manifest or a failure. */
  platforms: string[] | null;
  registry: string;
  repository: string;
  /** The tag or digest checked. */
  reference: string;
  /** The username tested (typed, or from the secret's matching entry); null for an anonymous check. */
  username: string | null;
  /** The secret the credential came from, or null. */
  secret: string | null;
  checkedAt: string;
}

// ---- GET /api/contexts/{context}/namespaces/{namespace}/pods/{pod}/registry?container= ------------------------

/** What the registry holds for one container's image: tags closest to the one asked for, and platforms. */
export interface PodRegistryInfo {
  container: string;
  /** The image as the pod spec writes it. */
  image: string;
  /** The tag asked for (null when the image is pinned by digest alone). */
  requestedTag: string | null;
  /** The pull secret the listing used (the one the kubelet would pick), or null for anonymous access. */
  credential: { secret: string; username: string } | null;
  tags: TagSuggestionsResult;
  platforms: PlatformComparison;
}

/**
 * GET …/pods/{pod}/registry/allowance: the pull allowance the registry states (Docker Hub's ratelimit headers),
 * read with a HEAD that costs no pull, apart from the tags and platforms, whose manifest GET would cost one.
 */
export type RateLimitInfo =
  | { ok: true; limit: number; remaining: number; windowSeconds: number | null; source: string | null; text: string }
  | { ok: true; limit: null; text: null }
  | { ok: false; cause: PullFailureCause; message: string };

export type TagSuggestionsResult =
  | { ok: true; /** Closest to the requested tag first. */ suggestions: string[]; complete: boolean }
  | { ok: false; cause: PullFailureCause; message: string };

export interface PlatformComparison {
  /** What the image offers; null when it could not be read (see `imageMessage`). */
  image: string[] | null;
  imageMessage: string | null;
  nodeName: string | null;
  /** The node's 'os/architecture'; null when unknown (see `nodeMessage`). */
  node: string | null;
  nodeMessage: string | null;
}
