import { describeEntryDiff, type SecretChange } from '@/lib/secret-diff';

const TONE = {
  kept: 'text-slate-600 dark:text-slate-400',
  added: 'text-emerald-700 dark:text-emerald-400',
  replaced: 'text-sky-700 dark:text-sky-400',
  removed: 'text-red-700 dark:text-red-400',
} as const;

/**
 * What replacing a secret's data changes: each registry entry before and after (server, username, whether a
 * password is set — never a password) and everything in the namespace that reads the secret.
 */
export function SecretDiffView({ change }: { change: SecretChange }) {
  const { users } = change;
  const usedBy = [...users.pods.map((pod) => `pod ${pod}`), ...users.workloads.map((workload) => `${workload.kind} ${workload.name}`), ...users.serviceAccounts.map((account) => `service account ${account}`)];
  return (
    <section aria-label="Secret entries before and after" className="rounded-md border border-slate-200 p-3 text-sm dark:border-slate-700">
      <h4 className="font-medium">
        Secret <span className="font-mono">{change.secret}</span>: only this registry&apos;s entry is written
      </h4>
      {change.unreadable && <p className="mt-1 text-amber-800 dark:text-amber-300">Its data cannot be read ({change.unreadable}), so it is replaced whole.</p>}
      <ul className="mt-2 flex flex-col gap-1 font-mono text-xs">
        {change.entries.map((row, index) => (
          <li key={index} data-change={row.change} className={TONE[row.change]}>
            {describeEntryDiff(row)}
          </li>
        ))}
      </ul>
      <p className="mt-2">
        {usedBy.length > 0 ? `Used in this namespace by ${usedBy.join(', ')}: the new entry applies to all of them.` : 'Nothing else in this namespace uses it.'}
      </p>
      {users.note && <p className="mt-1 text-amber-800 dark:text-amber-300">{users.note}</p>}
    </section>
  );
}
