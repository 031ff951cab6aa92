'use client';

import { useActionState } from 'react';
import { applyImportAction, type ImportState } from '../_lib/actions';
import type { WaitingPreview } from '@/lib/mappings';
import { utcTime } from '../../_lib/format';

/** One preview waiting for "apply": its own form, so its message stays next to it. */
function Waiting({ preview }: { preview: WaitingPreview }) {
  const [applied, apply, applying] = useActionState<ImportState, FormData>(applyImportAction, {});
  return (
    <li>
      <form action={apply}>
        Previewed {utcTime(preview.createdAt)}: {preview.rowCount} rows; mappings not in the file {preview.deleteMissing ? 'will be deleted' : 'left alone'}.{' '}
        <input type="hidden" name="pendingId" value={preview.token} />
        <button type="submit" disabled={applying} aria-label={`Apply the import previewed ${utcTime(preview.createdAt)}`}>
          {applying ? 'Applying…' : 'Apply'}
        </button>
        {applied.message && (
          <span className="error" role="alert">
            {' '}
            {applied.message}
          </span>
        )}
      </form>
    </li>
  );
}

export function WaitingPreviews({ previews }: { previews: WaitingPreview[] }) {
  return (
    <section aria-labelledby="waiting-previews">
      <h2 id="waiting-previews">Previews waiting to be applied</h2>
      <p className="muted">Valid files you previewed in the last hour, on any of the portal&apos;s servers. Applying one applies what the file says now.</p>
      <ul>
        {previews.map((p) => (
          <Waiting key={p.token} preview={p} />
        ))}
      </ul>
    </section>
  );
}
