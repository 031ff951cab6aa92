'use client';

import { useActionState } from 'react';
import { deleteMappingAction, type FormState } from '../_lib/actions';

/** Delete asks first: the browser's confirm, and the server still checks the version. */
export function DeleteMappingForm({ id, version, email }: { id: number; version: number; email: string }) {
  const [state, remove, pending] = useActionState<FormState, FormData>(deleteMappingAction, {});
  return (
    <form
      action={remove}
      onSubmit={(event) => {
        if (!window.confirm(`Delete the mapping of ${email}? They will no longer be able to join WebEx from the portal.`)) event.preventDefault();
      }}
    >
      <input type="hidden" name="id" value={id} />
      <input type="hidden" name="version" value={version} />
      {state.message && (
        <p className="error" role="alert">
          {state.message}
        </p>
      )}
      <button type="submit" className="secondary" disabled={pending}>
        Delete this mapping
      </button>
    </form>
  );
}
