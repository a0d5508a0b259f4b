'use client';

import { useQuery } from '@tanstack/react-query';
import { podAllowanceQuery } from '@/lib/queries/registry';
import type { ContainerRef } from './container-ref';

/** For rate-limited pulls: how many pulls the registry says are left, read with a HEAD that costs none. */
export function RateLimitHeadroom({ context, namespace, pod, container }: ContainerRef) {
  const info = useQuery(podAllowanceQuery(context, namespace, pod, container));
  if (info.isPending) return <p className="text-sm text-slate-500">Asking the registry for the pull allowance…</p>;
  if (info.isError) return <p className="text-sm text-amber-800 dark:text-amber-300">The pull allowance could not be read: {info.error.message}</p>;
  const limit = info.data;
  if (!limit.ok) return <p className="text-sm text-amber-800 dark:text-amber-300">The pull allowance could not be read: {limit.message}</p>;
  if (limit.text === null) return <p className="text-sm text-slate-600 dark:text-slate-400">The registry does not state a pull allowance in its replies.</p>;
  return (
    <p className="text-sm" data-remaining={limit.remaining}>
      <span className={limit.remaining === 0 ? 'font-medium text-red-700 dark:text-red-400' : 'font-medium'}>{limit.text}</span>
      <span className="text-slate-500"> — read with a HEAD request, which the registry does not count as a pull.</span>
    </p>
  );
}

/**
 * On a rate-limited verdict for a Docker Hub image: the allowance Hub states for this client, from the query the
 * registry panel shares (one server-side HEAD, paced per client and kept a minute, whichever of the two asks first).
 */
export function HubAllowance({ context, namespace, pod, container }: ContainerRef) {
  const info = useQuery(podAllowanceQuery(context, namespace, pod, container));
  const limit = info.data;
  if (info.isPending) return <p className="mt-2 text-xs text-slate-500">Asking Docker Hub for this client&apos;s pull allowance…</p>;
  if (!limit?.ok || limit.text === null) return null;
  return (
    <p aria-label="Docker Hub allowance" data-remaining={limit.remaining} className="mt-2 text-sm">
      <span className={limit.remaining === 0 ? 'font-medium text-red-700 dark:text-red-400' : 'font-medium'}>{limit.text}.</span>
      <span className="text-slate-500"> Read with a HEAD request, which Hub does not count as a pull.</span>
    </p>
  );
}
