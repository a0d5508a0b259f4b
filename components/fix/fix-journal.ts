'use client';
/**
 * What this browser tab remembers of the fixes it applied, so the pages can follow a rollout across navigations
 * and reloads (sessionStorage: names and undo records only, never a credential): the pod that replaced a fixed
 * one (the old pod's page links to it), and how a fix ended (the new pod's page shows it, with its undo).
 */
import { useSyncExternalStore } from 'react';
import type { FixUndo } from '@/lib/api/fix-undo';
import type { FixApplied } from '@/lib/fix-plan';

export interface FixRecord {
  /** "nginx-david runs; fixed with regcred-docker-io at 13:07 by sim-admin". */
  line: string;
  /** The record to undo the fix with; null for a tag change or when there is nothing to take back. */
  undo: FixUndo | null;
}

const STORAGE_KEY = 'pullfix-fix-journal';

const { replacements, records } = load();
const listeners = new Set<() => void>();

export function podKey(context: string, namespace: string, pod: string): string {
  return JSON.stringify([context, namespace, pod]);
}

/** The pod that `pod`'s fix rolled out, as the fix progress found it. */
export function recordReplacement(context: string, namespace: string, pod: string, replacement: string): void {
  if (pod === replacement || replacements.get(podKey(context, namespace, pod)) === replacement) return;
  replacements.set(podKey(context, namespace, pod), replacement);
  notify();
}

export function useReplacement(context: string, namespace: string, pod: string): string | null {
  return useSyncExternalStore(subscribe, () => replacements.get(podKey(context, namespace, pod)) ?? null, () => null);
}

/** How the fix that produced `pod` ended, for that pod's page. */
export function recordOutcome(context: string, namespace: string, pod: string, record: FixRecord): void {
  records.set(podKey(context, namespace, pod), record);
  notify();
}

export function useOutcome(context: string, namespace: string, pod: string): FixRecord | null {
  return useSyncExternalStore(subscribe, () => records.get(podKey(context, namespace, pod)) ?? null, () => null);
}

/** The toast's sentence: who runs now, with what, when and by whom. */
export function fixedLine(subject: string, outcome: FixApplied): string {
  const at = new Date(outcome.at).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', hour12: false });
  return `${subject} runs; fixed with ${outcome.what} at ${at} by ${outcome.by}`;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function notify(): void {
  save();
  for (const listener of listeners) listener();
}

function load(): { replacements: Map<string, string>; records: Map<string, FixRecord> } {
  const empty = { replacements: new Map<string, string>(), records: new Map<string, FixRecord>() };
  if (typeof window === 'undefined') return empty;
  try {
    const saved = JSON.parse(window.sessionStorage.getItem(STORAGE_KEY) ?? 'null') as { replacements: [string, string][]; records: [string, FixRecord][] } | null;
    return saved ? { replacements: new Map(saved.replacements), records: new Map(saved.records) } : empty;
  } catch {
    // Storage blocked or holding something else: the journal starts empty, as in a new tab.
    return empty;
  }
}

function save(): void {
  try {
    window.sessionStorage.setItem(STORAGE_KEY, JSON.stringify({ replacements: [...replacements], records: [...records] }));
  } catch {
    // Storage blocked or full: the journal still works for this page's lifetime.
  }
}
