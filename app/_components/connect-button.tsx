/** "Connect WebEx" starts an OAuth authorization: a POST, so no other site can start one for you. */
export function ConnectButton({ label = 'Connect WebEx' }: { label?: string }) {
  return (
    <form method="post" action="/webex/connect">
      <button type="submit">{label}</button>
    </form>
  );
}
