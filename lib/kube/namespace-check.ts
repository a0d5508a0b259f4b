import 'server-only';

import { ApiError } from '../api/errors';
import { closeMatches } from '../close-matches';
import type { KubeClients } from './config';
import { getNamespace, listNamespaceNames, unlessRefused } from './reads';

/**
 * An empty answer for a namespace that does not exist is an error, not "no failures": a typo ('shopp') must
 * not read as a healthy namespace. Says which names were probably meant. Where the user may not read
 * namespaces, nothing can be told and the empty answer stands.
 */
export async function assertNamespaceExists(clients: KubeClients, namespace: string): Promise<void> {
  const exists = await getNamespace(clients, namespace).then(
    () => true,
    (error: unknown) => {
      if (error instanceof ApiError && error.code === 'not-found') return false;
      if (error instanceof ApiError && error.code === 'forbidden') return true;
      throw error;
    },
  );
  if (exists) return;
  const known = (await unlessRefused(listNamespaceNames(clients), 'forbidden')) ?? [];
  const suggestions = closeMatches(namespace, known);
  const hint = suggestions.length > 0 ? `; did you mean ${suggestions.join(' or ')}?` : '';
  throw new ApiError('not-found', 404, `namespace "${namespace}" does not exist in context "${clients.context}"${hint}`, 'NotFound');
}
