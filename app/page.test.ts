/**
 * The home page with several sites: one card per site the employee has an account on, each as its
 * own credential mode says (the default site by password, acme-eu in oauth mode: Connect first).
 */
import { describe, expect, it, vi } from 'vitest';
import type { PortalUser } from '@/lib/identity';
import { setUpPortalEnvironment } from '@/lib/testing/config';
import { signedIn } from '@/lib/testing/portal-sign-in';
import { renderToHtml } from '@/lib/testing/render';

const ALICE: PortalUser = { ...signedIn('alice@example.com'), name: 'Alice Anders', isAdmin: false, groups: [], adminCheckedAt: 0 };

vi.mock('@/lib/server', async (importOriginal) => ({
  ...(await importOriginal<typeof import('@/lib/server')>()),
  getPortalUser: async () => ALICE,
}));
// no tz cookie, no script nonce: what a first visit's request carries
vi.mock('next/headers', () => ({ cookies: async () => ({ get: () => undefined }), headers: async () => new Headers() }));

setUpPortalEnvironment({
  WEBEX_SITE_DISPLAY_NAME: 'Acme',
  WEBEX_SITES: 'acme-eu',
  WEBEX_SITE_ACME_EU_DISPLAY_NAME: 'Acme Europe',
  WEBEX_SITE_ACME_EU_CREDENTIAL_MODE: 'oauth',
  WEBEX_SITE_ACME_EU_OAUTH_CLIENT_ID: 'portal-eu',
  WEBEX_SITE_ACME_EU_OAUTH_CLIENT_SECRET: 'portal-eu-secret',
});

async function homePage(): Promise<string> {
  const { default: HomePage } = await import('./page');
  return renderToHtml(await HomePage({ searchParams: Promise.resolve({}) }));
}

describe('the home page with two sites', () => {
  it('one card per site the employee has, each as its own mode says: Join on the password site, Connect on the oauth site, naming it', async () => {
    const { getDb } = await import('@/lib/server');
    const { upsertMapping } = await import('@/lib/mappings');
    const { db } = await getDb();
    await upsertMapping(db, { email: ALICE.email, webexId: 'alice' });
    await upsertMapping(db, { email: ALICE.email, site: 'acme-eu', webexId: 'alice.eu' });

    const html = await homePage();
    expect(html).toContain('<section class="card" aria-label="WebEx · Acme"><h2>WebEx · Acme</h2>');
    expect(html).toMatch(
      /<form action="\/launch" method="post"><input type="hidden" name="site" value="acme"\/><button type="submit">Join WebEx · Acme<\/button>/,
    );
    expect(html).toContain('<h2>Connect your WebEx account · Acme Europe</h2>');
    expect(html).toMatch(
      /<form action="\/webex\/connect" method="post"><input type="hidden" name="site" value="acme-eu"\/><button type="submit">Connect WebEx · Acme Europe<\/button>/,
    );
    // no Join to a site the employee has not connected, and no Disconnect either
    expect(html).not.toContain('Join WebEx · Acme Europe');
    expect(html).not.toContain('Disconnect');
  });
});
