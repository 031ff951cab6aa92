import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseKeyMap } from './config';

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
    expect(config.credentialKeys).toEqual({ '1': KEY });
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
  ])('%s=%j is refused with a message that says what to set', (name, value, message) => {
    const problems = problemsOf({ ...valid, [name]: value });
    expect(problems.join('\n')).toMatch(new RegExp(name));
    expect(problems.join('\n')).toMatch(message);
  });

  it('allows plain http only on loopback (the simulator, a local portal)', () => {
    const config = loadConfig({ ...valid, NEXTAUTH_URL: 'http://localhost:3000', WEBEX_BASE_URL: 'http://127.0.0.1:4020/' });
    expect(config.webex.baseUrl).toBe('http://127.0.0.1:4020');
    expect(config.webex.landingUrl).toBe('http://127.0.0.1:4020/webappng/sites/acme/dashboard');
  });

  it('reads admin e-mails case-insensitively', () => {
    expect([...loadConfig({ ...valid, ADMIN_EMAILS: ' Ada@Example.com, bob@example.com ' }).admin.emails]).toEqual(['ada@example.com', 'bob@example.com']);
  });
});

describe('parseKeyMap', () => {
  it('reads several keys and refuses duplicates', () => {
    expect(parseKeyMap(`1:${KEY},2:${KEY}y`)).toEqual({ '1': KEY, '2': `${KEY}y` });
    expect(parseKeyMap(`1:${KEY},1:${KEY}`)).toMatch(/twice/);
  });
});
