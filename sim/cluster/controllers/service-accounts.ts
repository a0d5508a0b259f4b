import type { Controller, ControllerRuntime } from './runtime';

/**
 * The service-account controller: every namespace has a `default` ServiceAccount, recreated if deleted, so
 * that pods without `serviceAccountName` pass admission.
 */
export function serviceAccountController(context: ControllerRuntime): Controller {
  const { store } = context;
  return {
    name: 'serviceaccount',
    keysFor(event) {
      if (event.resource === 'namespaces' && event.type !== 'DELETED') return [event.object.metadata.name];
      if (event.resource === 'serviceaccounts' && event.type === 'DELETED' && event.object.metadata.name === 'default') {
        return [event.object.metadata.namespace ?? ''];
      }
      return [];
    },
    initialKeys: () => store.list('namespaces').map((namespace) => namespace.metadata.name),
    reconcile(namespace) {
      const current = store.get('namespaces', undefined, namespace);
      if (!current || current.metadata.deletionTimestamp) return;
      if (store.get('serviceaccounts', namespace, 'default')) return;
      store.create('serviceaccounts', {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: 'default', namespace },
      });
    },
  };
}
