import { createHash } from 'node:crypto';
import type { KubeObject } from '../store';
import { lookupPullCredentials } from './credentials';

/** A pull secret a pod presents for an image: the kubelet keys it by its coordinates and its credentials' hash. */
export interface PresentedSecret {
  coordinates: string;
  hash: string;
}

interface CredentialRecord {
  nodePodsAccessible: boolean;
  secrets: PresentedSecret[];
}

/**
 * KEP-2535 on one node (pkg/kubelet/images/pullmanager, `KubeletEnsureSecretPulledImages`, beta and on by default
 * from Kubernetes 1.35) with the default `imagePullCredentialsVerificationPolicy: NeverVerifyPreloadedImages`:
 * the kubelet records which credentials pulled each image (by image ID, then by repository), and a pod may use
 * an image already on the node only when it presents one of them. An image pulled anonymously is open to every
 * pod on the node; an image the kubelet did not pull (preloaded) is not verified.
 */
export class PulledImageRecords {
  private readonly records = new Map<string, Map<string, CredentialRecord>>();

  /**
   * `RecordImagePulled`. The runtime tries the presented credentials in order and the simulated one does not say
   * which succeeded, so every presented secret is recorded; with none, the image is open to the node's pods.
   */
  recordPulled(imageID: string, repository: string, presented: PresentedSecret[]): void {
    const byRepository = this.records.get(imageID) ?? new Map<string, CredentialRecord>();
    const record = byRepository.get(repository) ?? { nodePodsAccessible: false, secrets: [] };
    if (presented.length === 0) record.nodePodsAccessible = true;
    for (const secret of presented) {
      if (!record.secrets.some((known) => known.coordinates === secret.coordinates && known.hash === secret.hash)) record.secrets.push(secret);
    }
    byRepository.set(repository, record);
    this.records.set(imageID, byRepository);
  }

  /**
   * `MustAttemptImagePullWithCredentials`: true when the pod must pull to prove it may use the image — the
   * kubelet pulled it, and the pod presents neither the coordinates nor the credentials of a secret that did.
   */
  mustAttemptPull(imageID: string, repository: string, presented: PresentedSecret[]): boolean {
    const byRepository = this.records.get(imageID);
    if (!byRepository) return false;
    const record = byRepository.get(repository);
    if (!record) return true;
    if (record.nodePodsAccessible) return false;
    return !presented.some((secret) => record.secrets.some((known) => known.coordinates === secret.coordinates || known.hash === secret.hash));
  }
}

/** The pod's pull secrets that hold credentials for `repository`, as the kubelet's keyring lookup tracks them. */
export function presentedSecrets(secrets: KubeObject[], repository: string): PresentedSecret[] {
  return secrets.flatMap((secret) => {
    const lookup = lookupPullCredentials([secret], repository);
    if (!lookup.ok || lookup.credentials.length === 0) return [];
    const { namespace = '', name, uid = '' } = secret.metadata;
    return [{ coordinates: `${namespace}/${name}/${uid}`, hash: createHash('sha256').update(JSON.stringify(lookup.credentials)).digest('hex') }];
  });
}
