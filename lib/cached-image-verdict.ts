import { pullErrorDetail, verifiesCachedImages } from './diagnosis';
import type { PullFacts, PullVerdict } from './pull-verdict';
import { VERDICTS, type VerdictCode } from './verdicts';

/** What the node's status says about a failing pod's image: its kubelet's version, and whether the image is there. */
export interface NodeImageFacts {
  name: string;
  /** `status.nodeInfo.kubeletVersion`: "v1.35.0". */
  kubeletVersion: string;
  /** `status.images` lists the image by its normalized name or digest. */
  imagePresent: boolean;
}

/**
 * The KEP-2535 verdicts (`KubeletEnsureSecretPulledImages`, beta and on by default from Kubernetes 1.35): on a
 * kubelet that verifies cached images, an image already on the node may be used only by a pod presenting the
 * credentials that pulled it (`imagePullCredentialsVerificationPolicy`, default `NeverVerifyPreloadedImages`).
 * - With IfNotPresent, a kubelet pulls an image its node holds only when the pod may not use the cached copy
 *   (`MustAttemptImagePull`), so a refused pull of a present image is that re-pull failing.
 * - With Never, a present image the pod may not use is reported as not present (`imageNotPresentOnNeverPolicyError`).
 * Null when the node is unknown, older, or does not hold the image, or when the pod's own matching secret was
 * refused (that secret is wrong whatever pulled the image: the credentials rule says so).
 */
export function cachedImageVerdict(facts: PullFacts): PullVerdict | null {
  const node = facts.node;
  if (!node?.imagePresent || !verifiesCachedImages(node.kubeletVersion)) return null;
  if (facts.podSecrets.some((secret) => secret.state === 'matches')) return null;
  const secretName = facts.namespaceMatchingSecrets[0] ?? facts.serviceAccountSecrets.find((secret) => secret.state === 'matches')?.name ?? null;
  const policyNote = `since Kubernetes 1.35 the kubelet (${node.kubeletVersion} on ${node.name}) lets a pod use an image already on the node only with the credentials that pulled it (feature KubeletEnsureSecretPulledImages, on by default; the kubelet setting imagePullCredentialsVerificationPolicy, default NeverVerifyPreloadedImages, verifies every image it pulled with credentials)`;
  const attach = secretName
    ? `Attach the credentials that pulled it: secret ${secretName} holds credentials for ${facts.registry}; add it to the workload's imagePullSecrets.`
    : `Attach the credentials that pulled it: create a docker-registry secret for ${facts.registry} and add it to the workload's imagePullSecrets.`;
  const policyFix = 'Setting imagePullCredentialsVerificationPolicy: NeverVerify in the kubelet configuration restores the old behaviour for every pod on the node, and lets any of them use the private images pulled there.';

  if (facts.cause === 'never-pull') {
    return cached(facts, 'cached-image-never-pull', secretName, {
      explanation: `imagePullPolicy is Never and the kubelet says ${quoted(facts.image)} is not present, yet node ${node.name} holds it: ${policyNote}. An image present but not permitted to the pod is reported as not present, so a pod cannot learn what the node holds; with Never the kubelet will not pull to prove the pod may use it.`,
      fix: `${attach} Or set imagePullPolicy to IfNotPresent with credentials that can pull it. ${policyFix}`,
    });
  }
  if (facts.cause !== 'unauthorized' || facts.pullPolicy === 'Always') return null;
  return cached(facts, 'cached-image-unverified', secretName, {
    explanation: `${quoted(facts.image)} is already on node ${node.name}, but ${policyNote}. This pod presents none of them, so the kubelet pulled again with the pod's own credentials and ${facts.registry || 'the registry'} refused (${detail(facts)}). Before 1.35 the pod would have started from the cached image.`,
    fix: `${attach} ${policyFix}`,
  });
}

function cached(facts: PullFacts, code: VerdictCode, secretName: string | null, text: { explanation: string; fix: string }): PullVerdict {
  return { code, cause: facts.cause, title: VERDICTS[code].label, explanation: text.explanation, fix: text.fix, secretName, partial: !facts.secretsReadable };
}

function quoted(text: string): string {
  return `"${text}"`;
}

function detail(facts: PullFacts): string {
  return pullErrorDetail(facts.message).replace(/\.$/, '') || 'no details given';
}
