import { XMLValidator } from 'fast-xml-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { startWebexSimulator, type SimOptions, type SimUser, type WebexSimulator } from './index';
import {
  aliceByPassword,
  answerParser,
  BACK_URL,
  buildRequest,
  callXml,
  createBrowser,
  expectFailure,
  GET_SITE,
  heading,
  loginUrl,
  NS,
  postXml,
  scriptRedirectTarget,
  sessionTicketFor,
  SITE,
  ticketFor,
  type Tree,
} from './test-client';

const ALICE: SimUser = { webExID: 'alice', email: 'alice@example.com', password: 'Alice-WebEx-1', firstName: 'Alice', lastName: 'Anders' };
const BOB: SimUser = { webExID: 'bob', email: 'bob@example.com', password: '007' };
const CAROL: SimUser = { webExID: 'carol', password: 'Carol-WebEx-1', active: false };
const SPACEY: SimUser = { webExID: 'spacey', password: ' padded secret ' };

const running: WebexSimulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((sim) => sim.close()));
});

async function startSim(overrides: Partial<SimOptions> = {}): Promise<WebexSimulator> {
  const sim = await startWebexSimulator({ siteName: SITE, users: [ALICE, BOB, CAROL, SPACEY], port: 0, ...overrides });
  running.push(sim);
  return sim;
}

// ---------- Tests ----------

describe('XML API: GetLoginTicket', () => {
  it("answers SUCCESS in WebEx's exact shape for a password context", async () => {
    const sim = await startSim();
    const answer = await callXml(sim, aliceByPassword);

    expect(answer.status).toBe(200);
    expect(answer.contentType).toBe('text/xml;charset=UTF-8');
    expect(answer.text.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    expect(answer.message['@_xmlns:serv']).toBe(NS.serv);
    expect(answer.message['@_xmlns:com']).toBe(NS.com);
    expect(answer.message['@_xmlns:use']).toBe(NS.use);
    expect(answer.response).toEqual({ 'serv:result': 'SUCCESS', 'serv:gsbStatus': 'PRIMARY' });
    const body = answer.bodyContent as Tree;
    expect(body['@_xsi:type']).toBe('use:getLoginTicketResponse');
    expect(body['@_xmlns:xsi']).toBe(NS.xsi);
    expect(body['use:ticket']).toMatch(/^[A-Za-z0-9+/]{32}$/);
    expect(body['use:apiVersion']).toBe('WebEx XML API V10.0.0');
  });

  it('accepts a session ticket from AuthenticateUser instead of the password, for its own host only', async () => {
    const sim = await startSim();
    const sessionTicket = await sessionTicketFor(sim);
    await ticketFor(sim, { webExID: 'alice', sessionTicket });
    expectFailure(await callXml(sim, { webExID: 'bob', sessionTicket }), '030047');
  });

  it('matches WebEx IDs without regard to case', async () => {
    const sim = await startSim();
    expect(await ticketFor(sim, { webExID: 'ALICE', password: 'Alice-WebEx-1' })).toBe(await ticketFor(sim));
  });

  it('identifies the host by email when no webExID is given', async () => {
    const sim = await startSim();
    const byEmail = await ticketFor(sim, { email: 'ALICE@example.com', password: 'Alice-WebEx-1' });
    expect(await ticketFor(sim)).toBe(byEmail);
  });

  it('reads IDs and passwords as strings and compares passwords untrimmed', async () => {
    const sim = await startSim();
    await ticketFor(sim, { webExID: 'bob', password: '007' });
    expectFailure(await callXml(sim, { webExID: 'bob', password: '7' }), '030002');
    await ticketFor(sim, { webExID: 'spacey', password: ' padded secret ' });
    expectFailure(await callXml(sim, { webExID: 'spacey', password: 'padded secret' }), '030002');
  });

  it('answers an unknown user exactly as a wrong password: FAILURE 030002 with HTTP 200', async () => {
    const sim = await startSim();
    const unknown = await callXml(sim, { webExID: 'mallory', password: 'x' });
    const wrong = await callXml(sim, { webExID: 'alice', password: 'x' });
    expectFailure(unknown, '030002', 'Incorrect user or password');
    expect(unknown.text).toBe(wrong.text);
  });

  it('answers FAILURE 030002 with HTTP 200 for a wrong or missing password', async () => {
    const sim = await startSim();
    expectFailure(await callXml(sim, { webExID: 'alice', password: 'wrong' }), '030002', 'Incorrect user or password');
    expectFailure(await callXml(sim, { webExID: 'alice' }), '030002');
  });

  it('answers 030047 for a wrong sessionTicket and 999993 for a wrong access token', async () => {
    const sim = await startSim();
    expectFailure(await callXml(sim, { webExID: 'alice', sessionTicket: 'nope' }), '030047', 'Not a valid session ticket');
    expectFailure(await callXml(sim, { webExID: 'alice', webExAccessToken: 'nope' }), '999993', 'WebEx access token is invalid');
  });

  it('refuses a context carrying two credentials', async () => {
    const sim = await startSim();
    expectFailure(await callXml(sim, { ...aliceByPassword, sessionTicket: await sessionTicketFor(sim) }), '999990');
  });

  it('answers 000001 for an inactive user with the right password', async () => {
    const sim = await startSim();
    expectFailure(await callXml(sim, { webExID: 'carol', password: 'Carol-WebEx-1' }), '000001');
  });

  it('answers FAILURE for another site', async () => {
    const sim = await startSim();
    expectFailure(await callXml(sim, { ...aliceByPassword, siteName: 'globex' }), '999992', 'Site name is not valid');
  });

  it('answers FAILURE for an unsupported xsi:type', async () => {
    const sim = await startSim();
    expectFailure(await callXml(sim, aliceByPassword, 'java:com.webex.service.binding.meeting.CreateMeeting'), '999991');
  });

  it.each([
    ['not XML', 'hello'],
    ['a truncated document', buildRequest(aliceByPassword).slice(0, 120)],
    ['another root element', '<envelope><header/></envelope>'],
    ['no securityContext', `<serv:message xmlns:serv="${NS.serv}"><body><bodyContent/></body></serv:message>`],
    ['a repeated webExID', buildRequest(aliceByPassword).replace('<webExID>alice</webExID>', '<webExID>a</webExID><webExID>b</webExID>')],
    ['the envelope in another namespace', buildRequest(aliceByPassword).replace(NS.serv, 'http://example.com/not-webex')],
    [
      'an unprefixed root without the service namespace',
      buildRequest(aliceByPassword).replaceAll('serv:message', 'message').replace(` xmlns:serv="${NS.serv}"`, ''),
    ],
    ['a header in a foreign namespace', buildRequest(aliceByPassword).replace('<header>', '<x:header xmlns:x="urn:x">').replace('</header>', '</x:header>')],
    ['a DTD with an entity', `<?xml version="1.0"?><!DOCTYPE m [<!ENTITY x "alice">]>${buildRequest(aliceByPassword).replace(/^<\?xml[^>]*>/, '')}`],
    ['two roots', `${buildRequest(aliceByPassword)}<serv:message xmlns:serv="${NS.serv}"/>`],
  ])('answers FAILURE 999990 with HTTP 200 for %s', async (_name, body) => {
    const sim = await startSim();
    const answer = await postXml(sim, body);
    expect(answer.status).toBe(200);
    expect(answer.contentType).toBe('text/xml;charset=UTF-8');
    const response = answerParser.parse(answer.text)['serv:message']['serv:header']['serv:response'];
    expect(response['serv:result']).toBe('FAILURE');
    expect(response['serv:exceptionID']).toBe('999990');
  });

  it('wants xsi:type in the XML Schema instance namespace, not a plain type attribute', async () => {
    const sim = await startSim();
    const plain = buildRequest(aliceByPassword).replace('xsi:type=', 'type=');
    const answer = answerParser.parse((await postXml(sim, plain)).text)['serv:message']['serv:header']['serv:response'];
    expect(answer['serv:exceptionID']).toBe('999991');
    const otherNs = buildRequest(aliceByPassword).replace('xsi:type=', 'x:type=').replace('<bodyContent', '<bodyContent xmlns:x="urn:x"');
    expect(answerParser.parse((await postXml(sim, otherNs)).text)['serv:message']['serv:header']['serv:response']['serv:exceptionID']).toBe('999991');
  });

  it('is lenient about content-type, and about header and body with or without the serv: prefix', async () => {
    const sim = await startSim();
    const prefixed = buildRequest(aliceByPassword)
      .replaceAll('<header>', '<serv:header>')
      .replaceAll('</header>', '</serv:header>')
      .replaceAll('<body>', '<serv:body>')
      .replaceAll('</body>', '</serv:body>');
    for (const contentType of ['text/xml', 'text/xml charset=UTF-8', 'application/x-www-form-urlencoded']) {
      const answer = await postXml(sim, prefixed, contentType);
      expect(answer.text).toContain('<serv:result>SUCCESS</serv:result>');
    }
  });

  it('refuses bodies over 64 KiB with 413', async () => {
    const sim = await startSim();
    const answer = await postXml(sim, `<a>${'x'.repeat(70 * 1024)}</a>`);
    expect(answer.status).toBe(413);
  });

  it('answers 405 to GET', async () => {
    const sim = await startSim();
    const response = await fetch(`${sim.url}/WBXService/XMLService`);
    expect(response.status).toBe(405);
  });
});

describe('login tickets', () => {
  it('returns the current ticket until it is used, then a new one [D1]', async () => {
    const sim = await startSim();
    const first = await ticketFor(sim);
    expect(await ticketFor(sim, { webExID: 'alice', sessionTicket: await sessionTicketFor(sim) })).toBe(first);
    expect(sim.stats().ticketsIssued).toBe(1);

    const { html } = await createBrowser().open(loginUrl(sim, { WID: 'alice', TK: first }));
    expect(scriptRedirectTarget(html)).toBe(`${sim.url}/webappng/sites/${SITE}/dashboard`);

    const second = await ticketFor(sim);
    expect(second).not.toBe(first);
    expect(sim.stats().ticketsIssued).toBe(2);
  });

  it('keeps tickets per host', async () => {
    const sim = await startSim();
    expect(await ticketFor(sim)).not.toBe(await ticketFor(sim, { webExID: 'bob', password: '007' }));
  });

  it('expires tickets after ticketTtlMs', async () => {
    let clock = 1_700_000_000_000;
    const sim = await startSim({ now: () => clock, ticketTtlMs: 60_000 });
    const first = await ticketFor(sim);
    clock += 59_999;
    expect(await ticketFor(sim)).toBe(first);

    clock += 1;
    const { html } = await createBrowser().open(loginUrl(sim, { WID: 'alice', TK: first, BU: BACK_URL }));
    expect(new URL(scriptRedirectTarget(html)).searchParams.get('RS')).toBe('InvalidTicket');
    expect(await ticketFor(sim)).not.toBe(first);
  });

  it('makes tickets that need URL encoding, and does not forgive a missing one', async () => {
    const sim = await startSim({ generateTicket: () => 'a+b/c=' });
    const ticket = await ticketFor(sim);
    expect(ticket).toBe('a+b/c=');

    const careless = `${sim.url}/${SITE}/p.php?AT=LI&WID=alice&TK=${ticket}&BU=${encodeURIComponent(BACK_URL)}`;
    const failed = await createBrowser().open(careless);
    expect(new URL(scriptRedirectTarget(failed.html)).searchParams.get('RS')).toBe('InvalidTicket');

    const encoded = await createBrowser().open(loginUrl(sim, { WID: 'alice', TK: ticket }));
    expect(encoded.setCookies).toHaveLength(1);
  });
});

describe('URL API: p.php?AT=LI', () => {
  it('signs the browser in and sends it to MU, whose page shows the WebEx ID', async () => {
    const sim = await startSim();
    const browser = createBrowser();
    const mainUrl = `${sim.url}/webappng/sites/${SITE}/dashboard`;
    const login = await browser.open(loginUrl(sim, { WID: 'alice', TK: await ticketFor(sim), MU: mainUrl, BU: BACK_URL }));

    expect(login.response.status).toBe(200);
    expect(login.response.headers.get('cache-control')).toBe('no-store');
    expect(login.response.headers.get('content-type')).toContain('text/html');
    expect(login.html).toContain('<noscript>');
    const [cookie = ''] = login.setCookies;
    expect(cookie).toMatch(/^webex_sim_session_acme=[^;]+;/);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).not.toMatch(/Secure/);

    const target = scriptRedirectTarget(login.html);
    expect(target).toBe(mainUrl);
    const landing = await browser.open(target);
    expect(landing.response.status).toBe(200);
    expect(heading(landing.html)).toBe('Signed in to WebEx as alice');
    expect(sim.stats()).toMatchObject({ logins: 1, failedLogins: 0 });
  });

  it('reads the same parameters from a POSTed form', async () => {
    const sim = await startSim();
    const browser = createBrowser();
    const form = new URLSearchParams({ AT: 'LI', WID: 'alice', TK: await ticketFor(sim) });
    const login = await browser.open(`${sim.url}/${SITE}/p.php`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    const landing = await browser.open(scriptRedirectTarget(login.html));
    expect(heading(landing.html)).toBe('Signed in to WebEx as alice');
  });

  it("sends a replayed ticket to BU with ST=FAIL&RS=InvalidTicket, keeping BU's own parameters", async () => {
    const sim = await startSim();
    const ticket = await ticketFor(sim);
    await createBrowser().open(loginUrl(sim, { WID: 'alice', TK: ticket }));

    const replay = await createBrowser().open(loginUrl(sim, { WID: 'alice', TK: ticket, BU: BACK_URL }));
    expect(replay.setCookies).toHaveLength(0);
    const target = new URL(scriptRedirectTarget(replay.html));
    expect(`${target.origin}${target.pathname}`).toBe('http://portal.example/webex/back');
    expect(Object.fromEntries(target.searchParams)).toEqual({ flow: '42', AT: 'LI', ST: 'FAIL', RS: 'InvalidTicket' });
    expect(sim.stats()).toMatchObject({ logins: 1, failedLogins: 1 });
  });

  it('refuses a ticket issued to another host, and unknown or missing tickets', async () => {
    const sim = await startSim();
    const alicesTicket = await ticketFor(sim);
    const attempts: Record<string, string>[] = [{ WID: 'bob', TK: alicesTicket }, { WID: 'alice', TK: 'made-up' }, { WID: 'alice' }];
    for (const params of attempts) {
      const { html } = await createBrowser().open(loginUrl(sim, { ...params, BU: BACK_URL }));
      expect(new URL(scriptRedirectTarget(html)).searchParams.get('RS')).toBe('InvalidTicket');
    }
  });

  it('shows a failure page with the RS when there is no BU', async () => {
    const sim = await startSim();
    const { response, html } = await createBrowser().open(loginUrl(sim, { WID: 'alice', TK: 'made-up' }));
    expect(response.status).toBe(200);
    expect(heading(html)).toBe('WebEx login failed');
    expect(html).toContain('<code id="rs">InvalidTicket</code>');
  });

  it('answers AlreadyLogon when the browser is signed in as anyone, without using the ticket', async () => {
    const sim = await startSim();
    const browser = createBrowser();
    await browser.open(loginUrl(sim, { WID: 'alice', TK: await ticketFor(sim) }));

    const bobsTicket = await ticketFor(sim, { webExID: 'bob', password: '007' });
    const refused = await browser.open(loginUrl(sim, { WID: 'bob', TK: bobsTicket, BU: BACK_URL }));
    expect(new URL(scriptRedirectTarget(refused.html)).searchParams.get('RS')).toBe('AlreadyLogon');

    await browser.open(`${sim.url}/${SITE}/p.php?AT=LO`);
    const retried = await browser.open(loginUrl(sim, { WID: 'bob', TK: bobsTicket }));
    const landing = await browser.open(scriptRedirectTarget(retried.html));
    expect(heading(landing.html)).toBe('Signed in to WebEx as bob');
  });

  it('answers AlreadyLogon to the same host too, and the unused ticket then still works elsewhere', async () => {
    const sim = await startSim();
    const browser = createBrowser();
    await browser.open(loginUrl(sim, { WID: 'alice', TK: await ticketFor(sim) }));
    const ticket = await ticketFor(sim);
    const again = await browser.open(loginUrl(sim, { WID: 'alice', TK: ticket, BU: BACK_URL }));
    expect(again.setCookies).toHaveLength(0);
    expect(new URL(scriptRedirectTarget(again.html)).searchParams.get('RS')).toBe('AlreadyLogon');
    // WebEx hands out the same unused ticket until it is used [docs/webex.md §4.3]: that is why a URL left in history matters.
    expect(await ticketFor(sim)).toBe(ticket);
    const elsewhere = await createBrowser().open(loginUrl(sim, { WID: 'alice', TK: ticket }));
    expect(elsewhere.setCookies).toHaveLength(1);
  });

  it('accepts a WebEx ID in any case on p.php', async () => {
    const sim = await startSim();
    const login = await createBrowser().open(loginUrl(sim, { WID: 'Alice', TK: await ticketFor(sim) }));
    expect(login.setCookies).toHaveLength(1);
  });

  it('signs in with a POSTed password, and refuses a password in the query string [docs/webex.md §7.4]', async () => {
    const sim = await startSim();
    const browser = createBrowser();
    const post = (form: Record<string, string>) =>
      browser.open(`${sim.url}/${SITE}/p.php`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form).toString(),
      });
    const wrong = await post({ AT: 'LI', WID: 'alice', PW: 'nope', BU: BACK_URL });
    expect(new URL(scriptRedirectTarget(wrong.html)).searchParams.get('RS')).toBe('BadWebIDorPassword');
    const inQuery = await browser.open(loginUrl(sim, { WID: 'alice', PW: 'Alice-WebEx-1', BU: BACK_URL }));
    expect(inQuery.setCookies).toHaveLength(0);
    expect(new URL(scriptRedirectTarget(inQuery.html)).searchParams.get('RS')).toBe('AccessDenied');
    const login = await post({ AT: 'LI', WID: 'alice', PW: 'Alice-WebEx-1' });
    expect(heading((await browser.open(scriptRedirectTarget(login.html))).html)).toBe('Signed in to WebEx as alice');
  });

  it('answers AutoLoginDisabled when the site has autoLogin off', async () => {
    const sim = await startSim({ autoLogin: false });
    const { html } = await createBrowser().open(loginUrl(sim, { WID: 'alice', TK: await ticketFor(sim), BU: BACK_URL }));
    expect(new URL(scriptRedirectTarget(html)).searchParams.get('RS')).toBe('AutoLoginDisabled');
    const site = await callXml(sim, aliceByPassword, GET_SITE);
    expect((site.bodyContent as Tree)['ns1:siteInstance']['ns1:supportAPI']['ns1:autoLogin']).toBe('false');
  });

  describe('MU', () => {
    it('ignores an MU on another origin', async () => {
      const sim = await startSim();
      const { html } = await createBrowser().open(loginUrl(sim, { WID: 'alice', TK: await ticketFor(sim), MU: 'https://evil.example/phish' }));
      expect(scriptRedirectTarget(html)).toBe(`${sim.url}/webappng/sites/${SITE}/dashboard`);
    });

    it('resolves a relative MU on the site', async () => {
      const sim = await startSim();
      const { html } = await createBrowser().open(loginUrl(sim, { WID: 'alice', TK: await ticketFor(sim), MU: `/${SITE}/mywebex/default.do?x=1` }));
      expect(scriptRedirectTarget(html)).toBe(`${sim.url}/${SITE}/mywebex/default.do?x=1`);
    });

    it('sends MU=GoBack to BU with AT=LI&ST=SUCCESS&WID', async () => {
      const sim = await startSim();
      const { html } = await createBrowser().open(loginUrl(sim, { WID: 'alice', TK: await ticketFor(sim), MU: 'GoBack', BU: BACK_URL }));
      const target = new URL(scriptRedirectTarget(html));
      expect(target.origin).toBe('http://portal.example');
      expect(target.searchParams.get('flow')).toBe('42');
      expect(target.searchParams.get('AT')).toBe('LI');
      expect(target.searchParams.get('ST')).toBe('SUCCESS');
      expect(target.searchParams.get('WID')).toBe('alice');
      expect(target.searchParams.get('CSRF')).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('sends MU=GoBack without BU to My WebEx', async () => {
      const sim = await startSim();
      const browser = createBrowser();
      const login = await browser.open(loginUrl(sim, { WID: 'alice', TK: await ticketFor(sim), MU: 'GoBack' }));
      const target = new URL(scriptRedirectTarget(login.html));
      expect(target.pathname).toBe(`/${SITE}/mywebex/default.do`);
      expect(target.searchParams.get('siteurl')).toBe(SITE);
      expect(heading((await browser.open(target.href)).html)).toBe('Signed in to WebEx as alice');
    });
  });

  it('escapes the redirect target for a script inside HTML', async () => {
    const sim = await startSim();
    const nasty = 'http://portal.example/back?x=</script><script>alert(1)</script>&y=\u2028';
    const { html } = await createBrowser().open(loginUrl(sim, { WID: 'alice', TK: 'made-up', BU: nasty }));
    const script = /<script>(.*?)<\/script>/s.exec(html)?.[1] ?? '';
    expect(script).not.toMatch(/[<>&\u2028]/);
    const target = new URL(scriptRedirectTarget(html));
    expect(target.searchParams.get('x')).toBe('</script><script>alert(1)</script>');
    expect(target.searchParams.get('RS')).toBe('InvalidTicket');
  });

  it('does not follow a javascript: BU', async () => {
    const sim = await startSim();
    const { html } = await createBrowser().open(loginUrl(sim, { WID: 'alice', TK: 'x', BU: 'javascript:alert(1)' }));
    expect(html).not.toContain('javascript:');
    expect(heading(html)).toBe('WebEx login failed');
  });

  it('answers 400 to an unsupported command', async () => {
    const sim = await startSim();
    const response = await fetch(`${sim.url}/${SITE}/p.php?AT=SU`);
    expect(response.status).toBe(400);
  });
});

describe('URL API: p.php?AT=LO and landing pages', () => {
  it('signs out, clears the cookie and sends the browser to BU with AT=LO&ST=SUCCESS', async () => {
    const sim = await startSim();
    const browser = createBrowser();
    await browser.open(loginUrl(sim, { WID: 'alice', TK: await ticketFor(sim) }));
    expect(browser.cookies.has('webex_sim_session_acme')).toBe(true);

    const logout = await browser.open(`${sim.url}/${SITE}/p.php?${new URLSearchParams({ AT: 'LO', BU: BACK_URL })}`);
    expect(logout.setCookies[0]).toMatch(/^webex_sim_session_acme=; Max-Age=0/);
    expect(browser.cookies.has('webex_sim_session_acme')).toBe(false);
    const target = new URL(scriptRedirectTarget(logout.html));
    expect(Object.fromEntries(target.searchParams)).toEqual({ flow: '42', AT: 'LO', ST: 'SUCCESS' });

    const landing = await browser.open(`${sim.url}/webappng/sites/${SITE}/dashboard`);
    expect(landing.response.status).toBe(401);
    expect(heading(landing.html)).toBe('Not signed in to WebEx');
  });

  it('shows a signed-out page when AT=LO has no BU', async () => {
    const sim = await startSim();
    const { html } = await createBrowser().open(`${sim.url}/${SITE}/p.php?AT=LO`);
    expect(heading(html)).toBe('Signed out of WebEx');
  });

  it('shows "Not signed in" with 401 on both landing pages without a valid cookie', async () => {
    const sim = await startSim();
    for (const path of [`/webappng/sites/${SITE}/dashboard`, `/${SITE}/mywebex/default.do`]) {
      for (const cookie of [undefined, 'webex_sim_session_acme=garbage', 'webex_sim_session_acme=Fe26.1*1*a*b*c*d*e*f']) {
        const response = await fetch(`${sim.url}${path}`, { headers: cookie ? { cookie } : {} });
        expect(response.status).toBe(401);
        expect(heading(await response.text())).toBe('Not signed in to WebEx');
      }
    }
  });

  it('does not accept a cookie sealed by another simulator', async () => {
    const other = await startSim({ sessionPassword: 'another-password-another-password!' });
    const browser = createBrowser();
    await browser.open(loginUrl(other, { WID: 'alice', TK: await ticketFor(other) }));
    const sim = await startSim({ sessionPassword: 'the-right-password-the-right-password' });
    const landing = await browser.open(`${sim.url}/webappng/sites/${SITE}/dashboard`);
    expect(landing.response.status).toBe(401);
  });

  it('answers 404 to other paths and other sites', async () => {
    const sim = await startSim();
    for (const path of ['/', '/globex/p.php?AT=LI', '/webappng/sites/globex/dashboard', '/globex/m.php?AT=JM&MK=123456789']) {
      expect((await fetch(`${sim.url}${path}`)).status).toBe(404);
    }
  });
});

describe('URL API: m.php AT=JM / AT=HM (meetings)', () => {
  const MEETINGS = [
    { number: '123456789', hostWebExID: 'bob', topic: 'Running', inProgress: true },
    { number: '26341234567', hostWebExID: 'alice', topic: 'Not started' },
  ];
  const meetingUrl = (sim: WebexSimulator, params: Record<string, string>) => `${sim.url}/${SITE}/m.php?${new URLSearchParams({ BU: BACK_URL, ...params })}`;

  /** A browser signed in to WebEx as alice, through p.php with a fresh ticket. */
  async function aliceSignedIn(sim: WebexSimulator, mainUrl?: string) {
    const browser = createBrowser();
    const login = await browser.open(loginUrl(sim, { WID: 'alice', TK: await ticketFor(sim), BU: BACK_URL, ...(mainUrl ? { MU: mainUrl } : {}) }));
    return { browser, target: scriptRedirectTarget(login.html) };
  }

  it('a login chained by MU lands in a running meeting, signed in (AT=JM)', async () => {
    const sim = await startSim({ meetings: MEETINGS });
    const { browser, target } = await aliceSignedIn(sim, meetingUrl(sim, { AT: 'JM', MK: '123456789' }));
    const meeting = await browser.open(target);
    expect(meeting.response.status).toBe(200);
    expect(heading(meeting.html)).toBe('In WebEx meeting 123456789 as alice');
  });

  it('an unknown meeting goes to BU with AT=JM&ST=FAIL&RS=InvalidMeetingKey', async () => {
    const sim = await startSim({ meetings: MEETINGS });
    const { browser } = await aliceSignedIn(sim);
    const answer = await browser.open(meetingUrl(sim, { AT: 'JM', MK: '111111111' }));
    const back = new URL(scriptRedirectTarget(answer.html));
    expect(back.origin + back.pathname).toBe('http://portal.example/webex/back');
    expect(Object.fromEntries(back.searchParams)).toEqual({ flow: '42', AT: 'JM', ST: 'FAIL', RS: 'InvalidMeetingKey' });
  });

  it('a meeting its host has not started answers MeetingNotInProgress until AT=HM by its host starts it', async () => {
    const sim = await startSim({ meetings: MEETINGS });
    const { browser } = await aliceSignedIn(sim);
    const early = await browser.open(meetingUrl(sim, { AT: 'JM', MK: '26341234567' }));
    expect(new URL(scriptRedirectTarget(early.html)).searchParams.get('RS')).toBe('MeetingNotInProgress');
    const hosting = await browser.open(meetingUrl(sim, { AT: 'HM', MK: '26341234567' }));
    expect(heading(hosting.html)).toBe('Hosting WebEx meeting 26341234567 as alice');
    const joined = await browser.open(meetingUrl(sim, { AT: 'JM', MK: '26341234567' }));
    expect(heading(joined.html)).toBe('In WebEx meeting 26341234567 as alice');
  });

  it("AT=HM needs the WebEx session of the meeting's host: anyone else, or nobody, gets AccessDenied", async () => {
    const sim = await startSim({ meetings: MEETINGS });
    const { browser } = await aliceSignedIn(sim);
    for (const client of [browser, createBrowser()]) {
      const answer = await client.open(meetingUrl(sim, { AT: 'HM', MK: '123456789' }));
      expect(Object.fromEntries(new URL(scriptRedirectTarget(answer.html)).searchParams)).toMatchObject({ AT: 'HM', ST: 'FAIL', RS: 'AccessDenied' });
    }
  });

  it('reads the same parameters from a POSTed form, and refuses other commands', async () => {
    const sim = await startSim({ meetings: MEETINGS });
    const { browser } = await aliceSignedIn(sim);
    const posted = await browser.open(`${sim.url}/${SITE}/m.php`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ AT: 'JM', MK: '123456789' }).toString(),
    });
    expect(heading(posted.html)).toBe('In WebEx meeting 123456789 as alice');
    expect((await browser.open(meetingUrl(sim, { AT: 'OM', MK: '123456789' }))).response.status).toBe(400);
  });

  it('refuses meetings that are not digits, or seeded twice', async () => {
    await expect(startSim({ meetings: [{ number: '12a', hostWebExID: 'alice' }] })).rejects.toThrow(/must be digits only/);
    await expect(startSim({ meetings: [MEETINGS[0]!, MEETINGS[0]!] })).rejects.toThrow(/Duplicate meeting number/);
  });
});

describe('XML API: GetSite', () => {
  it('reports the site, autoLogin, xmlAPI and enableSSO', async () => {
    const sim = await startSim({ enableSSO: true });
    const answer = await callXml(sim, aliceByPassword, GET_SITE);
    expect(answer.response).toEqual({ 'serv:result': 'SUCCESS', 'serv:gsbStatus': 'PRIMARY' });
    expect(answer.message['@_xmlns:ns1']).toBe(NS.site);
    const body = answer.bodyContent as Tree;
    expect(body['@_xsi:type']).toBe('ns1:getSiteResponse');
    const instance = body['ns1:siteInstance'];
    expect(instance['ns1:metaData']['ns1:siteName']).toBe(SITE);
    expect(instance['ns1:supportAPI']['ns1:autoLogin']).toBe('true');
    expect(instance['ns1:supportAPI']['ns1:xmlAPI']).toBe('true');
    expect(instance['ns1:samlSSO']['ns1:enableSSO']).toBe('true');
    expect(instance['ns1:metaData']['ns1:parterID']).toBeDefined();
    expect(instance['ns1:securityOptions']).toBeDefined();
    // recorded GetSite answers carry no apiVersion (GetAPIVersion does)
    expect(body['ns1:apiVersion']).toBeUndefined();
  });

  it('reports autoLogin false while an auto-login-disabled fault is waiting, without using it', async () => {
    const sim = await startSim();
    sim.inject({ fault: { kind: 'auto-login-disabled' }, times: 1 });
    const autoLogin = async () => ((await callXml(sim, aliceByPassword, GET_SITE)).bodyContent as Tree)['ns1:siteInstance']['ns1:supportAPI']['ns1:autoLogin'];
    expect(await autoLogin()).toBe('false');
    expect(await autoLogin()).toBe('false');
    const { html } = await createBrowser().open(loginUrl(sim, { WID: 'alice', TK: await ticketFor(sim), BU: BACK_URL }));
    expect(new URL(scriptRedirectTarget(html)).searchParams.get('RS')).toBe('AutoLoginDisabled');
    expect(await autoLogin()).toBe('true');
  });

  it('applies the same security-context checks', async () => {
    const sim = await startSim();
    expectFailure(await callXml(sim, { webExID: 'alice', password: 'wrong' }, GET_SITE), '030002');
    expectFailure(await callXml(sim, { ...aliceByPassword, siteName: 'globex' }, GET_SITE), '999992');
  });
});

describe('faults', () => {
  it('latency: answers normally after the delay', async () => {
    const sim = await startSim();
    sim.inject({ fault: { kind: 'latency', ms: 300 }, times: 1 });
    const started = performance.now();
    await ticketFor(sim);
    expect(performance.now() - started).toBeGreaterThanOrEqual(280);
  });

  it('hang: never answers; the client gives up and close() does not wait', async () => {
    const sim = await startSim();
    sim.inject({ fault: { kind: 'hang' } });
    await expect(postXml(sim, buildRequest(aliceByPassword), 'application/xml', AbortSignal.timeout(200))).rejects.toThrow();

    const stillHanging = postXml(sim, buildRequest(aliceByPassword));
    stillHanging.catch(() => {}); // settles when close() destroys the socket
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    await sim.close();
    expect(performance.now() - started).toBeLessThan(1000);
    await expect(stillHanging).rejects.toThrow();
    expect(sim.stats().xmlRequests).toBe(2);
  });

  it('http-status: answers that status with a short text/plain body', async () => {
    const sim = await startSim();
    sim.inject({ fault: { kind: 'http-status', status: 503 } });
    const answer = await postXml(sim, buildRequest(aliceByPassword));
    expect(answer.status).toBe(503);
    expect(answer.contentType).toContain('text/plain');
    expect(answer.text.length).toBeLessThan(100);
  });

  it('malformed-xml: answers 200 text/xml with a document that does not parse', async () => {
    const sim = await startSim();
    sim.inject({ fault: { kind: 'malformed-xml' } });
    const answer = await postXml(sim, buildRequest(aliceByPassword));
    expect(answer.status).toBe(200);
    expect(answer.contentType).toBe('text/xml;charset=UTF-8');
    expect(answer.text.startsWith('<?xml')).toBe(true);
    expect(XMLValidator.validate(answer.text)).not.toBe(true);
  });

  it('html: answers 200 text/html with a maintenance page', async () => {
    const sim = await startSim();
    sim.inject({ fault: { kind: 'html' } });
    const answer = await postXml(sim, buildRequest(aliceByPassword));
    expect(answer.status).toBe(200);
    expect(answer.contentType).toContain('text/html');
    expect(answer.text).toMatch(/^<!DOCTYPE html>/);
  });

  it('failure: answers FAILURE with the exceptionID, its known reason or the given one', async () => {
    const sim = await startSim();
    sim.inject({ fault: { kind: 'failure', exceptionID: '000035' }, times: 1 });
    sim.inject({ fault: { kind: 'failure', exceptionID: '123456', reason: 'Custom' }, times: 1 });
    expectFailure(await callXml(sim, aliceByPassword), '000035', 'ASService not responding');
    expectFailure(await callXml(sim, aliceByPassword), '123456', 'Custom');
    await ticketFor(sim);
  });

  it('empty-ticket: answers SUCCESS with an empty <use:ticket/>, only to GetLoginTicket', async () => {
    const sim = await startSim();
    sim.inject({ fault: { kind: 'empty-ticket' }, times: 1 });
    const site = await callXml(sim, aliceByPassword, GET_SITE);
    expect(site.response['serv:result']).toBe('SUCCESS');
    const answer = await callXml(sim, aliceByPassword);
    expect(answer.response['serv:result']).toBe('SUCCESS');
    expect(answer.text).toContain('<use:ticket/>');
    expect((answer.bodyContent as Tree)['use:ticket']).toBe('');
  });

  it('backup: answers normally with gsbStatus BACKUP, FAILUREs included', async () => {
    const sim = await startSim();
    sim.inject({ fault: { kind: 'backup' } });
    const answer = await callXml(sim, aliceByPassword);
    expect(answer.response).toEqual({ 'serv:result': 'SUCCESS', 'serv:gsbStatus': 'BACKUP' });
    expect((answer.bodyContent as Tree)['use:ticket']).toMatch(/^[A-Za-z0-9+/]{32}$/);
    const failure = await callXml(sim, { webExID: 'alice', password: 'wrong' });
    expect(failure.response['serv:gsbStatus']).toBe('BACKUP');
  });

  it('auto-login-disabled: p.php fails with AutoLoginDisabled and leaves the ticket usable', async () => {
    const sim = await startSim();
    sim.inject({ fault: { kind: 'auto-login-disabled' }, times: 1 });
    const ticket = await ticketFor(sim);
    const refused = await createBrowser().open(loginUrl(sim, { WID: 'alice', TK: ticket, BU: BACK_URL }));
    expect(new URL(scriptRedirectTarget(refused.html)).searchParams.get('RS')).toBe('AutoLoginDisabled');
    const accepted = await createBrowser().open(loginUrl(sim, { WID: 'alice', TK: ticket }));
    expect(accepted.setCookies).toHaveLength(1);
    expect(sim.stats()).toMatchObject({ logins: 1, failedLogins: 1 });
  });

  it('url-failure: p.php fails with the given RS', async () => {
    const sim = await startSim();
    sim.inject({ fault: { kind: 'url-failure', rs: 'AccountLocked' } });
    const { html } = await createBrowser().open(loginUrl(sim, { WID: 'alice', TK: await ticketFor(sim), BU: BACK_URL }));
    expect(new URL(scriptRedirectTarget(html)).searchParams.get('RS')).toBe('AccountLocked');
  });

  it('times: applies to the next N matching requests only, earliest rule first', async () => {
    const sim = await startSim();
    sim.inject({ fault: { kind: 'http-status', status: 502 }, times: 2 });
    sim.inject({ fault: { kind: 'http-status', status: 504 }, times: 1 });
    const statuses = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await postXml(sim, buildRequest(aliceByPassword))).status);
    expect(statuses).toEqual([502, 502, 504, 200]);
  });

  it("webExID: applies only to that host's requests", async () => {
    const sim = await startSim();
    sim.inject({ fault: { kind: 'failure', exceptionID: '000035' }, webExID: 'bob' });
    sim.inject({ fault: { kind: 'url-failure', rs: 'AccessDenied' }, webExID: 'bob' });
    const alicesTicket = await ticketFor(sim);
    expectFailure(await callXml(sim, { webExID: 'bob', password: '007' }), '000035');
    expectFailure(await callXml(sim, { email: 'bob@example.com', password: '007' }), '000035');

    const alice = await createBrowser().open(loginUrl(sim, { WID: 'alice', TK: alicesTicket }));
    expect(alice.setCookies).toHaveLength(1);
    const bob = await createBrowser().open(loginUrl(sim, { WID: 'bob', TK: 'x', BU: BACK_URL }));
    expect(new URL(scriptRedirectTarget(bob.html)).searchParams.get('RS')).toBe('AccessDenied');
  });

  it('URL faults leave the XML API alone and XML faults leave p.php alone', async () => {
    const sim = await startSim();
    sim.inject({ fault: { kind: 'url-failure', rs: 'AccessDenied' }, times: 1 });
    const ticket = await ticketFor(sim);
    sim.clearFaults();
    sim.inject({ fault: { kind: 'http-status', status: 500 } });
    const login = await createBrowser().open(loginUrl(sim, { WID: 'alice', TK: ticket }));
    expect(login.setCookies).toHaveLength(1);
  });

  it('clearFaults() removes every rule', async () => {
    const sim = await startSim();
    sim.inject({ fault: { kind: 'http-status', status: 500 } });
    sim.clearFaults();
    await ticketFor(sim);
  });

  it('inject() refuses an invalid rule with a message saying what is wrong', async () => {
    const sim = await startSim();
    expect(() => sim.inject({ fault: { kind: 'latency', ms: -1 } })).toThrow(/^webex-sim: Bad usage\. Invalid fault rule/);
  });
});

describe('control API over HTTP', () => {
  it('injects, reports and clears faults', async () => {
    const sim = await startSim();
    const injected = await fetch(`${sim.url}/__sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ fault: { kind: 'http-status', status: 503 }, webExID: 'alice' }),
    });
    expect(injected.status).toBe(204);
    expect((await postXml(sim, buildRequest(aliceByPassword))).status).toBe(503);

    expect((await fetch(`${sim.url}/__sim/faults`, { method: 'DELETE' })).status).toBe(204);
    await ticketFor(sim);

    const stats = await fetch(`${sim.url}/__sim/stats`);
    expect(stats.headers.get('content-type')).toBe('application/json');
    expect(await stats.json()).toMatchObject({ ticketsIssued: 1, logins: 0, failedLogins: 0, xmlRequests: 2, sessionTicketsIssued: 0 });
  });

  it.each([
    ['not JSON', '{'],
    ['an unknown kind', JSON.stringify({ fault: { kind: 'explode' } })],
    ['a missing field', JSON.stringify({ fault: { kind: 'failure' } })],
    ['a bad times', JSON.stringify({ fault: { kind: 'hang' }, times: 0 })],
  ])('answers 400 with a message to %s', async (_name, body) => {
    const sim = await startSim();
    const response = await fetch(`${sim.url}/__sim/faults`, { method: 'POST', body });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/^Invalid fault rule/);
    await ticketFor(sim);
  });
});

describe('start-up and logging', () => {
  it('refuses a short sessionPassword', async () => {
    await expect(startWebexSimulator({ siteName: SITE, users: [], sessionPassword: 'short' })).rejects.toThrow(/at least 32 characters/);
  });

  it('logs one line per request and never a secret', async () => {
    const lines: string[] = [];
    const sim = await startSim({ log: (line) => lines.push(line) });
    const ticket = await ticketFor(sim);
    await createBrowser().open(loginUrl(sim, { WID: 'alice', TK: ticket, BU: BACK_URL }));
    await new Promise((resolve) => setTimeout(resolve, 20)); // lines are written when the response closes
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).not.toContain(ticket);
      expect(line).not.toContain('Alice-WebEx-1');
      expect(line).not.toContain('TK=');
    }
    expect(lines[1]).toMatch(/GET \/acme\/p\.php 200 \d+ms LI SUCCESS/);
  });
});
