import { sql } from 'kysely';
import { getDb } from '@/lib/db';

export const dynamic = 'force-dynamic';

// Liveness and readiness in one: 200 when the database answers, 503 otherwise.
export async function GET(): Promise<Response> {
  try {
    const { db } = await getDb();
    await sql`select 1`.execute(db);
    return Response.json({ status: 'ok', database: 'ok' }, { headers: { 'Cache-Control': 'no-store' } });
  } catch {
    return Response.json({ status: 'unavailable', database: 'error' }, { status: 503, headers: { 'Cache-Control': 'no-store' } });
  }
}
