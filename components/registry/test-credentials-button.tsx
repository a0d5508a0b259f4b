'use client';

import { useMutation } from '@tanstack/react-query';
import type { RegistryCheckCredential } from '@/lib/api/types';
import { postRegistryCheck } from '@/lib/queries/registry';

interface Props {
  context: string;
  image: string;
  credential: RegistryCheckCredential;
  pod?: { namespace: string; name: string };
  label?: string;
}

/**
 * Asks the registry whether these credentials can pull the image and shows the answer inline. A failed test
 * only warns: the form it sits in stays usable, since the registry may refuse for reasons a secret cannot fix.
 */
export function TestCredentialsButton({ context, image, credential, pod, label = 'Test credentials' }: Props) {
  const check = useMutation({ mutationFn: () => postRegistryCheck({ context, image, credential, ...(pod ? { pod } : {}) }) });
  const incomplete = credential.kind === 'typed' && (credential.username === '' || credential.password === '');
  return (
    <div className="flex flex-col gap-2" data-registry-check>
      <button
        type="button"
        onClick={() => check.mutate()}
        disabled={check.isPending || incomplete}
        className="self-start rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium hover:bg-slate-50 disabled:opacity-50 dark:border-slate-600 dark:hover:bg-slate-800"
      >
        {check.isPending ? 'Testing…' : label}
      </button>
      <div role="status" aria-live="polite" className="text-sm">
        {check.isError && <p className="text-amber-800 dark:text-amber-300">⚠ The test could not run: {check.error.message}</p>}
        {check.data?.ok === true && (
          <p className="text-emerald-800 dark:text-emerald-300">
            ✓ can pull <span className="font-mono">{check.data.repository}:{check.data.reference}</span>{' '}
            <span className="font-mono text-xs">{check.data.digest}</span>
            {check.data.platforms && <span className="text-xs"> · {check.data.platforms.join(', ')}</span>}
          </p>
        )}
        {check.data?.ok === false && (
          <p className="text-rose-800 dark:text-rose-300">
            ✗ {check.data.cause === 'unauthorized' ? 'rejected' : 'cannot pull'}: {check.data.message}
          </p>
        )}
      </div>
    </div>
  );
}
