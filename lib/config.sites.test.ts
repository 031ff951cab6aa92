import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, siteVariable } from './config';

const valid = {
  NEXTAUTH_URL: 'https://portal.example.com',
  NEXTAUTH_SECRET: 's'.repeat(32),
  OIDC_ISSUER: 'https://example.okta.com/',
  OIDC_CLIENT_ID: 'portal',
  OIDC_CLIENT_SECRET: 'shh',
  WEBEX_SITE_NAME: 'acme',
  CREDENTIAL_KEYS: `1:${'x'.repeat(32)}`,
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

describe('several WebEx sites (WEBEX_SITES)', () => {
  it('one site: the single-site variables are the default site, as before', () => {
    const config = loadConfig(valid);
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
    expect(problemsOf({ ...valid, WEBEX_SITES: 'acme_eu' })).toEqual([expect.stringMatching(/^WEBEX_SITES: "acme_eu" is not a WebEx site name/)]);
    expect(problemsOf({ ...valid, WEBEX_SITES: 'acme-eu,ACME-EU' })).toEqual([expect.stringMatching(/^WEBEX_SITES: names acme-eu twice/)]);
    expect(problemsOf({ ...valid, WEBEX_SITES: 'acme' })).toEqual([expect.stringMatching(/^WEBEX_SITES: names acme twice/)]);
  });

  it('a site sharing the default site’s Service App uses its grant; one with its own keeps its own', () => {
    const serviceApp = { WEBEX_LAUNCH_API: 'rest', WEBEX_SERVICE_APP_CLIENT_ID: 'app', WEBEX_SERVICE_APP_CLIENT_SECRET: 'shh' };
    const config = loadConfig({ ...valid, ...serviceApp, WEBEX_SITES: 'acme-eu,acme-apac', WEBEX_SITE_ACME_APAC_SERVICE_APP_CLIENT_ID: 'apac-app' });
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
    expect(problemsOf({ ...valid, MAPPING_SITE_RULES: 'domain:eu.acme.com=acme-eu' })).toEqual([
      'MAPPING_SITE_RULES: entry 1 ("domain:eu.acme.com=acme-eu") names the site "acme-eu", which is not WEBEX_SITE_NAME or in WEBEX_SITES',
    ]);
    expect(problemsOf({ ...valid, WEBEX_SITES: 'acme-eu', MAPPING_SITE_RULES: 'eu.acme.com=acme-eu' })).toEqual([
      expect.stringMatching(/^MAPPING_SITE_RULES: entry 1 \("eu.acme.com=acme-eu"\) must look like domain:/),
    ]);
  });
});
