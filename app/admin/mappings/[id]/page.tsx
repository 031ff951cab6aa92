import { notFound } from 'next/navigation';
import { RevokeConnectionForm } from '../../_components/revoke-form';
import { MappingTestForm } from '../../_components/mapping-test-form';
import { DeleteMappingForm } from '../../_components/delete-mapping-form';
import { MappingForm } from '../../_components/mapping-form';
import { getDb, getOAuth, requireAdmin } from '@/lib/server';
import { getConfig, storesPasswords } from '@/lib/config';
import { getMapping, siteNameOf, WEBEX_ID_RULE } from '@/lib/mappings';
import { utcTime } from '../../../_lib/format';

export const dynamic = 'force-dynamic';

export default async function EditMappingPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ saved?: string }> }) {
  await requireAdmin('read');
  const id = Number((await params).id);
  const { db } = await getDb();
  const mapping = Number.isSafeInteger(id) ? await getMapping(db, id) : undefined;
  if (!mapping) notFound();
  const { saved } = await searchParams;
  const connection = await (await getOAuth())?.tokens.status(mapping.email);
  const config = getConfig();
  const oauthMode = config.hostCredentials.mode === 'oauth';
  const sites = config.sites.map(({ siteName, displayName }) => ({ siteName, displayName }));
  return (
    <>
      <section className="card">
        <h1>{mapping.email}</h1>
        {saved === '1' && (
          <p className="notice" role="status">
            Saved.
          </p>
        )}
        {saved === 'password-cleared' && (
          <p className="notice" role="status">
            Saved. The stored WebEx password was cleared because the WebEx ID changed (it was the previous account&apos;s): set the password of{' '}
            {mapping.webexId} again.
          </p>
        )}
        <p className="muted">
          Version {mapping.version} · created {utcTime(mapping.createdAt)} · updated {utcTime(mapping.updatedAt)}
        </p>
        {/* key: a saved version re-mounts the form with the stored values */}
        <MappingForm
          key={mapping.version}
          initial={{
            id: mapping.id,
            version: mapping.version,
            email: mapping.email,
            site: siteNameOf(config.sites, mapping.site),
            webexId: mapping.webexId,
            displayName: mapping.displayName ?? '',
            hasCredential: mapping.hasCredential,
          }}
          webexIdRule={WEBEX_ID_RULE}
          passwords={storesPasswords(config)}
          sites={sites}
        />
      </section>
      {oauthMode && (
        <section className="card">
          <h2>WebEx connection</h2>
          <p data-testid="connection-state">
            {!connection
              ? 'Not connected: the employee has not allowed the portal yet.'
              : connection.state === 'connected'
                ? `Connected as ${connection.webexId}; the access token expires ${connection.accessExpiresAt ? utcTime(connection.accessExpiresAt) : 'when WebEx decides'} (refreshed automatically).`
                : 'Must reconnect: the authorisation was revoked or expired.'}
          </p>
          {connection && <RevokeConnectionForm email={mapping.email} />}
        </section>
      )}
      <section className="card">
        <h2>Test</h2>
        <MappingTestForm email={mapping.email} sites={sites} />
      </section>
      <section className="card">
        <h2>Delete</h2>
        <DeleteMappingForm id={mapping.id} version={mapping.version} email={mapping.email} />
      </section>
    </>
  );
}
