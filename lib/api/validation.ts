import { z } from 'zod';

/**
 * Input rules for the HTTP API's path and query parameters, as the API server enforces them, so a bad name is
 * refused here with a clear message instead of travelling to the cluster. No server imports: the UI may reuse them.
 */

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
// Control characters cannot come from a kubeconfig a person wrote and would only garble messages and logs.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** A namespace name: a DNS-1123 label (at most 63 lowercase letters, digits and '-'). */
export const namespaceName = z
  .string()
  .max(63, 'a namespace name has at most 63 characters')
  .regex(DNS1123_LABEL, 'a namespace name is lowercase letters, digits and "-", starting and ending with a letter or digit');

/** A pod name: a DNS-1123 subdomain (at most 253 characters, dot-separated labels). */
export const podName = z
  .string()
  .max(253, 'a pod name has at most 253 characters')
  .regex(DNS1123_SUBDOMAIN, 'a pod name is lowercase letters, digits, "-" and ".", starting and ending with a letter or digit');

/** A kubeconfig context name: kubeconfig allows almost anything ("arn:aws:eks:…:cluster/prod", "gke_p_z_c"). */
export const contextName = z
  .string()
  .min(1, 'the context name is empty')
  .max(512, 'the context name is longer than 512 characters')
  .refine((name) => !CONTROL_CHARACTERS.test(name), 'the context name contains control characters');

export const contextParams = z.object({ context: contextName });

export const failuresQuery = z.object({
  /** Absent or empty: all namespaces. */
  namespace: z
    .union([z.literal(''), namespaceName])
    .nullish()
    .transform((namespace) => (namespace ? namespace : null)),
});

export const podParams = z.object({ context: contextName, namespace: namespaceName, pod: podName });
