/** The simulator's passwordless side: AuthenticateUser (password, SAML, access token), session tickets, GetUser, the OAuth server. */
import { createHash, randomBytes } from 'node:crypto';
import { DOMParser, XMLSerializer, type Element } from '@xmldom/xmldom';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSignedSamlResponse, loadSigningKeys, type AssertionInput, type SamlSigningKeys } from '../../../lib/saml';
import { createSelfSignedCertificate } from '../certificates';
import { startWebexSimulator, type SimOptions, type SimUser, type WebexSimulator } from './index';
import { createSamlVerifier, type SamlTrust } from './saml';
import { aliceByPassword, AUTHENTICATE_USER, callXml, expectFailure, GET_USER, sessionTicketFor, SITE, ticketFor, type Tree } from './test-client';

const ALICE: SimUser = { webExID: 'alice', email: 'alice@example.com', password: 'Alice-WebEx-1', firstName: 'Alice', lastName: 'Anders' };
const CAROL: SimUser = { webExID: 'carol@example.com', email: 'carol@example.com', firstName: 'Carol' }; // SSO only: no WebEx password
const CLIENT = { clientId: 'portal', clientSecret: 'portal-secret-portal-secret', redirectUris: ['http://portal.example/webex/connect/callback'] };

let keys: SamlSigningKeys;
let attacker: SamlSigningKeys;
let trust: SamlTrust;
beforeAll(() => {
  const portal = createSelfSignedCertificate('portal');
  const mallory = createSelfSignedCertificate('mallory');
  keys = loadSigningKeys({ key: portal.privateKeyPem, cert: portal.certificatePem });
  attacker = loadSigningKeys({ key: mallory.privateKeyPem, cert: mallory.certificatePem });
  trust = {
    certificates: [keys.certificatePem],
    issuer: 'http://portal.example',
    audience: 'https://acme.webex.com',
    recipient: 'https://acme.webex.com/dispatcher/SAML2AuthService?siteurl=acme',
  };
});

/** An assertion for a host who signed in to the portal an hour ago, for an eight-hour session. */
const assertionFor = (nameId: string, overrides: Partial<AssertionInput> = {}, signWith = keys) => {
  const now = overrides.now ?? new Date();
  const signIn = { authnInstant: new Date(now.getTime() - 3600_000), sessionNotOnOrAfter: new Date(now.getTime() + 7 * 3600_000) };
  return createSignedSamlResponse(
    { issuer: trust.issuer, audience: trust.audience, recipient: trust.recipient, nameId, nameIdFormat: 'email', ...signIn, ...overrides },
    signWith,
  );
};

const running: WebexSimulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((sim) => sim.close()));
});

async function startSim(overrides: Partial<SimOptions> = {}): Promise<WebexSimulator> {
  const sim = await startWebexSimulator({ siteName: SITE, users: [ALICE, CAROL], port: 0, saml: trust, oauth: { clients: [CLIENT] }, ...overrides });
  running.push(sim);
  return sim;
}

describe('AuthenticateUser', () => {
  it('turns a password into a session ticket with createTime and timeToLive (docs/webex.md §3.3, docs/webex.md §6.1)', async () => {
    let clock = 1_700_000_000_000;
    const sim = await startSim({ now: () => clock, sessionTicketTtlSeconds: 120 });
    const answer = await callXml(sim, aliceByPassword, AUTHENTICATE_USER);
    const body = answer.bodyContent as Tree;
    expect(body['@_xsi:type']).toBe('use:authenticateUserResponse');
    expect(body['use:createTime']).toBe(String(clock));
    expect(body['use:timeToLive']).toBe('120');
    const sessionTicket = body['use:sessionTicket'] as string;
    await ticketFor(sim, { webExID: 'alice', sessionTicket });
    clock += 120_000;
    expectFailure(await callXml(sim, { webExID: 'alice', sessionTicket }), '030047', 'Not a valid session ticket');
    expect(sim.stats().sessionTicketsIssued).toBe(1);
  });

  it('refuses a wrong password with 030002', async () => {
    const sim = await startSim();
    expectFailure(await callXml(sim, { webExID: 'alice', password: 'nope' }, AUTHENTICATE_USER), '030002');
  });

  it('accepts a signed SAML assertion for a host without any WebEx password', async () => {
    const sim = await startSim();
    const answer = await callXml(sim, { webExID: 'carol@example.com' }, AUTHENTICATE_USER, {
      protocol: 'SAML2.0',
      samlResponse: assertionFor('carol@example.com').base64,
    });
    const sessionTicket = (answer.bodyContent as Tree)['use:sessionTicket'] as string;
    expect(sessionTicket).toBeTruthy();
    await ticketFor(sim, { webExID: 'carol@example.com', sessionTicket });
  });

  it('finds the host by NameID as WebEx ID or e-mail, but only the host of the security context', async () => {
    const sim = await startSim();
    for (const nameId of ['alice', 'ALICE@example.com']) {
      const ok = await callXml(sim, { webExID: 'alice' }, AUTHENTICATE_USER, { protocol: 'SAML2.0', samlResponse: assertionFor(nameId).base64 });
      expect(ok.response['serv:result']).toBe('SUCCESS');
    }
    const other = await callXml(sim, { webExID: 'alice' }, AUTHENTICATE_USER, { protocol: 'SAML2.0', samlResponse: assertionFor('carol@example.com').base64 });
    expectFailure(other, '030048');
  });

  it('answers 030048 with subError AS0001 when the assertion is refused, and never issues a ticket', async () => {
    const sim = await startSim();
    const answer = await callXml(sim, { webExID: 'alice' }, AUTHENTICATE_USER, {
      protocol: 'SAML2.0',
      samlResponse: assertionFor('alice', {}, attacker).base64,
    });
    expectFailure(answer, '030048', "Authentication Server can't generate a valid session ticket");
    const sub = answer.response['serv:subErrors']['serv:subError'];
    expect(sub['serv:exceptionID']).toBe('AS0001');
    expect(sub['serv:reason']).toBe('authentication service error');
    expect(sim.stats().sessionTicketsIssued).toBe(0);
  });

  it('refuses a request with no proof, or two', async () => {
    const sim = await startSim();
    expectFailure(await callXml(sim, { webExID: 'alice' }, AUTHENTICATE_USER), '999990');
    expectFailure(await callXml(sim, aliceByPassword, AUTHENTICATE_USER, { protocol: 'SAML2.0', samlResponse: assertionFor('alice').base64 }), '999990');
  });

  it('without an SSO configuration, SAML is refused', async () => {
    const sim = await startSim({ saml: undefined });
    expectFailure(await callXml(sim, { webExID: 'alice' }, AUTHENTICATE_USER, { protocol: 'SAML2.0', samlResponse: assertionFor('alice').base64 }), '030048');
  });

  it("session-ticket-expired: the host's session tickets end at once (030047), others' do not", async () => {
    const sim = await startSim();
    const alices = await sessionTicketFor(sim);
    const carols = (
      await callXml(sim, { webExID: 'carol@example.com' }, AUTHENTICATE_USER, { protocol: 'SAML2.0', samlResponse: assertionFor('carol@example.com').base64 })
    ).bodyContent as Tree;
    sim.inject({ fault: { kind: 'session-ticket-expired' }, webExID: 'alice', times: 1 });
    expectFailure(await callXml(sim, { webExID: 'alice', sessionTicket: alices }), '030047');
    expectFailure(await callXml(sim, { webExID: 'alice', sessionTicket: alices }), '030047');
    await ticketFor(sim, { webExID: 'carol@example.com', sessionTicket: carols['use:sessionTicket'] });
    await ticketFor(sim, { webExID: 'alice', sessionTicket: await sessionTicketFor(sim) });
  });

  it('a failure fault can target AuthenticateUser alone', async () => {
    const sim = await startSim();
    sim.inject({ fault: { kind: 'failure', exceptionID: '030048' }, call: 'AuthenticateUser', times: 1 });
    await ticketFor(sim);
    const refused = await callXml(sim, aliceByPassword, AUTHENTICATE_USER);
    expectFailure(refused, '030048');
    expect(refused.response['serv:subErrors']['serv:subError']['serv:exceptionID']).toBe('AS0001');
  });
});

describe('GetUser', () => {
  it("answers the caller's own profile and refuses anyone else's", async () => {
    const sim = await startSim();
    const own = await callXml(sim, aliceByPassword, GET_USER, { webExId: 'Alice' });
    expect(own.bodyContent).toMatchObject({ 'use:webExId': 'alice', 'use:email': 'alice@example.com', 'use:firstName': 'Alice', 'use:active': 'ACTIVATED' });
    expectFailure(await callXml(sim, aliceByPassword, GET_USER, { webExId: 'carol@example.com' }), '000001');
  });
});

describe('SAML verifier', () => {
  const verify = (xml: string, at = Date.now()) => createSamlVerifier(trust, () => at).verify(Buffer.from(xml).toString('base64'));
  const parse = (xml: string) => new DOMParser().parseFromString(xml, 'text/xml');
  const serialize = (doc: ReturnType<typeof parse>) => new XMLSerializer().serializeToString(doc);
  const byName = (doc: ReturnType<typeof parse>, name: string) => doc.getElementsByTagNameNS('*', name).item(0) as Element;

  it('accepts a fresh signed assertion once (replay refused)', () => {
    const verifier = createSamlVerifier(trust, Date.now);
    const signed = assertionFor('alice');
    expect(verifier.verify(signed.base64)).toEqual({ ok: true, nameId: 'alice' });
    expect(verifier.verify(signed.base64)).toEqual({ ok: false, problem: 'assertion ID already used (replay)' });
  });

  it('refuses a changed NameID', () => {
    expect(verify(assertionFor('alice').xml.replace('>alice<', '>carol@example.com<')).ok).toBe(false);
  });

  it('refuses an assertion signed by anyone else, even with their certificate in KeyInfo', () => {
    expect(verify(assertionFor('alice', {}, attacker).xml)).toMatchObject({ ok: false, problem: expect.stringMatching(/does not verify/) });
  });

  it('refuses an unsigned assertion', () => {
    const doc = parse(assertionFor('alice').xml);
    const signature = byName(doc, 'Signature');
    signature.parentNode?.removeChild(signature);
    expect(verify(serialize(doc)).ok).toBe(false);
  });

  it('refuses a signature moved off the Assertion (onto the Response)', () => {
    const doc = parse(assertionFor('alice').xml);
    const signature = byName(doc, 'Signature');
    signature.parentNode?.removeChild(signature);
    doc.documentElement?.insertBefore(signature, doc.documentElement.firstChild);
    expect(verify(serialize(doc))).toMatchObject({ ok: false });
  });

  it('refuses a wrapped assertion: the signed original hidden, an evil one where a naive reader looks', () => {
    const doc = parse(assertionFor('alice').xml);
    const original = byName(doc, 'Assertion');
    const evil = original.cloneNode(true) as Element;
    const evilSignature = byName(evil as never, 'Signature');
    evilSignature.parentNode?.removeChild(evilSignature);
    evil.setAttribute('ID', '_evil');
    byName(evil as never, 'NameID').textContent = 'carol@example.com';
    // the original goes inside an Extensions-like wrapper, the evil one takes its place
    const wrapper = doc.createElementNS('urn:oasis:names:tc:SAML:2.0:protocol', 'samlp:Extensions');
    doc.documentElement?.replaceChild(evil, original);
    wrapper.appendChild(original);
    doc.documentElement?.insertBefore(wrapper, evil);
    const verdict = verify(serialize(doc));
    expect(verdict.ok).toBe(false);
    // whatever happens, the evil NameID is never accepted
    expect(verdict).not.toMatchObject({ nameId: 'carol@example.com' });
  });

  it('refuses wrong audience, recipient, issuer, an expired or not-yet-valid assertion', () => {
    expect(verify(assertionFor('alice', { audience: 'https://other.webex.com' }).xml)).toMatchObject({ ok: false, problem: 'Audience is not this site' });
    expect(verify(assertionFor('alice', { recipient: 'https://evil.example/acs' }).xml)).toMatchObject({ ok: false });
    expect(verify(assertionFor('alice', { issuer: 'https://evil.example' }).xml)).toMatchObject({ ok: false, problem: 'Issuer is not the trusted IdP' });
    const now = Date.now();
    expect(verify(assertionFor('alice', { now: new Date(now - 10 * 60_000) }).xml, now)).toMatchObject({ ok: false, problem: 'assertion expired' });
    expect(verify(assertionFor('alice', { now: new Date(now + 10 * 60_000) }).xml, now)).toMatchObject({ ok: false, problem: 'assertion not yet valid' });
    // within the minute of skew either way
    expect(verify(assertionFor('alice', { now: new Date(now + 100_000) }).xml, now).ok).toBe(true);
  });

  it('refuses an authentication in the future, or one whose session is over', () => {
    const now = Date.now();
    expect(verify(assertionFor('alice', { authnInstant: new Date(now + 10 * 60_000) }).xml, now)).toMatchObject({
      ok: false,
      problem: 'AuthnInstant is in the future',
    });
    expect(verify(assertionFor('alice', { authnInstant: new Date(now - 9 * 3600_000), sessionNotOnOrAfter: new Date(now - 3600_000) }).xml, now)).toMatchObject(
      { ok: false, problem: 'the session of the authentication is over (SessionNotOnOrAfter)' },
    );
    // a sign-in hours ago, its session still running, is what a launch late in the day asserts
    expect(verify(assertionFor('alice', { authnInstant: new Date(now - 7 * 3600_000), sessionNotOnOrAfter: new Date(now + 3600_000) }).xml, now).ok).toBe(true);
  });

  it('refuses an SP-initiated response (InResponseTo) and a DTD', () => {
    expect(verify(assertionFor('alice').xml.replace('<samlp:Response ', '<samlp:Response InResponseTo="_x" ')).ok).toBe(false);
    expect(verify(`<!DOCTYPE r [<!ENTITY a "alice">]>${assertionFor('alice').xml}`)).toMatchObject({ ok: false, problem: 'DTDs are not accepted' });
    expect(createSamlVerifier(trust, Date.now).verify('not base64!')).toMatchObject({ ok: false });
  });

  it('trusts the next certificate once it is uploaded', () => {
    const rotated = createSamlVerifier({ ...trust, certificates: [attacker.certificatePem, keys.certificatePem] }, Date.now);
    expect(rotated.verify(assertionFor('alice').base64).ok).toBe(true);
  });
});

describe('OAuth authorization server', () => {
  const redirectUri = CLIENT.redirectUris[0] as string;
  const pkce = () => {
    const verifier = randomBytes(32).toString('base64url');
    return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
  };

  async function authorize(sim: WebexSimulator, challenge: string, login = 'alice', password = 'Alice-WebEx-1'): Promise<URL> {
    const start = new URL('/v1/oauth2/authorize', sim.url);
    start.search = new URLSearchParams({
      response_type: 'code',
      client_id: CLIENT.clientId,
      redirect_uri: redirectUri,
      scope: 'all_read meeting_modify',
      state: 'st-1',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    }).toString();
    const page = await fetch(start);
    expect(page.status).toBe(200);
    const request = /name="request" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
    const done = await fetch(new URL('/v1/oauth2/authorize', sim.url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ request, login, password, decision: 'allow' }),
      redirect: 'manual',
    });
    expect(done.status).toBe(303);
    return new URL(done.headers.get('location') ?? '');
  }

  async function token(sim: WebexSimulator, form: Record<string, string>): Promise<{ status: number; json: Record<string, unknown> }> {
    const response = await fetch(new URL('/v1/oauth2/token', sim.url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret, ...form }),
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  }

  async function connect(sim: WebexSimulator) {
    const { verifier, challenge } = pkce();
    const back = await authorize(sim, challenge);
    return token(sim, { grant_type: 'authorization_code', code: back.searchParams.get('code') ?? '', redirect_uri: redirectUri, code_verifier: verifier });
  }

  it('code flow with PKCE: a code once, tokens whose access token is a webExAccessToken for that host', async () => {
    const sim = await startSim();
    const { verifier, challenge } = pkce();
    const back = await authorize(sim, challenge);
    expect(back.origin + back.pathname).toBe(redirectUri);
    expect(back.searchParams.get('state')).toBe('st-1');
    const code = back.searchParams.get('code') ?? '';
    const wrongVerifier = await token(sim, { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: pkce().verifier });
    expect(wrongVerifier).toEqual({ status: 400, json: { error: 'invalid_grant' } });

    const fresh = await authorize(sim, challenge);
    const granted = await token(sim, {
      grant_type: 'authorization_code',
      code: fresh.searchParams.get('code') ?? '',
      redirect_uri: redirectUri,
      code_verifier: verifier,
    });
    expect(granted.status).toBe(200);
    expect(granted.json).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'all_read meeting_modify' });
    await ticketFor(sim, { webExID: 'alice', webExAccessToken: String(granted.json.access_token) });
    expectFailure(
      await callXml(sim, { webExID: 'carol@example.com', webExAccessToken: String(granted.json.access_token) }),
      '999993',
      'WebEx access token is invalid',
    );
    const session = await callXml(sim, { webExID: 'alice' }, AUTHENTICATE_USER, { accessToken: String(granted.json.access_token) });
    expect(session.response['serv:result']).toBe('SUCCESS');
  });

  it('a code used twice revokes what it produced', async () => {
    const sim = await startSim();
    const { verifier, challenge } = pkce();
    const code = (await authorize(sim, challenge)).searchParams.get('code') ?? '';
    const first = await token(sim, { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier });
    expect(first.status).toBe(200);
    expect((await token(sim, { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier })).status).toBe(400);
    expectFailure(await callXml(sim, { webExID: 'alice', webExAccessToken: String(first.json.access_token) }), '999993');
  });

  it('refuses an unregistered redirect URI with a page, never a redirect, and requires PKCE', async () => {
    const sim = await startSim();
    const bad = new URL('/v1/oauth2/authorize', sim.url);
    bad.search = new URLSearchParams({
      response_type: 'code',
      client_id: CLIENT.clientId,
      redirect_uri: 'https://evil.example/cb',
      code_challenge: pkce().challenge,
      code_challenge_method: 'S256',
    }).toString();
    const page = await fetch(bad, { redirect: 'manual' });
    expect(page.status).toBe(400);
    const noPkce = new URL('/v1/oauth2/authorize', sim.url);
    noPkce.search = new URLSearchParams({ response_type: 'code', client_id: CLIENT.clientId, redirect_uri: redirectUri, state: 's' }).toString();
    const refused = await fetch(noPkce, { redirect: 'manual' });
    expect(new URL(refused.headers.get('location') ?? '').searchParams.get('error')).toBe('invalid_request');
  });

  it('refresh rotates the refresh token; the old one presented again revokes the grant', async () => {
    const sim = await startSim();
    const first = (await connect(sim)).json;
    const second = await token(sim, { grant_type: 'refresh_token', refresh_token: String(first.refresh_token) });
    expect(second.status).toBe(200);
    expect(second.json.refresh_token).not.toBe(first.refresh_token);
    await ticketFor(sim, { webExID: 'alice', webExAccessToken: String(second.json.access_token) });

    expect(await token(sim, { grant_type: 'refresh_token', refresh_token: String(first.refresh_token) })).toEqual({
      status: 400,
      json: { error: 'invalid_grant' },
    });
    expect(sim.stats().refreshTokenReuses).toBe(1);
    expect((await token(sim, { grant_type: 'refresh_token', refresh_token: String(second.json.refresh_token) })).status).toBe(400);
    expectFailure(await callXml(sim, { webExID: 'alice', webExAccessToken: String(second.json.access_token) }), '999993');
  });

  it('faults: access-token-expired, refresh-revoked, token-endpoint-down', async () => {
    const sim = await startSim();
    const tokens = (await connect(sim)).json;
    sim.inject({ fault: { kind: 'access-token-expired' }, webExID: 'alice', times: 1 });
    expectFailure(await callXml(sim, { webExID: 'alice', webExAccessToken: String(tokens.access_token) }), '999993');
    sim.inject({ fault: { kind: 'token-endpoint-down' }, times: 1 });
    expect((await token(sim, { grant_type: 'refresh_token', refresh_token: String(tokens.refresh_token) })).status).toBe(503);
    const refreshed = await token(sim, { grant_type: 'refresh_token', refresh_token: String(tokens.refresh_token) });
    expect(refreshed.status).toBe(200);
    sim.inject({ fault: { kind: 'refresh-revoked' }, webExID: 'alice', times: 1 });
    expect((await token(sim, { grant_type: 'refresh_token', refresh_token: String(refreshed.json.refresh_token) })).json).toEqual({ error: 'invalid_grant' });
    expectFailure(await callXml(sim, { webExID: 'alice', webExAccessToken: String(refreshed.json.access_token) }), '999993');
  });

  it('revocation ends the grant (RFC 7009: 200 either way)', async () => {
    const sim = await startSim();
    const tokens = (await connect(sim)).json;
    const revoke = await fetch(new URL('/v1/oauth2/revoke', sim.url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret, token: String(tokens.refresh_token) }),
    });
    expect(revoke.status).toBe(200);
    expectFailure(await callXml(sim, { webExID: 'alice', webExAccessToken: String(tokens.access_token) }), '999993');
    expect(sim.secrets().refreshTokens).toContain(tokens.refresh_token);
  });

  it('refuses a wrong client secret', async () => {
    const sim = await startSim();
    const response = await fetch(new URL('/v1/oauth2/token', sim.url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: CLIENT.clientId, client_secret: 'wrong', grant_type: 'refresh_token', refresh_token: 'x' }),
    });
    expect(response.status).toBe(401);
  });
});
