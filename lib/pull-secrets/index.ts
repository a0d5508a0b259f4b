// Image pull secrets as the kubelet reads them. What may be shown to a person is exported here; the credentials
// themselves only from ./logins, which is server-only.
export { decodePullSecret, type PullSecretOptions } from './decode';
export { explainCredentialMatch } from './explain';
export { kubeletLookupKey, lookupCredentials, matchCredentialEntries, matchCredentials } from './keyring';
export { dockerConfigJson, kubectlServerFor } from './kubectl-secret';
export { PullSecretError } from './read';
export * from './types';
