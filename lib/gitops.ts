/**
 * Who else writes this workload: a GitOps controller (Argo CD, Flux) or Helm, read from the labels and annotations
 * they put on what they apply. A live patch of such a workload is undone at the next sync (or upgrade), so the
 * fix form offers the change to commit first. Pure, for the server's options and their tests.
 */

export type ManagingTool = 'Argo CD' | 'Flux' | 'Helm';

export interface GitOpsManagement {
  tool: ManagingTool;
  /** The Argo CD Application, Flux Kustomization or HelmRelease, or Helm release, when the metadata names it. */
  owner: string | null;
  /** The label or annotation that told, as `key=value`. */
  evidence: string;
  /** What happens to a live patch, in plain words. */
  consequence: string;
}

export interface ObjectMetadata {
  labels?: Record<string, string> | null;
  annotations?: Record<string, string> | null;
}

/** Argo CD's annotation tracking (the default since 3.0): `<app>:<group>/<kind>:<namespace>/<name>`. */
export const ARGOCD_TRACKING_ID = 'argocd.argoproj.io/tracking-id';
/** The label Argo CD's docs suggest when the well-known instance label clashes with Helm charts. */
export const ARGOCD_INSTANCE_LABEL = 'argocd.argoproj.io/instance';
/** Argo CD's label tracking (the default before 3.0); Helm charts set it too, so alone it proves nothing. */
export const INSTANCE_LABEL = 'app.kubernetes.io/instance';
/** Set by kustomize-controller and helm-controller on every object they apply. */
export const FLUX_KUSTOMIZATION_LABEL = 'kustomize.toolkit.fluxcd.io/name';
export const FLUX_HELMRELEASE_LABEL = 'helm.toolkit.fluxcd.io/name';
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
/** Helm's own release annotation (Helm 3). */
export const HELM_RELEASE_ANNOTATION = 'meta.helm.sh/release-name';

/**
 * The tool that manages the object, most specific first: Flux and Argo CD both often render Helm charts, and
 * they are the ones that revert a change, so they win over the chart's `managed-by: Helm`.
 */
export function gitOpsManagement(metadata: ObjectMetadata | null | undefined): GitOpsManagement | null {
  const labels = metadata?.labels ?? {};
  const annotations = metadata?.annotations ?? {};
  const argo = argoCd(labels, annotations);
  if (argo) return argo;
  for (const key of [FLUX_KUSTOMIZATION_LABEL, FLUX_HELMRELEASE_LABEL]) {
    const owner = labels[key];
    if (owner) {
      const kind = key === FLUX_KUSTOMIZATION_LABEL ? 'Kustomization' : 'HelmRelease';
      return {
        tool: 'Flux',
        owner,
        evidence: `${key}=${owner}`,
        consequence: `Flux's ${kind} ${owner} applies the manifests from its source again at its next reconciliation and undoes a live patch: commit the change to the source instead.`,
      };
    }
  }
  if (labels[MANAGED_BY_LABEL]?.toLowerCase() === 'helm') {
    const owner = annotations[HELM_RELEASE_ANNOTATION] ?? labels[INSTANCE_LABEL] ?? null;
    return {
      tool: 'Helm',
      owner,
      evidence: `${MANAGED_BY_LABEL}=${labels[MANAGED_BY_LABEL]}`,
      consequence: `the next helm upgrade${owner ? ` of release ${owner}` : ''} renders the chart again and may drop a live patch: set the chart's imagePullSecrets value instead.`,
    };
  }
  return null;
}

function argoCd(labels: Record<string, string>, annotations: Record<string, string>): GitOpsManagement | null {
  const tracking = annotations[ARGOCD_TRACKING_ID];
  const instance = labels[ARGOCD_INSTANCE_LABEL];
  const wellKnown = labels[INSTANCE_LABEL];
  const argoAnnotation = Object.keys(annotations).find((key) => key.startsWith('argocd.argoproj.io/'));
  let owner: string | null = null;
  let evidence: string;
  if (tracking) {
    owner = tracking.split(':')[0] || null;
    evidence = `${ARGOCD_TRACKING_ID}=${tracking}`;
  } else if (instance) {
    owner = instance;
    evidence = `${ARGOCD_INSTANCE_LABEL}=${instance}`;
  } else if (wellKnown && argoAnnotation) {
    owner = wellKnown;
    evidence = `${INSTANCE_LABEL}=${wellKnown} with ${argoAnnotation}`;
  } else {
    return null;
  }
  return {
    tool: 'Argo CD',
    owner,
    evidence,
    consequence: `Argo CD${owner ? ` application ${owner}` : ''} sees the live patch as drift: a sync (automatic with self-heal) puts the manifest from Git back. Commit the change to Git instead.`,
  };
}
