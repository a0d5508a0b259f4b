import fc from 'fast-check';
import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { fixHandoff, PASSWORD_PLACEHOLDER, shellQuote, type HandoffInput, type HandoffSource } from './fix-handoff';
import { gitOpsManagement } from './gitops';

const base: HandoffInput = {
  namespace: 'team-missing',
  pod: 'api-7d4b9c-x2x9q',
  workload: { kind: 'Deployment', name: 'api' },
  serviceAccount: 'default',
  attached: { template: ['old-creds'], serviceAccount: [] },
  source: { kind: 'new', name: 'regcred-ghcr-io', server: 'ghcr.io', username: 'acme-bot', password: 'ghp_acme-bot-token' },
  target: 'workload',
  management: null,
};

function commandLines(input: HandoffInput): string[] {
  return fixHandoff(input).commands.split('\n').filter((line) => line.startsWith('kubectl'));
}

describe('fixHandoff: the kubectl commands', () => {
  it.each<[string, Partial<HandoffInput>, string[]]>([
    [
      'a new secret on a Deployment',
      {},
      [
        'kubectl -n team-missing create secret generic regcred-ghcr-io --type=kubernetes.io/dockerconfigjson --from-file=.dockerconfigjson="$PULLFIX_CONFIG"',
        `kubectl -n team-missing patch deployment api --type=strategic -p '{"spec":{"template":{"spec":{"imagePullSecrets":[{"name":"old-creds"},{"name":"regcred-ghcr-io"}]}}}}'`,
      ],
    ],
    [
      'an existing secret on a CronJob',
      { source: { kind: 'existing', name: 'ghcr-creds' }, workload: { kind: 'CronJob', name: 'nightly' }, attached: { template: [], serviceAccount: [] } },
      [`kubectl -n team-missing patch cronjob nightly --type=strategic -p '{"spec":{"jobTemplate":{"spec":{"template":{"spec":{"imagePullSecrets":[{"name":"ghcr-creds"}]}}}}}}'`],
    ],
    [
      'a ReplicaSet, whose failing pod goes',
      { source: { kind: 'existing', name: 'ghcr-creds' }, workload: { kind: 'ReplicaSet', name: 'frontend' }, attached: { template: [], serviceAccount: [] } },
      [
        `kubectl -n team-missing patch replicaset frontend --type=strategic -p '{"spec":{"template":{"spec":{"imagePullSecrets":[{"name":"ghcr-creds"}]}}}}'`,
        'kubectl -n team-missing delete pod api-7d4b9c-x2x9q',
      ],
    ],
    [
      'the service account, then a rollout restart',
      { source: { kind: 'existing', name: 'ghcr-creds' }, target: 'service-account', attached: { template: [], serviceAccount: ['a', 'b'] } },
      [
        `kubectl -n team-missing patch serviceaccount default --type=json -p '[{"op":"test","path":"/imagePullSecrets","value":[{"name":"a"},{"name":"b"}]},{"op":"add","path":"/imagePullSecrets/-","value":{"name":"ghcr-creds"}}]'`,
        'kubectl -n team-missing rollout restart deployment/api',
      ],
    ],
    [
      'a Job, recreated',
      { source: { kind: 'existing', name: 'ghcr-creds' }, workload: { kind: 'Job', name: 'migrate' }, attached: { template: [], serviceAccount: [] } },
      [
        'kubectl -n team-missing get job migrate -o json > job-migrate.json',
        `kubectl patch --local -f job-migrate.json --type=merge -p '{"metadata":{"uid":null,"resourceVersion":null,"creationTimestamp":null,"generation":null,"managedFields":null,"labels":{"batch.kubernetes.io/controller-uid":null,"controller-uid":null}},"status":null,"spec":{"selector":null,"template":{"metadata":{"labels":{"batch.kubernetes.io/controller-uid":null,"controller-uid":null}},"spec":{"imagePullSecrets":[{"name":"ghcr-creds"}]}}}}' -o json > job-migrate.new.json`,
        'kubectl -n team-missing delete job migrate --cascade=background',
        'kubectl -n team-missing create -f job-migrate.new.json',
      ],
    ],
    [
      'a bare pod whose named secret gets new data, in place',
      { source: { kind: 'new', name: 'registry-creds', server: 'registry.example.com:5000', username: 'team-ci', replaceExisting: true }, workload: null, target: 'in-place' },
      [
        'kubectl -n team-missing create secret generic registry-creds --type=kubernetes.io/dockerconfigjson --from-file=.dockerconfigjson="$PULLFIX_CONFIG" --dry-run=client -o yaml | kubectl -n team-missing replace -f -',
      ],
    ],
    [
      'a copy from another namespace',
      { source: { kind: 'copy', fromNamespace: 'team-unattached', name: 'ghcr-creds', newName: 'ghcr-copy' }, attached: { template: [], serviceAccount: [] } },
      [
        `kubectl -n team-unattached get secret ghcr-creds -o go-template='{"apiVersion":"v1","kind":"Secret","metadata":{"name":"ghcr-copy","annotations":{"pullfix.dev/copied-from":"team-unattached/ghcr-creds"}},"type":"{{.type}}","data":{{"{"}}{{$first := true}}{{range $key, $value := .data}}{{if not $first}},{{end}}"{{$key}}":"{{$value}}"{{$first = false}}{{end}}{{"}"}}}' | kubectl -n team-missing create -f -`,
        `kubectl -n team-missing patch deployment api --type=strategic -p '{"spec":{"template":{"spec":{"imagePullSecrets":[{"name":"ghcr-copy"}]}}}}'`,
      ],
    ],
  ])('%s', (_, change, expected) => {
    expect(commandLines({ ...base, ...change })).toEqual(expected);
  });

  it('patches nothing when the template already names the secret, and restarts after new data', () => {
    const input = { ...base, attached: { template: ['regcred-ghcr-io'], serviceAccount: [] }, source: { ...base.source, replaceExisting: true } as HandoffSource };
    const { commands } = fixHandoff(input);
    expect(commands).toMatch(/Deployment api already names regcred-ghcr-io: nothing to patch/);
    expect(commandLines(input).at(-1)).toBe('kubectl -n team-missing rollout restart deployment/api');
  });

  it('warns first when a GitOps tool manages the workload', () => {
    const management = gitOpsManagement({ annotations: { 'argocd.argoproj.io/tracking-id': 'shop:apps/Deployment:team-missing/api' } });
    expect(fixHandoff({ ...base, management }).commands.split('\n')[2]).toMatch(/^# Warning: Argo CD manages this workload/);
  });
});

describe('fixHandoff: the YAML to commit', () => {
  it('is the Secret with a placeholder password and the pod template fragment', () => {
    const [secret, fragment] = parseAllDocuments(fixHandoff(base).yaml).map((document) => document.toJS());
    expect(secret).toMatchObject({ kind: 'Secret', type: 'kubernetes.io/dockerconfigjson', metadata: { name: 'regcred-ghcr-io', namespace: 'team-missing' } });
    expect(JSON.parse(secret.stringData['.dockerconfigjson'])).toEqual({ auths: { 'ghcr.io': { username: 'acme-bot', password: PASSWORD_PLACEHOLDER } } });
    expect(fragment).toEqual({ spec: { template: { spec: { imagePullSecrets: [{ name: 'old-creds' }, { name: 'regcred-ghcr-io' }] } } } });
  });

  it('is the service account list for the service-account target', () => {
    const yaml = fixHandoff({ ...base, source: { kind: 'existing', name: 'ghcr-creds' }, target: 'service-account', attached: { template: [], serviceAccount: ['a'] } }).yaml;
    expect(parse(yaml)).toEqual({ imagePullSecrets: [{ name: 'a' }, { name: 'ghcr-creds' }] });
  });
});

describe('no password in a hand-off', () => {
  const sources = fc.record({
    name: fc.constantFrom('regcred', 'ghcr-creds'),
    server: fc.constantFrom('ghcr.io', 'https://index.docker.io/v1/', 'registry.example.com:5000'),
    username: fc.string({ minLength: 1, maxLength: 20 }),
    email: fc.option(fc.emailAddress(), { nil: undefined }),
    replaceExisting: fc.boolean(),
  });
  const inputs = fc.record({
    source: sources,
    target: fc.constantFrom('workload', 'service-account', 'recreate-pod', 'in-place'),
    workload: fc.option(fc.record({ kind: fc.constantFrom('Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob'), name: fc.constantFrom('web', 'migrate') }), { nil: null }),
    attached: fc.record({ template: fc.array(fc.constantFrom('a', 'regcred'), { maxLength: 2 }), serviceAccount: fc.option(fc.array(fc.constantFrom('b', 'regcred'), { maxLength: 2 }), { nil: null }) }),
  });

  it('never depends on the password: two passwords give the same text', () => {
    fc.assert(
      fc.property(inputs, fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (input, first, second) => {
        const make = (password: string) => fixHandoff({ ...base, ...input, source: { kind: 'new', ...input.source, password } });
        expect(make(first)).toEqual(make(second));
      }),
    );
  });

  it('never contains it', () => {
    fc.assert(
      fc.property(inputs, fc.string({ minLength: 12, maxLength: 64 }), (input, password) => {
        const handoff = fixHandoff({ ...base, ...input, source: { kind: 'new', ...input.source, password } });
        const others = JSON.stringify(input);
        fc.pre(!others.includes(password));
        expect(handoff.commands).not.toContain(password);
        expect(handoff.yaml).not.toContain(password);
      }),
    );
  });
});

describe('shellQuote', () => {
  it.each([
    ['team-missing', 'team-missing'],
    ['has space', "'has space'"],
    ["it's", `'it'\\''s'`],
    ['$(rm -rf /)', "'$(rm -rf /)'"],
  ])('%s → %s', (text, quoted) => {
    expect(shellQuote(text)).toBe(quoted);
  });
});
