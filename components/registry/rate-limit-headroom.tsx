'use client';

import { useQuery } from '@tanstack/react-query';
import { podRegistryQuery } from '@/lib/queries/registry';
import type { ContainerRef } from './container-ref';


/** For rate-limited pulls: how many pulls the registry says are left, read with a HEAD that costs none. */
export function RateLimitHeadroom({ context, namespace, pod, container }: ContainerRef) {
  const info = useQuery(podRegistryQuery(context, namespace, pod, container));
  if (info.isPending) return <p className="text-sm text-slate-500">Asking the registry for the pull allowance…</p>;
  if (info.isError) return <p className="text-sm text-amber-800 dark:text-amber-300">The pull allowance could not be read: {info.error.message}</p>;
  const limit = info.data.rateLimit;
  if (!limit.ok) return <p className="text-sm text-amber-800 dark:text-amber-300">The pull allowance could not be read: {limit.message}</p>;
  if (limit.text === null) return <p className="text-sm text-slate-600 dark:text-slate-400">The registry does not state a pull allowance in its replies.</p>;
  return (
    <p className="text-sm" data-remaining={limit.remaining}>
      <span className={limit.remaining === 0 ? 'font-medium text-red-700 dark:text-red-400' : 'font-medium'}>{limit.text}</span>
      <span className="text-slate-500"> — read with a HEAD request, which the registry does not count as a pull.</span>
    </p>
  );
}
