/**
 * The launch on two WebEx sites over real HTTP, on a real SQLite file: each employee on the site
 * their mapping row or the site rules name, each site's session tickets its own. One simulator
 * serving both sites (each with its own users and tickets, refusing the other's), at one base URL.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebexSimulator, type WebexSimulator } from '../../e2e/servers/webex-sim';
import { openTempDatabase, type TempDatabase } from '../testing/temp-database';
import { launchWebex, siteFor, type LaunchDeps } from './launch';
import { type SiteRule, upsertMapping } from '../mappings';
import { createHostCredentials } from '../credentials';
import { signedIn } from '../testing/portal-sign-in';
import { createWebexClient } from '../webex';
import { sealCredential } from '../secrets';
import type { LaunchTarget } from './target';

const KEYS: Record<string, string> = { '1': 'integration-test-key-0123456789abcdef' };
const SITE_RULES: SiteRule[] = [{ kind: 'domain', domain: 'eu.example.com', site: 'acme-eu' }];

let sim: WebexSimulator;
let store: TempDatabase;
let sites: LaunchDeps[];

function siteDeps(key: string, siteName: string): LaunchDeps {
  const webex = createWebexClient({ baseUrl: sim.url, timeoutMs: 1000, maxResponseBytes: 65_536 });
  return {
    db: store.db,
    webex,
    // passwords traded for session tickets, cached per user and site
    credentials: createHostCredentials({
      config: { mode: 'password', toSessionTicket: true },
      siteName,
      webex,
      keys: KEYS,
      db: store.db,
      site: key,
    }),
    site: { key, siteName, baseUrl: sim.url, landingUrl: `${sim.url}/webappng/sites/${siteName}/dashboard` },
    rule: { kind: 'email-local-part', lowercase: false },
    siteRules: SITE_RULES,
    backUrl: 'http://localhost:3000/webex/return',
  };
}

async function launch(email: string, target: LaunchTarget = { kind: 'home' }) {
  const user = signedIn(email);
  return launchWebex(user, await siteFor(user, target, sites), `req-${randomUUID()}`, target);
}

beforeAll(async () => {
  sim = await startWebexSimulator({
    port: 0,
    siteName: 'acme',
    users: [
      { webExID: 'ana', password: 'Ana-acme-1' },
      { webExID: 'bob', password: 'Bob-acme-1' },
    ],
    sites: [
      {
        siteName: 'acme-eu',
        users: [
          // the same WebEx ID and password on the other site: another account all the same, with its own tickets
          { webExID: 'ana', password: 'Ana-acme-1' },
          { webExID: 'eva', password: 'Eva-eu-1' },
        ],
      },
    ],
  });
  store = await openTempDatabase('sites');
  sites = [siteDeps('', 'acme'), siteDeps('acme-eu', 'acme-eu')];
  const sealed = (password: string) => sealCredential({ kind: 'password', password }, KEYS);
  // ana has an account on each site; eva (eu.example.com) only the rule's, on the EU site; bob the default site's by rule
  // one sealed credential on both rows: the ticket cache's binding is the same, so only the site keeps the tickets apart
  const anaCredential = await sealed('Ana-acme-1');
  await upsertMapping(store.db, { email: 'ana@example.com', webexId: 'ana', sealedCredential: anaCredential });
  await upsertMapping(store.db, { email: 'ana@example.com', site: 'acme-eu', webexId: 'ana', sealedCredential: anaCredential });
  await upsertMapping(store.db, { email: 'eva@eu.example.com', site: 'acme-eu', webexId: 'eva', sealedCredential: await sealed('Eva-eu-1') });
});

afterAll(async () => {
  await store.remove();
  await sim.close();
});

describe('the launch on several sites', () => {
  it('an employee with accounts on two sites lands on the site the Join names, as that site’s host', async () => {
    const home = await launch('ana@example.com');
    expect(home).toMatchObject({ ok: true, webexId: 'ana', site: 'acme' });
    if (home.ok) expect(new URL(home.location).href.startsWith(`${sim.url}/acme/p.php?`)).toBe(true);
    const onEu = await launch('ana@example.com', { kind: 'home', site: 'acme-eu' });
    expect(onEu).toMatchObject({ ok: true, webexId: 'ana', site: 'acme-eu' });
    if (onEu.ok) {
      const url = new URL(onEu.location);
      expect(url.origin + url.pathname).toBe(`${sim.url}/acme-eu/p.php`);
      expect(url.searchParams.get('WID')).toBe('ana');
    }
  });

  it('an employee of the EU domain lands on the EU site by rule, and is unknown on the default site', async () => {
    expect(await launch('eva@eu.example.com')).toMatchObject({ ok: true, webexId: 'eva', site: 'acme-eu' });
    expect(await launch('eva@eu.example.com', { kind: 'home', site: 'acme' })).toMatchObject({ ok: false, code: 'MAPPING_MISSING' });
  });

  it('the mapping rule’s WebEx ID applies on the site the site rules choose only', async () => {
    // bob has no row: the rule (e-mail local part) gives "bob" on the default site, nothing on the EU site
    expect(await launch('bob@example.com')).toMatchObject({ ok: false, code: 'CREDENTIAL_MISSING', webexId: 'bob' });
    expect(await launch('bob@example.com', { kind: 'home', site: 'acme-eu' })).toMatchObject({ ok: false, code: 'MAPPING_MISSING' });
  });

  it('a session ticket of one site is never sent to the other: each site authenticates its host itself', async () => {
    const before = sim.stats().sessionTicketsIssued;
    expect(await launch('ana@example.com')).toMatchObject({ ok: true, site: 'acme' });
    expect(await launch('ana@example.com', { kind: 'home', site: 'acme-eu' })).toMatchObject({ ok: true, site: 'acme-eu' });
    expect(await launch('ana@example.com', { kind: 'home', site: 'acme-eu' })).toMatchObject({ ok: true, site: 'acme-eu' });
    // the first test made ana's tickets on both sites; these launches reused each site's own (the simulator
    // refuses one site's ticket on the other, and a refused ticket would have been replaced by a new one)
    expect(sim.stats().sessionTicketsIssued - before).toBe(0);
    const rows = await store.db
      .selectFrom('webex_session_tickets')
      .select(['email', 'site', 'webex_id'])
      .where('email', '=', 'ana@example.com')
      .orderBy('site')
      .execute();
    expect(rows).toEqual([
      { email: 'ana@example.com', site: '', webex_id: 'ana' },
      { email: 'ana@example.com', site: 'acme-eu', webex_id: 'ana' },
    ]);
  });

  it('a Join naming a site that is not the company’s fails SITE_UNKNOWN, audited', async () => {
    const requestId = `req-${randomUUID()}`;
    const user = signedIn('ana@example.com');
    const target: LaunchTarget = { kind: 'home', site: 'acme-apac' };
    expect(await launchWebex(user, await siteFor(user, target, sites), requestId, target)).toEqual({ ok: false, code: 'SITE_UNKNOWN' });
    const row = await store.db.selectFrom('audit_events').select(['outcome', 'detail']).where('request_id', '=', requestId).executeTakeFirstOrThrow();
    expect(row.outcome).toBe('SITE_UNKNOWN');
    expect(JSON.parse(row.detail ?? '{}')).toMatchObject({ site: 'acme-apac' });
  });
});
