import { z } from 'zod';
import { newSecretSchema } from './fix-request';
import { containerName, namespaceName, podName, secretName } from './validation';

/**
 * The body of an incident fix: one credential source for every namespace of the incident, and one failing
 * container per workload it serves. The form builds it and the route validates it with the same schema.
 */

/** An incident spans at most this many workloads in one fix: past it, the preview would be unreadable anyway. */
export const INCIDENT_FIX_MAX_TARGETS = 50;

export const incidentFixRequestSchema = z.object({
  mode: z.enum(['preview', 'apply']),
  /**
   * Per namespace: `new` creates the secret (or, with replaceExisting, replaces its data where it exists),
   * `existing` reuses the secret of that name, `copy` copies one secret into every other namespace.
   */
  source: z.discriminatedUnion('kind', [
    newSecretSchema,
    z.object({ kind: z.literal('existing'), name: secretName }),
    z.object({ kind: z.literal('copy'), fromNamespace: namespaceName, name: secretName }),
  ]),
  targets: z
    .array(z.object({ namespace: namespaceName, pod: podName, container: containerName }))
    .min(1, 'an incident fix needs at least one failing container')
    .max(INCIDENT_FIX_MAX_TARGETS, `an incident fix serves at most ${INCIDENT_FIX_MAX_TARGETS} workloads`),
  /** Apply even though the registry refused the chosen credential, after the person ticked the box naming the refusal. */
  acceptUnverified: z.boolean().optional(),
});

export type IncidentFixRequest = z.infer<typeof incidentFixRequestSchema>;
export type IncidentFixTarget = IncidentFixRequest['targets'][number];
