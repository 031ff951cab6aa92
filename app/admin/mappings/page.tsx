import { Pager } from '../_components/pager';
import { countText, cursorParam, firstOf, firstParam, pageParam, type SearchParams } from '../../_lib/search-params';
import { getDb, requireAdmin } from '@/lib/server';
import { getConfig } from '@/lib/config';
import { adminNotice, listMappings, MAPPING_SORTS, type MappingSort } from '@/lib/mappings';
import { utcTime } from '../../_lib/format';

export const dynamic = 'force-dynamic';

const PAGE_SIZE = 50;

const COLUMNS: { sort: MappingSort; label: string }[] = [
  { sort: 'email', label: 'Portal e-mail' },
  { sort: 'webex_id', label: 'WebEx ID' },
  { sort: 'display_name', label: 'Name' },
  { sort: 'updated_at', label: 'Updated' },
];

export default async function MappingsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const admin = await requireAdmin('read');
  const params = await searchParams;
  const q = firstParam(params.q).slice(0, 200);
  const sort = firstOf(params.sort, MAPPING_SORTS, 'email');
  const dir = firstOf(params.dir, ['asc', 'desc'], 'asc');
  const page = pageParam(params.page);

  const { db } = await getDb();
  const list = await listMappings(db, { q, sort, dir, page, pageSize: PAGE_SIZE, after: cursorParam(params.after), before: cursorParam(params.before) });
  const { rows, total, totalExact } = list;
  const link = (changes: Record<string, string | number>) => {
    const next = new URLSearchParams({ q, sort, dir, page: '1', ...Object.fromEntries(Object.entries(changes).map(([k, v]) => [k, String(v)])) });
    if (!next.get('q')) next.delete('q');
    return `/admin/mappings?${next}`;
  };
  // after this admin's delete or import: what its audit event says (the URL carries only the event's id)
  const done = Number(firstParam(params.done));
  const message = await adminNotice(db, admin.email, Number.isSafeInteger(done) && done > 0 ? done : undefined);
  // a one-site company's list has no site column
  const { sites } = getConfig();
  const siteOf = sites.length > 1 ? (key: string) => sites.find((s) => s.key === key)?.displayName ?? key : undefined;

  return (
    <section className="card">
      <h1>Mappings</h1>
      {message && (
        <p className="notice" role="status">
          {message}
        </p>
      )}
      <form className="search" method="get" action="/admin/mappings" role="search">
        <input name="q" defaultValue={q} placeholder="E-mail, WebEx ID or name" aria-label="Search mappings" />
        <input type="hidden" name="sort" value={sort} />
        <input type="hidden" name="dir" value={dir} />
        <button type="submit">Search</button>
        <a className="button secondary" href="/admin/mappings/new">
          New mapping
        </a>
        <a className="button secondary" href="/admin/mappings/import">
          Import CSV
        </a>
      </form>
      <form method="post" action="/admin/mappings/export" className="search">
        <button type="submit" className="secondary">
          Export CSV
        </button>
      </form>
      <p className="muted" data-testid="mapping-total">
        {countText(total, totalExact, 'mapping')}
        {q ? ` matching "${q}"` : ''}
        {totalExact ? '' : ' (counting stops there: narrow the search to see how many)'}
      </p>
      <table>
        <thead>
          <tr>
            {COLUMNS.map((c) => (
              <th key={c.sort} aria-sort={sort === c.sort ? (dir === 'asc' ? 'ascending' : 'descending') : undefined}>
                <a href={link({ sort: c.sort, dir: sort === c.sort && dir === 'asc' ? 'desc' : 'asc', page: 1 })}>{c.label}</a>
              </th>
            ))}
            {siteOf && <th>Site</th>}
            <th>Credential</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((m) => (
            <tr key={m.id}>
              <td>
                <a href={`/admin/mappings/${m.id}`}>{m.email}</a>
              </td>
              <td>{m.webexId}</td>
              <td>{m.displayName ?? ''}</td>
              <td>{utcTime(m.updatedAt)}</td>
              {siteOf && <td>{siteOf(m.site)}</td>}
              <td>{m.hasCredential ? 'set' : 'not set'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager list={list} page={page} pageSize={PAGE_SIZE} href={(p, cursor) => link({ page: p, ...cursor })} />
    </section>
  );
}
