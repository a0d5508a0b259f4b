import type { ServerResponse } from 'node:http';
import type { Clock, ClockTimer } from '../clock';
import { StoreError, type KubeObject, type StoreEvent, type WatchEventType } from '../store';
import { listFilter, storeNamespace, wantsTable, type ResourceRequest } from './handlers';
import { expired } from './status';
import { toTable } from './table';

/**
 * A watch stream: headers flushed at once (client-node waits for them), then one `{"type","object"}` JSON per
 * line. Objects that stop matching the selectors leave the stream as DELETED, as the watch cache reports them.
 * Resuming from a resourceVersion replays the store's history; one too old for it ends in an ERROR 410 event.
 */
export function serveWatch(request: ResourceRequest, response: ServerResponse, clock: Clock): () => void {
  const { info, query, store } = request;
  const selected = listFilter(info, query);
  // A watch on an object's own path (an older client form) is a watch of the collection narrowed to that name.
  const matches = (object: KubeObject) => selected(object) && (!info.name || object.metadata.name === info.name);
  const namespace = storeNamespace(info);
  const asTable = wantsTable(request.accept);
  let sentColumns = false;

  response.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
  response.flushHeaders();

  const send = (type: WatchEventType | 'ERROR', object: unknown) => {
    let payload = object;
    if (asTable && type !== 'ERROR') {
      payload = toTable(info.resource, [object as KubeObject], { resourceVersion: (object as KubeObject).metadata.resourceVersion }, new Date(clock.now()), {
        withColumns: !sentColumns,
      });
      sentColumns = true;
    }
    response.write(`${JSON.stringify({ type, object: payload })}\n`);
  };

  const inScope = (object: KubeObject) => namespace === undefined || object.metadata.namespace === namespace;
  const current = request.lists.list(info.resource, namespace).filter(matches);
  const matching = new Set(current.map(key));
  const onEvent = (event: StoreEvent) => {
    if (event.resource !== info.resource || !inScope(event.object)) return;
    const objectKey = key(event.object);
    if (matches(event.object)) {
      if (event.type === 'DELETED') matching.delete(objectKey);
      else matching.add(objectKey);
      send(event.type, event.object);
    } else if (matching.delete(objectKey)) {
      send('DELETED', event.object);
    }
  };

  const since = query.get('resourceVersion') ?? '';
  let unsubscribe: () => void = () => undefined;
  try {
    if (since === '' || since === '0') {
      for (const object of current) send('ADDED', object);
      unsubscribe = store.watch(onEvent);
    } else {
      unsubscribe = store.watch(onEvent, since);
    }
  } catch (error) {
    if (!(error instanceof StoreError) || error.reason !== 'Gone') throw error;
    send('ERROR', expired(error.message).toStatus());
    response.end();
    return () => undefined;
  }

  let timer: ClockTimer | undefined;
  const stop = () => {
    clock.clearTimeout(timer);
    unsubscribe();
    if (!response.writableEnded) response.end();
  };
  const timeoutSeconds = Number(query.get('timeoutSeconds') ?? '0');
  if (Number.isFinite(timeoutSeconds) && timeoutSeconds > 0) timer = clock.setTimeout(stop, timeoutSeconds * 1000);
  response.on('close', stop);
  return stop;
}

function key(object: KubeObject): string {
  return `${object.metadata.namespace ?? ''}/${object.metadata.name}`;
}
