import { OverviewSkeleton } from '@/components/skeletons';

export default function Loading() {
  return <OverviewSkeleton />;
}
