'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, type ReactNode } from 'react';
import { overviewHref, podHref } from '@/lib/overview';
import { useOutcome, useReplacement } from './fix/fix-journal';
import { showToast } from './toast';

/**
 * A pod page whose pod is gone (404): it was replaced by a fix's rollout, so the page links to the new pod instead
 * of showing its old verdict as current. A pod this tab moved to after a fix that is itself gone sends the page
 * back to the overview, with the fix's line as a toast.
 */
export function PodReplaced({ context, namespace, pod, seen, unknown }: { context: string; namespace: string; pod: string; seen: boolean; unknown: ReactNode }) {
  const replacement = useReplacement(context, namespace, pod);
  const outcome = useOutcome(context, namespace, pod);
  const router = useRouter();
  const overview = overviewHref(context, { namespace, q: '', verdict: null });
  useEffect(() => {
    if (!outcome || replacement) return;
    showToast(outcome.line);
    router.replace(overview);
  }, [outcome, replacement, overview, router]);

  // A pod this page never showed and no fix of this tab replaced is simply not there: say that, not "replaced".
  if (!seen && !replacement && !outcome) return unknown;
  return (
    <div role="alert" className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950/40 dark:text-amber-200">
      {replacement ? (
        <>
          This pod was replaced: it no longer exists, and what follows is how it last looked. The new pod is{' '}
          <Link href={podHref(context, namespace, replacement)} className="font-mono font-medium text-sky-700 underline dark:text-sky-400">
            {replacement}
          </Link>
          .
        </>
      ) : (
        <>
          This pod no longer exists (it was deleted or replaced); what follows is how it last looked.{' '}
          <Link href={overview} className="font-medium text-sky-700 underline dark:text-sky-400">
            Back to {namespace}
          </Link>
          .
        </>
      )}
    </div>
  );
}
