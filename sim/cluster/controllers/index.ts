import { cronJobController } from './cron-job';
import { daemonSetController } from './daemon-set';
import { deploymentController } from './deployment';
import { garbageCollector, NAMESPACED_RESOURCES } from './garbage-collector';
import { jobController } from './job';
import { replicaSetController } from './replica-set';
import { realClock } from '../../clock';
import { ControllerManager, OwnerIndex, type ControllerContext, type ControllerRuntime } from './runtime';
import { serviceAccountController } from './service-accounts';
import { statefulSetController } from './stateful-set';

export type { ControllerContext } from './runtime';
export { ControllerManager } from './runtime';

/** kube-controller-manager: every controller the simulated cluster runs, started against the store. */
export function startControllers(context: ControllerContext, log?: (line: string) => void): ControllerManager {
  const owners = new OwnerIndex(context.store, NAMESPACED_RESOURCES);
  const runtime: ControllerRuntime = { ...context, clock: context.clock ?? realClock, owners };
  const manager = new ControllerManager(
    context.store,
    [
      serviceAccountController(runtime),
      deploymentController(runtime),
      replicaSetController(runtime),
      statefulSetController(runtime),
      daemonSetController(runtime),
      jobController(runtime),
      cronJobController(runtime),
      garbageCollector(runtime),
    ],
    log,
    () => owners.stop(),
    runtime.clock,
  );
  manager.start();
  return manager;
}
