import { randomSuffix, type Workload } from '../objects';
import { countPods, createPodFromTemplate, deletionOrder, podsOwnedBy } from './pods';
import { controllerRecorder, deleteIfPresent, keyOf, omitZeros, ownerKey, splitKey, writeStatus, type Controller, type ControllerRuntime } from './runtime';

/**
 * The ReplicaSet controller: keeps `spec.replicas` live pods named `<replicaset>-<5 chars>`, each owned by the
 * ReplicaSet, and reports how many are ready. A ReplicaSet without a Deployment is managed all the same.
 */
export function replicaSetController(context: ControllerRuntime): Controller {
  const { store } = context;
  const recorder = controllerRecorder(context, 'replicaset-controller');
  return {
    name: 'replicaset',
    keysFor(event) {
      if (event.resource === 'replicasets' && event.type !== 'DELETED') return [keyOf(event.object)];
      if (event.resource === 'pods') return ownerKey(event.object, 'ReplicaSet');
      return [];
    },
    initialKeys: () => store.list('replicasets').map(keyOf),
    reconcile(key) {
      const { namespace, name } = splitKey(key);
      const replicaSet = store.get('replicasets', namespace, name) as Workload | undefined;
      if (!replicaSet || replicaSet.metadata.deletionTimestamp) return;
      const wanted = replicaSet.spec.replicas ?? 1;
      let { active } = countPods(podsOwnedBy(context, replicaSet));
      if (active.length < wanted) {
        for (let i = active.length; i < wanted; i++) {
          const pod = createPodFromTemplate(context, recorder, replicaSet, replicaSet.spec.template, `${name}-${randomSuffix()}`, {
            generateName: `${name}-`,
          });
          recorder.record(replicaSet, { type: 'Normal', reason: 'SuccessfulCreate', message: `Created pod: ${pod.metadata.name}` });
        }
      } else if (active.length > wanted) {
        for (const pod of deletionOrder(active).slice(0, active.length - wanted)) {
          deleteIfPresent(store, 'pods', namespace, pod.metadata.name);
          recorder.record(replicaSet, { type: 'Normal', reason: 'SuccessfulDelete', message: `Deleted pod: ${pod.metadata.name}` });
        }
      }
      const counts = countPods(podsOwnedBy(context, replicaSet));
      active = counts.active;
      writeStatus(
        store,
        'replicasets',
        replicaSet,
        omitZeros(
          {
            replicas: active.length,
            fullyLabeledReplicas: active.length,
            readyReplicas: counts.ready,
            availableReplicas: counts.ready,
            observedGeneration: replicaSet.metadata.generation ?? 1,
          },
          ['replicas'],
        ),
      );
    },
  };
}
