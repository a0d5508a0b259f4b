export const dynamic = 'force-dynamic';

const startedAt = new Date().toISOString();

/**
 * GET /api/health: liveness and readiness. Answers from the process alone, never the cluster: a slow or
 * unreachable API server must not get the pod restarted, and the probe needs no access token.
 */
export function GET(): Response {
  return Response.json({ status: 'ok', startedAt }, { headers: { 'Cache-Control': 'no-store' } });
}
