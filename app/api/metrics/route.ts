import { createHash, timingSafeEqual } from 'node:crypto';
import { getConfig } from '@/lib/config';
import { metrics } from '@/lib/metrics';

export const dynamic = 'force-dynamic';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Prometheus metrics, for a scraper holding METRICS_TOKEN (bearer); off (404) when it is unset. */
export async function GET(request: Request): Promise<Response> {
  const token = getConfig().metricsToken;
  if (!token) return new Response('Not found', { status: 404 });
  const given = /^Bearer\s+(.+)$/i.exec(request.headers.get('authorization') ?? '')?.[1] ?? '';
  // compared as digests: equal length, constant time
  if (!timingSafeEqual(digest(given), digest(token))) {
    return new Response('Unauthorized', { status: 401, headers: { 'WWW-Authenticate': 'Bearer realm="metrics"', 'Cache-Control': 'no-store' } });
  }
  const { registry } = metrics();
  return new Response(await registry.metrics(), { headers: { 'Content-Type': registry.contentType, 'Cache-Control': 'no-store' } });
}
