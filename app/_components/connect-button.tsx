import { SITE_FIELD } from '@/lib/launch';

/** "Connect WebEx" starts an OAuth authorization (on the site it names, with several): a POST, so no other site can start one for you. */
export function ConnectButton({ label = 'Connect WebEx', site }: { label?: string; site?: string }) {
  return (
    <form method="post" action="/webex/connect">
      {site && <input type="hidden" name={SITE_FIELD} value={site} />}
      <button type="submit">{label}</button>
    </form>
  );
}
