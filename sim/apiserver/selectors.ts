import type { KubeObject } from '../store';
import { badRequest } from './status';

/**
 * `labelSelector` and `fieldSelector` as the API server parses and applies them (apimachinery `labels.Parse`,
 * `fields.ParseSelector`, and each type's field-label conversion).
 */

export type LabelOperator = 'exists' | 'doesNotExist' | '=' | '!=' | 'in' | 'notin' | 'gt' | 'lt';

export interface LabelRequirement {
  key: string;
  operator: LabelOperator;
  values: string[];
}

export interface FieldRequirement {
  field: string;
  operator: '=' | '!=';
  value: string;
}

/** Parses a label selector; every requirement must hold (comma means AND). Throws a 400 ApiError. */
export function parseLabelSelector(text: string): LabelRequirement[] {
  const tokens = lexLabelSelector(text);
  const requirements: LabelRequirement[] = [];
  let position = 0;
  const next = () => tokens[position++];
  const peek = () => tokens[position];
  const fail = (detail: string) => {
    throw badRequest(`unable to parse requirement: ${detail}`);
  };

  while (position < tokens.length) {
    let token = next();
    let negated = false;
    if (token?.type === '!') {
      negated = true;
      token = next();
    }
    if (token?.type !== 'identifier') fail(`found '${token?.text ?? ''}', expected: identifier`);
    const key = token!.text;
    checkLabelKey(key, fail);
    const operatorToken = peek();
    if (negated) {
      requirements.push({ key, operator: 'doesNotExist', values: [] });
    } else if (!operatorToken || operatorToken.type === ',') {
      requirements.push({ key, operator: 'exists', values: [] });
    } else {
      next();
      const operator = labelOperator(operatorToken.type, operatorToken.text, fail);
      if (operator === 'in' || operator === 'notin') {
        if (next()?.type !== '(') fail(`found '${tokens[position - 1]?.text ?? ''}', expected: '('`);
        const values: string[] = [];
        for (;;) {
          const value = next();
          if (value?.type === ')' && values.length === 0) break;
          if (value?.type !== 'identifier') fail(`found '${value?.text ?? ''}', expected: identifier`);
          checkLabelValue(value!.text, fail);
          values.push(value!.text);
          const separator = next();
          if (separator?.type === ')') break;
          if (separator?.type !== ',') fail(`found '${separator?.text ?? ''}', expected: ',' or ')'`);
        }
        if (values.length === 0) fail(`for 'in', 'notin' operators, values set can't be empty`);
        requirements.push({ key, operator, values });
      } else {
        const value = peek();
        let text = '';
        if (value?.type === 'identifier') {
          text = value.text;
          next();
        }
        checkLabelValue(text, fail);
        if ((operator === 'gt' || operator === 'lt') && !/^-?\d+$/.test(text)) {
          fail(`for 'Gt', 'Lt' operators, the value must be an integer`);
        }
        requirements.push({ key, operator, values: [text] });
      }
    }
    const separator = next();
    if (separator && separator.type !== ',') fail(`found '${separator.text}', expected: ',' or 'end of string'`);
    if (separator && position >= tokens.length) fail(`found '', expected: identifier`);
  }
  return requirements;
}

export function matchesLabels(requirements: LabelRequirement[], labels: Record<string, string> | undefined): boolean {
  return requirements.every((requirement) => {
    const value = labels?.[requirement.key];
    switch (requirement.operator) {
      case 'exists':
        return value !== undefined;
      case 'doesNotExist':
        return value === undefined;
      case '=':
      case 'in':
        return value !== undefined && requirement.values.includes(value);
      case '!=':
      case 'notin':
        return value === undefined || !requirement.values.includes(value);
      case 'gt':
      case 'lt': {
        if (value === undefined || !/^-?\d+$/.test(value)) return false;
        const bound = Number(requirement.values[0]);
        return requirement.operator === 'gt' ? Number(value) > bound : Number(value) < bound;
      }
    }
  });
}

/** Parses a field selector (`k=v`, `k==v`, `k!=v`, comma for AND, backslash escapes). Throws a 400 ApiError. */
export function parseFieldSelector(text: string): FieldRequirement[] {
  if (text.trim() === '') return [];
  return splitUnescaped(text, ',').map((term) => {
    const operatorMatch = findUnescapedOperator(term);
    if (!operatorMatch) throw badRequest(`invalid selector: '${text}'; can't understand '${term}'`);
    const field = term.slice(0, operatorMatch.index).trim();
    const value = unescapeFieldValue(term.slice(operatorMatch.index + operatorMatch.operator.length));
    return { field, operator: operatorMatch.operator === '!=' ? '!=' : '=', value };
  });
}

/**
 * Rejects fields the resource cannot select on, with the real server's words: types that register their own
 * field-label conversion say `field label not supported`, the rest list the two generic fields.
 */
export function checkFieldSelector(resource: string, requirements: FieldRequirement[]): void {
  const extra = EXTRA_FIELDS[resource];
  for (const requirement of requirements) {
    if (GENERIC_FIELDS.includes(requirement.field) || extra?.[requirement.field]) continue;
    if (extra) throw badRequest(`field label not supported: ${requirement.field}`);
    throw badRequest(`"${requirement.field}" is not a known field selector: only "metadata.name", "metadata.namespace"`);
  }
}

export function matchesFields(resource: string, object: KubeObject, requirements: FieldRequirement[]): boolean {
  return requirements.every((requirement) => {
    const actual = fieldValue(resource, object, requirement.field);
    return requirement.operator === '=' ? actual === requirement.value : actual !== requirement.value;
  });
}

const GENERIC_FIELDS = ['metadata.name', 'metadata.namespace'];

type FieldExtractor = (object: KubeObject) => unknown;

const at =
  (...path: string[]): FieldExtractor =>
  (object) => {
    let current: unknown = object;
    for (const key of path) {
      if (current === null || typeof current !== 'object') return undefined;
      current = (current as Record<string, unknown>)[key];
    }
    return current;
  };

const EXTRA_FIELDS: Record<string, Record<string, FieldExtractor>> = {
  pods: {
    'spec.nodeName': at('spec', 'nodeName'),
    'spec.restartPolicy': at('spec', 'restartPolicy'),
    'spec.schedulerName': at('spec', 'schedulerName'),
    'spec.serviceAccountName': at('spec', 'serviceAccountName'),
    'spec.hostNetwork': (pod) => String(at('spec', 'hostNetwork')(pod) === true),
    'status.phase': at('status', 'phase'),
    'status.podIP': at('status', 'podIP'),
    'status.nominatedNodeName': at('status', 'nominatedNodeName'),
  },
  events: {
    'involvedObject.kind': at('involvedObject', 'kind'),
    'involvedObject.namespace': at('involvedObject', 'namespace'),
    'involvedObject.name': at('involvedObject', 'name'),
    'involvedObject.uid': at('involvedObject', 'uid'),
    'involvedObject.apiVersion': at('involvedObject', 'apiVersion'),
    'involvedObject.resourceVersion': at('involvedObject', 'resourceVersion'),
    'involvedObject.fieldPath': at('involvedObject', 'fieldPath'),
    reason: at('reason'),
    reportingComponent: at('reportingComponent'),
    source: at('source', 'component'),
    type: at('type'),
  },
  secrets: { type: at('type') },
  namespaces: { 'status.phase': at('status', 'phase') },
  nodes: { 'spec.unschedulable': (node) => String(at('spec', 'unschedulable')(node) === true) },
  replicasets: { 'status.replicas': (replicaSet) => String(at('status', 'replicas')(replicaSet) ?? 0) },
  jobs: { 'status.successful': (job) => String(at('status', 'successful')(job) ?? 0) },
};

function fieldValue(resource: string, object: KubeObject, field: string): string {
  if (field === 'metadata.name') return object.metadata.name;
  if (field === 'metadata.namespace') return object.metadata.namespace ?? '';
  const value = EXTRA_FIELDS[resource]?.[field]?.(object);
  return value === undefined || value === null ? '' : String(value);
}

interface Token {
  type: 'identifier' | '!' | '=' | '==' | '!=' | '(' | ')' | ',' | '>' | '<' | 'in' | 'notin';
  text: string;
}

function lexLabelSelector(text: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < text.length) {
    const char = text[index]!;
    if (/\s/.test(char)) {
      index += 1;
      continue;
    }
    const two = text.slice(index, index + 2);
    if (two === '==' || two === '!=') {
      tokens.push({ type: two, text: two });
      index += 2;
      continue;
    }
    if ('!=(),<>'.includes(char)) {
      tokens.push({ type: char as Token['type'], text: char });
      index += 1;
      continue;
    }
    let end = index;
    while (end < text.length && !/[\s!=(),<>]/.test(text[end]!)) end += 1;
    const word = text.slice(index, end);
    tokens.push({ type: word === 'in' || word === 'notin' ? word : 'identifier', text: word });
    index = end;
  }
  // `in`/`notin` are keywords only where an operator is expected; elsewhere they are plain keys or values.
  return tokens.map((token, i) =>
    (token.type === 'in' || token.type === 'notin') && tokens[i - 1]?.type !== 'identifier' ? { type: 'identifier', text: token.text } : token,
  );
}

function labelOperator(type: Token['type'], text: string, fail: (detail: string) => never): LabelOperator {
  switch (type) {
    case '=':
    case '==':
      return '=';
    case '!=':
      return '!=';
    case 'in':
      return 'in';
    case 'notin':
      return 'notin';
    case '>':
      return 'gt';
    case '<':
      return 'lt';
    default:
      return fail(`found '${text}', expected: in, notin, =, ==, !=, gt, lt`);
  }
}

const LABEL_NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function checkLabelKey(key: string, fail: (detail: string) => never): void {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : null;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== null && (prefix.length === 0 || prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) {
    fail(`Invalid value: "${key}": prefix part must be a lowercase RFC 1123 subdomain`);
  }
  if (name.length === 0 || name.length > 63 || !LABEL_NAME.test(name)) {
    fail(
      `Invalid value: "${key}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
    );
  }
}

function checkLabelValue(value: string, fail: (detail: string) => never): void {
  if (value === '') return;
  if (value.length > 63 || !LABEL_NAME.test(value)) {
    fail(
      `Invalid value: "${value}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
    );
  }
}

function splitUnescaped(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index]!;
    if (char === '\\' && index + 1 < text.length) {
      current += char + text[index + 1];
      index += 1;
    } else if (char === separator) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts;
}

function findUnescapedOperator(term: string): { index: number; operator: '=' | '==' | '!=' } | null {
  for (let index = 0; index < term.length; index += 1) {
    const char = term[index];
    if (char === '\\') {
      index += 1;
      continue;
    }
    if (char === '!' && term[index + 1] === '=') return { index, operator: '!=' };
    if (char === '=') return { index, operator: term[index + 1] === '=' ? '==' : '=' };
  }
  return null;
}

function unescapeFieldValue(value: string): string {
  return value.replace(/\\(.)/g, '$1');
}
