import type { KubeObject } from '../../store';
import { nextCronTime, parseCron } from '../cron';
import { isOwnedBy, ownerReference, timestamp, type Workload } from '../objects';
import { isJobFinished } from './job';
import { controllerRecorder, createAdmitted, deleteIfPresent, keyOf, ownerKey, splitKey, writeStatus, type Controller, type ControllerRuntime } from './runtime';

/**
 * The CronJob controller: creates `<cronjob>-<scheduled minutes since the epoch>` Jobs when the schedule is
 * due (on the cluster's clock, not sped up by the time scale), keeps `status.active` and the schedule times, and prunes
 * finished jobs beyond the history limits. Jobs created by hand from the CronJob (`kubectl create job
 * --from=cronjob/…`) are owned by it too and show up the same way.
 */
export function cronJobController(context: ControllerRuntime): Controller {
  const { store } = context;
  const recorder = controllerRecorder(context, 'cronjob-controller');
  return {
    name: 'cronjob',
    keysFor(event) {
      if (event.resource === 'cronjobs' && event.type !== 'DELETED') return [keyOf(event.object)];
      if (event.resource === 'jobs') return ownerKey(event.object, 'CronJob');
      return [];
    },
    initialKeys: () => store.list('cronjobs').map(keyOf),
    reconcile(key) {
      const { namespace, name } = splitKey(key);
      const cronJob = store.get('cronjobs', namespace, name);
      if (!cronJob || cronJob.metadata.deletionTimestamp) return;
      const spec = cronJob.spec as Record<string, unknown> & { schedule: string; jobTemplate?: { metadata?: KubeObject['metadata']; spec?: Workload['spec'] } };
      const previous = (cronJob.status ?? {}) as Record<string, unknown>;
      const schedule = parseCron(spec.schedule);
      const now = context.clock.now();
      const since = new Date(Date.parse(String(previous.lastScheduleTime ?? cronJob.metadata.creationTimestamp ?? timestamp(now))));
      const due = nextCronTime(schedule, since);
      let lastScheduleTime = previous.lastScheduleTime as string | undefined;

      if (due && due.getTime() <= now && !spec.suspend) {
        const jobName = `${name}-${Math.floor(due.getTime() / 60_000)}`;
        if (!store.get('jobs', namespace, jobName)) {
          createAdmitted(context, 'jobs', {
            apiVersion: 'batch/v1',
            kind: 'Job',
            metadata: {
              name: jobName,
              namespace,
              labels: { ...spec.jobTemplate?.metadata?.labels },
              annotations: { ...spec.jobTemplate?.metadata?.annotations, 'batch.kubernetes.io/cronjob-scheduled-timestamp': due.toISOString().replace(/\.\d+Z$/, 'Z') },
              ownerReferences: [ownerReference(cronJob)],
            },
            spec: structuredClone(spec.jobTemplate?.spec ?? {}),
          });
          recorder.record(cronJob, { type: 'Normal', reason: 'SuccessfulCreate', message: `Created job ${jobName}` });
        }
        lastScheduleTime = timestamp(due.getTime());
      }

      const owned = (context.owners.dependents('jobs', cronJob.metadata.uid) as Workload[]).filter((job) => isOwnedBy(job, cronJob));
      const finished = owned.filter(isJobFinished);
      pruneHistory(finished, Number(spec.successfulJobsHistoryLimit ?? 3));
      const active = owned.filter((job) => !isJobFinished(job));
      const lastSuccessful = finished
        .map((job) => String(job.status?.completionTime ?? ''))
        .filter(Boolean)
        .sort()
        .pop();
      writeStatus(store, 'cronjobs', cronJob, {
        ...(active.length > 0
          ? { active: active.map((job) => ({ kind: 'Job', namespace, name: job.metadata.name, uid: job.metadata.uid, apiVersion: 'batch/v1', resourceVersion: job.metadata.resourceVersion })) }
          : {}),
        ...(lastScheduleTime ? { lastScheduleTime } : {}),
        ...(lastSuccessful ? { lastSuccessfulTime: lastSuccessful } : {}),
      });

      const next = nextCronTime(schedule, new Date(Math.max(now, Date.parse(lastScheduleTime ?? '') || 0)));
      return next ? { requeueAfterMs: Math.min(60_000, Math.max(100, next.getTime() - context.clock.now())) } : undefined;
    },
  };

  function pruneHistory(finished: Workload[], limit: number): void {
    const oldestFirst = [...finished].sort((a, b) => String(a.status?.completionTime ?? '').localeCompare(String(b.status?.completionTime ?? '')));
    for (const job of oldestFirst.slice(0, Math.max(0, oldestFirst.length - limit))) {
      deleteIfPresent(store, 'jobs', job.metadata.namespace, job.metadata.name);
    }
  }
}
