/** Grey placeholders in the shape of what is loading, so the layout does not jump when data arrives. */
export function OverviewSkeleton() {
  return (
    <div role="status" aria-label="Loading failures" className="flex flex-col gap-4">
      <div className="flex flex-wrap gap-2">
        {[80, 140, 120, 160].map((width) => (
          <Bar key={width} className="h-7 rounded-full" style={{ width }} />
        ))}
      </div>
      <div className="overflow-hidden rounded-xl border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
        <Bar className="h-9 rounded-none" />
        {Array.from({ length: 5 }, (_, row) => (
          <div key={row} className="flex gap-4 border-t border-slate-100 px-3 py-4 dark:border-slate-800">
            <Bar className="h-4 w-40" />
            <Bar className="h-4 w-24" />
            <Bar className="h-4 flex-1" />
            <Bar className="h-4 w-28" />
          </div>
        ))}
      </div>
      <span className="sr-only">Loading…</span>
    </div>
  );
}

export function PodDetailSkeleton() {
  return (
    <div role="status" aria-label="Loading the diagnosis" className="flex flex-col gap-5">
      <Bar className="h-4 w-64" />
      <Bar className="h-8 w-96 max-w-full" />
      <div className="grid gap-5 lg:grid-cols-2">
        <Bar className="h-56" />
        <Bar className="h-56" />
      </div>
      <Bar className="h-40" />
      <span className="sr-only">Loading…</span>
    </div>
  );
}

function Bar({ className = '', style }: { className?: string; style?: React.CSSProperties }) {
  return <div aria-hidden="true" style={style} className={`animate-pulse rounded-md bg-slate-200 dark:bg-slate-800 ${className}`} />;
}
