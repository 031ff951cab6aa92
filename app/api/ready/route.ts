import { sql } from 'kysely';
import { getDb, getUpstreamStats, isDraining } from '@/lib/server';

export const dynamic = 'force-dynamic';

// Readiness: 200 when this instance should get traffic (the database answers, not shutting down),
// 503 otherwise. WebEx's reachability (the circuit) is reported, never a reason to fail: an
// instance that cannot reach WebEx still serves the portal and says so on its pages.
export async function GET(): Promise<Response> {
  const webex = getUpstreamStats().circuit === 'closed' ? 'reachable' : 'unreachable';
  let database: 'ok' | 'error' = 'ok';
  try {
    const { db } = await getDb();
    await sql`select 1`.execute(db);
  } catch {
    database = 'error';
  }
  const draining = isDraining();
  const ready = database === 'ok' && !draining;
  return Response.json(
    { status: ready ? 'ready' : 'unavailable', database, draining, webex },
    { status: ready ? 200 : 503, headers: { 'Cache-Control': 'no-store' } },
  );
}
