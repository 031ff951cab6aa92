/**
 * Previous / "Page n of m" / next, as plain links. Paging lives in the URL as a cursor (the row a page
 * starts after), so a deep page costs what the first one does; `pages` is unknown when the count was capped.
 */
export function Pager({ page, pages, previousHref, nextHref, previous = '← Previous', next = 'Next →' }: { page: number; pages?: number; previousHref?: string; nextHref?: string; previous?: string; next?: string }) {
  return (
    <nav className="pager" aria-label="Pages">
      {previousHref && <a href={previousHref}>{previous}</a>}
      <span>
        Page {pages === undefined ? page : Math.min(page, pages)}
        {pages === undefined ? '' : ` of ${pages}`}
      </span>
      {nextHref && <a href={nextHref}>{next}</a>}
    </nav>
  );
}
