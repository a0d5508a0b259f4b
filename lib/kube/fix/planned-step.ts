import 'server-only';
/** What the planners hand the runner: one step of a fix, ready to run as a dry run or for real. */
import type { FixStepKind } from '../../fix-plan';

/** A step planned from what the cluster holds now; `run` makes the call, as a server-side dry run or for real. */
export interface PlannedStep {
  kind: FixStepKind;
  title: string;
  yaml: string | null;
  /** Set on a restart: the annotation value the restarted pods carry. */
  restartedAt?: string;
  run(dryRun: boolean): Promise<string>;
}

export function dryRunParam(dryRun: boolean): { dryRun?: string } {
  return dryRun ? { dryRun: 'All' } : {};
}
