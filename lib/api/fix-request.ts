import { z } from 'zod';
import { annotationProblem } from '../credential-providers/annotations';
import { boundedText, containerName, namespaceName, podName, secretName } from './validation';

/**
 * The bodies of the two fix endpoints — attach a pull secret, change an image tag — and their types. The form
 * builds them and the route handlers validate them with the same schemas. No server imports.
 */

/** The Distribution spec's tag grammar. */
const TAG = /^[\w][\w.-]{0,127}$/;

export const imageTag = z.string().regex(TAG, 'a tag is up to 128 letters, digits, "_", "." and "-", not starting with "." or "-"');

/** The fields of a new secret, with the rules `kubectl create secret docker-registry` enforces. */
export const newSecretSchema = z.object({
  kind: z.literal('new'),
  name: secretName,
  server: boundedText('registry server', 1024).trim().min(1, 'the registry server is required'),
  username: boundedText('username', 256).min(1, 'a username is required'),
  password: boundedText('password or token', 8192).min(1, 'a password or token is required'),
  email: boundedText('email', 254).optional(),
  replaceExisting: z.boolean().optional(),
});

export const fixRequestSchema = z.object({
  mode: z.enum(['preview', 'apply']),
  pod: podName,
  container: containerName,
  source: z.discriminatedUnion('kind', [
    newSecretSchema,
    z.object({ kind: z.literal('existing'), name: secretName }),
    z.object({ kind: z.literal('copy'), fromNamespace: namespaceName, name: secretName, newName: secretName.optional() }),
  ]),
  target: z.discriminatedUnion('kind', [
    // A Job cannot take the secret on its template: these targets then recreate it, which needs the confirmation.
    z.object({ kind: z.literal('workload'), confirm: z.literal(true).optional() }),
    z.object({ kind: z.literal('service-account'), confirm: z.literal(true).optional() }),
    z.object({ kind: z.literal('recreate-pod'), confirm: z.literal(true, 'recreating the pod needs an explicit confirmation') }),
    // The pod already names the secret whose data is replaced: nothing to attach, the kubelet's next retry reads it.
    z.object({ kind: z.literal('in-place') }),
  ]),
  /** Apply even though the registry refused the chosen credential: set only after the person ticked the box naming the refusal. */
  acceptUnverified: z.boolean().optional(),
});

export type FixRequest = z.infer<typeof fixRequestSchema>;
export type CredentialSource = FixRequest['source'];
export type NewSecretInput = z.infer<typeof newSecretSchema>;
export type AttachTarget = FixRequest['target'];
export type AttachTargetKind = AttachTarget['kind'];

export const imageFixBody = z.object({
  mode: z.enum(['preview', 'apply']),
  pod: podName,
  container: containerName,
  tag: imageTag,
});

export type ImageFixRequest = z.infer<typeof imageFixBody>;

/** The annotate fix: put a credential provider's required annotation on the pod's service account. */
export const annotationFixBody = z
  .object({
    mode: z.enum(['preview', 'apply']),
    pod: podName,
    container: containerName,
    key: boundedText('annotation key', 317),
    value: boundedText('annotation value', 1024),
  })
  .superRefine((body, context) => {
    const problem = annotationProblem(body.key, body.value);
    if (problem) context.addIssue({ code: 'custom', path: ['value'], message: problem });
  });

export type AnnotationFixRequest = z.infer<typeof annotationFixBody>;
