import 'server-only';
import type { PullFailureCause } from '../diagnosis';

/** The causes a registry check can end in: the words `classifyPullFailure` uses for a kubelet's message. */
export type RegistryFailureCause = Extract<
  PullFailureCause,
  'unauthorized' | 'not-found' | 'dns' | 'tls' | 'network' | 'rate-limit' | 'registry-unavailable' | 'unknown'
>;

export interface RegistryFailure {
  ok: false;
  cause: RegistryFailureCause;
  status: number | null;
  registryCode: string | null;
  registryMessage: string | null;
  /** Plain words for a person; never holds a password or a token. */
  message: string;
}

/**
 * The thrown form of a failure inside the client. The public functions catch it and return `toFailure()`,
 * so callers only ever see a result.
 */
export class RegistryError extends Error {
  /** The cause in `classifyPullFailure`'s words; not `Error.cause`, which stays free for the error underneath. */
  readonly failureCause: RegistryFailureCause;
  readonly status: number | null;
  readonly registryCode: string | null;
  readonly registryMessage: string | null;

  constructor(
    /** What went wrong underneath: a Node error code ('ENOTFOUND'), 'timeout', 'http-401', 'config'… */
    readonly code: string,
    failureCause: RegistryFailureCause,
    message: string,
    details: { status?: number | null; registryCode?: string | null; registryMessage?: string | null } = {},
  ) {
    super(message);
    this.name = 'RegistryError';
    this.failureCause = failureCause;
    this.status = details.status ?? null;
    this.registryCode = details.registryCode ?? null;
    this.registryMessage = details.registryMessage ?? null;
  }

  toFailure(): RegistryFailure {
    return {
      ok: false,
      cause: this.failureCause,
      status: this.status,
      registryCode: this.registryCode,
      registryMessage: this.registryMessage,
      message: this.message,
    };
  }
}
