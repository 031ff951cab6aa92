'use client';

import { useActionState } from 'react';
import { checkConnectionAction, type ConnectionState } from '../_lib/actions';

const yesNo = (value: boolean | undefined, yes: string, no: string) => (value === undefined ? 'not reported' : value ? yes : no);

/** The check of one site (`site`, its site name; none: the default site). */
export function ConnectionCheckPanel({ site = '' }: { site?: string }) {
  const [state, check, pending] = useActionState<ConnectionState, FormData>(checkConnectionAction, {});
  const result = state.check;
  return (
    <form action={check}>
      {site && <input type="hidden" name="site" value={site} />}
      <div className="actions">
        <button type="submit" disabled={pending}>
          {pending ? 'Checking…' : 'Check connection'}
        </button>
      </div>
      {result && (
        <div role="status" className={result.ok ? 'ok' : 'bad'}>
          {result.ok ? (
            <dl className="facts">
              <dt>Result</dt>
              <dd>Connected: the XML API answered GetSite as {result.checkedAs}.</dd>
              <dt>API version</dt>
              <dd>{result.site.apiVersion ?? 'not reported'}</dd>
              <dt>Ticket login (autoLogin)</dt>
              <dd>{yesNo(result.site.autoLogin, 'enabled', 'DISABLED: every login will fail with AutoLoginDisabled; a WebEx site admin must enable it')}</dd>
              <dt>SAML SSO</dt>
              <dd>{yesNo(result.site.ssoEnabled, 'enabled: password credentials will not work on this site', 'not used')}</dd>
              <dt>Servers</dt>
              <dd>{result.site.gsbStatus ?? 'not reported'}</dd>
            </dl>
          ) : (
            <p>
              Not connected: <code>{result.code}</code>
              {result.exceptionID ? ` (WebEx exceptionID ${result.exceptionID}${result.reason ? `: ${result.reason}` : ''})` : ''}. {result.meaning}
            </p>
          )}
        </div>
      )}
    </form>
  );
}
