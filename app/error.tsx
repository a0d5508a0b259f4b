'use client';

export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <section role="alert" className="rounded-xl border border-rose-200 bg-rose-50 p-6 dark:border-rose-900 dark:bg-rose-950/40">
      <h1 className="text-lg font-semibold text-rose-900 dark:text-rose-200">This page could not be shown</h1>
      <p className="mt-2 text-sm text-rose-800 dark:text-rose-300">{error.message || 'An unexpected error occurred.'}</p>
      {error.digest && <p className="mt-1 font-mono text-xs text-rose-700 dark:text-rose-400">reference {error.digest}</p>}
      <button
        type="button"
        onClick={reset}
        className="mt-4 rounded-md bg-rose-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-rose-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-rose-500"
      >
        Try again
      </button>
    </section>
  );
}
