import Link from 'next/link';
import { EmptyState } from '@/components/empty-state';

export default function NotFound() {
  return (
    <EmptyState title="Nothing here">
      That page does not exist.{' '}
      <Link href="/" className="font-medium text-sky-700 underline dark:text-sky-400">
        Back to the overview
      </Link>
    </EmptyState>
  );
}
