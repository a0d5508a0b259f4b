'use client';

import { useCallback, useSyncExternalStore } from 'react';

/**
 * Whether a media query matches, following changes. The server cannot know the viewport: it renders
 * `serverDefault`, and the first client render after hydration switches if the query says otherwise.
 */
export function useMediaQuery(query: string, serverDefault: boolean): boolean {
  const subscribe = useCallback(
    (onChange: () => void) => {
      const list = window.matchMedia(query);
      list.addEventListener('change', onChange);
      return () => list.removeEventListener('change', onChange);
    },
    [query],
  );
  return useSyncExternalStore(
    subscribe,
    () => window.matchMedia(query).matches,
    () => serverDefault,
  );
}
