import { describe, expect, it } from 'vitest';
import { gitOpsManagement } from './gitops';

describe('gitOpsManagement', () => {
  it.each<[string, { labels?: Record<string, string>; annotations?: Record<string, string> }, string | null, string | null]>([
    ['Argo CD annotation tracking', { annotations: { 'argocd.argoproj.io/tracking-id': 'shop:apps/Deployment:web/api' } }, 'Argo CD', 'shop'],
    ['Argo CD custom instance label', { labels: { 'argocd.argoproj.io/instance': 'shop' } }, 'Argo CD', 'shop'],
    ['Argo CD label tracking with an Argo CD annotation', { labels: { 'app.kubernetes.io/instance': 'shop' }, annotations: { 'argocd.argoproj.io/sync-wave': '1' } }, 'Argo CD', 'shop'],
    ['the instance label alone (Helm charts set it too)', { labels: { 'app.kubernetes.io/instance': 'shop' } }, null, null],
    ['Flux kustomize-controller', { labels: { 'kustomize.toolkit.fluxcd.io/name': 'apps', 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system' } }, 'Flux', 'apps'],
    ['Flux helm-controller over Helm', { labels: { 'helm.toolkit.fluxcd.io/name': 'api', 'app.kubernetes.io/managed-by': 'Helm' } }, 'Flux', 'api'],
    ['Helm', { labels: { 'app.kubernetes.io/managed-by': 'Helm' }, annotations: { 'meta.helm.sh/release-name': 'api' } }, 'Helm', 'api'],
    ['Argo CD rendering a chart', { labels: { 'app.kubernetes.io/managed-by': 'Helm' }, annotations: { 'argocd.argoproj.io/tracking-id': 'shop:apps/Deployment:web/api' } }, 'Argo CD', 'shop'],
    ['nothing', { labels: { app: 'api' } }, null, null],
  ])('%s', (_, metadata, tool, owner) => {
    const management = gitOpsManagement(metadata);
    expect(management?.tool ?? null).toBe(tool);
    expect(management?.owner ?? null).toBe(owner);
    if (management) expect(management.consequence).toMatch(/commit|chart/i);
  });
});
