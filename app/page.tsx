import { EmptyState } from '@/components/empty-state';

export default function HomePage() {
  return (
    <div className="flex flex-col gap-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Image pull failures</h1>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
          Every pod whose containers cannot pull their image, grouped by the workload that owns them.
        </p>
      </div>
      <EmptyState title="No cluster connected yet">
        pullfix reads the contexts of your kubeconfig. Start it with <code className="font-mono">npm start</code> against
        your own kubeconfig, or with <code className="font-mono">npm run demo</code> against the bundled demo cluster.
      </EmptyState>
    </div>
  );
}
