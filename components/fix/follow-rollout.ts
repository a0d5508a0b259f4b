'use client';

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useParams, useRouter } from 'next/navigation';
import { useEffect, useRef } from 'react';
import type { FixUndo } from '@/lib/api/fix-undo';
import type { FixApplied, FixFollow } from '@/lib/fix-plan';
import { podHref } from '@/lib/overview';
import { fixProgressQuery, settled } from '@/lib/queries/fix';
import { clusterKeys } from '@/lib/queries/keys';
import { showToast } from '../toast';
import { fixedLine, recordOutcome, recordReplacement } from './fix-journal';

const NOTHING: FixFollow = { kind: 'Pod', name: '', after: new Date(0).toISOString(), secret: null, restartedAt: null };

/**
 * Follows a fix's rollout (a secret attached, or a tag changed) from the page of the pod it fixed: the new pod is
 * remembered as this pod's replacement as soon as it exists, and once it runs the page moves to it with a toast
 * saying who fixed what when. A pod replaced under its own name (a StatefulSet's, a recreated bare pod) is read
 * again instead.
 */
export function useFollowRollout(context: string, namespace: string, follow: FixFollow | null, finished: { outcome: FixApplied | null; undo: FixUndo | null }) {
  const page = useParams<{ pod?: string }>().pod ?? null;
  const router = useRouter();
  const queryClient = useQueryClient();
  const progress = useQuery({ ...fixProgressQuery(context, namespace, follow ?? NOTHING), enabled: follow !== null });
  const newest = progress.data?.pods[0]?.name ?? null;
  const ran = settled(progress.data) && progress.data?.failure === null;
  const moved = useRef(false);
  const { outcome, undo } = finished;

  useEffect(() => {
    if (page && newest) recordReplacement(context, namespace, decodeURIComponent(page), newest);
  }, [context, namespace, page, newest]);

  useEffect(() => {
    if (!ran || !newest || !outcome || !follow || moved.current) return;
    moved.current = true;
    const line = fixedLine(follow.name, outcome);
    showToast(line);
    const here = page ? decodeURIComponent(page) : null;
    if (newest === here) {
      void queryClient.invalidateQueries({ queryKey: clusterKeys.pod(context, namespace, newest) });
      return;
    }
    recordOutcome(context, namespace, newest, { line, undo });
    router.push(podHref(context, namespace, newest));
  }, [ran, newest, outcome, follow, page, undo, context, namespace, queryClient, router]);

  return progress;
}
