/** Several sites on one simulator: each with its own hosts, tickets, session tickets, faults and browser session. */
import { afterEach, describe, expect, it } from 'vitest';
import { startWebexSimulator, type SimUser, type WebexSimulator } from './index';
import { callXml, createBrowser, expectFailure, heading, scriptRedirectTarget, sessionTicketFor, SITE, ticketFor, type Tree } from './test-client';

const EU = 'acme-eu';
const ALICE: SimUser = { webExID: 'alice', email: 'alice@example.com', password: 'Alice-WebEx-1' };
// the same WebEx ID on the EU site is another account, with its own password
const ALICE_EU: SimUser = { webExID: 'alice', email: 'alice@example.com', password: 'Alice-EU-1' };
const ERIK_EU: SimUser = { webExID: 'erik', email: 'erik@eu.example.com', password: 'Erik-EU-1' };
const aliceOn = (siteName: string) => ({ siteName, webExID: 'alice', password: siteName === EU ? ALICE_EU.password : ALICE.password });

const running: WebexSimulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((sim) => sim.close()));
});

async function startTwoSites(): Promise<WebexSimulator> {
  const sim = await startWebexSimulator({ siteName: SITE, users: [ALICE], port: 0, sites: [{ siteName: EU, users: [ALICE_EU, ERIK_EU] }] });
  running.push(sim);
  return sim;
}

function loginOn(sim: WebexSimulator, siteName: string, webExID: string, ticket: string): string {
  const url = new URL(`/${siteName}/p.php`, sim.url);
  url.search = new URLSearchParams({ AT: 'LI', WID: webExID, TK: ticket }).toString();
  return url.href;
}

describe('several sites on one server', () => {
  it('names every site, and answers each from its own hosts: a host of one site is unknown on the other', async () => {
    const sim = await startTwoSites();
    expect(sim.siteNames).toEqual([SITE, EU]);

    await ticketFor(sim, aliceOn(SITE));
    await ticketFor(sim, aliceOn(EU));
    await ticketFor(sim, { siteName: EU, webExID: 'erik', password: 'Erik-EU-1' });
    // erik has no account on acme; alice's acme password is not her EU one
    expectFailure(await callXml(sim, { siteName: SITE, webExID: 'erik', password: 'Erik-EU-1' }), '030002');
    expectFailure(await callXml(sim, { siteName: EU, webExID: 'alice', password: ALICE.password }), '030002');
    // a site the simulator does not have
    expectFailure(await callXml(sim, { siteName: 'globex', webExID: 'alice', password: ALICE.password }), '999992');
  });

  it('refuses a login ticket of one site on the other, and the ticket still works on its own site', async () => {
    const sim = await startTwoSites();
    const euTicket = await ticketFor(sim, aliceOn(EU));

    const browser = createBrowser();
    const refused = await browser.open(loginOn(sim, SITE, 'alice', euTicket));
    expect(heading(refused.html)).toBe('WebEx login failed');
    expect(refused.html).toContain('InvalidTicket');

    const landed = await browser.open(loginOn(sim, EU, 'alice', euTicket));
    const target = new URL(scriptRedirectTarget(landed.html));
    expect(target.pathname).toBe(`/webappng/sites/${EU}/dashboard`);
    expect(heading((await browser.open(target.href)).html)).toBe('Signed in to WebEx as alice');
  });

  it('refuses a session ticket of one site on the other', async () => {
    const sim = await startTwoSites();
    const sessionTicket = await sessionTicketFor(sim, aliceOn(SITE));

    await ticketFor(sim, { siteName: SITE, webExID: 'alice', sessionTicket });
    expectFailure(await callXml(sim, { siteName: EU, webExID: 'alice', sessionTicket }), '030047');
  });

  it('keeps one browser session per site: signed in on acme is not AlreadyLogon on acme-eu, and signing out of one leaves the other', async () => {
    const sim = await startTwoSites();
    const browser = createBrowser();
    await browser.open(loginOn(sim, SITE, 'alice', await ticketFor(sim, aliceOn(SITE))));
    const eu = await browser.open(loginOn(sim, EU, 'alice', await ticketFor(sim, aliceOn(EU))));
    expect(eu.html).not.toContain('AlreadyLogon');
    expect([...browser.cookies.keys()].sort()).toEqual([`webex_sim_session_${SITE}`, `webex_sim_session_${EU}`].sort());

    const again = await browser.open(loginOn(sim, EU, 'erik', await ticketFor(sim, { siteName: EU, webExID: 'erik', password: 'Erik-EU-1' })));
    expect(again.html).toContain('AlreadyLogon');

    await browser.open(new URL(`/${EU}/p.php?AT=LO`, sim.url).href);
    expect(heading((await browser.open(new URL(`/webappng/sites/${EU}/dashboard`, sim.url).href)).html)).toBe('Not signed in to WebEx');
    expect(heading((await browser.open(new URL(`/webappng/sites/${SITE}/dashboard`, sim.url).href)).html)).toBe('Signed in to WebEx as alice');
    expect(sim.stats().logins).toBe(2);
  });

  it('applies a fault to the site it names only; without a site, to the first site', async () => {
    const sim = await startTwoSites();
    sim.inject({ site: EU, fault: { kind: 'failure', exceptionID: '030001' } });
    await ticketFor(sim, aliceOn(SITE));
    expectFailure(await callXml(sim, aliceOn(EU)), '030001');

    sim.clearFaults();
    sim.inject({ fault: { kind: 'failure', exceptionID: '030001' } });
    await ticketFor(sim, aliceOn(EU));
    expectFailure(await callXml(sim, aliceOn(SITE)), '030001');
    expect(() => sim.inject({ site: 'globex', fault: { kind: 'hang' } })).toThrow(/No site "globex"/);
  });

  it('takes the site of a fault over the control API, and refuses a site it does not have', async () => {
    const sim = await startTwoSites();
    const inject = (rule: object) => fetch(`${sim.url}/__sim/faults`, { method: 'POST', body: JSON.stringify(rule) });

    expect((await inject({ site: EU, fault: { kind: 'failure', exceptionID: '030001' } })).status).toBe(204);
    expectFailure(await callXml(sim, aliceOn(EU)), '030001');
    const refused = await inject({ site: 'globex', fault: { kind: 'hang' } });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('No site "globex"');
    // DELETE clears every site's faults
    expect((await fetch(`${sim.url}/__sim/faults`, { method: 'DELETE' })).status).toBe(204);
    const body = (await callXml(sim, aliceOn(EU))).bodyContent as Tree;
    expect(body['use:ticket']).toBeTruthy();
  });

  it('refuses two sites of one name', async () => {
    await expect(startWebexSimulator({ siteName: SITE, users: [], sites: [{ siteName: 'ACME', users: [] }] })).rejects.toThrow(/its own siteName/);
  });
});
