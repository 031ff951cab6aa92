/**
 * Join is a POST from a form button, never a link: a link preview or a prefetch of a GET
 * would burn the one-time ticket.
 */
export function JoinButton({ label = 'Join WebEx' }: { label?: string }) {
  return (
    <form method="post" action="/launch">
      <button type="submit">{label}</button>
    </form>
  );
}
