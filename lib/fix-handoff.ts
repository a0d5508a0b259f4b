/**
 * A fix handed to someone else: the exact kubectl commands that do what the fix form would do, and the YAML
 * change to commit instead. Pure and client-safe: it is given the form's choices, and whatever it is given, no
 * password goes into its text. A new secret's password is read by the shell from the terminal (or stdin), and
 * only the file kubectl reads with --from-file holds it; the YAML has a placeholder where it goes.
 */
import { stringify } from 'yaml';
import type { AttachTargetKind } from './api/fix-request';
import type { WorkloadRef } from './api/types';
import type { GitOpsManagement } from './gitops';

export interface HandoffInput {
  namespace: string;
  pod: string;
  workload: WorkloadRef | null;
  serviceAccount: string;
  /** What the pod template (or bare pod) and the service account list now; the account's null when unreadable. */
  attached: { template: string[]; serviceAccount: string[] | null };
  source: HandoffSource;
  target: AttachTargetKind;
  management: GitOpsManagement | null;
}

/** The form's source; a new secret may carry the typed password, which is never used. */
export type HandoffSource =
  | { kind: 'new'; name: string; server: string; username: string; email?: string; replaceExisting?: boolean; password?: string }
  | { kind: 'existing'; name: string }
  | { kind: 'copy'; fromNamespace: string; name: string; newName?: string };

export interface Handoff {
  /** A POSIX shell script of kubectl commands, each step commented. */
  commands: string;
  /** The manifests to commit: the Secret (password as a placeholder) and the fragment that attaches it. */
  yaml: string;
}

/** Stands where the person writes the password in the committed Secret. */
export const PASSWORD_PLACEHOLDER = '<password or token: fill in, and commit only encrypted>';

const PULL_SECRET_TYPE = 'kubernetes.io/dockerconfigjson';
const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';
/** Where the shell puts the current time into the restart patch. */
const NOW = 'PULLFIX-NOW';

export function fixHandoff(input: HandoffInput): Handoff {
  const secret = secretName(input.source);
  return { commands: commandsFor(input, secret), yaml: yamlFor(input, secret) };
}

/** The name the pods will use: the new secret's, the existing one's, or the copy's. */
export function secretName(source: HandoffSource): string {
  if (source.kind === 'copy') return source.newName || source.name;
  return source.name;
}

// ---- kubectl ---------------------------------------------------------------------------------------------

function commandsFor(input: HandoffInput, secret: string): string {
  const header = [
    `# Fix the image pull of pod ${input.namespace}/${input.pod}. Save this as a file and run it with sh, with a kubeconfig`,
    '# context of this cluster; it asks for the password on the terminal (or reads it from stdin).',
    ...(input.management ? [`# Warning: ${input.management.tool} manages this workload (${input.management.evidence}): ${input.management.consequence}`] : []),
    'set -eu',
  ];
  return [...header, '', ...secretCommands(input, secret), '', ...attachCommands(input, secret)].join('\n') + '\n';
}

function secretCommands(input: HandoffInput, secret: string): string[] {
  const ns = `-n ${shellQuote(input.namespace)}`;
  const { source } = input;
  switch (source.kind) {
    case 'existing':
      return [`# 1. Secret ${secret} exists in ${input.namespace}: nothing to create.`];
    case 'copy':
      return [
        `# 1. Copy Secret ${source.fromNamespace}/${source.name} here as ${secret}: type and data kept (they go through the pipe, never a command line).`,
        `kubectl -n ${shellQuote(source.fromNamespace)} get secret ${shellQuote(source.name)} -o go-template=${shellQuote(copyTemplate(secret, `${source.fromNamespace}/${source.name}`))} | kubectl ${ns} create -f -`,
      ];
    case 'new': {
      const prefix = JSON.stringify({ auths: { [source.server.trim()]: { username: source.username, ...(source.email ? { email: source.email } : {}), auth: '' } } });
      const [before, after] = splitAt(prefix, '"auth":""', '"auth":"');
      const create = `kubectl ${ns} create secret generic ${shellQuote(secret)} --type=${PULL_SECRET_TYPE} --from-file=.dockerconfigjson="$PULLFIX_CONFIG"`;
      return [
        `# 1. ${source.replaceExisting ? `Replace the data of Secret ${secret}` : `Create Secret ${secret}`} for ${source.server.trim()}. Type the password or token when asked: the shell reads it`,
        '#    (not echoed; `printf` is a shell builtin, so it is on no command line) and only a private temporary file holds it.',
        ...(source.replaceExisting ? [`#    This writes all of ${secret}'s .dockerconfigjson: add any other registry's entry it must keep to the file first.`] : []),
        'umask 077',
        'PULLFIX_CONFIG=$(mktemp)',
        "trap 'rm -f \"$PULLFIX_CONFIG\"' EXIT",
        `printf '%s' ${shellQuote(`Password or token for ${source.username} at ${source.server.trim()}: `)} >&2`,
        'stty -echo 2>/dev/null || true',
        'IFS= read -r PULLFIX_PASSWORD || [ -n "$PULLFIX_PASSWORD" ]',
        'stty echo 2>/dev/null || true',
        'echo >&2',
        `PULLFIX_AUTH=$(printf '%s:%s' ${shellQuote(source.username)} "$PULLFIX_PASSWORD" | base64 | tr -d '\\n')`,
        `printf '%s%s%s' ${shellQuote(before)} "$PULLFIX_AUTH" ${shellQuote(after)} > "$PULLFIX_CONFIG"`,
        'unset PULLFIX_PASSWORD PULLFIX_AUTH',
        source.replaceExisting ? `${create} --dry-run=client -o yaml | kubectl ${ns} replace -f -` : create,
      ];
    }
  }
}

/** A go-template that prints the Secret to create from the one read: JSON, its data keys and base64 values as they are. */
function copyTemplate(name: string, origin: string): string {
  const metadata = JSON.stringify({ name, annotations: { 'pullfix.dev/copied-from': origin } });
  return `{"apiVersion":"v1","kind":"Secret","metadata":${metadata},"type":"{{.type}}","data":{{"{"}}{{$first := true}}{{range $key, $value := .data}}{{if not $first}},{{end}}"{{$key}}":"{{$value}}"{{$first = false}}{{end}}{{"}"}}}`;
}

function attachCommands(input: HandoffInput, secret: string): string[] {
  const { namespace, pod, workload, target } = input;
  const ns = `-n ${shellQuote(namespace)}`;
  if (target === 'in-place') {
    return [`# 2. ${workload ? `${workload.kind} ${workload.name}` : `Pod ${pod}`} already names ${secret}: nothing to attach; the kubelet uses it at its next pull retry.`];
  }
  if (target === 'recreate-pod' || workload === null) return recreatePodCommands(input, secret);
  if (workload.kind === 'Job') return recreateJobCommands(input, target === 'service-account' ? null : secret, target === 'service-account');
  const resource = workload.kind.toLowerCase();
  if (target === 'service-account') {
    return [...serviceAccountCommands(input, secret), ...restartCommands(input, '3')];
  }
  const names = withSecret(input.attached.template, secret);
  if (names === null) {
    return [
      `# 2. ${workload.kind} ${workload.name} already names ${secret}: nothing to patch.`,
      ...(input.source.kind === 'new' && input.source.replaceExisting ? restartCommands(input, '3') : []),
    ];
  }
  const patch = JSON.stringify(atTemplate(workload.kind, { spec: { imagePullSecrets: names.map((name) => ({ name })) } }));
  const lines = [
    `# 2. Add ${secret} to ${workload.kind} ${workload.name}'s pod template (a strategic merge patch, the list as it is plus ${secret}).`,
    `kubectl ${ns} patch ${resource} ${shellQuote(workload.name)} --type=strategic -p ${shellQuote(patch)}`,
  ];
  if (workload.kind === 'ReplicaSet') {
    lines.push(`# 3. A ReplicaSet without a Deployment does not replace its pods: delete the failing one so it is created again.`, `kubectl ${ns} delete pod ${shellQuote(pod)}`);
  }
  return lines;
}

function serviceAccountCommands(input: HandoffInput, secret: string): string[] {
  const ns = `-n ${shellQuote(input.namespace)}`;
  const current = input.attached.serviceAccount;
  const account = shellQuote(input.serviceAccount);
  if (current !== null && current.includes(secret)) return [`# 2. Service account ${input.serviceAccount} already lists ${secret}.`];
  // A JSON patch guarded by a test of the list as read: someone else's change in between fails it instead of being
  // lost. A list pullfix could not read is appended to, which fails if the account has none yet.
  const patch =
    current === null
      ? [{ op: 'add', path: '/imagePullSecrets/-', value: { name: secret } }]
      : current.length === 0
        ? [{ op: 'add', path: '/imagePullSecrets', value: [{ name: secret }] }]
        : [{ op: 'test', path: '/imagePullSecrets', value: current.map((name) => ({ name })) }, { op: 'add', path: '/imagePullSecrets/-', value: { name: secret } }];
  return [
    `# 2. Add ${secret} to service account ${input.serviceAccount}: every pod it runs from now on gets it.`,
    `kubectl ${ns} patch serviceaccount ${account} --type=json -p ${shellQuote(JSON.stringify(patch))}`,
  ];
}

/** New pods for a workload whose template did not change, as the fix form's restart step makes them. */
function restartCommands(input: HandoffInput, step: string): string[] {
  const { workload, namespace, pod } = input;
  const ns = `-n ${shellQuote(namespace)}`;
  if (workload === null) return [];
  switch (workload.kind) {
    case 'ReplicaSet':
      return [`# ${step}. Delete the failing pod so ReplicaSet ${workload.name} creates it again.`, `kubectl ${ns} delete pod ${shellQuote(pod)}`];
    case 'CronJob': {
      const patch = JSON.stringify(atTemplate('CronJob', { metadata: { annotations: { [RESTARTED_AT]: NOW } } }));
      const quoted = `"${patch.replace(/[\\"$`]/g, (character) => `\\${character}`).replace(NOW, '$(date -u +%Y-%m-%dT%H:%M:%SZ)')}"`;
      return [
        `# ${step}. Mark CronJob ${workload.name}'s job template as restarted, as the form does; its next Job's pods get the secret.`,
        `kubectl ${ns} patch cronjob ${shellQuote(workload.name)} --type=strategic -p ${quoted}`,
      ];
    }
    default:
      return [`# ${step}. Restart ${workload.kind} ${workload.name} so its new pods get the secret.`, `kubectl ${ns} rollout restart ${workload.kind.toLowerCase()}/${shellQuote(workload.name)}`];
  }
}

/** A Job's template is immutable: read it, drop what the server set, add the secret, delete it, create it again. */
function recreateJobCommands(input: HandoffInput, secret: string | null, viaAccount: boolean): string[] {
  const { namespace, workload } = input;
  const name = workload?.name ?? '';
  const ns = `-n ${shellQuote(namespace)}`;
  const file = shellQuote(`job-${name}.json`);
  const fresh = shellQuote(`job-${name}.new.json`);
  const names = secret === null ? null : (withSecret(input.attached.template, secret) ?? input.attached.template);
  const patch = JSON.stringify({
    metadata: { uid: null, resourceVersion: null, creationTimestamp: null, generation: null, managedFields: null, labels: CONTROLLER_UID_NULLS },
    status: null,
    spec: { selector: null, template: { metadata: { labels: CONTROLLER_UID_NULLS }, ...(names ? { spec: { imagePullSecrets: names.map((entry) => ({ name: entry })) } } : {}) } },
  });
  const step = viaAccount ? '3' : '2';
  return [
    ...(viaAccount ? serviceAccountCommands(input, secretName(input.source)) : []),
    `# ${step}. Job ${name}'s pod template cannot change: save it, drop what the API server set (status, uid, the generated controller-uid selector and labels)${names ? `, add ${secret}` : ''},`,
    `#    delete the Job and its pods (background propagation, as the form does) and create it again. A Job with manualSelector: true keeps its selector: drop "selector":null from the patch.`,
    `kubectl ${ns} get job ${shellQuote(name)} -o json > ${file}`,
    `kubectl patch --local -f ${file} --type=merge -p ${shellQuote(patch)} -o json > ${fresh}`,
    `kubectl ${ns} delete job ${shellQuote(name)} --cascade=background`,
    `kubectl ${ns} create -f ${fresh}`,
  ];
}

/** The labels the API server derives from a Job's uid (batch/v1 PrepareForCreate): the new Job gets its own. */
const CONTROLLER_UID_NULLS = { 'batch.kubernetes.io/controller-uid': null, 'controller-uid': null };

/** A bare pod's spec cannot gain pull secrets: save it, add the secret, delete the pod and create it again unbound. */
function recreatePodCommands(input: HandoffInput, secret: string): string[] {
  const { namespace, pod } = input;
  const ns = `-n ${shellQuote(namespace)}`;
  const file = shellQuote(`pod-${pod}.json`);
  const fresh = shellQuote(`pod-${pod}.new.json`);
  const names = withSecret(input.attached.template, secret) ?? input.attached.template;
  const patch = JSON.stringify({
    metadata: { uid: null, resourceVersion: null, creationTimestamp: null, generation: null, managedFields: null, ownerReferences: null },
    status: null,
    spec: { nodeName: null, imagePullSecrets: names.map((name) => ({ name })) },
  });
  return [
    `# 2. A bare pod cannot gain pull secrets: save it, add ${secret}, delete it and create it again (left for the scheduler to place).`,
    `#    Its containers start over; logs and emptyDir data are lost.`,
    `kubectl ${ns} get pod ${shellQuote(pod)} -o json > ${file}`,
    `kubectl patch --local -f ${file} --type=merge -p ${shellQuote(patch)} -o json > ${fresh}`,
    `kubectl ${ns} delete pod ${shellQuote(pod)}`,
    `kubectl ${ns} create -f ${fresh}`,
  ];
}

// ---- YAML to commit --------------------------------------------------------------------------------------

function yamlFor(input: HandoffInput, secret: string): string {
  const documents: string[] = [];
  const secretDocument = secretYaml(input, secret);
  if (secretDocument) documents.push(secretDocument);
  documents.push(attachYaml(input, secret));
  return documents.join('---\n');
}

function secretYaml(input: HandoffInput, secret: string): string | null {
  const { source } = input;
  if (source.kind === 'existing') return null;
  if (source.kind === 'copy') {
    return `# Secret ${secret} in ${input.namespace}: the same data as ${source.fromNamespace}/${source.name}; commit it the way that one is kept\n# (encrypted: Sealed Secrets, SOPS or an External Secret), never in plain text.\n`;
  }
  const config = JSON.stringify({ auths: { [source.server.trim()]: { username: source.username, password: PASSWORD_PLACEHOLDER, ...(source.email ? { email: source.email } : {}) } } });
  const manifest = { apiVersion: 'v1', kind: 'Secret', metadata: { name: secret, namespace: input.namespace }, type: PULL_SECRET_TYPE, stringData: { '.dockerconfigjson': config } };
  return `# Secret ${secret}: fill in the password, and commit it only encrypted (Sealed Secrets, SOPS or an External Secret).\n${yamlText(manifest)}`;
}

function attachYaml(input: HandoffInput, secret: string): string {
  const { workload, target } = input;
  if (target === 'in-place') return `# ${workload ? `${workload.kind} ${workload.name}` : `Pod ${input.pod}`} already names ${secret}: nothing else changes.\n`;
  if (target === 'service-account') {
    const names = withSecret(input.attached.serviceAccount ?? [], secret) ?? input.attached.serviceAccount ?? [secret];
    return `# ServiceAccount ${input.serviceAccount} (namespace ${input.namespace}): its imagePullSecrets\n${yamlText({ imagePullSecrets: names.map((name) => ({ name })) })}`;
  }
  const names = withSecret(input.attached.template, secret) ?? input.attached.template;
  const list = { imagePullSecrets: names.map((name) => ({ name })) };
  if (workload === null) return `# Pod ${input.pod} (namespace ${input.namespace}): spec\n${yamlText({ spec: list })}`;
  const helm = input.management?.tool === 'Helm' || input.management?.evidence.startsWith('helm.toolkit') ? `# Most charts take this as a value: imagePullSecrets in values.yaml.\n` : '';
  const where = workload.kind === 'CronJob' ? 'spec.jobTemplate.spec.template.spec' : 'spec.template.spec';
  return `# ${workload.kind} ${workload.name} (namespace ${input.namespace}): its pod template, ${where}\n${helm}${yamlText(atTemplate(workload.kind, { spec: list }))}`;
}

// ---- Helpers ---------------------------------------------------------------------------------------------

/** The list with the secret added once; null when it is already there. */
function withSecret(existing: readonly string[], secret: string): string[] | null {
  return existing.includes(secret) ? null : [...existing, secret];
}

function atTemplate(kind: string, template: Record<string, unknown>): Record<string, unknown> {
  if (kind === 'CronJob') return { spec: { jobTemplate: { spec: { template } } } };
  return { spec: { template } };
}

function splitAt(text: string, marker: string, keep: string): [string, string] {
  const at = text.indexOf(marker);
  return [text.slice(0, at) + keep, text.slice(at + keep.length)];
}

function yamlText(value: unknown): string {
  return stringify(value, { lineWidth: 0 });
}

/** One argument for a POSIX shell, single-quoted unless it is plainly safe. */
export function shellQuote(text: string): string {
  if (/^[A-Za-z0-9_./:=@%+,-]+$/.test(text)) return text;
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
