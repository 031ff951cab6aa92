import { recordAudit } from '@/lib/audit';
import { getDb, requireAdmin } from '@/lib/server';
import { getConfig } from '@/lib/config';
import { exportMappingCsv } from '@/lib/mappings';

export const dynamic = 'force-dynamic';

// Streams every mapping (never credentials) in the import's format. A POST from the Export button
// (same origin, checked): a cross-site navigation must not export, nor write an audit row.
// No GET: Next answers it 405.
export async function POST(): Promise<Response> {
  const admin = await requireAdmin('write');
  const { db } = await getDb();
  await recordAudit(db, { actor: admin.email, action: 'mapping.export', target: null, outcome: 'OK' });
  const encoder = new TextEncoder();
  const chunks = exportMappingCsv(db, getConfig().sites);
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await chunks.next();
      if (done) controller.close();
      else controller.enqueue(encoder.encode(value));
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
  const date = new Date().toISOString().slice(0, 10);
  return new Response(body, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="webex-mappings-${date}.csv"`,
      'Cache-Control': 'no-store',
    },
  });
}
