'use client';

import { useActionState } from 'react';
import { testMappingAction, type TestState } from '../_lib/actions';
import type { CredentialUse } from '@/lib/credentials';

const CREDENTIAL_WORDS: Record<CredentialUse, string> = {
  password: 'the stored WebEx password',
  'new-session-ticket': 'a new session ticket (AuthenticateUser)',
  'cached-session-ticket': 'a cached session ticket',
  'renewed-session-ticket': 'a session ticket renewed after WebEx refused the cached one',
  'access-token': "the employee's WebEx access token",
  'refreshed-access-token': "the employee's WebEx access token, just refreshed",
};

export function MappingTestForm({ email = '', sites = [] }: { email?: string; sites?: readonly { siteName: string; displayName: string }[] }) {
  const [state, test, pending] = useActionState<TestState, FormData>(testMappingAction, {});
  const result = state.result;
  const error = state.fieldErrors?.email?.[0];
  return (
    <form action={test}>
      <div className="field" data-invalid={error ? 'true' : undefined}>
        <label htmlFor="test-email">Portal e-mail</label>
        <input id="test-email" name="email" type="email" defaultValue={email} required aria-describedby={error ? 'test-email-error' : undefined} />
        {error && (
          <span id="test-email-error" className="error">
            {error}
          </span>
        )}
      </div>
      {sites.length > 1 && (
        <div className="field">
          <label htmlFor="test-site">WebEx site</label>
          <select id="test-site" name="site" defaultValue="">
            <option value="">the site a Join would use</option>
            {sites.map((site) => (
              <option key={site.siteName} value={site.siteName}>
                {site.displayName}
              </option>
            ))}
          </select>
        </div>
      )}
      <button type="submit" disabled={pending}>
        {pending ? 'Testing…' : 'Test'}
      </button>
      {/* the live region is there before the result, so screen readers announce it; a dl keeps its own semantics inside */}
      <div role="status" aria-label="Test result">
        {result && (
          <dl className="facts">
            {result.site && (
              <>
                <dt>WebEx site</dt>
                <dd>
                  {result.site.name} · {result.site.chosenBy}
                </dd>
              </>
            )}
            <dt>Source</dt>
            <dd>{result.source === 'mapping' ? 'explicit mapping' : result.source === 'rule' ? 'automatic rule' : 'none'}</dd>
            <dt>WebEx ID</dt>
            <dd>{result.webexId ?? '—'}</dd>
            <dt>Result</dt>
            <dd className={result.outcome === 'OK' ? 'ok' : 'bad'}>
              <code>{result.outcome}</code>
              {result.exceptionID ? ` (exceptionID ${result.exceptionID})` : ''}: {result.meaning}
            </dd>
            {result.rest && (
              <>
                <dt>WebEx e-mail (Service App acts for)</dt>
                <dd>
                  {result.rest.hostEmail}
                  {result.rest.roomTopic ? ` · personal room “${result.rest.roomTopic}”` : ''}
                </dd>
              </>
            )}
            {result.credential && (
              <>
                <dt>Credential</dt>
                <dd>{CREDENTIAL_WORDS[result.credential]}</dd>
              </>
            )}
            {result.webexUser && (
              <>
                <dt>WebEx says</dt>
                <dd>
                  {[result.webexUser.firstName, result.webexUser.lastName].filter(Boolean).join(' ') || result.webexUser.webExId}
                  {result.webexUser.email ? ` <${result.webexUser.email}>` : ''}
                  {result.webexUser.active ? ` · ${result.webexUser.active.toLowerCase()}` : ''}
                </dd>
              </>
            )}
          </dl>
        )}
      </div>
    </form>
  );
}
