import { z } from 'zod';
import { boundedText, containerName, contextName, namespaceName, podName, secretName } from './validation';

/**
 * Input rules for the registry routes. No server imports: the forms may reuse them. Sizes are bounded so a
 * request cannot make the server carry megabytes to a registry.
 */

export const registryCheckBody = z.object({
  context: contextName,
  image: boundedText('image reference', 1024).min(1, 'the image is empty'),
  credential: z.discriminatedUnion('kind', [
    z.object({
      kind: z.literal('typed'),
      username: boundedText('username', 256).min(1, 'the username is empty'),
      password: boundedText('password', 8192).min(1, 'the password is empty'),
    }),
    z.object({ kind: z.literal('secret'), namespace: namespaceName, name: secretName }),
    z.object({ kind: z.literal('anonymous') }),
  ]),
  pod: z.object({ namespace: namespaceName, name: podName }).optional(),
});

export type RegistryCheckBody = z.output<typeof registryCheckBody>;

export const podRegistryQuery = z.object({ container: containerName });

/** "Test again" on one candidate credential of a pod's container. */
export const recheckBody = z.object({ container: containerName, secretNamespace: namespaceName, secret: secretName });
