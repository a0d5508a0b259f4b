/**
 * A link that opens a pod's fix form filled in: which container, where the credentials come from, the secret's
 * name, the target, the registry server and the username — never a credential. Parsed field by field, so one bad
 * value is dropped with a note and the rest still fill the form. Pure, for the panel and its tests.
 */
import { z } from 'zod';
import { boundedText, containerName, namespaceName, secretName } from './api/validation';
import type { FixOptions, InitialChoice } from './fix-plan';

export interface FixPrefill {
  container?: string;
  source?: 'new' | 'existing' | 'copy';
  /** The new secret's name, the existing secret, or the secret to copy. */
  secret?: string;
  /** The copy's namespace. */
  from?: string;
  target?: 'workload' | 'service-account' | 'recreate-pod' | 'in-place';
  server?: string;
  username?: string;
}

export interface ParsedFixLink {
  prefill: FixPrefill;
  /** One plain sentence per value that was left out; empty when the link had none. */
  ignored: string[];
}

const FIELDS = {
  container: containerName,
  source: z.enum(['new', 'existing', 'copy']),
  secret: secretName,
  from: namespaceName,
  target: z.enum(['workload', 'service-account', 'recreate-pod', 'in-place']),
  server: boundedText('registry server', 1024).trim().min(1, 'the registry server is empty'),
  username: boundedText('username', 256).min(1, 'the username is empty'),
} satisfies { [Key in keyof FixPrefill]-?: z.ZodType<FixPrefill[Key]> };

type Field = keyof typeof FIELDS;

/** Query parameters that would put a credential in a URL (browser history, proxy logs, Referer): never read. */
const CREDENTIAL_PARAMS = ['password', 'token', 'auth', 'secret-value', 'identitytoken', 'registrytoken'];

export function parseFixLink(search: URLSearchParams): ParsedFixLink {
  const prefill: Record<string, string> = {};
  const ignored: string[] = [];
  for (const key of new Set(search.keys())) {
    if (CREDENTIAL_PARAMS.includes(key.toLowerCase())) {
      ignored.push(`"${key}" was ignored: a link never carries credentials; type them into the form.`);
      continue;
    }
    if (!(key in FIELDS)) continue;
    const field = key as Field;
    const values = search.getAll(field);
    const parsed = FIELDS[field].safeParse(values[0]);
    if (values.length > 1) ignored.push(`"${field}" was given ${values.length} times; the form keeps none of them.`);
    else if (parsed.success) prefill[field] = parsed.data;
    else ignored.push(`"${field}" was ignored: ${parsed.error.issues[0]?.message ?? 'not a valid value'}.`);
  }
  if (prefill.source === 'copy' && prefill.from === undefined && prefill.secret !== undefined) {
    ignored.push('"secret" was ignored: a copy needs "from", the namespace to copy it from.');
    delete prefill.secret;
  }
  return { prefill: prefill as FixPrefill, ignored };
}

/** The query string (with its "?") and the #fix anchor that open the form as `prefill` says. */
export function fixLinkQuery(prefill: FixPrefill): string {
  const search = new URLSearchParams();
  for (const field of Object.keys(FIELDS) as Field[]) {
    const value = prefill[field];
    if (value) search.set(field, value);
  }
  return `?${search}#fix`;
}

/**
 * The form's starting point with the link's choices laid over it; a choice this pod's options do not offer is
 * left out with a note (the options decide what is offered, a link only picks among them).
 */
export function withPrefill(initial: InitialChoice, options: FixOptions, prefill: FixPrefill): { initial: InitialChoice; ignored: string[] } {
  const ignored: string[] = [];
  let next: InitialChoice = { ...initial };
  if (prefill.source === 'existing' && prefill.secret !== undefined) {
    if (options.sources.existing.some((choice) => choice.name === prefill.secret)) next = { ...next, source: 'existing', existingName: prefill.secret };
    else ignored.push(`secret ${prefill.secret} is not among this namespace's secrets for ${options.registry} that you may see.`);
  } else if (prefill.source === 'copy' && prefill.secret !== undefined && prefill.from !== undefined) {
    const { secret, from } = prefill;
    if (options.sources.copies.some((choice) => choice.name === secret && choice.namespace === from)) next = { ...next, source: 'copy', copy: { namespace: from, name: secret } };
    else ignored.push(`${from}/${secret} is not among the secrets for ${options.registry} you may copy.`);
  } else if (prefill.source === 'new' || (prefill.source === undefined && (prefill.secret ?? prefill.server ?? prefill.username) !== undefined)) {
    next = { ...next, source: 'new', newName: prefill.secret ?? next.newName, server: prefill.server, username: prefill.username };
  }
  if (prefill.target !== undefined) {
    if (options.targets.some((choice) => choice.kind === prefill.target)) next = { ...next, target: prefill.target };
    else ignored.push(`the target "${prefill.target}" does not apply to this pod.`);
  }
  return { initial: next, ignored };
}
