import { Pager } from '../_components/pager';
import { countText, cursorParam, firstParam, pageParam, type SearchParams } from '../../_lib/search-params';
import { listAuditEvents, listAuditFacets } from '@/lib/audit';
import { getDb, requireAdmin } from '@/lib/server';
import { getConfig } from '@/lib/config';
import { utcTime } from '../../_lib/format';

export const dynamic = 'force-dynamic';

const PAGE_SIZE = 50;

function formatDetail(detail: Record<string, unknown> | null): string {
  if (!detail) return '';
  const { before, after, ...rest } = detail;
  const parts: string[] = [];
  if (before !== undefined || after !== undefined) parts.push(`${JSON.stringify(before ?? null)} → ${JSON.stringify(after ?? null)}`);
  const others = Object.entries(rest).filter(([, v]) => v !== undefined && v !== null);
  if (others.length > 0) parts.push(others.map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`).join(', '));
  return parts.join(' · ');
}

export default async function AuditPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  await requireAdmin('read');
  const params = await searchParams;
  const filter = { user: firstParam(params.user).slice(0, 200), action: firstParam(params.action), outcome: firstParam(params.outcome) };
  const page = pageParam(params.page);
  const { db } = await getDb();
  const [list, facets] = await Promise.all([
    listAuditEvents(db, { ...filter, page, pageSize: PAGE_SIZE, after: cursorParam(params.after), before: cursorParam(params.before) }),
    listAuditFacets(db),
  ]);
  const { rows, total, totalExact } = list;
  const link = (p: number, cursor: Record<string, string>) => `/admin/audit?${new URLSearchParams({ ...filter, page: String(p), ...cursor })}`;

  return (
    <section className="card">
      <h1>Audit log</h1>
      <p className="muted">Newest first. Kept for {getConfig().auditRetentionDays} days (AUDIT_RETENTION_DAYS), then pruned automatically.</p>
      <form className="search" method="get" action="/admin/audit" role="search">
        <input name="user" defaultValue={filter.user} placeholder="User or target" aria-label="User" />
        <select name="action" defaultValue={filter.action} aria-label="Action">
          <option value="">All actions</option>
          {facets.actions.map((a) => (
            <option key={a}>{a}</option>
          ))}
        </select>
        <select name="outcome" defaultValue={filter.outcome} aria-label="Outcome">
          <option value="">All outcomes</option>
          {facets.outcomes.map((o) => (
            <option key={o}>{o}</option>
          ))}
        </select>
        <button type="submit">Filter</button>
      </form>
      <p className="muted">
        {countText(total, totalExact, 'event')}
        {totalExact ? '' : ' (counting stops there: narrow the filter to see how many)'}
      </p>
      <table>
        <thead>
          <tr>
            <th>When</th>
            <th>Who</th>
            <th>Action</th>
            <th>Target</th>
            <th>Outcome</th>
            <th>Duration</th>
            <th>Details</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((e) => (
            <tr key={e.id}>
              <td>{utcTime(e.at, 'second')}</td>
              <td>{e.actor}</td>
              <td>{e.action}</td>
              <td>{e.target ?? ''}</td>
              <td className={e.outcome === 'OK' ? 'ok' : 'bad'}>{e.outcome}</td>
              <td>{e.durationMs === null ? '' : `${e.durationMs} ms`}</td>
              <td>{formatDetail(e.detail)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager list={list} page={page} pageSize={PAGE_SIZE} href={link} previous="← Newer" next="Older →" />
    </section>
  );
}
