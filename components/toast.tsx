'use client';

import { useEffect, useSyncExternalStore } from 'react';

/**
 * Short notices that outlive a navigation ("nginx-david runs; fixed with regcred-docker-io at 13:07 by
 * sim-admin"): `showToast` from anywhere in the page, one `<Toaster />` in the providers shows them.
 */
export interface Toast {
  id: number;
  message: string;
}

/** Long enough to read a sentence after the page changed under it. */
const TOAST_MS = 12_000;
const NONE: Toast[] = [];

let toasts: Toast[] = NONE;
let nextId = 1;
const listeners = new Set<() => void>();

export function showToast(message: string): void {
  toasts = [...toasts, { id: nextId++, message }];
  for (const listener of listeners) listener();
}

function dismiss(id: number): void {
  toasts = toasts.filter((toast) => toast.id !== id);
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function Toaster() {
  const shown = useSyncExternalStore(subscribe, () => toasts, () => NONE);
  return (
    <div role="status" aria-live="polite" aria-label="Notifications" className="pointer-events-none fixed bottom-4 right-4 z-50 flex max-w-sm flex-col gap-2">
      {shown.map((toast) => (
        <ToastItem key={toast.id} toast={toast} />
      ))}
    </div>
  );
}

function ToastItem({ toast }: { toast: Toast }) {
  useEffect(() => {
    const timer = setTimeout(() => dismiss(toast.id), TOAST_MS);
    return () => clearTimeout(timer);
  }, [toast.id]);
  return (
    <div className="pointer-events-auto flex items-start gap-3 rounded-md border border-emerald-300 bg-white p-3 text-sm shadow-lg dark:border-emerald-800 dark:bg-slate-900">
      <span className="flex-1">{toast.message}</span>
      <button type="button" onClick={() => dismiss(toast.id)} aria-label="Dismiss notification" className="text-slate-500 hover:text-slate-800 dark:hover:text-slate-200">
        ✕
      </button>
    </div>
  );
}
