/**
 * What replacing a pull secret's data changes, as the fix preview shows it: each registry entry before and after
 * (server, username, whether a password is set — never a password), and who else uses the secret. Types only and
 * one pure reading of them; no server imports, no credential can pass through here.
 */
import type { WorkloadRef } from './api/types';

/** One registry entry of a pull secret as the preview may show it. */
export interface SecretEntryView {
  server: string;
  username: string | null;
  hasPassword: boolean;
}

export type SecretEntryChange = 'kept' | 'added' | 'replaced' | 'removed';

/** One row of the diff: an entry kept as it was, written for this registry, or dropped as a duplicate of it. */
export interface SecretEntryDiff {
  change: SecretEntryChange;
  before: SecretEntryView | null;
  after: SecretEntryView | null;
}

/** Everything in the namespace that reads the secret: whatever the replace changes, changes for them too. */
export interface SecretUsers {
  pods: string[];
  workloads: WorkloadRef[];
  serviceAccounts: string[];
  /** What could not be read to find them (a 403), so the lists may be short; null when everything was read. */
  note: string | null;
}

/** The replace step's diff of a secret's data. */
export interface SecretChange {
  secret: string;
  /** The entries the secret holds now; null when its data cannot be read, so it is replaced whole. */
  before: SecretEntryView[] | null;
  /** Why the data cannot be read (the kubelet's reading of it); null when it can. */
  unreadable: string | null;
  after: SecretEntryView[];
  entries: SecretEntryDiff[];
  users: SecretUsers;
}

/** "kept", "added", … with the entry it concerns: the line the preview prints for a diff row. */
export function describeEntryDiff(row: SecretEntryDiff): string {
  const view = row.after ?? row.before;
  if (!view) return row.change;
  const who = view.username ?? 'no username';
  const password = view.hasPassword ? 'password set' : 'no password';
  const was = row.change === 'replaced' && row.before ? ` (was ${row.before.server}, ${row.before.username ?? 'no username'})` : '';
  return `${row.change}: ${view.server} · ${who} · ${password}${was}`;
}
