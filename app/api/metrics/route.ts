import { respond } from '@/lib/api/respond';
import { metricsText, timed } from '@/lib/metrics';

export const dynamic = 'force-dynamic';

/** GET /api/metrics: Prometheus's text format (lib/metrics.ts). Behind the same Host and token gates as every route. */
export const GET = timed('/api/metrics', async (): Promise<Response> => {
  try {
    const { contentType, body } = await metricsText();
    return new Response(body, { headers: { 'Content-Type': contentType, 'Cache-Control': 'no-store' } });
  } catch (error) {
    return respond(() => Promise.reject(error));
  }
});
