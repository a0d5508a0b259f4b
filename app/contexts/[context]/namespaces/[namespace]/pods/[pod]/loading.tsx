import { PodDetailSkeleton } from '@/components/skeletons';

export default function Loading() {
  return <PodDetailSkeleton />;
}
