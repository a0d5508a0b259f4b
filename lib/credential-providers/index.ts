// The node's credential provider plugins as pullfix models them: the kubelet's CredentialProviderConfig
// parsed and validated, and which provider serves an image with what the pod's service account lacks for it.
export { CONFIG_API_VERSIONS, CredentialProviderConfigError, parseCredentialProviderConfig, parseGoDuration } from './config';
export { annotationProblem, qualifiedNameProblem } from './annotations';
export { BUILT_IN_PROVIDERS, findProvider, findProviderFor } from './match';
export * from './types';
