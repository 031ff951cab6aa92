import { ServiceAppCheckPanel, ServiceAppTokenForm } from './service-app-forms';
import { type RestSettings } from '@/lib/webex-rest';
import { type ServiceAppStatus } from '@/lib/credentials';
import { type MeetingListFailure } from '@/lib/meetings';
import { utcTime } from '../../_lib/format';

const STATE_WORDS: Record<ServiceAppStatus['state'], string> = {
  authorized: 'authorized',
  'not-authorized': 'NOT AUTHORIZED: no grant yet; paste a refresh token below (or set WEBEX_SERVICE_APP_REFRESH_TOKEN before the first start)',
  reconnect: 'NEEDS A NEW TOKEN: WebEx refused the grant (revoked, deauthorized, or expired); paste a new refresh token below',
};

/** The company's Service App (the REST path): its settings, its grant, the check and the paste-once form. */
export function ServiceAppSection({
  rest,
  status,
  listFailure,
}: {
  rest: RestSettings;
  status: ServiceAppStatus;
  listFailure?: MeetingListFailure & { meaning: string };
}) {
  return (
    <section className="card" aria-labelledby="service-app-title">
      <h2 id="service-app-title">Service App (REST)</h2>
      <dl className="facts">
        <dt>API base URL</dt>
        <dd>{rest.apiBaseUrl}</dd>
        <dt>Client ID</dt>
        <dd>{rest.clientId}</dd>
        <dt>Links allowed on</dt>
        <dd>{[...rest.linkHosts.suffixes.map((s) => `*${s}`), ...rest.linkHosts.exact].join(', ')}</dd>
        <dt>Meetings listed from</dt>
        <dd>{rest.siteUrl ?? 'every site of the employee (WEBEX_REST_SITE_URL unset)'}</dd>
        <dt>Grant</dt>
        <dd className={status.state === 'authorized' ? 'ok' : 'bad'} data-testid="service-app-state">
          {STATE_WORDS[status.state]}
          {status.otherClient ? ' (the stored grant belongs to another client ID)' : ''}
        </dd>
        <dt>Access token expires</dt>
        <dd>{utcTime(status.accessExpiresAt)}</dd>
        <dt>Refresh token expires</dt>
        <dd>{status.refreshExpiresAt ? utcTime(status.refreshExpiresAt) : 'not reported'}</dd>
        {status.lastFailure && (
          <>
            <dt>Last refresh failed</dt>
            <dd className="bad" data-testid="service-app-failure">
              {utcTime(status.lastFailure.at)}: <code>{status.lastFailure.code}</code>. Until a refresh works, employees read “WebEx is not reachable through
              the company app”.
            </dd>
          </>
        )}
        {listFailure && (
          <>
            <dt>Last list of meetings failed</dt>
            <dd className="bad" data-testid="meeting-list-failure">
              {utcTime(listFailure.at)} (this instance): <code>{listFailure.code}</code>
              {listFailure.httpStatus ? ` (HTTP ${listFailure.httpStatus}${listFailure.trackingId ? `, trackingId ${listFailure.trackingId}` : ''})` : ''}.{' '}
              {listFailure.meaning}
            </dd>
          </>
        )}
      </dl>
      <ServiceAppCheckPanel />
      <h3>Authorize with a new refresh token</h3>
      <p className="muted">
        After a Control Hub admin authorized the Service App for your organisation, generate its tokens in the developer portal (My Webex Apps → the app → Org
        Authorizations) and paste the <strong>refresh token</strong> here once. The portal exchanges it at once and keeps the grant sealed; it never shows it
        again.
      </p>
      <ServiceAppTokenForm />
    </section>
  );
}
