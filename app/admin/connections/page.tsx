import { RevokeConnectionForm } from '../_components/revoke-form';
import { SITE_FIELD } from '@/lib/launch';
import { getSites, requireAdmin } from '@/lib/server';
import { firstParam, type SearchParams } from '../../_lib/search-params';
import { utcTime } from '../../_lib/format';

export const dynamic = 'force-dynamic';

/** Who has connected their WebEx account (oauth mode), on every site, with a revoke for each. Never a token. */
export default async function ConnectionsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  await requireAdmin('read');
  // set by the revoke action; the query string is anybody's, so it names no one
  const revoked = firstParam((await searchParams).revoked) === '1';
  const sites = await getSites();
  const withOAuth = sites.flatMap((s) => (s.oauth ? [{ site: s.site, tokens: s.oauth.tokens }] : []));
  if (withOAuth.length === 0) {
    return (
      <section className="card">
        <h1>Connections</h1>
        <p>Employees connect their WebEx accounts only in oauth mode (WEBEX_CREDENTIAL_MODE=oauth).</p>
      </section>
    );
  }
  const several = sites.length > 1;
  const connections = (await Promise.all(withOAuth.map(async ({ site, tokens }) => (await tokens.list()).map((c) => ({ ...c, site }))))).flat();
  return (
    <section className="card">
      <h1>Connections</h1>
      <p className="muted">Employees who allowed the portal to act as their WebEx host. Revoking asks them to connect again.</p>
      {revoked && (
        <p className="notice" role="status">
          Revoked the WebEx connection. The employee is asked to connect again at their next Join.
        </p>
      )}
      {connections.length === 0 ? (
        <p>Nobody has connected a WebEx account yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Portal e-mail</th>
              {several && <th scope="col">Site</th>}
              <th scope="col">WebEx ID</th>
              <th scope="col">State</th>
              <th scope="col">Access token expires</th>
              <th scope="col">Connected</th>
              <th scope="col">
                <span className="visually-hidden">Action</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {connections.map((c) => (
              <tr key={`${c.site.key}/${c.email}`} data-testid={`connection-${c.email}${c.site.key ? `-${c.site.key}` : ''}`}>
                <td>{c.email}</td>
                {several && <td>{c.site.displayName}</td>}
                <td>{c.webexId}</td>
                <td>{c.state === 'connected' ? 'connected' : 'must reconnect'}</td>
                <td>{utcTime(c.accessExpiresAt)}</td>
                <td>{utcTime(c.connectedAt)}</td>
                <td>
                  <RevokeConnectionForm email={c.email} site={several ? { field: SITE_FIELD, ...c.site } : undefined} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
