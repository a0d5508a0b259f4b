import type { KubeObject } from '../store';

/**
 * `meta.k8s.io/v1` Table responses, the server-side printing kubectl asks for on `get`. The pod columns follow
 * kubectl's pod printer (`printPod` in kubernetes/pkg/printers/internalversion), so STATUS shows the waiting
 * reason (ImagePullBackOff, ErrImagePull, Init:ErrImagePull) the way a real cluster shows it.
 */

export interface TableColumn {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

export interface TableRow {
  cells: unknown[];
  object: { kind: 'PartialObjectMetadata'; apiVersion: 'meta.k8s.io/v1'; metadata: KubeObject['metadata'] };
}

export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1';
  metadata: { resourceVersion?: string; continue?: string };
  columnDefinitions: TableColumn[];
  rows: TableRow[];
}

export function toTable(
  resource: string,
  objects: KubeObject[],
  listMeta: Table['metadata'],
  now: Date,
  options: { withColumns?: boolean } = {},
): Table {
  const printer = PRINTERS[resource] ?? GENERIC_PRINTER;
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: options.withColumns === false ? [] : printer.columns,
    rows: objects.map((object) => ({
      cells: printer.cells(object, now),
      object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: object.metadata },
    })),
  };
}

/** The pod STATUS cell: the phase, overridden by init and container states as kubectl's printer does. */
export function podStatusReason(pod: KubeObject): string {
  const spec = record(pod.spec);
  const status = record(pod.status);
  let reason = str(status.reason) || str(status.phase);
  let initializing = false;
  const initStatuses = list(status.initContainerStatuses);
  const initContainers = list(spec.initContainers);
  for (const [index, containerStatus] of initStatuses.entries()) {
    const state = record(containerStatus.state);
    const terminated = state.terminated === undefined ? undefined : record(state.terminated);
    const waiting = state.waiting === undefined ? undefined : record(state.waiting);
    if (terminated && Number(terminated.exitCode ?? 0) === 0) continue;
    if (terminated) {
      reason = str(terminated.reason)
        ? `Init:${str(terminated.reason)}`
        : Number(terminated.signal ?? 0) !== 0
          ? `Init:Signal:${Number(terminated.signal)}`
          : `Init:ExitCode:${Number(terminated.exitCode ?? 0)}`;
    } else if (waiting && str(waiting.reason) && str(waiting.reason) !== 'PodInitializing') {
      reason = `Init:${str(waiting.reason)}`;
    } else {
      reason = `Init:${index}/${initContainers.length}`;
    }
    initializing = true;
    break;
  }
  if (!initializing || hasCondition(status, 'Initialized')) {
    let hasRunning = false;
    const containerStatuses = list(status.containerStatuses);
    for (let index = containerStatuses.length - 1; index >= 0; index -= 1) {
      const containerStatus = containerStatuses[index]!;
      const state = record(containerStatus.state);
      const waiting = state.waiting === undefined ? undefined : record(state.waiting);
      const terminated = state.terminated === undefined ? undefined : record(state.terminated);
      if (waiting && str(waiting.reason)) {
        reason = str(waiting.reason);
      } else if (terminated && str(terminated.reason)) {
        reason = str(terminated.reason);
      } else if (terminated) {
        reason = Number(terminated.signal ?? 0) !== 0 ? `Signal:${Number(terminated.signal)}` : `ExitCode:${Number(terminated.exitCode ?? 0)}`;
      } else if (containerStatus.ready === true && state.running !== undefined) {
        hasRunning = true;
      }
    }
    if (reason === 'Completed' && hasRunning) reason = hasCondition(status, 'Ready') ? 'Running' : 'NotReady';
  }
  if (pod.metadata.deletionTimestamp && str(status.reason) === 'NodeLost') reason = 'Unknown';
  else if (pod.metadata.deletionTimestamp && reason !== 'Succeeded' && reason !== 'Failed') reason = 'Terminating';
  return reason;
}

/** Kubernetes' `HumanDuration`, which kubectl shows in AGE columns. */
export function humanDuration(milliseconds: number): string {
  const seconds = Math.floor(milliseconds / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) return hours % 24 === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const days = Math.floor(hours / 24) % 365;
    return days === 0 ? `${Math.floor(hours / 24 / 365)}y` : `${Math.floor(hours / 24 / 365)}y${days}d`;
  }
  return `${Math.floor(hours / 24 / 365)}y`;
}

interface Printer {
  columns: TableColumn[];
  cells(object: KubeObject, now: Date): unknown[];
}

function column(name: string, description: string, priority = 0, format = ''): TableColumn {
  return { name, type: 'string', format: name === 'Name' ? 'name' : format, description, priority };
}

const NAME = column('Name', 'Name must be unique within a namespace.');
const AGE = column('Age', 'CreationTimestamp is a timestamp representing the server time when this object was created.');

const GENERIC_PRINTER: Printer = {
  columns: [NAME, AGE],
  cells: (object, now) => [object.metadata.name, age(object.metadata.creationTimestamp, now)],
};

const PRINTERS: Record<string, Printer> = {
  pods: {
    columns: [
      NAME,
      column('Ready', 'The aggregate readiness state of this pod for accepting traffic.'),
      column('Status', 'The aggregate status of the containers in this pod.'),
      column('Restarts', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
      AGE,
      column('IP', 'IP address allocated to the pod.', 1),
      column('Node', 'Name of the node this pod is running on.', 1),
      column('Nominated Node', 'Name of the node this pod is nominated to run on.', 1),
      column('Readiness Gates', 'All readiness gates of this pod.', 1),
    ],
    cells: (pod, now) => {
      const spec = record(pod.spec);
      const status = record(pod.status);
      const statuses = list(status.containerStatuses);
      const ready = statuses.filter((containerStatus) => containerStatus.ready === true && record(containerStatus.state).running !== undefined).length;
      return [
        pod.metadata.name,
        `${ready}/${list(spec.containers).length}`,
        podStatusReason(pod),
        restartsCell([...list(status.initContainerStatuses), ...statuses], now),
        age(pod.metadata.creationTimestamp, now),
        str(status.podIP) || '<none>',
        str(spec.nodeName) || '<none>',
        str(status.nominatedNodeName) || '<none>',
        '<none>',
      ];
    },
  },
  events: {
    columns: [
      column('Last Seen', 'Time since the most recent occurrence of this event.'),
      column('Type', 'Type of this event (Normal, Warning).'),
      column('Reason', 'Why the action was taken.'),
      column('Object', 'The object this event is about.'),
      column('Subobject', 'The subcomponent this event is about.', 1),
      column('Source', 'Who emitted this event.', 1),
      column('Message', 'A human-readable description of the status of this operation.'),
      column('First Seen', 'Time since the first occurrence of this event.', 1),
      column('Count', 'The number of times this event has occurred.', 1),
      column('Name', 'The name of this event.', 1),
    ],
    cells: (event, now) => {
      const involved = record(event.involvedObject);
      const first = str(event.firstTimestamp) || str(event.eventTime) || event.metadata.creationTimestamp;
      const last = str(event.lastTimestamp) || first;
      const count = Number(event.count ?? 1);
      const lastSeen = count > 1 ? `${age(last, now)} (x${count} over ${age(first, now)})` : age(last, now);
      const source = record(event.source);
      return [
        lastSeen,
        str(event.type),
        str(event.reason),
        `${str(involved.kind).toLowerCase()}/${str(involved.name)}`,
        str(involved.fieldPath),
        [str(source.component), str(source.host)].filter(Boolean).join(', '),
        str(event.message).trim(),
        age(first, now),
        count,
        event.metadata.name,
      ];
    },
  },
  deployments: {
    columns: [
      NAME,
      column('Ready', 'Number of the pod with ready state'),
      column('Up-to-date', 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.'),
      column('Available', 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.'),
      AGE,
      column('Containers', 'Names of each container in the template.', 1),
      column('Images', 'Images referenced by each container in the template.', 1),
      column('Selector', 'Label selector for pods.', 1),
    ],
    cells: (deployment, now) => {
      const spec = record(deployment.spec);
      const status = record(deployment.status);
      const containers = list(record(record(spec.template).spec).containers);
      return [
        deployment.metadata.name,
        `${Number(status.readyReplicas ?? 0)}/${Number(spec.replicas ?? 1)}`,
        Number(status.updatedReplicas ?? 0),
        Number(status.availableReplicas ?? 0),
        age(deployment.metadata.creationTimestamp, now),
        containers.map((container) => str(container.name)).join(','),
        containers.map((container) => str(container.image)).join(','),
        selectorText(record(spec.selector)),
      ];
    },
  },
  replicasets: {
    columns: [
      NAME,
      column('Desired', 'Number of desired pods.'),
      column('Current', 'Number of actually running pods.'),
      column('Ready', 'Number of ready pods.'),
      AGE,
    ],
    cells: (replicaSet, now) => {
      const status = record(replicaSet.status);
      return [
        replicaSet.metadata.name,
        Number(record(replicaSet.spec).replicas ?? 1),
        Number(status.replicas ?? 0),
        Number(status.readyReplicas ?? 0),
        age(replicaSet.metadata.creationTimestamp, now),
      ];
    },
  },
  secrets: {
    columns: [NAME, column('Type', 'The type of the secret'), column('Data', 'The number of data items in the secret'), AGE],
    cells: (secret, now) => [
      secret.metadata.name,
      str(secret.type) || 'Opaque',
      Object.keys(record(secret.data)).length,
      age(secret.metadata.creationTimestamp, now),
    ],
  },
  serviceaccounts: {
    columns: [NAME, column('Secrets', 'The number of secrets in the service account'), AGE],
    cells: (account, now) => [account.metadata.name, list(account.secrets).length, age(account.metadata.creationTimestamp, now)],
  },
  namespaces: {
    columns: [NAME, column('Status', 'The status of the namespace'), AGE],
    cells: (namespace, now) => [namespace.metadata.name, str(record(namespace.status).phase) || 'Active', age(namespace.metadata.creationTimestamp, now)],
  },
  nodes: {
    columns: [NAME, column('Status', 'The status of the node'), column('Roles', 'The roles of the node'), AGE, column('Version', 'Kubelet Version reported by the node.')],
    cells: (node, now) => {
      const status = record(node.status);
      const ready = list(status.conditions).find((condition) => condition.type === 'Ready');
      const roles = Object.keys(node.metadata.labels ?? {})
        .filter((label) => label.startsWith('node-role.kubernetes.io/'))
        .map((label) => label.slice('node-role.kubernetes.io/'.length));
      return [
        node.metadata.name,
        ready?.status === 'True' ? 'Ready' : 'NotReady',
        roles.length > 0 ? roles.join(',') : '<none>',
        age(node.metadata.creationTimestamp, now),
        str(record(status.nodeInfo).kubeletVersion),
      ];
    },
  },
};

// "3 (5m ago)": the count, and how long ago the most recent restart ended, as kubectl 1.28+ prints it.
function restartsCell(statuses: Record<string, unknown>[], now: Date): string {
  const restarts = statuses.reduce((sum, containerStatus) => sum + Number(containerStatus.restartCount ?? 0), 0);
  const lastRestart = statuses
    .map((containerStatus) => str(record(record(containerStatus.lastState).terminated).finishedAt))
    .filter(Boolean)
    .sort()
    .pop();
  return restarts > 0 && lastRestart ? `${restarts} (${age(lastRestart, now)} ago)` : String(restarts);
}

function selectorText(selector: Record<string, unknown>): string {
  const labels = Object.entries(record(selector.matchLabels)).map(([key, value]) => `${key}=${String(value)}`);
  return labels.length > 0 ? labels.join(',') : '<none>';
}

function age(timestamp: string | undefined, now: Date): string {
  if (!timestamp) return '<unknown>';
  return humanDuration(now.getTime() - Date.parse(timestamp));
}

function hasCondition(status: Record<string, unknown>, type: string): boolean {
  return list(status.conditions).some((condition) => condition.type === type && condition.status === 'True');
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function list(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.map(record) : [];
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
