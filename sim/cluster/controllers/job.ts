import { randomSuffix, timestamp, type Condition, type Workload } from '../objects';
import { countPods, createPodFromTemplate, podsOwnedBy } from './pods';
import { controllerRecorder, keyOf, omitZeros, ownerKey, splitKey, writeStatus, type Controller, type ControllerRuntime } from './runtime';

/**
 * The Job controller (NonIndexed): runs up to `parallelism` pods at a time until `completions` have
 * succeeded, then marks the job SuccessCriteriaMet and Complete. Pods are `<job>-<5 chars>`.
 */
export function jobController(context: ControllerRuntime): Controller {
  const { store } = context;
  const recorder = controllerRecorder(context, 'job-controller');
  return {
    name: 'job',
    keysFor(event) {
      if (event.resource === 'jobs' && event.type !== 'DELETED') return [keyOf(event.object)];
      if (event.resource === 'pods') return ownerKey(event.object, 'Job');
      return [];
    },
    initialKeys: () => store.list('jobs').map(keyOf),
    reconcile(key) {
      const { namespace, name } = splitKey(key);
      const job = store.get('jobs', namespace, name) as Workload | undefined;
      if (!job || job.metadata.deletionTimestamp || isJobFinished(job)) return;
      const completions = Number(job.spec.completions ?? 1);
      const parallelism = Number(job.spec.parallelism ?? 1);
      const previous = (job.status ?? {}) as Record<string, unknown>;
      let counts = countPods(podsOwnedBy(context, job));
      if (!job.spec.suspend) {
        const wanted = Math.max(0, Math.min(parallelism, completions - counts.succeeded));
        for (let i = counts.active.length; i < wanted; i++) {
          const pod = createPodFromTemplate(context, recorder, job, job.spec.template, `${name}-${randomSuffix()}`, { generateName: `${name}-` });
          recorder.record(job, { type: 'Normal', reason: 'SuccessfulCreate', message: `Created pod: ${pod.metadata.name}` });
        }
        counts = countPods(podsOwnedBy(context, job));
      }
      const now = timestamp(context.clock.now());
      const status: Record<string, unknown> = {
        ...(previous.conditions ? { conditions: previous.conditions } : {}),
        startTime: previous.startTime ?? now,
        ...omitZeros({ active: counts.active.length, succeeded: counts.succeeded, failed: counts.failed }),
        terminating: 0,
        uncountedTerminatedPods: {},
        ready: counts.ready,
      };
      if (counts.succeeded >= completions) {
        const conditions: Condition[] = [
          { type: 'SuccessCriteriaMet', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods', lastProbeTime: now, lastTransitionTime: now },
          { type: 'Complete', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods', lastProbeTime: now, lastTransitionTime: now },
        ];
        status.conditions = conditions;
        status.completionTime = now;
        recorder.record(job, { type: 'Normal', reason: 'Completed', message: 'Job completed' });
      }
      writeStatus(store, 'jobs', job, status);
    },
  };
}

export function isJobFinished(job: Workload): boolean {
  const conditions = (job.status?.conditions as Condition[] | undefined) ?? [];
  return conditions.some((condition) => (condition.type === 'Complete' || condition.type === 'Failed') && condition.status === 'True');
}
