'use client';

import { useActionState } from 'react';
import { revokeConnectionAction, type RevokeState } from '../_lib/actions';

export function RevokeConnectionForm({ email }: { email: string }) {
  const [state, revoke, pending] = useActionState<RevokeState, FormData>(revokeConnectionAction, {});
  return (
    <form action={revoke}>
      <input type="hidden" name="email" value={email} />
      <button type="submit" className="secondary" disabled={pending} aria-label={`Revoke the WebEx connection of ${email}`}>
        {pending ? 'Revoking…' : 'Revoke'}
      </button>
      {state.message && <span role="status"> {state.message}</span>}
    </form>
  );
}
