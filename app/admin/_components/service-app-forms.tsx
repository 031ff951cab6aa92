'use client';

import { useActionState } from 'react';
import { checkServiceAppAction, installServiceAppTokenAction, type ServiceAppCheckState, type ServiceAppTokenState } from '../_lib/actions';
import { utcTime } from '../../_lib/format';

/** Check the Service App: token, org, and a dry call proving the scopes. */
export function ServiceAppCheckPanel() {
  const [state, check, pending] = useActionState<ServiceAppCheckState>(checkServiceAppAction, {});
  const result = state.check;
  return (
    <form action={check}>
      <div className="actions">
        <button type="submit" disabled={pending}>
          {pending ? 'Checking…' : 'Check the Service App'}
        </button>
      </div>
      <div role="status" aria-label="Service App check">
        {state.message && <p>{state.message}</p>}
        {result && (
          <dl className="facts">
            <dt>Result</dt>
            <dd className={result.ok ? 'ok' : 'bad'}>
              {result.ok ? (
                'Connected: the token works and the Service App may read personal rooms and list meetings for your organisation.'
              ) : (
                <>
                  Not working: <code>{result.failure?.code}</code>. {result.failure?.meaning}
                </>
              )}
              {result.failure?.httpStatus
                ? ` (HTTP ${result.failure.httpStatus}${result.failure.trackingId ? `, trackingId ${result.failure.trackingId}` : ''})`
                : ''}
            </dd>
            {result.identity && (
              <>
                <dt>Token belongs to</dt>
                <dd>{result.identity.displayName ?? result.identity.id}</dd>
                <dt>Organisation</dt>
                <dd data-testid="service-app-org">{result.identity.orgId ?? 'not reported'}</dd>
              </>
            )}
            <dt>Access token expires</dt>
            <dd>{utcTime(result.status.accessExpiresAt)}</dd>
            <dt>Refresh token expires</dt>
            <dd>{result.status.refreshExpiresAt ? utcTime(result.status.refreshExpiresAt) : 'not reported'}</dd>
            {result.dryCall && (
              <>
                <dt>Dry call (scopes)</dt>
                <dd className={result.dryCall.ok ? 'ok' : 'bad'}>
                  {result.dryCall.ok
                    ? `Read the personal room of ${result.dryCall.hostEmail}${result.dryCall.roomTopic ? ` (“${result.dryCall.roomTopic}”)` : ''}: the scopes for personal rooms and meeting links are in place.`
                    : `Could not read the personal room of ${result.dryCall.hostEmail}: ${result.dryCall.code}. ${result.dryCall.meaning ?? ''}`}
                </dd>
              </>
            )}
            {result.dryList && (
              <>
                <dt>Dry list (My meetings)</dt>
                <dd className={result.dryList.ok ? 'ok' : 'bad'} data-testid="service-app-dry-list">
                  {result.dryList.ok ? (
                    `Listed today's meetings of ${result.dryList.hostEmail}: the scope for the home page's list is in place.`
                  ) : (
                    <>
                      Could not list the meetings of {result.dryList.hostEmail}: <code>{result.dryList.code}</code>
                      {result.dryList.httpStatus ? ` (HTTP ${result.dryList.httpStatus})` : ''}.{' '}
                      {result.dryList.missingScope && (
                        <>
                          Missing scope: <code data-testid="service-app-missing-scope">{result.dryList.missingScope}</code>.{' '}
                        </>
                      )}
                      {result.dryList.meaning}
                    </>
                  )}
                </dd>
              </>
            )}
          </dl>
        )}
      </div>
    </form>
  );
}

/** The paste-once form: the value goes to the server and never comes back. */
export function ServiceAppTokenForm() {
  const [state, install, pending] = useActionState<ServiceAppTokenState, FormData>(installServiceAppTokenAction, {});
  const error = state.fieldErrors?.refreshToken?.[0];
  return (
    <form action={install}>
      <div className="field" data-invalid={error ? 'true' : undefined}>
        <label htmlFor="service-app-refresh-token">Refresh token</label>
        <input
          id="service-app-refresh-token"
          name="refreshToken"
          type="password"
          autoComplete="off"
          spellCheck={false}
          required
          aria-describedby={error ? 'service-app-token-error' : undefined}
        />
        {error && (
          <span id="service-app-token-error" className="error">
            {error}
          </span>
        )}
      </div>
      <button type="submit" disabled={pending}>
        {pending ? 'Storing…' : 'Store the refresh token'}
      </button>
      <div role="status" aria-label="Storing the refresh token">
        {state.message && <p className={state.ok ? 'ok' : 'bad'}>{state.message}</p>}
      </div>
    </form>
  );
}
