import { scriptNonce, scriptString } from '../_lib/script-nonce';

/**
 * A POST form that submits itself once on load: a step of the AlreadyLogon recovery. It stays a
 * form (same-origin POST, checked by /launch like any Join), and its button is the way on for a
 * browser without scripts. The script is inline and carries the request's CSP nonce.
 */
export async function AutoSubmitForm({ action, field, value, label }: { action: string; field: string; value: string; label: string }) {
  const nonce = await scriptNonce();
  const id = `auto-submit-${field}-${value}`;
  return (
    <>
      <form id={id} method="post" action={action}>
        <input type="hidden" name={field} value={value} />
        <button type="submit">{label}</button>
      </form>
      <script nonce={nonce} dangerouslySetInnerHTML={{ __html: `document.getElementById(${scriptString(id)}).requestSubmit();` }} />
    </>
  );
}
