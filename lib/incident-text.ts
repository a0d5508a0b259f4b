/**
 * What an incident says in the overview: one line for the root cause, one for the blast radius and one for the
 * action. Pure, so the words are tested where they are made.
 */
import type { Incident, IncidentAction } from './incidents';

export interface IncidentText {
  /** The root cause, naming the registry, secret or image it is about. */
  title: string;
  /** "4 workloads · 6 pods · 2 namespaces · 5 unavailable" (replicas); one namespace or cluster goes unsaid. */
  radius: string;
  /** The one action, as an imperative the on-call engineer can follow. */
  action: string;
  /** "12 running, 3 failing from docker.io", the evidence whether the registry itself is up; null without a registry. */
  registryPulls: string | null;
}

export function describeIncident(incident: Incident): IncidentText {
  return {
    title: incidentTitle(incident),
    radius: radiusText(incident),
    action: actionText(incident.action),
    registryPulls: incident.registryPulls && incident.registry
      ? `${incident.registryPulls.running} running, ${incident.registryPulls.failing} failing from ${incident.registry}`
      : null,
  };
}

function incidentTitle(incident: Incident): string {
  const registry = incident.registry ?? 'the registry';
  const secret = incident.secretName ?? 'the pull secret';
  switch (incident.verdict) {
    case 'rate-limited':
      return `${registry} is rate-limiting pulls`;
    case 'registry-unreachable':
      return `${registry} cannot be reached (${incident.cause === 'registry-unavailable' ? 'server errors' : incident.cause.toUpperCase()})`;
    case 'credentials-rejected':
      return `${registry} rejects the credentials in ${secret}`;
    case 'missing-secret':
      return `no pull secret for ${registry}`;
    case 'no-working-credential':
      return `no credential in reach can pull ${incident.image ?? `from ${registry}`}`;
    case 'secret-in-other-namespace':
      return `only ${secret} in another namespace can pull from ${registry}`;
    case 'repository-not-found':
      return `${incident.image ?? 'the image'} does not exist, though ${registry} says "unauthorized"`;
    case 'account-lacks-access':
      return `the account in ${secret} may not pull ${incident.image ?? 'the image'}`;
    case 'access-refused':
      return `${registry} refuses ${secret} for ${incident.image ?? 'the image'} (no access, or no such repository)`;
    case 'secret-not-attached':
      return `${secret} exists but is not attached`;
    case 'cached-image-unverified':
    case 'cached-image-never-pull':
      return `${incident.image ?? 'a cached image'} is usable on its nodes only with the credentials that pulled it (kubelet 1.35)`;
    case 'secret-for-other-registry':
      return `the attached secrets are for other registries than ${registry}`;
    case 'pod-predates-service-account':
      return `pods predate ${secret} on their service account`;
    case 'referenced-secret-missing':
      return `secret ${secret} does not exist`;
    case 'malformed-secret':
      return `secret ${secret} is malformed`;
    case 'node-credentials':
      return `the nodes' credential provider should serve ${registry}`;
    case 'tag-not-found':
      return `${incident.image ?? 'the image'} does not exist`;
    case 'platform-mismatch':
      return `${incident.image ?? 'the image'} has no build for the nodes' platform`;
    case 'invalid-reference':
      return `invalid image reference ${incident.failures[0]?.imageInput ?? ''}`.trim();
    case 'never-pull':
      return `${incident.image ?? 'the image'} is not on the node and may not be pulled`;
    case 'unknown':
      return `pulls from ${registry} fail`;
    case 'provider-annotation-missing':
      return `service accounts lack the annotation the credential provider for ${registry} requires`;
    case 'provider-credentials-refused':
      return `${registry} refuses the credential provider's credentials`;
  }
}

function radiusText(incident: Incident): string {
  const { workloads, pods, namespaces, contexts, unavailableReplicas } = incident.radius;
  return [
    count(workloads.length, 'workload'),
    count(pods, 'pod'),
    ...(namespaces.length > 1 ? [count(namespaces.length, 'namespace')] : []),
    ...(contexts.length > 1 ? [count(contexts.length, 'context')] : []),
    `${unavailableReplicas} unavailable`,
  ].join(' · ');
}

function actionText(action: IncidentAction): string {
  switch (action.kind) {
    case 'attach-secret':
      return `Attach ${action.secretName} to ${count(action.targets.length, 'workload')}`;
    case 'create-secret':
      return action.namespaces.length > 1
        ? `Create a pull secret for ${action.registry}, copy it to ${count(action.namespaces.length, 'namespace')} and attach it to ${count(action.targets.length, 'workload')}`
        : `Create a pull secret for ${action.registry} and attach it to ${count(action.targets.length, 'workload')}`;
    case 'copy-secret':
      return `Create ${action.secretName} once and copy it to ${count(action.namespaces.length, 'namespace')}`;
    case 'replace-secret':
      return `Replace the ${action.registry} entry of ${action.secretName}${action.namespaces.length > 1 ? ` in ${count(action.namespaces.length, 'namespace')}` : ''}`;
    case 'restart':
      return `Restart ${count(action.targets.length, 'workload')} so new pods get the secret`;
    case 'change-image':
      return `Change ${action.image} to a tag that exists in ${count(action.targets.length, 'workload')}`;
    case 'check':
      return action.what;
    case 'per-workload':
      return 'Each workload needs its own fix: open one below';
  }
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
