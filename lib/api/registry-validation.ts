import { z } from 'zod';
import { contextName, namespaceName, podName } from './validation';

/**
 * Input rules for the registry routes. No server imports: the forms may reuse them. Sizes are bounded so a
 * request cannot make the server carry megabytes to a registry.
 */

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** The Distribution spec's tag grammar. */
const TAG = /^[\w][\w.-]{0,127}$/;

const secretName = z
  .string()
  .max(253, 'a secret name has at most 253 characters')
  .regex(DNS1123_SUBDOMAIN, 'a secret name is lowercase letters, digits, "-" and ".", starting and ending with a letter or digit');

/** A container name: a DNS-1123 label. */
export const containerName = z
  .string()
  .max(63, 'a container name has at most 63 characters')
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a container name is lowercase letters, digits and "-"');

export const imageTag = z.string().regex(TAG, 'a tag is up to 128 letters, digits, "_", "." and "-", not starting with "." or "-"');

export const registryCheckBody = z.object({
  context: contextName,
  image: z.string().min(1, 'the image is empty').max(1024, 'the image reference is longer than 1024 characters'),
  credential: z.discriminatedUnion('kind', [
    z.object({
      kind: z.literal('typed'),
      username: z.string().min(1, 'the username is empty').max(256, 'the username is longer than 256 characters'),
      password: z.string().min(1, 'the password is empty').max(4096, 'the password is longer than 4096 characters'),
    }),
    z.object({ kind: z.literal('secret'), namespace: namespaceName, name: secretName }),
    z.object({ kind: z.literal('anonymous') }),
  ]),
  pod: z.object({ namespace: namespaceName, name: podName }).optional(),
});

export type RegistryCheckBody = z.output<typeof registryCheckBody>;

export const podRegistryQuery = z.object({ container: containerName });

export const imageFixParams = z.object({ context: contextName, namespace: namespaceName });

export const imageFixBody = z.object({
  mode: z.enum(['preview', 'apply']),
  pod: podName,
  container: containerName,
  tag: imageTag,
});
