/**
 * Partial-result warnings folded for reading: the same warning about eighteen namespaces is one line that says
 * "in 18 namespaces", with the namespaces one click away. Pure, for the pages and the tests.
 */
import type { ApiWarning } from './api/types';

export interface FoldedWarning {
  /** Stable across refreshes: a React key. */
  key: string;
  code: ApiWarning['code'];
  message: string;
  /** The namespaces folded into this line, in the order the API listed them; empty for a single warning. */
  namespaces: string[];
}

/**
 * Folds warnings whose messages differ only in the namespace they name, keeping the first one's place.
 * A warning whose message does not name its namespace the way the API writes it stays on its own line.
 */
export function foldWarnings(warnings: readonly ApiWarning[]): FoldedWarning[] {
  const folds = new Map<string, { first: ApiWarning; template: string | null; namespaces: string[] }>();
  warnings.forEach((warning, index) => {
    const template = namespaceTemplate(warning);
    const key = template === null ? `single:${index}:${warning.code}:${warning.message}` : `${warning.code}:${template}`;
    const fold = folds.get(key);
    if (fold) fold.namespaces.push(warning.namespace!);
    else folds.set(key, { first: warning, template, namespaces: warning.namespace === null ? [] : [warning.namespace] });
  });
  return [...folds.entries()].map(([key, { first, template, namespaces }]) =>
    template !== null && namespaces.length > 1
      ? { key, code: first.code, message: template.replace(NAMESPACE_SLOT, `in ${namespaces.length} namespaces`), namespaces }
      : { key, code: first.code, message: first.message, namespaces: [] },
  );
}

const NAMESPACE_SLOT = '\u0000namespace\u0000';

function namespaceTemplate(warning: ApiWarning): string | null {
  if (warning.namespace === null) return null;
  const named = `in namespace "${warning.namespace}"`;
  return warning.message.includes(named) ? warning.message.replace(named, NAMESPACE_SLOT) : null;
}
