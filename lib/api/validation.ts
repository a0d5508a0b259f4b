import { z } from 'zod';

/**
 * Input rules for the HTTP API, as the API server enforces them, so a bad name is refused here with a clear
 * message instead of travelling to the cluster. Each rule is defined once here; the request schemas compose
 * them. No server imports: the UI may reuse them.
 */

// k8s.io/apimachinery/pkg/util/validation: IsDNS1123Label and IsDNS1123Subdomain.
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL_MAX = 63;
const DNS1123_SUBDOMAIN_MAX = 253;
// Control characters cannot come from a kubeconfig a person wrote and would only garble messages and logs.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** A name that must be a DNS-1123 label: at most 63 lowercase letters, digits and '-'. */
export function dns1123Label(what: string) {
  return z
    .string()
    .min(1, `a ${what} is required`)
    .max(DNS1123_LABEL_MAX, `a ${what} has at most ${DNS1123_LABEL_MAX} characters`)
    .regex(DNS1123_LABEL, `a ${what} is lowercase letters, digits and "-", starting and ending with a letter or digit`);
}

/** A name that must be a DNS-1123 subdomain: at most 253 characters, dot-separated labels. */
export function dns1123Subdomain(what: string) {
  return z
    .string()
    .min(1, `a ${what} is required`)
    .max(DNS1123_SUBDOMAIN_MAX, `a ${what} has at most ${DNS1123_SUBDOMAIN_MAX} characters`)
    .regex(DNS1123_SUBDOMAIN, `a ${what} is lowercase letters, digits, "-" and ".", starting and ending with a letter or digit`);
}

/** Free text bounded in length, for fields the cluster or a registry checks themselves. */
export function boundedText(what: string, max: number) {
  return z.string().max(max, `the ${what} is longer than ${max} characters`);
}

export const namespaceName = dns1123Label('namespace name');
export const podName = dns1123Subdomain('pod name');
export const secretName = dns1123Subdomain('secret name');
/** ValidateContainer checks a container's name with IsDNS1123Label. */
export const containerName = dns1123Label('container name');

/** A kubeconfig context name: kubeconfig allows almost anything ("arn:aws:eks:…:cluster/prod", "gke_p_z_c"). */
export const contextName = z
  .string()
  .min(1, 'the context name is empty')
  .max(512, 'the context name is longer than 512 characters')
  .refine((name) => !CONTROL_CHARACTERS.test(name), 'the context name contains control characters');

export const contextParams = z.object({ context: contextName });

export const namespaceParams = z.object({ context: contextName, namespace: namespaceName });

export const failuresQuery = z.object({
  /** Absent or empty: all namespaces. */
  namespace: z
    .union([z.literal(''), namespaceName])
    .nullish()
    .transform((namespace) => (namespace ? namespace : null)),
  /** `packed`: the page's form, each shared part once (lib/packed-failures.ts); absent or `full`: whole items. */
  form: z
    .enum(['full', 'packed'], { message: "form must be 'full' or 'packed'" })
    .nullish()
    .transform((form) => form ?? 'full'),
});

export const podParams = z.object({ context: contextName, namespace: namespaceName, pod: podName });
