import type { ContainerDiagnosis } from '@/lib/api/types';
import { BrokenImageRef } from './image-ref-chips';

/**
 * The image as the seed tutorial takes it apart — registry, account, image, tag — with the reference the
 * kubelet really pulls and what it filled in that the pod spec does not say.
 */
export function ImageBreakdown({ container }: { container: ContainerDiagnosis }) {
  const { image, implied } = container;
  if (!image) {
    return (
      <div>
        <h3 className="text-sm font-semibold text-slate-500 dark:text-slate-400">Image</h3>
        <div className="mt-2">
          <BrokenImageRef input={container.imageInput} problem={container.imageError} />
        </div>
        {container.imageError && <p className="mt-2 break-words font-mono text-xs text-rose-800 dark:text-rose-300">{container.imageError.message}</p>}
      </div>
    );
  }
  const rows: [string, string | null, boolean][] = [
    ['Registry', image.registry, implied.registry],
    ['Account', image.account, implied.account],
    ['Image', image.image, false],
    ['Tag', image.tag ?? (implied.tag ? 'latest' : null), implied.tag],
    ['Digest', image.digest, false],
  ];
  const impliedParts = [implied.registry && 'the registry docker.io', implied.account && 'the account library', implied.tag && 'the tag latest'].filter(Boolean);
  return (
    <div>
      <h3 className="text-sm font-semibold text-slate-500 dark:text-slate-400">Image</h3>
      <dl aria-label="Image breakdown" className="mt-2 grid grid-cols-[6rem_1fr] gap-x-3 gap-y-1.5 text-sm">
        {rows.map(([label, value, isImplied]) => (
          <div key={label} className="contents" data-part={label.toLowerCase()} data-implied={isImplied}>
            <dt className="text-slate-500 dark:text-slate-400">{label}</dt>
            <dd className="min-w-0 break-all font-mono">
              {value ?? <span className="text-slate-600 dark:text-slate-400">none</span>}
              {isImplied && (
                <span className="ml-2 rounded border border-dashed border-slate-400 px-1 font-sans text-[11px] italic text-slate-500 dark:border-slate-500 dark:text-slate-400">
                  implied
                </span>
              )}
            </dd>
          </div>
        ))}
      </dl>
      <p className="mt-3 text-xs text-slate-500 dark:text-slate-400">As written</p>
      <p className="break-all font-mono text-sm">{container.imageInput}</p>
      <p className="mt-2 text-xs text-slate-500 dark:text-slate-400">The kubelet pulls</p>
      <p data-testid="normalized-image" className="break-all font-mono text-sm font-semibold">
        {image.normalized}
      </p>
      <p className="mt-2 text-xs text-slate-600 dark:text-slate-400">
        {impliedParts.length ? `Not written in the pod spec, so implied: ${impliedParts.join(', ')}.` : 'Every part was written out: nothing was implied.'}
      </p>
    </div>
  );
}
