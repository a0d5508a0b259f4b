import type { ProviderFinding } from './credential-providers';
import type { VerdictCode } from './verdicts';

export interface ProviderPull {
  registry: string;
  serviceAccount: string;
  /** The runtime's words for the refusal. */
  detail: string;
}

/**
 * What a refused pull means when a node credential provider serves the image (pkg/credentialprovider/plugin,
 * perPodPluginProvider.Provide): a required service-account annotation is missing, so the kubelet never calls
 * the plugin; or the plugin got the pod's service-account token and the registry refused what it returned; or
 * the provider works from the node's own identity, which the registry refused or which gave nothing.
 */
export function providerVerdictText(pull: ProviderPull, provider: ProviderFinding): { code: VerdictCode; explanation: string; fix: string; partial: boolean } {
  const served = `${provider.source === 'config' ? 'The node' : 'pullfix assumes the node'} runs credential provider ${provider.provider} for ${pull.registry} (matchImages "${provider.matchImage}")${
    provider.source === 'built-in' ? ', the cloud default: no credential provider configuration was given for this context' : ''
  }`;
  const missing = provider.missingAnnotations;
  if (missing.length > 0) {
    const keys = missing.join(', ');
    return {
      code: 'provider-annotation-missing',
      partial: false,
      explanation: `${served}. It requires the annotation${missing.length > 1 ? 's' : ''} ${keys} on the pod's service account, and service account ${pull.serviceAccount} lacks ${missing.length > 1 ? 'them' : 'it'}: without a required annotation the kubelet does not call the plugin, so ${pull.registry} got no credentials (${pull.detail}).`,
      fix: `Annotate service account ${pull.serviceAccount} with ${keys} (the cloud identity the provider should exchange the pod's token for), then restart the workload so its pods pull again at once instead of after the back-off.`,
    };
  }
  if (provider.tokenMode) {
    const annotations = provider.requiredAnnotations.length > 0 ? ` with ${provider.requiredAnnotations.join(', ')}` : '';
    const unknown = provider.serviceAccountKnown ? '' : ` pullfix could not read service account ${pull.serviceAccount} to check the annotations the provider requires.`;
    return {
      code: 'provider-credentials-refused',
      partial: !provider.serviceAccountKnown,
      explanation: `${served}. It exchanges the pod's service-account token (service account ${pull.serviceAccount}${annotations}) for registry credentials, and ${pull.registry} refused the pull with them (${pull.detail}). The identity the service account maps to lacks pull access, does not trust this service account's tokens, or the repository or tag does not exist.${unknown}`,
      fix: `Check the cloud identity named on service account ${pull.serviceAccount}: it must trust tokens of this service account and be allowed to pull from ${pull.registry}. Check the image name too; a pull secret is not needed.`,
    };
  }
  return {
    code: 'node-credentials',
    partial: false,
    explanation: `${pull.registry} refused the pull and the pod has no pull secret. ${served}, which supplies credentials from the node's own cloud identity, so that identity was refused or provided none (${pull.detail}).`,
    fix: `Check the node's cloud identity before adding a secret: its role or managed identity needs pull access to ${pull.registry}, and the kubelet's credential provider must be configured for it.`,
  };
}
