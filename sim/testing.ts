/**
 * The simulator as the app's tests use it: an API server over a seeded store, the controllers and admission,
 * scenarios, the registries, the serving certificate and kubeconfig. Tests outside sim/ import from here only
 * (the linter holds them to it), so the simulator can change inside without touching them.
 */
export { startApiServer } from './apiserver';
export { admit } from './cluster/admission';
export { RUNTIME_DIALECTS, type RuntimeDialect } from './cluster/runtime-dialects';
export { startSim, type RunningSim } from './cluster/testing/cli';
export { startControllers } from './cluster/controllers/index';
export type { RunningApiServer, SimUser } from './contracts';
export { writeKubeconfig } from './kubeconfig';
export { startRegistries, type SimRegistryFleet } from './registry';
export { applyScenario, nodeObject } from './scenario';
export { generateScaleScenario } from './scenarios/scale';
export { ObjectStore, type KubeObject } from './store';
export { generateServingCertificate } from './tls';
