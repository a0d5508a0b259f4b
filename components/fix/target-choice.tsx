'use client';

import type { AttachTargetKind } from '@/lib/api/fix-request';
import type { FixOptions } from '@/lib/fix-plan';
import { Choice } from './form-parts';

export interface TargetState {
  kind: AttachTargetKind | null;
  /** The person confirmed what the chosen target deletes (a recreated pod or Job). */
  confirmed: boolean;
}

/**
 * Where the secret goes: the workload's pod template, the service account (then a restart), or a recreated bare
 * pod or Job; a target that deletes something asks for a confirmation naming what goes.
 */
export function TargetChoice({ options, state, onChange }: { options: FixOptions; state: TargetState; onChange: (state: TargetState) => void }) {
  const confirmation = options.targets.find((target) => target.kind === state.kind)?.confirmation;
  return (
    <fieldset className="flex flex-col gap-2">
      <legend className="mb-1 text-sm font-semibold">Attach to</legend>
      {options.targets.map((target) => (
        <Choice
          key={target.kind}
          name="target"
          label={target.label}
          detail={target.description}
          checked={state.kind === target.kind}
          permission={target}
          onSelect={() => onChange({ kind: target.kind, confirmed: false })}
        />
      ))}
      {confirmation && (
        <label className="flex gap-2 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm dark:border-amber-800 dark:bg-amber-950/40">
          <input type="checkbox" checked={state.confirmed} onChange={(event) => onChange({ ...state, confirmed: event.target.checked })} />
          <span>I understand that {confirmation}.</span>
        </label>
      )}
    </fieldset>
  );
}
