import { realClock, type Clock } from '../clock';
import type { KubeObject, ObjectStore } from '../store';
import { timestamp } from './objects';

export interface EventSource {
  component: string;
  host?: string;
}

export interface EventDetails {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  /** `spec.containers{name}` and the like, when the event is about one container of a pod. */
  fieldPath?: string;
}

/**
 * client-go's event recorder as the kubelet and controllers use it: a repeat of the same event (same object,
 * field path, type, reason, message and source) does not create a new Event but bumps `count` and
 * `lastTimestamp` on the existing one, keeping `firstTimestamp`.
 */
export class EventRecorder {
  private readonly seen = new Map<string, { namespace: string; name: string }>();

  constructor(
    private readonly store: ObjectStore,
    private readonly source: EventSource,
    private readonly clock: Clock = realClock,
  ) {}

  record(involved: KubeObject, details: EventDetails): KubeObject {
    const namespace = involved.metadata.namespace ?? 'default';
    const key = aggregationKey(involved, details, this.source);
    const known = this.seen.get(key);
    const existing = known && this.store.get('events', known.namespace, known.name);
    const at = this.clock.now();
    const now = timestamp(at);
    if (existing) {
      return this.store.update('events', { ...existing, count: Number(existing.count ?? 1) + 1, lastTimestamp: now });
    }
    const name = `${involved.metadata.name}.${uniqueSuffix(at)}`;
    this.seen.set(key, { namespace, name });
    return this.store.create('events', {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: {
        kind: involved.kind,
        namespace: involved.metadata.namespace,
        name: involved.metadata.name,
        uid: involved.metadata.uid,
        apiVersion: involved.apiVersion,
        resourceVersion: involved.metadata.resourceVersion,
        ...(details.fieldPath ? { fieldPath: details.fieldPath } : {}),
      },
      reason: details.reason,
      message: details.message,
      source: { ...this.source },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type: details.type,
      eventTime: null,
      reportingComponent: this.source.component,
      reportingInstance: this.source.host ?? '',
    });
  }
}

/**
 * Event names are `<object>.<hex of the creation time in nanoseconds>`; the clock only has milliseconds, so
 * a process-wide sequence fills the nanoseconds and keeps names from different recorders apart.
 */
function uniqueSuffix(at: number): string {
  sequence = (sequence + 1) % 1_000_000;
  return (BigInt(at) * 1_000_000n + BigInt(sequence)).toString(16);
}

let sequence = 0;

function aggregationKey(involved: KubeObject, details: EventDetails, source: EventSource): string {
  return JSON.stringify([
    source.component,
    source.host ?? '',
    involved.kind,
    involved.metadata.namespace ?? '',
    involved.metadata.name,
    involved.metadata.uid ?? '',
    details.fieldPath ?? '',
    details.type,
    details.reason,
    details.message,
  ]);
}
