import type { ContainerDiagnosis, CredentialMatchRule, PullSecretView, RegistryEntryView } from '@/lib/api/types';

const RULE_LABELS: Record<CredentialMatchRule, string> = {
  'exact-host': 'exact host',
  glob: 'glob',
  'path-prefix': 'path prefix',
  'docker-hub-fallback': 'Docker Hub fallback',
  'port-mismatch': 'port mismatch',
  'label-count-mismatch': 'label count mismatch',
  'host-mismatch': 'different host',
  'path-mismatch': 'path mismatch',
  'invalid-key': 'invalid key',
};

const STATUS_STYLES: Record<PullSecretView['status'], string> = {
  ok: 'bg-emerald-50 text-emerald-800 ring-emerald-300 dark:bg-emerald-950/50 dark:text-emerald-300 dark:ring-emerald-800',
  malformed: 'bg-rose-50 text-rose-800 ring-rose-300 dark:bg-rose-950/50 dark:text-rose-300 dark:ring-rose-800',
  'wrong-type': 'bg-rose-50 text-rose-800 ring-rose-300 dark:bg-rose-950/50 dark:text-rose-300 dark:ring-rose-800',
};

/** One secret: its type, where it is attached, and each registry entry with the match verdict per container. */
export function SecretCard({ secret, containers }: { secret: PullSecretView; containers: ContainerDiagnosis[] }) {
  return (
    <article data-secret={secret.name} aria-label={`secret ${secret.name}`} className="rounded-lg border border-slate-200 dark:border-slate-700">
      <header className="flex flex-wrap items-center gap-2 border-b border-slate-100 px-4 py-2.5 dark:border-slate-800">
        <h4 className="font-mono font-semibold">{secret.name}</h4>
        <span className="font-mono text-xs text-slate-500 dark:text-slate-400">{secret.type}</span>
        <span className={`rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${STATUS_STYLES[secret.status]}`}>{secret.status}</span>
        <span className="ml-auto text-xs text-slate-500 dark:text-slate-400">
          {secret.attachedTo.length ? `attached to the ${secret.attachedTo.join(' and the ').replace('service-account', 'service account')}` : 'not attached'}
        </span>
      </header>
      {secret.problem && (
        <p className="px-4 py-2 text-sm text-rose-800 dark:text-rose-300">
          {secret.problem.code}: {secret.problem.message}
        </p>
      )}
      {secret.entries.length > 0 && (
        <div className="relative overflow-x-auto">
          <table className="w-full min-w-[44rem] text-left text-sm">
            <thead className="text-xs text-slate-500 dark:text-slate-400">
              <tr>
                {['Server as written', 'Kubelet key', 'Username', 'Password', 'Fingerprint', 'For this pod'].map((column) => (
                  <th key={column} scope="col" className="px-4 py-2 font-medium">
                    {column}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
              {secret.entries.map((entry) => (
                <EntryRow key={entry.server} secret={secret.name} entry={entry} containers={containers} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </article>
  );
}

function EntryRow({ secret, entry, containers }: { secret: string; entry: RegistryEntryView; containers: ContainerDiagnosis[] }) {
  const matches = containers.flatMap((container) =>
    container.secretMatches.filter((match) => match.secret === secret && match.server === entry.server).map((match) => ({ container: container.name, match })),
  );
  return (
    <tr className="align-top">
      <td className="whitespace-nowrap px-4 py-2 font-mono text-xs">{entry.server}</td>
      <td className="whitespace-nowrap px-4 py-2 font-mono text-xs">
        {entry.kubeletKey ?? <span className="text-rose-700 dark:text-rose-300">ignored: {entry.ignoredReason}</span>}
      </td>
      <td className="px-4 py-2 font-mono text-xs" data-field="username">
        {entry.username ?? '—'}
      </td>
      <td className="px-4 py-2 text-xs">
        {entry.hasPassword ? 'set' : <span className="text-rose-700 dark:text-rose-300">not set</span>}
        {entry.ecrToken && (
          <span data-field="ecr-token" className={`block ${entry.ecrToken.expired ? 'text-rose-700 dark:text-rose-300' : 'text-slate-500 dark:text-slate-400'}`}>
            {entry.ecrToken.text}
          </span>
        )}
      </td>
      <td className="px-4 py-2 font-mono text-xs" data-field="fingerprint">
        {entry.fingerprint ?? '—'}
      </td>
      <td className="px-4 py-2 text-xs">
        <ul className="flex flex-col gap-1">
          {matches.map(({ container, match }) => (
            <li key={container} title={match.explanation}>
              <span className={match.matches ? 'font-medium text-emerald-800 dark:text-emerald-300' : 'font-medium text-slate-600 dark:text-slate-400'}>
                <span aria-hidden="true">{match.matches ? '✓ ' : '✕ '}</span>
                {match.matches ? 'matches' : 'does not match'}
              </span>
              {containers.length > 1 && <span className="font-mono"> {container}</span>}
              <span className="text-slate-500 dark:text-slate-400"> · {RULE_LABELS[match.rule]}</span>
              <span className="block text-slate-500 dark:text-slate-400">{match.explanation}</span>
            </li>
          ))}
        </ul>
      </td>
    </tr>
  );
}
