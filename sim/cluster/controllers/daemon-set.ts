import { randomSuffix, type Pod, type Workload } from '../objects';
import { podTemplateHash } from './deployment';
import { countPods, createPodFromTemplate, podsOwnedBy } from './pods';
import { controllerRecorder, deleteIfPresent, keyOf, omitZeros, ownerKey, splitKey, writeStatus, type Controller, type ControllerRuntime } from './runtime';

/**
 * The DaemonSet controller: one pod per node (`<name>-<5 chars>`, bound to its node), replaced when the
 * template changes.
 */
export function daemonSetController(context: ControllerRuntime): Controller {
  const { store } = context;
  const recorder = controllerRecorder(context, 'daemonset-controller');
  return {
    name: 'daemonset',
    keysFor(event) {
      if (event.resource === 'daemonsets' && event.type !== 'DELETED') return [keyOf(event.object)];
      if (event.resource === 'pods') return ownerKey(event.object, 'DaemonSet');
      if (event.resource === 'nodes') return store.list('daemonsets').map(keyOf);
      return [];
    },
    initialKeys: () => store.list('daemonsets').map(keyOf),
    reconcile(key) {
      const { namespace, name } = splitKey(key);
      const set = store.get('daemonsets', namespace, name) as Workload | undefined;
      if (!set || set.metadata.deletionTimestamp) return;
      const revision = podTemplateHash(set.spec.template);
      const nodes = store.list('nodes').map((node) => node.metadata.name);
      const { active } = countPods(podsOwnedBy(context, set));
      const byNode = new Map<string, Pod>();
      for (const pod of active) {
        const nodeName = pod.spec.nodeName ?? '';
        const outdated = pod.metadata.labels?.['controller-revision-hash'] !== revision;
        if (!nodes.includes(nodeName) || byNode.has(nodeName) || outdated) {
          deleteIfPresent(store, 'pods', namespace, pod.metadata.name);
          recorder.record(set, { type: 'Normal', reason: 'SuccessfulDelete', message: `Deleted pod: ${pod.metadata.name}` });
        } else {
          byNode.set(nodeName, pod);
        }
      }
      for (const nodeName of nodes) {
        if (byNode.has(nodeName)) continue;
        const pod = createPodFromTemplate(context, recorder, set, set.spec.template, `${name}-${randomSuffix()}`, {
          generateName: `${name}-`,
          nodeName,
          labels: { 'controller-revision-hash': revision, 'pod-template-generation': String(set.metadata.generation ?? 1) },
        });
        byNode.set(nodeName, pod);
        recorder.record(set, { type: 'Normal', reason: 'SuccessfulCreate', message: `Created pod: ${pod.metadata.name}` });
      }
      const counts = countPods([...byNode.values()]);
      writeStatus(store, 'daemonsets', set, {
        ...omitZeros(
          {
            currentNumberScheduled: byNode.size,
            numberMisscheduled: 0,
            desiredNumberScheduled: nodes.length,
            numberReady: counts.ready,
            updatedNumberScheduled: byNode.size,
            numberAvailable: counts.ready,
            numberUnavailable: nodes.length - counts.ready,
          },
          ['currentNumberScheduled', 'numberMisscheduled', 'desiredNumberScheduled', 'numberReady'],
        ),
        observedGeneration: set.metadata.generation ?? 1,
      });
    },
  };
}
