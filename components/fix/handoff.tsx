'use client';

import { useId, useState } from 'react';
import type { AttachTargetKind } from '@/lib/api/fix-request';
import { fixHandoff, type HandoffSource } from '@/lib/fix-handoff';
import { fixLinkQuery } from '@/lib/fix-link';
import type { FixOptions } from '@/lib/fix-plan';
import type { SourceState } from './source-choice';

/**
 * The fix as something to hand over: the kubectl commands, the YAML change to commit and a link to this form
 * filled in the same way. Shown to everyone, whether or not they may apply it; with a GitOps tool in charge the
 * YAML comes first, since a live patch would be reverted.
 */
export function Handoff({ options, namespace, source, target }: { options: FixOptions; namespace: string; source: SourceState; target: AttachTargetKind | null }) {
  const possible = options.targets.filter((choice) => choice.possible);
  const [picked, setPicked] = useState<AttachTargetKind | null>(null);
  const chosen = picked ?? target ?? possible.find((choice) => choice.kind !== 'in-place')?.kind ?? possible[0]?.kind ?? null;
  const selectId = useId();
  const handoffSource = toHandoffSource(source);
  if (chosen === null || handoffSource === null) return null;
  const handoff = fixHandoff({
    namespace,
    pod: options.pod,
    workload: options.workload,
    serviceAccount: options.serviceAccount,
    attached: options.attached,
    source: handoffSource,
    target: chosen,
    management: options.management,
  });
  const link = `${fixLinkQuery({
    container: options.container,
    source: source.kind,
    secret: handoffSource.name || undefined,
    from: handoffSource.kind === 'copy' ? handoffSource.fromNamespace : undefined,
    target: chosen,
    server: source.kind === 'new' ? source.fields.server || undefined : undefined,
    username: source.kind === 'new' ? source.fields.username || undefined : undefined,
  })}`;
  const blocks = [
    { key: 'kubectl', title: 'kubectl commands', text: handoff.commands },
    { key: 'yaml', title: 'YAML change to commit', text: handoff.yaml },
  ];
  if (options.management) blocks.reverse();

  return (
    <section aria-label="Hand-off" className="flex flex-col gap-3 rounded-md border border-slate-200 p-3 dark:border-slate-700">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h3 className="text-sm font-semibold">Hand off this fix</h3>
        <CopyButton label="Copy link to this form" text={() => new URL(link, window.location.href).toString()} />
      </div>
      <p className="text-xs text-slate-600 dark:text-slate-400">
        The same fix for someone who may apply it: no password is in it (the commands ask for it; the YAML has a placeholder), nor in the link.
      </p>
      {possible.length > 1 && (
        <div className="flex items-center gap-2 text-sm">
          <label htmlFor={selectId}>Attach to</label>
          <select id={selectId} value={chosen} onChange={(event) => setPicked(event.target.value as AttachTargetKind)} className="rounded border border-slate-300 bg-white px-2 py-1 dark:border-slate-600 dark:bg-slate-950">
            {possible.map((choice) => (
              <option key={choice.kind} value={choice.kind}>
                {choice.label}
              </option>
            ))}
          </select>
        </div>
      )}
      {blocks.map((block) => (
        <div key={block.key} data-handoff={block.key} className="flex flex-col gap-1">
          <div className="flex items-center justify-between gap-2">
            <h4 className="text-sm font-medium">{block.title}</h4>
            <CopyButton label={`Copy ${block.title}`} text={() => block.text} />
          </div>
          <pre tabIndex={0} aria-label={block.title} className="max-h-80 overflow-auto rounded bg-slate-100 p-2 font-mono text-xs dark:bg-slate-950">{block.text}</pre>
        </div>
      ))}
    </section>
  );
}

function CopyButton({ label, text }: { label: string; text: () => string }) {
  const [copied, setCopied] = useState<'copied' | 'failed' | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text());
      setCopied('copied');
    } catch {
      setCopied('failed');
    }
  };
  return (
    <span className="flex items-center gap-2 text-xs">
      <button type="button" onClick={copy} className="rounded border border-slate-300 px-2 py-1 font-medium hover:bg-slate-50 dark:border-slate-600 dark:hover:bg-slate-800">
        {label}
      </button>
      <span role="status" className="text-slate-500">
        {copied === 'copied' ? 'Copied' : copied === 'failed' ? 'The browser refused the clipboard: select the text instead' : ''}
      </span>
    </span>
  );
}

/** The form's source as the hand-off takes it; null while it names no secret. The typed password stays behind. */
function toHandoffSource(source: SourceState): HandoffSource | null {
  switch (source.kind) {
    case 'existing':
      return source.existingName ? { kind: 'existing', name: source.existingName } : null;
    case 'copy':
      return source.copy ? { kind: 'copy', fromNamespace: source.copy.namespace, name: source.copy.name, ...(source.copyName ? { newName: source.copyName } : {}) } : null;
    case 'new': {
      const { name, server, username, email } = source.fields;
      return { kind: 'new', name, server, username, ...(email ? { email } : {}), replaceExisting: source.replaceExisting };
    }
  }
}
