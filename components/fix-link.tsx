import Link from 'next/link';

/** A row's Fix button: the pod's page with its fix form in focus (see FocusAfterNavigation). */
export function FixLink({ podHref, container, pod, className = '' }: { podHref: string; container: string; pod: string; className?: string }) {
  return (
    <Link
      href={`${podHref}#fix`}
      aria-label={`Fix ${container} in ${pod}`}
      className={`inline-block rounded-md bg-sky-700 px-3 py-1.5 text-xs font-semibold text-white hover:bg-sky-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500 dark:bg-sky-400 dark:text-slate-950 dark:hover:bg-sky-300 ${className}`}
    >
      Fix
    </Link>
  );
}
