import type { Metadata } from 'next';

export const metadata: Metadata = { title: 'Not found · Company portal' };

/** Every 404 of the portal, a malformed meeting link included. */
export default function NotFound() {
  return (
    <section className="card problem" aria-labelledby="not-found-title">
      <h1 id="not-found-title">This page does not exist</h1>
      <p>Check the link. A meeting link looks like /meet/ followed by the meeting number, digits only (9 to 11 of them).</p>
      <div className="actions">
        <a className="button secondary" href="/">
          Back to the portal
        </a>
      </div>
    </section>
  );
}
