'use client';

import { useQuery } from '@tanstack/react-query';
import { podRegistryQuery } from '@/lib/queries/registry';
import type { ContainerRef } from './container-ref';


/** For platform-mismatch: what the image offers, beside the node the pod landed on, the node's own marked. */
export function PlatformList({ context, namespace, pod, container }: ContainerRef) {
  const info = useQuery(podRegistryQuery(context, namespace, pod, container));
  if (info.isPending) return <p className="text-sm text-slate-500">Reading the image’s platforms…</p>;
  if (info.isError) return <p className="text-sm text-amber-800 dark:text-amber-300">The platforms could not be read: {info.error.message}</p>;
  const { image, imageMessage, node, nodeName, nodeMessage } = info.data.platforms;
  const nodeBase = node?.split('/').slice(0, 2).join('/') ?? null;
  return (
    <section aria-label="platforms" className="flex flex-col gap-2 text-sm">
      <p>
        Node {nodeName ? <span className="font-mono">{nodeName}</span> : null}:{' '}
        {node ? <span className="font-mono font-medium">{node}</span> : <span>{nodeMessage ?? 'unknown'}</span>}
      </p>
      {image === null ? (
        <p className="text-amber-800 dark:text-amber-300">{imageMessage}</p>
      ) : (
        <ul className="flex flex-wrap gap-2" aria-label="platforms the image offers">
          {image.map((platform) => {
            const fits = nodeBase !== null && platform.split('/').slice(0, 2).join('/') === nodeBase;
            return (
              <li
                key={platform}
                data-fits={fits}
                className={`rounded-full px-2 py-0.5 font-mono text-xs ring-1 ring-inset ${fits ? 'bg-emerald-50 text-emerald-800 ring-emerald-300 dark:bg-emerald-950/50 dark:text-emerald-300' : 'bg-slate-100 text-slate-700 ring-slate-300 dark:bg-slate-800 dark:text-slate-300'}`}
              >
                {platform}
                {fits ? ' ✓ this node' : ''}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
