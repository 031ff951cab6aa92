'use client';

import { useActionState } from 'react';
import { testMappingAction, type TestState } from './actions';

export function MappingTestForm({ email = '' }: { email?: string }) {
  const [state, test, pending] = useActionState<TestState, FormData>(testMappingAction, {});
  const result = state.result;
  const error = state.fieldErrors?.email?.[0];
  return (
    <form action={test}>
      <div className="field" data-invalid={error ? 'true' : undefined}>
        <label htmlFor="test-email">Portal e-mail</label>
        <input id="test-email" name="email" type="email" defaultValue={email} required aria-describedby={error ? 'test-email-error' : undefined} />
        {error && <span id="test-email-error" className="error">{error}</span>}
      </div>
      <button type="submit" disabled={pending}>{pending ? 'Testing…' : 'Test'}</button>
      {result && (
        <dl className="facts" role="status" aria-label="Test result">
          <dt>Source</dt>
          <dd>{result.source === 'mapping' ? 'explicit mapping' : result.source === 'rule' ? 'automatic rule' : 'none'}</dd>
          <dt>WebEx ID</dt>
          <dd>{result.webexId ?? '—'}</dd>
          <dt>Result</dt>
          <dd className={result.outcome === 'OK' ? 'ok' : 'bad'}>
            <code>{result.outcome}</code>
            {result.exceptionID ? ` (exceptionID ${result.exceptionID})` : ''}: {result.meaning}
          </dd>
        </dl>
      )}
    </form>
  );
}
