/** Previous / "Page n of m" / next, as plain links (paging lives in the URL). */
export function Pager({ page, pages, href, previous = '← Previous', next = 'Next →' }: { page: number; pages: number; href: (page: number) => string; previous?: string; next?: string }) {
  return (
    <nav className="pager" aria-label="Pages">
      {page > 1 && <a href={href(page - 1)}>{previous}</a>}
      <span>
        Page {Math.min(page, pages)} of {pages}
      </span>
      {page < pages && <a href={href(page + 1)}>{next}</a>}
    </nav>
  );
}
