'use client';

import { useEffect, useRef } from 'react';

/**
 * A POST form that submits itself once on load: a step of the AlreadyLogon recovery. It stays a
 * form (same-origin POST, checked by /launch like any Join), and its button is the way on for a
 * browser without scripts.
 */
export function AutoSubmitForm({ action, field, value, label }: { action: string; field: string; value: string; label: string }) {
  const form = useRef<HTMLFormElement>(null);
  const submitted = useRef(false);
  useEffect(() => {
    if (submitted.current) return;
    submitted.current = true;
    form.current?.requestSubmit();
  }, []);
  return (
    <form ref={form} method="post" action={action}>
      <input type="hidden" name={field} value={value} />
      <button type="submit">{label}</button>
    </form>
  );
}
