import { describe, expect, it } from 'vitest';
import { parseCredentialProviderConfig } from '../../lib/credential-providers';
import type { KubeObject } from '../store';
import { credentialProviderConfigYaml, providerCredentials, type SimCredentialProvider } from './credential-provider';

const LOGIN = { username: 'oauth2accesstoken', password: 'token' };
const WORKLOAD_IDENTITY: SimCredentialProvider = {
  name: 'gcp-workload-identity',
  matchImages: ['*-docker.pkg.dev/acme'],
  serviceAccountToken: { audience: 'https://iam.googleapis.com', requiredAnnotations: ['iam.gke.io/gcp-service-account'] },
  yields: LOGIN,
};
const NODE_IDENTITY: SimCredentialProvider = { name: 'ecr', matchImages: ['*.dkr.ecr.*.amazonaws.com'], serviceAccountToken: null, yields: { username: 'AWS', password: 'ecr' } };

function account(annotations: Record<string, string> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'ledger', namespace: 'wi', annotations } } as KubeObject;
}

describe('providerCredentials', () => {
  it('calls a token provider only when the service account carries every required annotation', () => {
    const image = 'europe-docker.pkg.dev/acme/images/ledger';
    expect(providerCredentials([WORKLOAD_IDENTITY], image, account())).toEqual([]);
    expect(providerCredentials([WORKLOAD_IDENTITY], image, account({ other: 'x' }))).toEqual([]);
    expect(providerCredentials([WORKLOAD_IDENTITY], image, account({ 'iam.gke.io/gcp-service-account': 'sa@p.iam.gserviceaccount.com' }))).toEqual([LOGIN]);
    expect(providerCredentials([WORKLOAD_IDENTITY], image, undefined)).toEqual([]);
  });

  it('asks only the providers whose matchImages match, by the keyring globs', () => {
    const annotated = account({ 'iam.gke.io/gcp-service-account': 'x' });
    expect(providerCredentials([WORKLOAD_IDENTITY, NODE_IDENTITY], 'europe-docker.pkg.dev/other/ledger', annotated)).toEqual([]);
    expect(providerCredentials([WORKLOAD_IDENTITY, NODE_IDENTITY], '123456789012.dkr.ecr.us-east-1.amazonaws.com/app', annotated)).toEqual([{ username: 'AWS', password: 'ecr' }]);
    expect(providerCredentials([{ ...NODE_IDENTITY, yields: null }], '123456789012.dkr.ecr.us-east-1.amazonaws.com/app', annotated)).toEqual([]);
  });

  it('writes a configuration the kubelet (and pullfix) accepts, with the same providers', () => {
    const config = parseCredentialProviderConfig(credentialProviderConfigYaml([NODE_IDENTITY, WORKLOAD_IDENTITY]));
    expect(config.providers.map((provider) => [provider.name, provider.matchImages, provider.tokenAttributes?.requiredServiceAccountAnnotationKeys ?? null])).toEqual([
      ['ecr', ['*.dkr.ecr.*.amazonaws.com'], null],
      ['gcp-workload-identity', ['*-docker.pkg.dev/acme'], ['iam.gke.io/gcp-service-account']],
    ]);
  });
});
