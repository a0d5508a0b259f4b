import 'server-only';

import type { Permission } from '../../fix-plan';
import type { KubeClients } from '../config';
import { ApiError } from '../../api/errors';
import { kubeCall } from '../errors';

/** One thing a fix step would do, as a SelfSubjectAccessReview asks it. */
export interface AccessCheck {
  verb: string;
  group: string;
  resource: string;
  namespace: string;
}

export type AccessAnswers = (check: AccessCheck) => Permission;

/**
 * Asks the API server, once per distinct verb/resource/namespace and all at once, whether the context's user may
 * do each thing; answers come back with the reason in plain words when not.
 */
export async function reviewAccess(clients: KubeClients, checks: AccessCheck[]): Promise<AccessAnswers> {
  const unique = new Map(checks.map((check) => [accessKey(check), check]));
  const answers = new Map<string, Permission>();
  await Promise.all(
    [...unique].map(async ([key, check]) => {
      answers.set(key, await review(clients, check));
    }),
  );
  return (check) => answers.get(accessKey(check)) ?? { allowed: false, reason: `not checked: ${describe(check)}` };
}

/** "create secrets in namespace default" — the wording of reasons and of kubectl auth can-i. */
export function describe(check: AccessCheck): string {
  const resource = check.group ? `${check.resource}.${check.group}` : check.resource;
  return `${check.verb} ${resource} in namespace "${check.namespace}"`;
}

async function review(clients: KubeClients, check: AccessCheck): Promise<Permission> {
  try {
    const answer = await kubeCall(clients, () =>
      clients.authz.createSelfSubjectAccessReview({
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SelfSubjectAccessReview',
          spec: { resourceAttributes: { verb: check.verb, group: check.group, resource: check.resource, namespace: check.namespace } },
        },
      }),
    );
    if (answer.status?.allowed) return { allowed: true, reason: null };
    const said = answer.status?.reason ? ` (${answer.status.reason})` : '';
    return { allowed: false, reason: `the user of context "${clients.context}" may not ${describe(check)}${said}` };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return { allowed: false, reason: `could not ask whether the user may ${describe(check)}: ${error.message}` };
  }
}

function accessKey(check: AccessCheck): string {
  return `${check.verb}|${check.group}|${check.resource}|${check.namespace}`;
}
