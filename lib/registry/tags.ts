import 'server-only';
/** Reading a `tags/list` page: its tags, and the next page its `Link` header points to. */
import type { RegistryFailure } from './errors';
import { headerValue, isObject } from './reply';
import type { HttpReply } from './transport';

export interface TagListSuccess {
  ok: true;
  registry: string;
  repository: string;
  tags: string[];
  /** False when the page budget ran out (or the next page was on another origin) before the last page. */
  complete: boolean;
}

export type TagListResult = TagListSuccess | RegistryFailure;

export function tagsOf(document: unknown): string[] {
  const tags = isObject(document) ? document.tags : undefined;
  return Array.isArray(tags) ? tags.filter((tag): tag is string => typeof tag === 'string') : [];
}

/** RFC 8288 `Link: </v2/…/tags/list?n=1&last=a>; rel="next"`; a next page on another origin is not followed. */
export function nextPage(reply: HttpReply, origin: string): URL | null {
  const link = headerValue(reply, 'link');
  if (link === null) return null;
  for (const part of link.split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (match === null || !/;\s*rel="?next"?/i.test(match[2] ?? '')) continue;
    const next = new URL(match[1] ?? '', reply.url);
    return next.origin === origin ? next : null;
  }
  return null;
}
