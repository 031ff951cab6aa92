'use client';

import { useActionState } from 'react';
import { revokeConnectionAction, type RevokeState } from '../_lib/actions';

/**
 * Revoke one employee's connection; with several sites, the connection on the site it names (in the
 * form field the server names: this client component imports nothing of the launch's server code).
 */
export function RevokeConnectionForm({ email, site }: { email: string; site?: { field: string; siteName: string; displayName: string } }) {
  const [state, revoke, pending] = useActionState<RevokeState, FormData>(revokeConnectionAction, {});
  return (
    <form action={revoke}>
      <input type="hidden" name="email" value={email} />
      {site && <input type="hidden" name={site.field} value={site.siteName} />}
      <button
        type="submit"
        className="secondary"
        disabled={pending}
        aria-label={`Revoke the WebEx connection of ${email}${site ? ` on ${site.displayName}` : ''}`}
      >
        {pending ? 'Revoking…' : 'Revoke'}
      </button>
      {state.message && <span role="status"> {state.message}</span>}
    </form>
  );
}
