'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { formatAge, overviewHref } from '@/lib/overview';
import { ApiError } from '@/lib/api/errors';
import { podDiagnosisQuery, REFRESH_INTERVAL_MS } from '@/lib/queries';
import { ContainerDiagnosisCard } from './container-diagnosis-card';
import { EventsTable } from './events-table';
import { FixOutcome } from './fix/fix-outcome';
import { FixPanel } from './fix/fix-panel';
import { PullSecretsPanel } from './pull-secrets-panel';
import { QueryError } from './query-error';
import { RegistryPanel } from './registry/registry-panel';
import { PodReplaced } from './pod-replaced';
import { PodDetailSkeleton } from './skeletons';
import { UpdatedAgo } from './updated-ago';
import { WarningsList } from './warnings-list';

/** One pod: each container's image and verdict, the kubelet's evidence, and the pull secrets it could use. */
export function PodDiagnosisView({ context, namespace, pod }: { context: string; namespace: string; pod: string }) {
  // A pod that is gone stays gone: no polling of its 404 (a fix's rollout replaced it; PodReplaced links onward).
  const diagnosis = useQuery({ ...podDiagnosisQuery(context, namespace, pod), refetchInterval: (query) => (isGone(query.state.error) ? false : REFRESH_INTERVAL_MS) });
  const gone = isGone(diagnosis.error);
  const back = overviewHref(context, { namespace: null, q: '', verdict: null });

  const failed = diagnosis.error && <QueryError title={`Pod ${namespace}/${pod} could not be diagnosed`} error={diagnosis.error} onRetry={() => diagnosis.refetch()} />;

  return (
    <div className="flex flex-col gap-6">
      <nav aria-label="Breadcrumb" className="text-sm text-slate-500 dark:text-slate-400">
        <ol className="flex flex-wrap items-center gap-1.5">
          <li>
            <Link href={back} className="rounded text-sky-700 hover:underline focus-visible:outline-2 focus-visible:outline-sky-500 dark:text-sky-400">
              {context}
            </Link>
          </li>
          <li aria-hidden="true">/</li>
          <li>
            <Link
              href={overviewHref(context, { namespace, q: '', verdict: null })}
              className="rounded text-sky-700 hover:underline focus-visible:outline-2 focus-visible:outline-sky-500 dark:text-sky-400"
            >
              {namespace}
            </Link>
          </li>
          <li aria-hidden="true">/</li>
          <li aria-current="page" className="break-all">
            {pod}
          </li>
        </ol>
      </nav>

      {diagnosis.isPending && <PodDetailSkeleton />}
      {gone && <PodReplaced context={context} namespace={namespace} pod={pod} seen={diagnosis.data !== undefined} unknown={failed} />}
      {diagnosis.isError && !diagnosis.data && !gone && failed}
      <FixOutcome context={context} namespace={namespace} pod={pod} />
      {diagnosis.data && (
        <>
          <header className="flex flex-wrap items-start justify-between gap-3">
            <div className="min-w-0">
              <h1 className="break-all text-2xl font-semibold tracking-tight">{diagnosis.data.pod}</h1>
              <dl className="mt-2 flex flex-wrap gap-x-5 gap-y-1 text-sm text-slate-600 dark:text-slate-400">
                <Fact label="Workload" value={diagnosis.data.workload ? `${diagnosis.data.workload.kind} ${diagnosis.data.workload.name}` : 'bare pod'} />
                <Fact label="Phase" value={diagnosis.data.phase} />
                <Fact label="Node" value={diagnosis.data.nodeName ?? 'not scheduled'} />
                <Fact label="Service account" value={diagnosis.data.serviceAccount} />
                <Fact label="Age" value={formatAge(diagnosis.data.created, diagnosis.dataUpdatedAt)} />
              </dl>
            </div>
            <UpdatedAgo updatedAt={diagnosis.dataUpdatedAt} refreshError={diagnosis.isError ? diagnosis.error : null} fetching={diagnosis.isFetching} />
          </header>
          <WarningsList warnings={diagnosis.data.warnings} />
          {[...diagnosis.data.containers]
            .sort((a, b) => Number(b.failing) - Number(a.failing))
            .map((container) => (
              <ContainerDiagnosisCard key={container.name} container={container} where={{ context, namespace, pod }} />
            ))}
          <FixPanel context={context} namespace={namespace} pod={pod} container={firstFailing(diagnosis.data) ?? ''} diagnosis={diagnosis.data} />
          <RegistryPanel context={context} namespace={namespace} pod={pod} diagnosis={diagnosis.data} />
          <EventsTable events={diagnosis.data.events} now={diagnosis.dataUpdatedAt} />
          <PullSecretsPanel panel={diagnosis.data.secrets} containers={diagnosis.data.containers} />
        </>
      )}
    </div>
  );
}

function Fact({ label, value }: { label: string; value: string }) {
  return (
    <div className="flex gap-1.5">
      <dt>{label}</dt>
      <dd className="font-medium text-slate-900 dark:text-slate-100">{value}</dd>
    </div>
  );
}

function isGone(error: Error | null): boolean {
  return error instanceof ApiError && error.code === 'not-found';
}

function firstFailing(diagnosis: { containers: { name: string; failing: boolean }[] }): string | null {
  return diagnosis.containers.find((container) => container.failing)?.name ?? null;
}
