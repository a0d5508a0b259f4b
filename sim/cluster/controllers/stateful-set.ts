import { isPodActive, isPodReady, type Pod, type Workload } from '../objects';
import { podTemplateHash } from './deployment';
import { countPods, createPodFromTemplate, podsOwnedBy } from './pods';
import { controllerRecorder, deleteIfPresent, keyOf, omitZeros, ownerKey, splitKey, writeStatus, type Controller, type ControllerRuntime } from './runtime';

/**
 * The StatefulSet controller with OrderedReady management: pods `<name>-0 … <name>-(n-1)`, each created only
 * once its predecessors run and are ready; a template change replaces outdated pods from the highest ordinal
 * down, one at a time.
 */
export function statefulSetController(context: ControllerRuntime): Controller {
  const { store } = context;
  const recorder = controllerRecorder(context, 'statefulset-controller');
  return {
    name: 'statefulset',
    keysFor(event) {
      if (event.resource === 'statefulsets' && event.type !== 'DELETED') return [keyOf(event.object)];
      if (event.resource === 'pods') return ownerKey(event.object, 'StatefulSet');
      return [];
    },
    initialKeys: () => store.list('statefulsets').map(keyOf),
    reconcile(key) {
      const { namespace, name } = splitKey(key);
      const set = store.get('statefulsets', namespace, name) as Workload | undefined;
      if (!set || set.metadata.deletionTimestamp) return;
      const replicas = set.spec.replicas ?? 1;
      const revision = `${name}-${podTemplateHash(set.spec.template)}`;
      const byOrdinal = new Map<number, Pod>();
      for (const pod of podsOwnedBy(context, set)) {
        if (isPodActive(pod)) byOrdinal.set(ordinalOf(pod, name), pod);
      }

      for (const [ordinal, pod] of [...byOrdinal].sort(([a], [b]) => b - a)) {
        if (ordinal >= replicas) {
          deleteIfPresent(store, 'pods', namespace, pod.metadata.name);
          recorder.record(set, { type: 'Normal', reason: 'SuccessfulDelete', message: `delete Pod ${pod.metadata.name} in StatefulSet ${name} successful` });
          byOrdinal.delete(ordinal);
        }
      }

      for (let ordinal = 0; ordinal < replicas; ordinal++) {
        if (byOrdinal.has(ordinal)) continue;
        const predecessorsReady = [...Array(ordinal).keys()].every((i) => {
          const pod = byOrdinal.get(i);
          return pod !== undefined && isPodReady(pod);
        });
        if (!predecessorsReady) break;
        const podName = `${name}-${ordinal}`;
        const pod = createPodFromTemplate(context, recorder, set, set.spec.template, podName, {
          labels: {
            'controller-revision-hash': revision,
            'statefulset.kubernetes.io/pod-name': podName,
            'apps.kubernetes.io/pod-index': String(ordinal),
          },
        });
        byOrdinal.set(ordinal, pod);
        recorder.record(set, { type: 'Normal', reason: 'SuccessfulCreate', message: `create Pod ${podName} in StatefulSet ${name} successful` });
        break;
      }

      const outdated = [...byOrdinal].sort(([a], [b]) => b - a).find(([, pod]) => pod.metadata.labels?.['controller-revision-hash'] !== revision);
      if (outdated) {
        const [ordinal, pod] = outdated;
        const higherSettled = [...byOrdinal].every(
          ([other, candidate]) => other <= ordinal || (isPodReady(candidate) && candidate.metadata.labels?.['controller-revision-hash'] === revision),
        );
        if (higherSettled) {
          deleteIfPresent(store, 'pods', namespace, pod.metadata.name);
          byOrdinal.delete(ordinal);
        }
      }

      const pods = [...byOrdinal.values()];
      const counts = countPods(pods);
      const revisionOf = (pod: Pod) => pod.metadata.labels?.['controller-revision-hash'];
      const updated = pods.filter((pod) => revisionOf(pod) === revision).length;
      // The current revision stays the old one until every pod runs the new template, which is what
      // `kubectl rollout status` waits for.
      const currentRevision = pods.map(revisionOf).find((candidate) => candidate !== revision) ?? revision;
      const current = pods.filter((pod) => revisionOf(pod) === currentRevision).length;
      writeStatus(store, 'statefulsets', set, {
        observedGeneration: set.metadata.generation ?? 1,
        ...omitZeros({ replicas: counts.active.length, readyReplicas: counts.ready, currentReplicas: current, updatedReplicas: updated, availableReplicas: counts.ready }, ['replicas', 'availableReplicas']),
        currentRevision,
        updateRevision: revision,
        collisionCount: 0,
      });
    },
  };
}

function ordinalOf(pod: Pod, setName: string): number {
  const suffix = pod.metadata.name.slice(setName.length + 1);
  return /^\d+$/.test(suffix) ? Number(suffix) : Number.MAX_SAFE_INTEGER;
}
