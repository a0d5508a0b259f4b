import type { V1Pod, V1Secret } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { CredentialProviders } from '../credential-providers';
import { dockerConfigJson } from '../pull-secrets';
import { indexSecrets, podCredentials } from './credentials';
import { diagnoseContainer } from './diagnose';

const ECR = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const pod: V1Pod = {
  metadata: { name: 'ledger-1', namespace: 'wi' },
  spec: { serviceAccountName: 'ledger', containers: [{ name: 'ledger', image: 'europe-docker.pkg.dev/acme/images/ledger:2.1' }], imagePullSecrets: [{ name: 'ecr' }] },
};
const providers: CredentialProviders = {
  source: 'config',
  providers: [
    {
      name: 'gcp-workload-identity',
      matchImages: ['*-docker.pkg.dev/acme'],
      defaultCacheDurationMs: 0,
      apiVersion: 'credentialprovider.kubelet.k8s.io/v1',
      tokenAttributes: { serviceAccountTokenAudience: 'a', requireServiceAccount: true, requiredServiceAccountAnnotationKeys: ['iam.gke.io/gcp-service-account'], optionalServiceAccountAnnotationKeys: [], cacheType: 'ServiceAccount' },
    },
  ],
};

function ecrSecret(password: string, created: string): V1Secret {
  const json = dockerConfigJson({ server: ECR, username: 'AWS', password });
  return { metadata: { name: 'ecr', namespace: 'wi', creationTimestamp: new Date(created) }, type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': Buffer.from(json).toString('base64') } };
}

describe('the credential facts a diagnosis reads about providers and ECR tokens', () => {
  it("takes the service account's annotation keys and the context's providers into the verdict", () => {
    const credentials = podCredentials({ ...pod, spec: { ...pod.spec!, imagePullSecrets: [] } }, {
      secrets: indexSecrets([]),
      serviceAccounts: new Map([['ledger', { metadata: { name: 'ledger', namespace: 'wi', annotations: { 'example.com/team': 'ledger' } } }]]),
      providers,
    });
    expect(credentials.serviceAccountAnnotations).toEqual(['example.com/team']);
    const finding = diagnoseContainer({ name: 'ledger', containerType: 'regular', imageInput: 'europe-docker.pkg.dev/acme/images/ledger:2.1', reason: 'ErrImagePull', message: 'failed to authorize: 401 Unauthorized' }, credentials);
    expect(finding.verdict.code).toBe('provider-annotation-missing');
  });

  it('dates an ECR login by the secret that carries it, and says so, when the token does not', () => {
    const credentials = podCredentials(pod, { secrets: indexSecrets([ecrSecret('opaque-token', '2020-01-01T00:00:00Z')]), serviceAccounts: null });
    const entry = credentials.attached[0]?.view.entries[0];
    expect(entry?.ecrToken).toMatchObject({ source: 'secret-created', created: '2020-01-01T00:00:00.000Z', expired: true });
    expect(JSON.stringify(credentials.attached[0]?.view)).not.toContain('opaque-token');
  });
});
