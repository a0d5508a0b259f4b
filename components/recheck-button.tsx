'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useParams } from 'next/navigation';
import type { ApiError } from '@/lib/api/errors';
import { clusterKeys } from '@/lib/queries/keys';
import { postRecheck } from '@/lib/queries/registry';

/**
 * "Test again" beside one candidate credential: the server tests it past its cache (an answer under ten seconds
 * old is kept), then the pod's diagnosis is read again, so the verdict follows the new answer.
 */
export function RecheckButton({ container, secretNamespace, secret }: { container: string; secretNamespace: string; secret: string }) {
  const params = useParams<{ context: string; namespace: string; pod: string }>();
  const queryClient = useQueryClient();
  const [context, namespace, pod] = [params.context, params.namespace, params.pod].map((part) => decodeURIComponent(part ?? ''));
  const recheck = useMutation<Awaited<ReturnType<typeof postRecheck>>, ApiError>({
    mutationFn: () => postRecheck(context ?? '', namespace ?? '', pod ?? '', { container, secretNamespace, secret }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: clusterKeys.pod(context ?? '', namespace ?? '', pod ?? '') }),
  });
  if (!pod) return null;
  return (
    <span className="ml-2 inline-flex items-center gap-2">
      <button
        type="button"
        onClick={() => recheck.mutate()}
        disabled={recheck.isPending}
        aria-label={`Test again: ${secretNamespace}/${secret}`}
        className="rounded border border-slate-300 px-1.5 py-0.5 text-xs hover:bg-slate-50 disabled:opacity-50 dark:border-slate-600 dark:hover:bg-slate-800"
      >
        {recheck.isPending ? 'Testing…' : 'Test again'}
      </button>
      <span role="status" className="text-xs text-slate-500">
        {recheck.isError ? recheck.error.message : recheck.data ? `tested ${new Date(recheck.data.checkedAt).toLocaleTimeString()}` : ''}
      </span>
    </span>
  );
}
