import type { ApiErrorCode } from '@/lib/api/types';
import { ApiError } from '@/lib/api/errors';

const ADVICE: Partial<Record<ApiErrorCode, string>> = {
  'kubeconfig-missing': 'Point PULLFIX_KUBECONFIG (or KUBECONFIG) at a kubeconfig file and restart pullfix.',
  'kubeconfig-invalid': 'Check the kubeconfig file: kubectl config view should read it.',
  'unknown-context': 'Pick one of the contexts the kubeconfig lists.',
  unauthorized: 'The cluster rejected these credentials: refresh them (log in again) and retry.',
  forbidden: "This context's user may not read this: switch to a context with more rights.",
  'not-found': 'It may have been deleted or replaced: go back to the overview.',
  unreachable: 'Check that the cluster (or the VPN to it) is up, then retry.',
  tls: "The cluster's certificate is not trusted: check the kubeconfig's certificate-authority data.",
  timeout: 'The cluster is slow to answer: retry in a moment.',
};

/** A failed load with the server's message, what to do about it, and a retry. */
export function QueryError({ title, error, onRetry }: { title: string; error: Error; onRetry: () => void }) {
  const advice = error instanceof ApiError ? ADVICE[error.code] : undefined;
  return (
    <section role="alert" className="rounded-xl border border-rose-200 bg-rose-50 p-5 dark:border-rose-900 dark:bg-rose-950/40">
      <h2 className="font-semibold text-rose-900 dark:text-rose-200">{title}</h2>
      <p className="mt-1 text-sm text-rose-800 dark:text-rose-300">{error.message}</p>
      {advice && <p className="mt-1 text-sm text-rose-800 dark:text-rose-300">{advice}</p>}
      <button
        type="button"
        onClick={onRetry}
        className="mt-3 rounded-md bg-rose-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-rose-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-rose-500"
      >
        Retry
      </button>
    </section>
  );
}
