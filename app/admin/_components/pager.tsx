import type { ListPage } from '@/lib/db';

/**
 * Previous / "Page n of m" / next, as plain links. Paging lives in the URL as a cursor (the row a page
 * starts after), so a deep page costs what the first one does; the page count is unknown when the count was capped.
 */
export function Pager({
  list,
  page,
  pageSize,
  href,
  previous = '← Previous',
  next = 'Next →',
}: {
  list: Pick<ListPage<unknown>, 'total' | 'totalExact' | 'previous' | 'next'>;
  /** the page number the URL asked for */
  page: number;
  pageSize: number;
  /** the URL of a page, by its number and the cursor that reaches it */
  href: (page: number, cursor: { before: string } | { after: string }) => string;
  previous?: string;
  next?: string;
}) {
  // without a page before it, this is page 1 whatever the URL said
  const shown = list.previous ? page : 1;
  const pages = list.totalExact ? Math.max(1, Math.ceil(list.total / pageSize)) : undefined;
  return (
    <nav className="pager" aria-label="Pages">
      {list.previous && <a href={href(shown - 1, { before: list.previous })}>{previous}</a>}
      <span>
        Page {pages === undefined ? shown : Math.min(shown, pages)}
        {pages === undefined ? '' : ` of ${pages}`}
      </span>
      {list.next && <a href={href(shown + 1, { after: list.next })}>{next}</a>}
    </nav>
  );
}
