'use client';

import { useActionState } from 'react';
import { endSessionsAction, type EndSessionsState } from '../_lib/actions';

export function EndSessionsForm() {
  const [state, end, pending] = useActionState<EndSessionsState, FormData>(endSessionsAction, {});
  const error = state.fieldErrors?.email?.[0];
  return (
    <form action={end}>
      <div className="field" data-invalid={error ? 'true' : undefined}>
        <label htmlFor="end-sessions-email">Employee e-mail</label>
        <input id="end-sessions-email" name="email" type="email" required aria-describedby={error ? 'end-sessions-email-error' : undefined} />
        {error && (
          <span id="end-sessions-email-error" className="error">
            {error}
          </span>
        )}
      </div>
      <button type="submit" className="secondary" disabled={pending}>
        {pending ? 'Ending…' : 'End sessions'}
      </button>
      <div role="status" aria-label="End sessions result">
        {state.message && <p className={state.ok ? 'ok' : 'bad'}>{state.message}</p>}
      </div>
    </form>
  );
}
