import { ConnectionCheckPanel } from './_components/connection-check';
import { CredentialModeFacts } from './_components/credential-mode';
import { EndSessionsForm } from './_components/end-sessions-form';
import { LaunchPaths } from './_components/launch-paths';
import { MappingTestForm } from './_components/mapping-test-form';
import { ServiceAppSection } from './_components/service-app';
import { getMeetingListFailure, getRestDeps, requireAdmin } from '@/lib/server';
import { explainMeetingListFailure } from '@/lib/launch';
import { getConfig } from '@/lib/config';
import { describeRule } from '@/lib/mappings';

export const dynamic = 'force-dynamic';

export default async function AdminSettingsPage() {
  await requireAdmin('read');
  const config = getConfig();
  const serviceApp = await getRestDeps();
  const xmlUsed = config.webex.launchApi !== 'rest';
  const listFailure = getMeetingListFailure();
  return (
    <>
      <section className="card">
        <h1>WebEx connection</h1>
        <dl className="facts">
          <dt>Site name</dt>
          <dd>{config.webex.siteName}</dd>
          <dt>Base URL</dt>
          <dd>{config.webex.baseUrl}</dd>
          <dt>Landing page (MU)</dt>
          <dd>{config.webex.landingUrl}</dd>
          <dt>Timeout</dt>
          <dd>{config.webex.timeoutMs / 1000} s</dd>
        </dl>
        {xmlUsed ? (
          <>
            <CredentialModeFacts credentials={config.hostCredentials} />
            <ConnectionCheckPanel />
          </>
        ) : (
          <p className="muted">
            The XML API is not used (WEBEX_LAUNCH_API=rest): no employee credential is needed, and the check below is the Service App&apos;s.
          </p>
        )}
        <LaunchPaths api={config.webex.launchApi} />
      </section>
      {config.sites.slice(1).map((site) => (
        <section className="card" key={site.key} aria-label={`WebEx site ${site.displayName}`}>
          <h2>WebEx site {site.displayName}</h2>
          <dl className="facts">
            <dt>Site name</dt>
            <dd>{site.siteName}</dd>
            <dt>Base URL</dt>
            <dd>{site.baseUrl}</dd>
            <dt>Landing page (MU)</dt>
            <dd>{site.landingUrl}</dd>
          </dl>
          {site.launchApi !== 'rest' && (
            <>
              <CredentialModeFacts credentials={site.hostCredentials} />
              <ConnectionCheckPanel site={site.siteName} />
            </>
          )}
          <LaunchPaths api={site.launchApi} />
        </section>
      ))}
      {config.siteRules.length > 0 && (
        <section className="card">
          <h2>Site rules</h2>
          <ul>
            {config.siteRules.map((rule, index) => (
              <li key={index}>
                {rule.kind === 'domain' ? `e-mail domain ${rule.domain}` : `group ${rule.group}`} →{' '}
                {config.sites.find((s) => s.key === rule.site)?.displayName ?? rule.site}
              </li>
            ))}
          </ul>
          <p className="muted">First match wins, then the default site; a mapping row that names a site always wins. Set with MAPPING_SITE_RULES.</p>
        </section>
      )}
      {config.rest && serviceApp && (
        <ServiceAppSection
          rest={config.rest}
          status={await serviceApp.serviceApp.status()}
          listFailure={listFailure && { ...listFailure, meaning: explainMeetingListFailure(listFailure.code, config.supportContact).meaning }}
        />
      )}
      <section className="card">
        <h2>Automatic mapping rule</h2>
        <p>{describeRule(config.mappingRule)}</p>
        <p className="muted">Explicit mappings always win. Set with MAPPING_RULE, MAPPING_RULE_CLAIM and MAPPING_RULE_LOWERCASE.</p>
      </section>
      <section className="card">
        <h2>End an employee&apos;s sessions</h2>
        <p className="muted">
          Signs one employee out of the portal on every browser and device at once (a lost laptop, a copied session, offboarding). They can sign in again unless
          the identity provider stops them; their sessions there and at WebEx are ended there.
        </p>
        <EndSessionsForm />
      </section>
      <section className="card">
        <h2>Test a mapping</h2>
        <p className="muted">
          {xmlUsed
            ? "Checks one user end to end (mapping or rule, then the host's credential at WebEx, with GetUser) without signing anyone in and without fetching a login ticket."
            : 'Checks one user end to end (mapping or rule, then their WebEx e-mail through the Service App: it reads their personal room) without making a meeting link.'}
        </p>
        <MappingTestForm sites={config.sites.map(({ siteName, displayName }) => ({ siteName, displayName }))} />
      </section>
    </>
  );
}
