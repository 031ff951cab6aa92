'use client';

import { useActionState } from 'react';
import { SITE_FIELD } from '@/lib/launch';
import { revokeConnectionAction, type RevokeState } from '../_lib/actions';

/** Revoke one employee's connection; with several sites, the connection on the site it names. */
export function RevokeConnectionForm({ email, site }: { email: string; site?: { siteName: string; displayName: string } }) {
  const [state, revoke, pending] = useActionState<RevokeState, FormData>(revokeConnectionAction, {});
  return (
    <form action={revoke}>
      <input type="hidden" name="email" value={email} />
      {site && <input type="hidden" name={SITE_FIELD} value={site.siteName} />}
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
