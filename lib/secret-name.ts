/**
 * The name pullfix proposes for a new pull secret. Apart from the fix plan, which builds the request schemas:
 * the overview plans incident fixes with it and should not pay for the schemas to render its rows.
 */

/**
 * A readable secret name for a registry, free of collisions with `taken`: "regcred-docker-io",
 * "regcred-registry-example-com-5000", then "-2", "-3", … when the name exists.
 */
export function deriveSecretName(registry: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  const slug = registry
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 50)
    .replace(/-+$/, '');
  const base = slug ? `regcred-${slug}` : 'regcred';
  if (!used.has(base)) return base;
  for (let suffix = 2; ; suffix += 1) {
    const candidate = `${base}-${suffix}`;
    if (!used.has(candidate)) return candidate;
  }
}
