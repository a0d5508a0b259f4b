import type { ContainerDiagnosis, SecretsPanel } from '@/lib/api/types';
import { SecretCard } from './secret-card';

/** Every pull secret this pod could use or should use, decoded without passwords, and why each matches or not. */
export function PullSecretsPanel({ panel, containers }: { panel: SecretsPanel; containers: ContainerDiagnosis[] }) {
  const nothing = panel.secrets.length === 0 && panel.unattachedMatching.length === 0 && panel.missing.length === 0;
  return (
    <section aria-labelledby="secrets-heading" className="flex flex-col gap-4 rounded-xl border border-slate-200 bg-white p-5 shadow-sm dark:border-slate-800 dark:bg-slate-900">
      <h2 id="secrets-heading" className="font-semibold">
        Pull secrets
      </h2>
      {!panel.readable && (
        <p role="note" className="rounded-md bg-slate-100 px-3 py-2 text-sm text-slate-700 dark:bg-slate-800 dark:text-slate-300">
          {panel.note ?? "Secrets could not be read with this context's permissions."}
        </p>
      )}
      {panel.serviceAccount && <ServiceAccountLine account={panel.serviceAccount} />}
      {panel.missing.length > 0 && (
        <div className="rounded-md border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-900 dark:border-rose-900 dark:bg-rose-950/40 dark:text-rose-200">
          <h3 className="font-medium">Referenced but do not exist</h3>
          <ul className="mt-1 flex flex-wrap gap-2 font-mono">
            {panel.missing.map((name) => (
              <li key={name}>{name}</li>
            ))}
          </ul>
        </div>
      )}
      {panel.secrets.length > 0 && (
        <SecretGroup title="Attached to the pod or its service account">
          {panel.secrets.map((secret) => (
            <SecretCard key={secret.name} secret={secret} containers={containers} />
          ))}
        </SecretGroup>
      )}
      {panel.unattachedMatching.length > 0 && (
        <SecretGroup title="In the namespace, matching, but not attached">
          {panel.unattachedMatching.map((secret) => (
            <SecretCard key={secret.name} secret={secret} containers={containers} />
          ))}
        </SecretGroup>
      )}
      {nothing && panel.readable && (
        <p className="text-sm text-slate-600 dark:text-slate-400">
          No pull secret is attached to this pod or its service account, and none in the namespace matches its images.
        </p>
      )}
    </section>
  );
}

function SecretGroup({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <div className="flex flex-col gap-3">
      <h3 className="text-sm font-semibold text-slate-500 dark:text-slate-400">{title}</h3>
      {children}
    </div>
  );
}

function ServiceAccountLine({ account }: { account: NonNullable<SecretsPanel['serviceAccount']> }) {
  return (
    <p className="text-sm text-slate-600 dark:text-slate-400">
      Service account <span className="font-mono text-slate-900 dark:text-slate-100">{account.name}</span>
      {!account.exists && ' does not exist (or could not be read)'}
      {account.exists &&
        (account.imagePullSecrets.length
          ? `: imagePullSecrets ${account.imagePullSecrets.join(', ')}`
          : ': no imagePullSecrets')}
      {account.addedAfterPod.length > 0 && (
        <span className="ml-1 text-amber-800 dark:text-amber-300">
          — {account.addedAfterPod.join(', ')} added after this pod was created, so the pod does not have {account.addedAfterPod.length > 1 ? 'them' : 'it'}
        </span>
      )}
    </p>
  );
}
