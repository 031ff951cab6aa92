'use client';

import { useActionState } from 'react';
import { applyImportAction, previewImportAction, type ImportState } from '../_lib/actions';

export function ImportForm() {
  const [preview, upload, uploading] = useActionState<ImportState, FormData>(previewImportAction, {});
  const [applied, apply, applying] = useActionState<ImportState, FormData>(applyImportAction, {});
  const counts = preview.counts;
  return (
    <>
      <form action={upload}>
        <div className="field">
          <label htmlFor="file">CSV file</label>
          <input id="file" name="file" type="file" accept=".csv,text/csv" required />
        </div>
        <fieldset>
          <legend>Mappings whose e-mail is not in the file</legend>
          <label>
            <input type="radio" name="mode" value="keep-missing" defaultChecked /> Leave them alone
          </label>{' '}
          <label>
            <input type="radio" name="mode" value="delete-missing" /> Delete them
          </label>
        </fieldset>
        <button type="submit" disabled={uploading}>
          {uploading ? 'Checking…' : 'Upload and preview'}
        </button>
      </form>

      {preview.message && (
        <div className={preview.pendingId ? 'card notice' : 'card problem'} role="status" aria-label="Import preview">
          <p>{preview.message}</p>
          {preview.problems && preview.problems.length > 0 && (
            <table aria-label="Problems">
              <thead>
                <tr>
                  <th>Line</th>
                  <th>Column</th>
                  <th>Problem</th>
                </tr>
              </thead>
              <tbody>
                {preview.problems.map((p, i) => (
                  <tr key={i}>
                    <td>{p.line}</td>
                    <td>{p.column ?? ''}</td>
                    <td>{p.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {preview.problemCount !== undefined && preview.problems && preview.problemCount > preview.problems.length && (
            <p className="muted">…and {preview.problemCount - preview.problems.length} more.</p>
          )}
          {counts && preview.pendingId && (
            <form action={apply}>
              <ul>
                <li>{counts.creates} to create</li>
                <li>{counts.updates} to update</li>
                <li>{counts.unchanged} unchanged</li>
                <li>
                  {counts.missing} not in the file: {preview.deleteMissing ? 'will be deleted' : 'left alone'}
                </li>
                {counts.passwordsCleared > 0 && (
                  <li>
                    {counts.passwordsCleared} stored WebEx password{counts.passwordsCleared === 1 ? '' : 's'} will be cleared: the file gives{' '}
                    {counts.passwordsCleared === 1 ? 'that mapping' : 'those mappings'} another WebEx ID. Set them again after the import.
                  </li>
                )}
              </ul>
              <input type="hidden" name="pendingId" value={preview.pendingId} />
              <button type="submit" disabled={applying}>
                {applying ? 'Applying…' : 'Apply import'}
              </button>
              {applied.message && (
                <p className="error" role="alert">
                  {applied.message}
                </p>
              )}
            </form>
          )}
        </div>
      )}
    </>
  );
}
