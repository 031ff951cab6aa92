import { describe, expect, it } from 'vitest';
import { ConfigError, loadCommandConfig, loadConfig, parseKeyMap, siteVariable, storesPasswords } from './config';

const KEY = 'x'.repeat(32);
const valid = {
  NEXTAUTH_URL: 'https://portal.example.com',
  NEXTAUTH_SECRET: 's'.repeat(32),
  OIDC_ISSUER: 'https://example.okta.com/',
  OIDC_CLIENT_ID: 'portal',
  OIDC_CLIENT_SECRET: 'shh',
  WEBEX_SITE_NAME: 'Acme',
  CREDENTIAL_KEYS: `1:${KEY}`,
};

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('loadConfig', () => {
  it('derives the WebEx defaults from the site name', () => {
    const config = loadConfig(valid);
    expect(config.webex).toMatchObject({
      siteName: 'acme',
      baseUrl: 'https://acme.webex.com',
      landingUrl: 'https://acme.webex.com/webappng/sites/acme/dashboard',
      timeoutMs: 10_000,
    });
    expect(config.oidc.issuer).toBe('https://example.okta.com');
    expect(config.secretKeys).toEqual({ '1': KEY });
  });

  it('names every missing variable in one message', () => {
    const problems = problemsOf({ ...valid, WEBEX_SITE_NAME: undefined, OIDC_CLIENT_ID: undefined });
    expect(problems).toEqual(expect.arrayContaining(['WEBEX_SITE_NAME: is missing', 'OIDC_CLIENT_ID: is missing']));
  });

  it.each([
    ['NEXTAUTH_SECRET', 'short', /at least 32/],
    ['WEBEX_SITE_NAME', 'acme.webex.com', /acme for acme\.webex\.com/],
    ['WEBEX_TIMEOUT_MS', 'soon', /WEBEX_TIMEOUT_MS/],
    ['WEBEX_BASE_URL', 'http://acme.webex.com', /must use https/],
    ['WEBEX_LANDING_URL', 'https://evil.example/x', /must be a page of your WebEx site/],
    ['CREDENTIAL_KEYS', '1:short', /at least 32 characters/],
    ['CREDENTIAL_KEYS', `a:${KEY}`, /<number>:<secret>/],
    ['NEXTAUTH_URL', 'http://portal.example.com', /https/],
    ['OIDC_ISSUER', 'http://idp.example.com', /OIDC_ISSUER: must be an https:\/\/ URL/],
    ['OIDC_TRUST_UNVERIFIED_EMAIL', 'yes please', /true or false/],
    ['SESSION_MAX_AGE', '8h', /SESSION_MAX_AGE/],
    ['SESSION_IDLE_MINUTES', '0', /more than 0 minutes/],
    ['ADMIN_RECHECK_MINUTES', 'often', /number of minutes/],
    ['WEBEX_LOGIN_DELIVERY', 'form', /redirect or post/],
    ['SIGNOUT_WEBEX', 'maybe', /true or false/],
    ['SIGNOUT_IDP', 'no thanks', /true or false/],
  ])('%s=%j is refused with a message that says what to set', (name, value, message) => {
    const problems = problemsOf({ ...valid, [name]: value });
    expect(problems.join('\n')).toMatch(new RegExp(name));
    expect(problems.join('\n')).toMatch(message);
  });

  it('allows plain http only on loopback (the simulator, a local portal, the bundled identity provider)', () => {
    const config = loadConfig({
      ...valid,
      NEXTAUTH_URL: 'http://localhost:3000',
      WEBEX_BASE_URL: 'http://127.0.0.1:4020/',
      OIDC_ISSUER: 'http://127.0.0.1:4010/',
    });
    expect(config.oidc.issuer).toBe('http://127.0.0.1:4010');
    expect(config.webex.baseUrl).toBe('http://127.0.0.1:4020');
    expect(config.webex.landingUrl).toBe('http://127.0.0.1:4020/webappng/sites/acme/dashboard');
  });

  it('sessions: 8 h from sign-in, 30 min idle, admins re-checked every 5 min, unverified e-mail refused, unless set', () => {
    const defaults = loadConfig(valid);
    expect(defaults.session).toEqual({ maxAgeSeconds: 8 * 3600, idleSeconds: 30 * 60, adminRecheckSeconds: 5 * 60 });
    expect(defaults.oidc.trustUnverifiedEmail).toBe(false);
    const set = loadConfig({
      ...valid,
      SESSION_MAX_AGE: '3600',
      SESSION_IDLE_MINUTES: '15',
      ADMIN_RECHECK_MINUTES: '0.05',
      OIDC_TRUST_UNVERIFIED_EMAIL: 'true',
    });
    expect(set.session).toEqual({ maxAgeSeconds: 3600, idleSeconds: 900, adminRecheckSeconds: 3 });
    expect(set.oidc.trustUnverifiedEmail).toBe(true);
  });

  it('journeys: the ticket by 302 and a sign-out that ends WebEx and the identity provider too, unless set', () => {
    const defaults = loadConfig(valid);
    expect(defaults.webex.loginDelivery).toBe('redirect');
    expect(defaults.signOut).toEqual({ webex: true, idp: true });
    const set = loadConfig({ ...valid, WEBEX_LOGIN_DELIVERY: 'post', SIGNOUT_WEBEX: 'false', SIGNOUT_IDP: 'false' });
    expect(set.webex.loginDelivery).toBe('post');
    expect(set.signOut).toEqual({ webex: false, idp: false });
  });

  it('the launch API: xml by default with no Service App; rest and auto need its client ID and secret', () => {
    const defaults = loadConfig(valid);
    expect(defaults.webex.launchApi).toBe('xml');
    expect(defaults.rest).toBeUndefined();
    const problems = problemsOf({ ...valid, WEBEX_LAUNCH_API: 'rest' });
    expect(problems.join('\n')).toMatch(/WEBEX_SERVICE_APP_CLIENT_ID: is missing; WEBEX_LAUNCH_API=rest needs/);
    expect(problems.join('\n')).toMatch(/WEBEX_SERVICE_APP_CLIENT_SECRET: is missing/);
    expect(problemsOf({ ...valid, WEBEX_LAUNCH_API: 'soap' }).join('\n')).toMatch(/WEBEX_LAUNCH_API.*xml, rest or auto/);
  });

  it('the Service App: webexapis.com by default, links on .webex.com and the site, the first refresh token kept for the store', () => {
    const service = {
      WEBEX_LAUNCH_API: 'auto',
      WEBEX_SERVICE_APP_CLIENT_ID: 'app',
      WEBEX_SERVICE_APP_CLIENT_SECRET: 'shh',
      WEBEX_SERVICE_APP_REFRESH_TOKEN: 'rt',
    };
    expect(loadConfig({ ...valid, ...service }).rest).toEqual({
      apiBaseUrl: 'https://webexapis.com/v1',
      clientId: 'app',
      clientSecret: 'shh',
      initialRefreshToken: 'rt',
      linkHosts: { exact: ['acme.webex.com'], suffixes: ['.webex.com'] },
    });
    expect(loadConfig({ ...valid, ...service, WEBEX_API_BASE_URL: 'http://127.0.0.1:4020/v1/' }).rest?.apiBaseUrl).toBe('http://127.0.0.1:4020/v1');
    expect(problemsOf({ ...valid, ...service, WEBEX_API_BASE_URL: 'http://webexapis.com/v1' }).join('\n')).toMatch(
      /WEBEX_API_BASE_URL: must be an https:\/\/ URL/,
    );
    expect(problemsOf({ ...valid, ...service, WEBEX_REST_LINK_HOSTS: '.com' }).join('\n')).toMatch(/WEBEX_REST_LINK_HOSTS: ".com" is too broad/);
  });

  it("My meetings: kept 60 s by default, MEETINGS_CACHE_SECONDS from 0 to 3600, the site's host as siteUrl; nothing with xml", () => {
    const service = { WEBEX_LAUNCH_API: 'rest', WEBEX_SERVICE_APP_CLIENT_ID: 'app', WEBEX_SERVICE_APP_CLIENT_SECRET: 'shh' };
    expect(loadConfig({ ...valid, ...service }).meetings).toEqual({ cacheSeconds: 60 });
    expect(loadConfig({ ...valid, ...service }).rest?.siteUrl).toBeUndefined();
    expect(loadConfig({ ...valid, ...service, MEETINGS_CACHE_SECONDS: '0' }).meetings).toEqual({ cacheSeconds: 0 });
    expect(loadConfig({ ...valid, ...service, MEETINGS_CACHE_SECONDS: '300' }).meetings).toEqual({ cacheSeconds: 300 });
    expect(loadConfig(valid).meetings).toBeUndefined();
    expect(problemsOf({ ...valid, ...service, MEETINGS_CACHE_SECONDS: '-1' })).toEqual(['MEETINGS_CACHE_SECONDS: must be 0 (keep nothing) or more seconds']);
    expect(problemsOf({ ...valid, ...service, MEETINGS_CACHE_SECONDS: '86400' })).toEqual([
      'MEETINGS_CACHE_SECONDS: must be at most 3600 seconds: the list is a short-lived view of WebEx',
    ]);
    expect(problemsOf({ ...valid, ...service, MEETINGS_CACHE_SECONDS: '1.5' })).toEqual(['MEETINGS_CACHE_SECONDS: must be a whole number of seconds']);
    expect(problemsOf({ ...valid, ...service, MEETINGS_CACHE_SECONDS: 'a minute' })).toEqual(['MEETINGS_CACHE_SECONDS: must be a number of seconds']);
    expect(loadConfig({ ...valid, ...service, WEBEX_REST_SITE_URL: 'Acme.WebEx.com' }).rest?.siteUrl).toBe('acme.webex.com');
    expect(problemsOf({ ...valid, ...service, WEBEX_REST_SITE_URL: 'https://acme.webex.com' }).join('\n')).toMatch(
      /WEBEX_REST_SITE_URL: must be the WebEx site's host name/,
    );
  });

  it('mappings take a WebEx password only in password mode, and not when every launch goes over REST', () => {
    const service = { WEBEX_SERVICE_APP_CLIENT_ID: 'app', WEBEX_SERVICE_APP_CLIENT_SECRET: 'shh' };
    expect(storesPasswords(loadConfig(valid))).toBe(true);
    expect(storesPasswords(loadConfig({ ...valid, ...service, WEBEX_LAUNCH_API: 'auto' }))).toBe(true);
    expect(storesPasswords(loadConfig({ ...valid, ...service, WEBEX_LAUNCH_API: 'rest' }))).toBe(false);
    expect(loadCommandConfig({ WEBEX_LAUNCH_API: 'rest' }, { needsKeys: false }).acceptsPasswords).toBe(false);
    expect(loadCommandConfig({}, { needsKeys: false }).acceptsPasswords).toBe(true);
  });

  it('reads admin e-mails case-insensitively', () => {
    expect([...loadConfig({ ...valid, ADMIN_EMAILS: ' Ada@Example.com, bob@example.com ' }).admin.emails]).toEqual(['ada@example.com', 'bob@example.com']);
  });
});

describe('configuration errors and secrets', () => {
  // A malformed secret is still (mostly) a secret: the message names the variable and the rule, never the value.
  const SECRET = 'Zq7pLm3vX9rT2wKc';
  it.each([
    ['NEXTAUTH_SECRET', SECRET],
    ['METRICS_TOKEN', SECRET.slice(0, 12)],
    ['CREDENTIAL_KEYS', `1:${SECRET}`],
    ['CREDENTIAL_KEYS', `${SECRET}${SECRET}`],
  ])('%s: a malformed value is refused without any part of it in the message', (name, value) => {
    const problems = problemsOf({ ...valid, [name]: value }).join('\n');
    expect(problems).toMatch(new RegExp(name));
    for (let at = 0; at + 4 <= SECRET.length; at += 1) expect(problems).not.toContain(SECRET.slice(at, at + 4));
  });
});

describe('parseKeyMap', () => {
  it('reads several keys and refuses duplicates', () => {
    expect(parseKeyMap(`1:${KEY},2:${KEY}y`)).toEqual({ '1': KEY, '2': `${KEY}y` });
    expect(parseKeyMap(`1:${KEY},1:${KEY}`)).toMatch(/twice/);
  });

  // issue 16, finding 4: an entry without its "id:" prefix is all secret, and the message went to stderr and the log pipeline
  const SECRET = 'Zq7pLm3vX9rT2wKc8yHn4bJd6fGs1aEu';
  it.each([
    ['no prefix', SECRET],
    ['no prefix, second entry', `1:${KEY},${SECRET}`],
    ['a non-numeric id', `${SECRET.slice(0, 12)}:${SECRET.slice(12)}`],
    ['a colon first', `:${SECRET}`],
    ['a short secret', `1:${SECRET.slice(0, 20)}`],
  ])('names the entry by position and never prints any part of its secret (%s)', (_case, value) => {
    const message = parseKeyMap(value);
    expect(typeof message).toBe('string');
    expect(message).toMatch(/entry \d|key 1/);
    for (let at = 0; at + 4 <= SECRET.length; at += 1) expect(message).not.toContain(SECRET.slice(at, at + 4));
    const problems = problemsOf({ ...valid, CREDENTIAL_KEYS: value }).join('\n');
    for (let at = 0; at + 4 <= SECRET.length; at += 1) expect(problems).not.toContain(SECRET.slice(at, at + 4));
  });
});

describe('several WebEx sites (WEBEX_SITES)', () => {
  it('one site: the single-site variables are the default site, as before', () => {
    const config = loadConfig({ ...valid, WEBEX_SITE_NAME: 'acme' });
    expect(config.sites).toHaveLength(1);
    expect(config.sites[0]).toMatchObject({ key: '', siteName: 'acme', displayName: 'acme.webex.com', baseUrl: 'https://acme.webex.com', launchApi: 'xml' });
    expect(config.siteRules).toEqual([]);
  });

  it('names a listed site’s variables after the site: WEBEX_SITE_ACME_EU_BASE_URL', () => {
    expect(siteVariable('acme-eu', 'WEBEX_BASE_URL')).toBe('WEBEX_SITE_ACME_EU_BASE_URL');
    expect(siteVariable('acme-eu', 'SAML_AUDIENCE')).toBe('WEBEX_SITE_ACME_EU_SAML_AUDIENCE');
    expect(siteVariable('acme-eu', 'WEBEX_SITE_DISPLAY_NAME')).toBe('WEBEX_SITE_ACME_EU_DISPLAY_NAME');
  });

  it('a listed site gets its own address and name, and inherits the credential mode unless it sets its own', () => {
    const config = loadConfig({
      ...valid,
      WEBEX_SITE_DISPLAY_NAME: 'Acme',
      WEBEX_SITES: 'Acme-EU, acme-training',
      WEBEX_SITE_ACME_EU_DISPLAY_NAME: 'Acme Europe',
      WEBEX_SITE_ACME_TRAINING_CREDENTIAL_MODE: 'password',
      WEBEX_SITE_ACME_TRAINING_PASSWORD_TO_SESSION_TICKET: 'true',
    });
    expect(config.sites.map((s) => [s.key, s.siteName, s.displayName, s.baseUrl])).toEqual([
      ['', 'acme', 'Acme', 'https://acme.webex.com'],
      ['acme-eu', 'acme-eu', 'Acme Europe', 'https://acme-eu.webex.com'],
      ['acme-training', 'acme-training', 'acme-training.webex.com', 'https://acme-training.webex.com'],
    ]);
    expect(config.sites[1]?.landingUrl).toBe('https://acme-eu.webex.com/webappng/sites/acme-eu/dashboard');
    expect(config.sites[1]?.hostCredentials).toEqual({ mode: 'password', toSessionTicket: false });
    expect(config.sites[2]?.hostCredentials).toEqual({ mode: 'password', toSessionTicket: true });
    // the default site's settings stay where single-site code reads them
    expect(config.webex.siteName).toBe('acme');
    // a Join may go to any site's p.php
    expect(config.formActionOrigins).toEqual(
      expect.arrayContaining(['https://acme.webex.com', 'https://acme-eu.webex.com', 'https://acme-training.webex.com']),
    );
  });

  it('a listed site’s problem names the site and its own variable, never the default site’s', () => {
    const problems = problemsOf({
      ...valid,
      WEBEX_SITES: 'acme-eu',
      WEBEX_SITE_ACME_EU_BASE_URL: 'http://acme-eu.example.com',
      WEBEX_SITE_ACME_EU_CREDENTIAL_MODE: 'saml',
      WEBEX_SITE_ACME_EU_LAUNCH_API: 'soap',
    });
    expect(problems).toEqual([expect.stringMatching(/^WEBEX_SITE_ACME_EU_LAUNCH_API: must be xml, rest or auto \(site acme-eu in WEBEX_SITES\)$/)]);
    const saml = problemsOf({
      ...valid,
      WEBEX_SITES: 'acme-eu',
      WEBEX_SITE_ACME_EU_BASE_URL: 'http://acme-eu.example.com',
      WEBEX_SITE_ACME_EU_CREDENTIAL_MODE: 'saml',
    });
    expect(saml).toEqual(
      expect.arrayContaining([
        'WEBEX_SITE_ACME_EU_BASE_URL: must use https:// (plain http is only allowed on localhost) (site acme-eu in WEBEX_SITES)',
        expect.stringMatching(/^WEBEX_SITE_ACME_EU_SAML_AUDIENCE: is missing; WEBEX_CREDENTIAL_MODE=saml needs it \(site acme-eu/),
      ]),
    );
  });

  it('refuses a malformed site name, a site listed twice and the default site listed again', () => {
    expect(problemsOf({ ...valid, WEBEX_SITE_NAME: 'acme', WEBEX_SITES: 'acme_eu' })).toEqual([
      expect.stringMatching(/^WEBEX_SITES: "acme_eu" is not a WebEx site name/),
    ]);
    expect(problemsOf({ ...valid, WEBEX_SITE_NAME: 'acme', WEBEX_SITES: 'acme-eu,ACME-EU' })).toEqual([
      expect.stringMatching(/^WEBEX_SITES: names acme-eu twice/),
    ]);
    expect(problemsOf({ ...valid, WEBEX_SITE_NAME: 'acme', WEBEX_SITES: 'acme' })).toEqual([expect.stringMatching(/^WEBEX_SITES: names acme twice/)]);
  });

  it('a site sharing the default site’s Service App uses its grant; one with its own keeps its own', () => {
    const serviceApp = { WEBEX_LAUNCH_API: 'rest', WEBEX_SERVICE_APP_CLIENT_ID: 'app', WEBEX_SERVICE_APP_CLIENT_SECRET: 'shh' };
    const config = loadConfig({
      ...valid,
      WEBEX_SITE_NAME: 'acme',
      ...serviceApp,
      WEBEX_SITES: 'acme-eu,acme-apac',
      WEBEX_SITE_ACME_APAC_SERVICE_APP_CLIENT_ID: 'apac-app',
    });
    expect(config.sites.map((s) => [s.key, s.serviceAppGrant, s.rest?.clientId])).toEqual([
      ['', '', 'app'],
      ['acme-eu', '', 'app'],
      ['acme-apac', 'acme-apac', 'apac-app'],
    ]);
  });

  it('MAPPING_SITE_RULES: domains and groups to configured sites, the default site by its name', () => {
    const config = loadConfig({
      ...valid,
      WEBEX_SITES: 'acme-eu',
      MAPPING_SITE_RULES: 'domain:EU.acme.com=acme-eu, group:emea-staff=acme-eu, domain:hq.acme.com=acme',
    });
    expect(config.siteRules).toEqual([
      { kind: 'domain', domain: 'eu.acme.com', site: 'acme-eu' },
      { kind: 'group', group: 'emea-staff', site: 'acme-eu' },
      { kind: 'domain', domain: 'hq.acme.com', site: '' },
    ]);
    expect(problemsOf({ ...valid, WEBEX_SITE_NAME: 'acme', MAPPING_SITE_RULES: 'domain:eu.acme.com=acme-eu' })).toEqual([
      'MAPPING_SITE_RULES: entry 1 ("domain:eu.acme.com=acme-eu") names the site "acme-eu", which is not WEBEX_SITE_NAME or in WEBEX_SITES',
    ]);
    expect(problemsOf({ ...valid, WEBEX_SITE_NAME: 'acme', WEBEX_SITES: 'acme-eu', MAPPING_SITE_RULES: 'eu.acme.com=acme-eu' })).toEqual([
      expect.stringMatching(/^MAPPING_SITE_RULES: entry 1 \("eu.acme.com=acme-eu"\) must look like domain:/),
    ]);
  });
});
