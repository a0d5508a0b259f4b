import { redirect } from 'next/navigation';
import { ContextPicker } from '@/components/context-picker';
import { listContexts } from '@/lib/kube/config';
import { overviewHref } from '@/lib/overview';

export const dynamic = 'force-dynamic';

/** Opens the kubeconfig's current context; without one (or without a kubeconfig) lets the person choose. */
export default function HomePage() {
  const start = startingContext();
  if (start) redirect(overviewHref(start, { namespace: null, q: '', verdict: null }));
  return (
    <div className="flex flex-col gap-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Image pull failures</h1>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
          Every pod whose containers cannot pull their image, grouped by the workload that owns them.
        </p>
      </div>
      <ContextPicker />
    </div>
  );
}

/** The current context, or the only one; null when the kubeconfig cannot be read (the picker says why). */
function startingContext(): string | null {
  try {
    const contexts = listContexts();
    return (contexts.find((context) => context.current) ?? (contexts.length === 1 ? contexts[0] : undefined))?.name ?? null;
  } catch {
    return null;
  }
}
