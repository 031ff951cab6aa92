export const dynamic = 'force-dynamic';

// Liveness: the process answers. No dependency is checked here, so a database or WebEx outage
// never makes an orchestrator restart healthy instances (readiness, /api/ready, reports those).
export function GET(): Response {
  return Response.json({ status: 'ok' }, { headers: { 'Cache-Control': 'no-store' } });
}
