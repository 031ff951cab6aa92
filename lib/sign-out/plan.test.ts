import { describe, expect, it } from 'vitest';
import { continueAfterWebex, planSignOut, WEBEX_NOT_CONFIRMED, type SignOutFacts } from './plan';

const WEBEX_LO = 'https://acme.webex.com/acme/p.php?AT=LO&BU=https%3A%2F%2Fportal.example.com%2Fauth%2Fsignout%2Fcontinue';
const facts: SignOutFacts = {
  settings: { webex: true, idp: true },
  webexLogoutUrls: [WEBEX_LO],
  endSessionEndpoint: 'https://idp.example.com/oidc/logout?tenant=a',
  idTokenHint: 'eyJ.id.token',
  clientId: 'portal',
  postLogoutRedirectUri: 'https://portal.example.com/auth/signed-out',
};

describe('planSignOut: the steps after the portal session', () => {
  it('WebEx first, then the identity provider with id_token_hint, client_id and post_logout_redirect_uri', () => {
    const steps = planSignOut(facts);
    expect(steps.map((s) => s.kind)).toEqual(['webex', 'idp']);
    expect(steps[0]?.url).toBe(WEBEX_LO);
    const idp = new URL(steps[1]?.url ?? '');
    expect(idp.origin + idp.pathname).toBe('https://idp.example.com/oidc/logout');
    expect(Object.fromEntries(idp.searchParams)).toEqual({
      tenant: 'a',
      id_token_hint: 'eyJ.id.token',
      client_id: 'portal',
      post_logout_redirect_uri: 'https://portal.example.com/auth/signed-out',
    });
  });

  it('several WebEx sites: each one the browser was signed in to, in order, then the identity provider', () => {
    const second = 'https://acme-eu.webex.com/acme-eu/p.php?AT=LO';
    const steps = planSignOut({ ...facts, webexLogoutUrls: [WEBEX_LO, second] });
    expect(steps.map((s) => [s.kind, s.url.split('?')[0]])).toEqual([
      ['webex', WEBEX_LO.split('?')[0]],
      ['webex', second.split('?')[0]],
      ['idp', expect.any(String)],
    ]);
    expect(continueAfterWebex(steps.slice(1), 'SUCCESS', 'https://portal.example.com/auth/signed-out').location).toBe(second);
  });

  it('SIGNOUT_WEBEX=false skips WebEx', () => {
    expect(planSignOut({ ...facts, settings: { webex: false, idp: true } }).map((s) => s.kind)).toEqual(['idp']);
  });

  it('SIGNOUT_IDP=false skips the identity provider', () => {
    expect(planSignOut({ ...facts, settings: { webex: true, idp: false } }).map((s) => s.kind)).toEqual(['webex']);
  });

  it('a provider without end_session_endpoint (or whose discovery failed) is skipped', () => {
    expect(planSignOut({ ...facts, endSessionEndpoint: undefined }).map((s) => s.kind)).toEqual(['webex']);
  });

  it('an end_session_endpoint that is not an http(s) URL is skipped', () => {
    for (const endpoint of ['javascript:alert(1)', 'not a url', 'data:text/html,x']) {
      expect(planSignOut({ ...facts, endSessionEndpoint: endpoint }).map((s) => s.kind)).toEqual(['webex']);
    }
  });

  it('without the ID token the provider is still asked, by client_id (it may ask the user to confirm)', () => {
    const idp = new URL(planSignOut({ ...facts, idTokenHint: undefined })[1]?.url ?? '');
    expect(idp.searchParams.has('id_token_hint')).toBe(false);
    expect(idp.searchParams.get('client_id')).toBe('portal');
  });

  it('nothing configured: no steps (the browser goes straight to the signed-out page)', () => {
    expect(planSignOut({ ...facts, settings: { webex: false, idp: false } })).toEqual([]);
  });
});

describe('continueAfterWebex: WebEx came back from AT=LO', () => {
  const idpStep = planSignOut(facts).slice(1);
  const done = 'https://portal.example.com/auth/signed-out';

  it('on to the identity provider', () => {
    expect(continueAfterWebex(idpStep, 'SUCCESS', done)).toEqual({ location: idpStep[0]?.url, remaining: [], unconfirmed: false });
  });

  it('WebEx failed: the chain goes on, and the signed-out page learns it through the provider (state)', () => {
    const next = continueAfterWebex(idpStep, 'FAIL', done);
    expect(new URL(next.location).searchParams.get('state')).toBe(WEBEX_NOT_CONFIRMED);
  });

  it('no more steps: the signed-out page, warned when WebEx did not confirm', () => {
    expect(continueAfterWebex([], 'SUCCESS', done).location).toBe(done);
    expect(new URL(continueAfterWebex([], '', done).location).searchParams.get('state')).toBe(WEBEX_NOT_CONFIRMED);
  });

  it('an earlier site that did not confirm still warns at the end, though the last site confirmed', () => {
    expect(new URL(continueAfterWebex(idpStep, 'SUCCESS', done, true).location).searchParams.get('state')).toBe(WEBEX_NOT_CONFIRMED);
    expect(new URL(continueAfterWebex([], 'SUCCESS', done, true).location).searchParams.get('state')).toBe(WEBEX_NOT_CONFIRMED);
  });
});
