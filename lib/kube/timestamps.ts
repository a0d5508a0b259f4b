import 'server-only';

/** client-node turns timestamps into Dates; the API shows them as the API server wrote them, in whole seconds. */
export function isoTime(timestamp: Date | string | null | undefined): string | null {
  if (timestamp === undefined || timestamp === null) return null;
  const text = timestamp instanceof Date ? timestamp.toISOString() : timestamp;
  return text.replace(/\.000Z$/, 'Z');
}
