import type { ImageProblem, ImageRef } from '@/lib/api/types';

type ChipPart = 'registry' | 'account' | 'image' | 'tag' | 'digest';

interface Chip {
  part: ChipPart;
  text: string;
  implied: boolean;
}

const PART_STYLES: Record<ChipPart, string> = {
  registry: 'text-sky-800 dark:text-sky-300',
  account: 'text-slate-700 dark:text-slate-300',
  image: 'font-semibold text-slate-900 dark:text-slate-50',
  tag: 'text-emerald-800 dark:text-emerald-300',
  digest: 'text-emerald-800 dark:text-emerald-300',
};

/**
 * The image as registry · account · image · tag/digest. Parts the kubelet filled in (docker.io, library,
 * latest) get a dashed outline and say "implied" to screen readers and on hover.
 */
export function ImageRefChips({ image, imageInput, imageError }: { image: ImageRef | null; imageInput: string; imageError: ImageProblem | null }) {
  if (!image) return <BrokenImageRef input={imageInput} problem={imageError} />;
  return (
    <ul aria-label={`image ${image.normalized}`} title={image.normalized} className="flex flex-wrap items-center gap-x-0.5 gap-y-1 font-mono text-xs">
      {imageChips(image).map((chip, index) => (
        <li key={chip.part} className="flex items-center gap-0.5">
          {index > 0 && <span aria-hidden="true" className="text-slate-400 dark:text-slate-600">·</span>}
          <span
            data-part={chip.part}
            data-implied={chip.implied}
            title={`${chip.part}${chip.implied ? ' (implied: not written in the pod spec)' : ''}`}
            className={`rounded px-1 py-0.5 [overflow-wrap:anywhere] ${PART_STYLES[chip.part]} ${
              chip.implied
                ? 'border border-dashed border-slate-400 italic opacity-80 dark:border-slate-500'
                : 'border border-transparent bg-slate-100 dark:bg-slate-800'
            }`}
          >
            <span className="sr-only">{chip.part} </span>
            {chip.part === 'digest' ? shortDigest(chip.text) : chip.text}
            {chip.implied && <span className="sr-only"> (implied)</span>}
          </span>
        </li>
      ))}
    </ul>
  );
}

export function imageChips(image: ImageRef): Chip[] {
  const chips: Chip[] = [{ part: 'registry', text: image.registry, implied: image.implied.registry }];
  if (image.account) chips.push({ part: 'account', text: image.account, implied: image.implied.account });
  chips.push({ part: 'image', text: image.image, implied: false });
  const tag = image.tag ?? (image.implied.tag ? 'latest' : null);
  if (tag) chips.push({ part: 'tag', text: tag, implied: image.implied.tag });
  if (image.digest) chips.push({ part: 'digest', text: image.digest, implied: false });
  return chips;
}

function shortDigest(digest: string): string {
  const [algorithm, hex = ''] = digest.split(':');
  return `${algorithm}:${hex.slice(0, 12)}…`;
}

/** An unparseable reference with the character it breaks at marked, as the kubelet would reject it. */
export function BrokenImageRef({ input, problem }: { input: string; problem: ImageProblem | null }) {
  const index = problem?.at?.index ?? null;
  return (
    <span className="inline-flex flex-col gap-0.5">
      <code className="break-all rounded bg-rose-50 px-1.5 py-0.5 font-mono text-xs text-rose-900 dark:bg-rose-950/50 dark:text-rose-200">
        {index === null ? (
          input || '(empty)'
        ) : (
          <>
            {input.slice(0, index)}
            <mark className="rounded-sm bg-rose-300 text-rose-950 underline decoration-wavy dark:bg-rose-700 dark:text-white">
              {input.slice(index, index + 1) || '␣'}
            </mark>
            {input.slice(index + 1)}
          </>
        )}
      </code>
      {problem && <span className="text-xs text-rose-700 dark:text-rose-300">does not parse: {problem.code}</span>}
    </span>
  );
}
