import { useQuery, useQueryClient, type UseQueryResult } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { FailuresResponse } from '../api/types';
import { applyStreamMessage, unpackStreamMessage, type PackedStreamMessage } from '../failures-stream';
import { failuresQuery, REFRESH_INTERVAL_MS } from './index';
import { clusterKeys } from './keys';
import { apiPaths } from './paths';

/**
 * Where the page's failures come from: the server's event stream (`live`), the stream being re-opened after a
 * break (`reconnecting`, the page polls meanwhile), or polling alone when the stream cannot be had.
 */
export type StreamStatus = 'connecting' | 'live' | 'reconnecting' | 'polling';

/** After the server refused the stream, it is tried again this much later; the page polls in between. */
const STREAM_RETRY_MS = 30_000;

/**
 * The failures query fed by the stream: every message is applied to react-query's cached answer in place
 * (`setQueryData`), so rows that did not change keep their objects and do not re-render. The query polls only
 * while the stream is not live, or while the cluster cannot be read (to show why, as a refresh error does).
 */
export function useLiveFailures(context: string, namespace: string | null): { failures: UseQueryResult<FailuresResponse>; stream: StreamStatus } {
  const queryClient = useQueryClient();
  const streamKey = apiPaths.failuresStream(context, namespace);
  // Per stream: a page that switches namespace starts again from 'connecting', without an effect resetting it.
  const [state, setState] = useState<{ key: string; stream: StreamStatus; outage: boolean }>({ key: streamKey, stream: 'connecting', outage: false });
  const { stream, outage } = state.key === streamKey ? state : { stream: 'connecting' as const, outage: false };

  useEffect(() => {
    const key = clusterKeys.failures(context, namespace);
    const update = (change: Partial<{ stream: StreamStatus; outage: boolean }>) =>
      setState((now) => ({ ...(now.key === streamKey ? now : { stream: 'connecting' as const, outage: false }), ...change, key: streamKey }));
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | null = null;
    const apply = (event: MessageEvent<string>) => {
      const message = unpackStreamMessage(JSON.parse(event.data) as PackedStreamMessage);
      queryClient.setQueryData<FailuresResponse>(key, (current) => applyStreamMessage(current, message));
    };
    const open = () => {
      source = new EventSource(streamKey);
      source.addEventListener('snapshot', apply);
      source.addEventListener('changes', apply);
      source.addEventListener('outage', (event: MessageEvent<string>) => update({ outage: JSON.parse(event.data) !== null }));
      source.onopen = () => update({ stream: 'live' });
      source.onerror = () => {
        // EventSource reconnects by itself (with Last-Event-ID) unless the server answered with an error.
        if (source?.readyState !== EventSource.CLOSED) {
          update({ stream: 'reconnecting' });
          return;
        }
        source.close();
        update({ stream: 'polling' });
        retry = setTimeout(open, STREAM_RETRY_MS);
      };
    };
    open();
    return () => {
      source?.close();
      if (retry) clearTimeout(retry);
    };
  }, [context, namespace, streamKey, queryClient]);

  const polls = stream === 'reconnecting' || stream === 'polling' || outage;
  const failures = useQuery({
    ...failuresQuery(context, namespace),
    // An error on screen keeps the page polling until a read succeeds again and clears it.
    enabled: (query) => polls || query.state.status === 'error',
    refetchInterval: (query) => (polls || query.state.status === 'error' ? REFRESH_INTERVAL_MS : false),
  });
  return { failures, stream };
}
