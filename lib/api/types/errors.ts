/**
 * The error body of every non-2xx answer, and the warnings of a partial result.
 * Part of the API's JSON types (gathered in index.ts): types only, nothing server-side.
 */

/** Every non-2xx answer of the API has this body. */
export interface ApiErrorBody {
  error: ApiErrorJson;
}

/** The error as JSON; `ApiError` in lib/api/errors.ts is the class that carries it. */
export interface ApiErrorJson {
  code: ApiErrorCode;
  /** A sentence a person can act on ("the cluster at https://… is not reachable: connection refused — …"). */
  message: string;
  /** The Kubernetes Status reason ('Forbidden', 'NotFound', 'Unauthorized', …) or null when the cluster gave none. */
  reason: string | null;
  /** The HTTP status of this response. */
  status: number;
}

export type ApiErrorCode =
  | 'invalid-input' // a path or query parameter failed validation (400)
  | 'kubeconfig-missing' // no kubeconfig file and not running in a pod (500)
  | 'kubeconfig-invalid' // the kubeconfig could not be read or parsed (500)
  | 'unknown-context' // the context is not in the kubeconfig (404)
  | 'unauthorized' // the cluster rejected the credentials: 401 (401)
  | 'forbidden' // the user may not do this: 403 (403)
  | 'not-found' // the object does not exist (404)
  | 'unreachable' // connection refused, DNS failure, reset (502)
  | 'tls' // the cluster's certificate was not trusted (502)
  | 'timeout' // the cluster did not answer in time (504)
  | 'cluster-error' // any other answer from the cluster (502, or its own status when 4xx)
  | 'conflict' // the object changed or already exists: 409 (409)
  | 'fix-failed' // a step of an applied fix failed; what it created was undone (the failed step's status)
  | 'access-token-required' // pullfix listens beyond loopback and the request has no valid access token (401)
  | 'host-not-accepted' // the Host is not one of the names pullfix answers (421): DNS rebinding, a stray proxy
  | 'csrf-rejected' // a mutation without the CSRF token, or from another origin (403)
  | 'rate-limited' // too many requests from this client (429)
  | 'registry-error' // a registry check could not be carried out (502)
  | 'credential-refused' // the registry refused the credential a fix would apply, and the request did not accept that (422)
  | 'undo-failed' // a step of an undo failed; what it had changed was put back (the failed step's status)
  | 'credential-provider-config-invalid'; // the kubelet credential provider configuration given for a context is unreadable or invalid (500)

/** A partial result: what could not be read and why, in plain words. The rest of the response is still valid. */
export interface ApiWarning {
  code: 'secrets-forbidden' | 'events-forbidden' | 'service-accounts-forbidden' | 'owners-forbidden' | 'read-failed';
  /** The namespace the warning is about; null when it concerns the whole query. */
  namespace: string | null;
  message: string;
}
