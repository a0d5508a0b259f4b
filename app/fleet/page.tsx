import type { Metadata } from 'next';
import { FleetOverview } from '@/components/fleet-overview';

export const metadata: Metadata = { title: 'All contexts' };

/** /fleet: every context of the kubeconfig side by side, and the incidents they share. */
export default function FleetPage() {
  return <FleetOverview />;
}
