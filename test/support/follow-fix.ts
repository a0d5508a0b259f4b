import type { FixProgress, FixResponse } from '../../lib/fix-plan';
import { getFixProgress } from '../../lib/kube/fix/progress';
import { waitUntil } from './wait';

/** Polls a fix's progress as the page does until the workload's newest pod runs or shows a new verdict. */
export function followFix(context: string, namespace: string, response: FixResponse): Promise<FixProgress> {
  const follow = response.follow;
  if (!follow) throw new Error(`nothing to follow: ${JSON.stringify(response.steps)}`);
  return waitUntil(
    async () => {
      const last = await getFixProgress(context, namespace, follow.kind, follow.name, follow.after, follow.secret, follow.restartedAt);
      return (last.failure || last.pods[0]?.phase === 'Running') && last;
    },
    { what: `the newest pod of ${follow.kind} ${follow.name} to run`, timeoutMs: 40_000, intervalMs: 500 },
  );
}
