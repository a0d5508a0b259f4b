import 'server-only';
/** The credential gate of an incident fix: the per-workload gate (credential-gate.ts) for each of its targets. */
import type { IncidentFixRequest } from '../../api/incident-fix-request';
import { assertCredentialAccepted } from './credential-gate';
import { sourceIn } from './incident-plan';

/**
 * Before an apply, the credential each target's kubelet would get is tested against its image's registry (cached
 * per credential and repository); the first refusal stops the whole fix with its 422, unless the request
 * accepts it. In turn: the refusal names the first image it meets, and the registry is asked once per repository.
 */
export async function assertIncidentCredentialsAccepted(context: string, request: IncidentFixRequest): Promise<void> {
  for (const target of request.targets) {
    await assertCredentialAccepted(context, target.namespace, {
      mode: request.mode,
      pod: target.pod,
      container: target.container,
      source: sourceIn(target.namespace, request.source),
      target: { kind: 'workload' },
      acceptUnverified: request.acceptUnverified,
    });
  }
}
