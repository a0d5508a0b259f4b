'use client';

import type { AttachTargetKind, FixOptions } from '@/lib/fix-plan';
import { Choice } from './form-parts';

export interface TargetState {
  kind: AttachTargetKind | null;
  confirmRecreate: boolean;
}

/** Where the secret goes: the workload's pod template, the service account (then a restart), or a recreated bare pod. */
export function TargetChoice({ options, state, onChange }: { options: FixOptions; state: TargetState; onChange: (state: TargetState) => void }) {
  const recreate = options.targets.find((target) => target.kind === 'recreate-pod');
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
          onSelect={() => onChange({ kind: target.kind, confirmRecreate: false })}
        />
      ))}
      {state.kind === 'recreate-pod' && recreate && (
        <label className="flex gap-2 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm dark:border-amber-800 dark:bg-amber-950/40">
          <input type="checkbox" checked={state.confirmRecreate} onChange={(event) => onChange({ ...state, confirmRecreate: event.target.checked })} />
          <span>
            I understand that pod <span className="font-mono">{options.pod}</span> will be deleted and created again: {recreate.description}.
          </span>
        </label>
      )}
    </fieldset>
  );
}
