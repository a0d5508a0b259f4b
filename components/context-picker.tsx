'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { overviewHref } from '@/lib/overview';
import { contextsQuery } from '@/lib/queries';
import { EmptyState } from './empty-state';
import { QueryError } from './query-error';
import { OverviewSkeleton } from './skeletons';

/** The home page when no context is current: every context of the kubeconfig, or why there is none. */
export function ContextPicker() {
  const contexts = useQuery(contextsQuery());
  if (contexts.isPending) return <OverviewSkeleton />;
  if (contexts.isError) return <QueryError title="No cluster connected" error={contexts.error} onRetry={() => contexts.refetch()} />;
  if (contexts.data.contexts.length === 0) {
    return (
      <EmptyState title="The kubeconfig has no contexts">
        Add one with <code className="font-mono">kubectl config set-context</code>, or point PULLFIX_KUBECONFIG at another file.
      </EmptyState>
    );
  }
  return (
    <section aria-labelledby="pick-context" className="rounded-xl border border-slate-200 bg-white p-5 dark:border-slate-800 dark:bg-slate-900">
      <h2 id="pick-context" className="font-semibold">
        Choose a context
      </h2>
      <ul className="mt-3 divide-y divide-slate-100 dark:divide-slate-800">
        {contexts.data.contexts.map((context) => (
          <li key={context.name} className="py-2">
            <Link
              href={overviewHref(context.name, { namespace: context.namespace, q: '', verdict: null })}
              className="rounded font-medium text-sky-700 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500 dark:text-sky-400"
            >
              {context.name}
            </Link>
            <span className="ml-2 text-sm text-slate-500 dark:text-slate-400">
              {context.user}@{context.cluster}
              {context.server ? ` · ${context.server}` : ''}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
