import { deleteIfPresent, type Controller, type ControllerRuntime } from './runtime';

/** The namespaced resources the simulator stores, and so the ones that can hold dependents or die with a namespace. */
export const NAMESPACED_RESOURCES = [
  'pods',
  'events',
  'secrets',
  'serviceaccounts',
  'configmaps',
  'deployments',
  'replicasets',
  'statefulsets',
  'daemonsets',
  'jobs',
  'cronjobs',
  'controllerrevisions',
];

/**
 * Background cascading deletion: when an object goes, every object naming it in `ownerReferences` goes too
 * (and so on down the chain, since those deletions come back here). Deleting a namespace removes its contents.
 */
export function garbageCollector(context: ControllerRuntime): Controller {
  const { store } = context;
  return {
    name: 'garbagecollector',
    keysFor(event) {
      if (event.type !== 'DELETED') return [];
      if (event.resource === 'namespaces') return [`namespace/${event.object.metadata.name}`];
      const uid = event.object.metadata.uid;
      return uid ? [`owner/${event.object.metadata.namespace ?? ''}/${uid}`] : [];
    },
    initialKeys: () => [],
    reconcile(key) {
      const [kind, first = '', second = ''] = key.split('/');
      if (kind === 'namespace') {
        for (const resource of NAMESPACED_RESOURCES) {
          for (const object of store.list(resource, first)) deleteIfPresent(store, resource, first, object.metadata.name);
        }
        return;
      }
      for (const resource of NAMESPACED_RESOURCES) {
        for (const object of context.owners.dependents(resource, second)) {
          deleteIfPresent(store, resource, object.metadata.namespace, object.metadata.name);
        }
      }
    },
  };
}
