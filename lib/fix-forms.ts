/**
 * Which form the Fix section shows for a verdict, and the words above it. Every verdict a pull secret can fix
 * (lib/verdicts.ts) has one; the words follow what the form's targets will do (a Job is recreated, not
 * restarted). Pure, for the panel and the test that walks the verdict table.
 */
import type { WorkloadRef } from './api/types';
import { VERDICTS, type VerdictCode } from './verdicts';

export type FixFormKind = 'attach-secret' | 'replace-secret' | 'authenticated-pulls' | 'stop-gap-secret' | 'restart';

export interface FixFormText {
  kind: FixFormKind;
  heading: string;
  /** What the form does, in the words of its actions. */
  summary: string;
  /** Said before anything else when the fix will not last (a cloud registry's short-lived token); null otherwise. */
  warning: string | null;
}

const FORM_KINDS: { readonly [Code in VerdictCode]: FixFormKind | null } = {
  'missing-secret': 'attach-secret',
  'secret-not-attached': 'attach-secret',
  'credentials-rejected': 'replace-secret',
  'no-working-credential': 'attach-secret',
  'secret-in-other-namespace': 'attach-secret',
  'repository-not-found': null,
  'account-lacks-access': 'attach-secret',
  'access-refused': 'attach-secret',
  'secret-for-other-registry': 'attach-secret',
  'pod-predates-service-account': 'restart',
  'referenced-secret-missing': 'attach-secret',
  'malformed-secret': 'replace-secret',
  'node-credentials': 'stop-gap-secret',
  'tag-not-found': null,
  'registry-unreachable': null,
  'rate-limited': 'authenticated-pulls',
  'platform-mismatch': null,
  'invalid-reference': null,
  'never-pull': null,
  unknown: null,
  'cached-image-unverified': 'attach-secret',
  'cached-image-never-pull': 'attach-secret',
  // Not a pull secret's to fix: the annotate form (components/fix/annotate-fix.tsx), or the cloud identity.
  'provider-annotation-missing': null,
  'provider-credentials-refused': null,
};

/** The form for a verdict, or null when no pull secret can fix it. */
export function fixFormFor(
  verdict: { code: VerdictCode; secretName: string | null },
  context: { container: string; registry: string; workload: WorkloadRef | null },
): FixFormText | null {
  const kind = VERDICTS[verdict.code].secretFixable ? FORM_KINDS[verdict.code] : null;
  if (kind === null) return null;
  const { container, registry } = context;
  const rollout = rolloutWords(context.workload);
  switch (kind) {
    case 'replace-secret': {
      const secret = verdict.secretName ?? 'the secret';
      return {
        kind,
        heading: `Replace the data of ${secret} for ${container}`,
        summary: `Write working credentials for ${registry} into ${secret}: the pod already names it, so the kubelet uses them at its next pull retry (or ${rollout}). Deleting and recreating anything is the last resort.`,
        warning: null,
      };
    }
    case 'authenticated-pulls':
      return {
        kind,
        heading: `Authenticate the pulls of ${container} from ${registry}`,
        summary: `${registry} limits anonymous pulls. Create a pull secret for a ${registry} account (or reuse one) and attach it, so the node pulls under that account's limit; then ${rollout}.`,
        warning: null,
      };
    case 'stop-gap-secret':
      return {
        kind,
        heading: `Stop-gap: a pull secret for ${container} on ${registry}`,
        summary: `The lasting fix is the node's credential provider: give the nodes' cloud identity pull access to ${registry}. Until then a pull secret gets this pod running; then ${rollout}.`,
        warning: tokenExpiry(registry),
      };
    case 'restart':
      return {
        kind,
        heading: `Give ${container}'s pods the service account's secret`,
        summary: `The service account already holds the secret; only pods created after it got it carry it, so ${rollout}.`,
        warning: null,
      };
    case 'attach-secret':
      return {
        kind,
        heading: `Attach a pull secret for ${container}`,
        summary: `Create a pull secret for ${registry} (or reuse or copy one that can pull) and attach it; then ${rollout}.`,
        warning: null,
      };
  }
}

/** What happens to the pods once the secret is in place, by what owns them. */
function rolloutWords(workload: WorkloadRef | null): string {
  if (workload === null) return 'a bare pod that does not name the secret yet is deleted and created again with it';
  switch (workload.kind) {
    case 'Job':
      return `Job ${workload.name} is recreated with the same spec (a Job's pod template cannot change)`;
    case 'CronJob':
      return `the next Job of CronJob ${workload.name} uses it`;
    case 'ReplicaSet':
      return `the failing pod is deleted so ReplicaSet ${workload.name} creates it again`;
    default:
      return `${workload.kind} ${workload.name} rolls out new pods`;
  }
}

/**
 * Registries whose pull credentials are short-lived tokens: a secret made from one stops working when it
 * expires, and the pod fails again at its next pull.
 */
function tokenExpiry(registry: string): string | null {
  const host = registry.toLowerCase();
  if (/\.dkr[.-]ecr(?:-fips)?\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?$/.test(host)) {
    return 'ECR tokens expire after 12 hours: a secret made from `aws ecr get-login-password` stops working then, and the next pull fails again. Use it only to get the pod running now; the lasting fix is the ECR credential provider on the nodes (an IAM role with ecr:GetAuthorizationToken and pull access).';
  }
  if (/\.azurecr\.(?:io|cn|us)$/.test(host)) {
    return 'ACR access tokens (`az acr login --expose-token`) expire after 3 hours: a secret made from one stops working then. The lasting fix is the ACR credential provider with the nodes\' managed identity (AcrPull), or a repository-scoped token or service principal that you rotate.';
  }
  if (host === 'gcr.io' || host.endsWith('.gcr.io') || host.endsWith('-docker.pkg.dev')) {
    return 'Google access tokens (`gcloud auth print-access-token`, user `oauth2accesstoken`) expire after 1 hour: a secret made from one stops working then. The lasting fix is the node service account\'s Artifact Registry Reader role and the GCP credential provider.';
  }
  return null;
}
