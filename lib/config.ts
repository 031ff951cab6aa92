import { z } from 'zod';
import type { HostCredentialSettings } from './credentials';
import { normalizeEmail, type AdminSettings, type OidcSettings, type SessionPolicy } from './identity';
import type { LaunchApi, LoginDelivery } from './launch';
import { parseSiteRules, type MappingRule, type SiteRule } from './mappings';
import type { MeetingsSettings } from './meetings';
import { loadSigningKeys, SamlKeyError, type SamlSigningKeys } from './saml';
import type { SecretKeys } from './secrets';
import type { WebexSite } from './webex';
import { DEFAULT_LINK_HOSTS, parseLinkHosts, type RestSettings } from './webex-rest';

/**
 * The whole configuration, read from the environment once and validated at start
 * (instrumentation.ts). A missing or malformed variable stops the server with a message
 * that names it and says what to set; .env.example documents every variable.
 */
export interface AppConfig {
  /** the portal's public origin, from NEXTAUTH_URL */
  appUrl: URL;
  authSecret: string;
  oidc: OidcSettings;
  session: SessionPolicy;
  webex: {
    siteName: string;
    /** origin (and optional path prefix) of the site, without a trailing slash */
    baseUrl: string;
    /** MU: where WebEx sends the host after a successful login */
    landingUrl: string;
    timeoutMs: number;
    maxResponseBytes: number;
    /** the process's cap on XML API calls in flight, and how long a call waits for a slot */
    maxConcurrency: number;
    queueWaitMs: number;
    /** the circuit breaker: outages in its window that open it, and how long it stays open */
    circuitFailures: number;
    circuitCoolDownMs: number;
    /** how the login ticket reaches p.php: a 302 to its URL, or an auto-submitted POST form (WEBEX_LOGIN_DELIVERY) */
    loginDelivery: LoginDelivery;
    /** which API launches: the XML API for everything, REST for meetings only, or REST for meetings and XML for the site's home (WEBEX_LAUNCH_API) */
    launchApi: LaunchApi;
  };
  /** the REST path's Service App (WEBEX_LAUNCH_API=rest|auto); undefined with xml */
  rest: RestSettings | undefined;
  /**
   * Every WebEx site of the company, the default site first: its own `webex`, `hostCredentials`
   * and `rest` as above, and one entry per name in WEBEX_SITES (docs/operations.md, "Several WebEx sites")
   */
  sites: readonly SiteSettings[];
  /** which site an employee without a mapping row for it belongs on (MAPPING_SITE_RULES); empty: the default site */
  siteRules: readonly SiteRule[];
  /** the home page's list of the employee's meetings, read through the Service App (rest|auto); undefined with xml */
  meetings: MeetingsSettings | undefined;
  /** what the portal's Sign out ends besides the portal session (SIGNOUT_WEBEX, SIGNOUT_IDP) */
  signOut: { webex: boolean; idp: boolean };
  /** how the portal proves to WebEx that it may act as a host (WEBEX_CREDENTIAL_MODE) */
  hostCredentials: HostCredentialSettings;
  /** the key map sealing secrets at rest (CREDENTIAL_KEYS); the highest id seals, every id unseals */
  secretKeys: SecretKeys;
  databaseUrl: string;
  admin: AdminSettings;
  /** how to derive a WebEx ID for users without an explicit mapping */
  mappingRule: MappingRule;
  /** launches per portal user per window (LAUNCH_RATE_LIMIT per LAUNCH_RATE_WINDOW_SECONDS) */
  launchRateLimit: { points: number; windowSeconds: number };
  /** where the portal's forms may send the browser, redirects included (the pages' CSP form-action) */
  formActionOrigins: readonly string[];
  /** bearer token for /api/metrics; undefined: the endpoint is off */
  metricsToken: string | undefined;
  auditRetentionDays: number;
  importMaxBytes: number;
  supportContact: string;
}

/** One WebEx site with what may differ per site: its address, launch API and credential mode. */
export interface SiteSettings extends WebexSite {
  launchApi: LaunchApi;
  hostCredentials: HostCredentialSettings;
  rest: RestSettings | undefined;
  /** whose Service App grant its REST calls use: its own key, or '' when it shares the default site's Service App */
  serviceAppGrant: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`webex-sso: configuration is invalid; fix these environment variables (see .env.example):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

// iron-session refuses shorter passwords, and 32 characters is the floor for a sealing key.
const MIN_SECRET_LENGTH = 32;
const SITE_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/i;
const SITE_HOST = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/i;
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const intInRange = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);

const minutesInRange = (max: number, fallback: number) =>
  z.coerce.number({ error: 'must be a number of minutes' }).positive('must be more than 0 minutes').max(max).default(fallback);

const EnvSchema = z.object({
  NEXTAUTH_URL: z.url({ protocol: /^https?$/, error: "must be the portal's public URL, e.g. https://portal.example.com" }),
  NEXTAUTH_SECRET: z.string().min(MIN_SECRET_LENGTH, `must be at least ${MIN_SECRET_LENGTH} random characters (openssl rand -base64 32)`),
  OIDC_ISSUER: z.url({ protocol: /^https?$/, error: "must be your identity provider's issuer URL, e.g. https://example.okta.com" }),
  OIDC_CLIENT_ID: z.string().min(1, 'must be the client id registered at your identity provider'),
  OIDC_CLIENT_SECRET: z.string().min(1, 'must be the client secret registered at your identity provider'),
  OIDC_SCOPES: z.string().default('openid email profile'),
  OIDC_DISPLAY_NAME: z.string().default('your company account'),
  OIDC_EMAIL_CLAIM: z.string().default('email'),
  OIDC_TRUST_UNVERIFIED_EMAIL: z.stringbool({ error: 'must be true or false' }).default(false),
  SESSION_MAX_AGE: intInRange(60, 30 * 24 * 60 * 60, 8 * 60 * 60),
  // minutes, fractions allowed (the e2e suite re-checks admins every few seconds)
  SESSION_IDLE_MINUTES: minutesInRange(24 * 60, 30),
  ADMIN_RECHECK_MINUTES: minutesInRange(24 * 60, 5),
  WEBEX_SITE_NAME: z.string().regex(SITE_NAME, 'must be your WebEx site name: acme for acme.webex.com (letters, digits, hyphens)'),
  WEBEX_SITE_DISPLAY_NAME: optionalString,
  WEBEX_SITES: z.string().default(''),
  WEBEX_BASE_URL: optionalString,
  WEBEX_LANDING_URL: optionalString,
  WEBEX_TIMEOUT_MS: intInRange(100, 120_000, 10_000),
  WEBEX_MAX_RESPONSE_BYTES: intInRange(1024, 10_485_760, 65_536),
  WEBEX_MAX_CONCURRENCY: intInRange(1, 1_000, 32),
  WEBEX_QUEUE_WAIT_MS: intInRange(0, 60_000, 1_000),
  WEBEX_CIRCUIT_FAILURES: intInRange(1, 1_000, 5),
  WEBEX_CIRCUIT_COOLDOWN_MS: intInRange(100, 600_000, 30_000),
  WEBEX_LOGIN_DELIVERY: z.enum(['redirect', 'post'], { error: 'must be redirect or post' }).default('redirect'),
  SIGNOUT_WEBEX: z.stringbool({ error: 'must be true or false' }).default(true),
  SIGNOUT_IDP: z.stringbool({ error: 'must be true or false' }).default(true),
  WEBEX_CREDENTIAL_MODE: z.enum(['password', 'saml', 'oauth'], { error: 'must be password, saml or oauth' }).default('password'),
  WEBEX_PASSWORD_TO_SESSION_TICKET: z.stringbool({ error: 'must be true or false' }).default(false),
  SAML_ISSUER: optionalString,
  SAML_AUDIENCE: optionalString,
  SAML_RECIPIENT: optionalString,
  SAML_NAMEID_SOURCE: z.enum(['webex-id', 'email'], { error: 'must be webex-id or email' }).default('webex-id'),
  SAML_SIGNING_KEY: optionalString,
  SAML_SIGNING_CERT: optionalString,
  SAML_SIGNING_CERT_NEXT: optionalString,
  // Cisco's Meetings OAuth sample (docs/webex.md §8.4, [C7] oauth2.py)
  WEBEX_OAUTH_AUTHORIZE_URL: z.string().default('https://api.webex.com/v1/oauth2/authorize'),
  WEBEX_OAUTH_TOKEN_URL: z.string().default('https://api.webex.com/v1/oauth2/token'),
  WEBEX_OAUTH_REVOKE_URL: optionalString,
  WEBEX_OAUTH_CLIENT_ID: optionalString,
  WEBEX_OAUTH_CLIENT_SECRET: optionalString,
  WEBEX_OAUTH_SCOPES: z.string().default('all_read meeting_modify'),
  WEBEX_OAUTH_TOKEN_USE: z.enum(['access-token', 'session-ticket'], { error: 'must be access-token or session-ticket' }).default('access-token'),
  WEBEX_LAUNCH_API: z.enum(['xml', 'rest', 'auto'], { error: 'must be xml, rest or auto' }).default('xml'),
  WEBEX_API_BASE_URL: z.string().default('https://webexapis.com/v1'),
  WEBEX_SERVICE_APP_CLIENT_ID: optionalString,
  WEBEX_SERVICE_APP_CLIENT_SECRET: optionalString,
  WEBEX_SERVICE_APP_REFRESH_TOKEN: optionalString,
  WEBEX_REST_LINK_HOSTS: z.string().default(DEFAULT_LINK_HOSTS),
  WEBEX_REST_SITE_URL: optionalString.refine(
    (v) => v === undefined || SITE_HOST.test(v),
    "must be the WebEx site's host name as Webex writes siteUrl, e.g. acme.webex.com (no https://, no path)",
  ),
  // a view, not a record: minutes at most, and 0 keeps nothing
  MEETINGS_CACHE_SECONDS: z.coerce
    .number({ error: 'must be a number of seconds' })
    .int('must be a whole number of seconds')
    .min(0, 'must be 0 (keep nothing) or more seconds')
    .max(3_600, 'must be at most 3600 seconds: the list is a short-lived view of WebEx')
    .default(60),
  CREDENTIAL_KEYS: z.string().min(1, `must be a key map "1:<secret>" (add "2:<new secret>" to rotate), each secret at least ${MIN_SECRET_LENGTH} characters`),
  DATABASE_URL: z.string().default('file:./data/webex-sso.sqlite'),
  ADMIN_EMAILS: z.string().default(''),
  ADMIN_GROUP_CLAIM: z.string().default('groups'),
  ADMIN_GROUP: optionalString,
  MAPPING_RULE: z.enum(['none', 'email', 'email-local-part', 'claim'], { error: 'must be none, email, email-local-part or claim' }).default('none'),
  MAPPING_RULE_CLAIM: optionalString,
  MAPPING_RULE_LOWERCASE: z.stringbool({ error: 'must be true or false' }).default(false),
  MAPPING_SITE_RULES: z.string().default(''),
  METRICS_TOKEN: optionalString.refine((v) => v === undefined || v.length >= 16, 'must be at least 16 random characters, or unset to turn /api/metrics off'),
  LAUNCH_RATE_LIMIT: intInRange(1, 1_000_000, 10),
  LAUNCH_RATE_WINDOW_SECONDS: intInRange(1, 86_400, 60),
  AUDIT_RETENTION_DAYS: intInRange(1, 36_500, 365),
  // below the 64 MiB server-action body limit in next.config.js
  CSV_IMPORT_MAX_BYTES: intInRange(1024, 62_914_560, 33_554_432),
  SUPPORT_CONTACT: z.string().default('your IT help desk'),
  // validated here so a typo stops the server; lib/log.ts reads it itself (it must work before config)
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty'], { error: 'must be json or pretty' }).default('json'),
});

type Env = Record<string, string | undefined>;

/** Parses "1:secret,2:newer-secret" into an iron-session password map. */
export function parseKeyMap(value: string): Record<string, string> | string {
  const keys: Record<string, string> = {};
  const entries = value
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  for (const [index, entry] of entries.entries()) {
    const colon = entry.indexOf(':');
    const id = entry.slice(0, colon);
    const secret = entry.slice(colon + 1);
    // Named by position only: an entry without its "id:" is all secret, and so may be what stands before a colon.
    if (colon < 1 || !/^\d+$/.test(id))
      return `entry ${index + 1} (counting from 1) must look like <number>:<secret>; nothing of it is shown here, since it may be the secret`;
    if (secret.length < MIN_SECRET_LENGTH) return `the secret of key ${id} must be at least ${MIN_SECRET_LENGTH} characters`;
    if (keys[id] !== undefined) return `key ${id} appears twice`;
    keys[id] = secret;
  }
  return Object.keys(keys).length > 0 ? keys : 'must hold at least one key';
}

function isSecureOrLoopback(url: URL): boolean {
  return url.protocol === 'https:' || LOOPBACK_HOSTS.has(url.hostname) || LOOPBACK_HOSTS.has(`[${url.hostname}]`);
}

type ParsedEnv = z.infer<typeof EnvSchema>;

function requireIn(mode: string, e: ParsedEnv, names: readonly (keyof ParsedEnv)[], problems: string[]): void {
  for (const name of names) if (e[name] === undefined) problems.push(`${name}: is missing; WEBEX_CREDENTIAL_MODE=${mode} needs it`);
}

/** An absolute URL that is https, or http on this machine only. */
function secureUrl(value: string, name: string, problems: string[]): string {
  try {
    const url = new URL(value);
    if (isSecureOrLoopback(url) && (url.protocol === 'https:' || url.protocol === 'http:')) return url.href;
  } catch {
    // reported below
  }
  problems.push(`${name}: must be an https:// URL (plain http only on localhost)`);
  return value;
}

/** The credential mode's settings; adds to problems and returns undefined when they are incomplete. */
function credentialConfig(e: ParsedEnv, appUrl: URL, problems: string[]): HostCredentialSettings | undefined {
  const before = problems.length;
  switch (e.WEBEX_CREDENTIAL_MODE) {
    case 'password':
      return { mode: 'password', toSessionTicket: e.WEBEX_PASSWORD_TO_SESSION_TICKET };
    case 'saml': {
      requireIn('saml', e, ['SAML_AUDIENCE', 'SAML_RECIPIENT', 'SAML_SIGNING_KEY', 'SAML_SIGNING_CERT'], problems);
      if (problems.length > before) return undefined;
      let keys: SamlSigningKeys;
      try {
        keys = loadSigningKeys({ key: e.SAML_SIGNING_KEY ?? '', cert: e.SAML_SIGNING_CERT ?? '', nextCert: e.SAML_SIGNING_CERT_NEXT });
      } catch (err) {
        if (!(err instanceof SamlKeyError)) throw err;
        problems.push(err.message);
        return undefined;
      }
      return {
        mode: 'saml',
        issuer: e.SAML_ISSUER ?? appUrl.origin,
        audience: e.SAML_AUDIENCE ?? '',
        recipient: secureUrl(e.SAML_RECIPIENT ?? '', 'SAML_RECIPIENT', problems),
        nameIdSource: e.SAML_NAMEID_SOURCE,
        keys,
      };
    }
    case 'oauth': {
      requireIn('oauth', e, ['WEBEX_OAUTH_CLIENT_ID', 'WEBEX_OAUTH_CLIENT_SECRET'], problems);
      const config: HostCredentialSettings = {
        mode: 'oauth',
        authorizeUrl: secureUrl(e.WEBEX_OAUTH_AUTHORIZE_URL, 'WEBEX_OAUTH_AUTHORIZE_URL', problems),
        tokenUrl: secureUrl(e.WEBEX_OAUTH_TOKEN_URL, 'WEBEX_OAUTH_TOKEN_URL', problems),
        revokeUrl: e.WEBEX_OAUTH_REVOKE_URL && secureUrl(e.WEBEX_OAUTH_REVOKE_URL, 'WEBEX_OAUTH_REVOKE_URL', problems),
        clientId: e.WEBEX_OAUTH_CLIENT_ID ?? '',
        clientSecret: e.WEBEX_OAUTH_CLIENT_SECRET ?? '',
        scopes: e.WEBEX_OAUTH_SCOPES,
        tokenUse: e.WEBEX_OAUTH_TOKEN_USE,
        redirectUri: new URL('/webex/connect/callback', appUrl).href,
      };
      return problems.length > before ? undefined : config;
    }
  }
}

/** The Service App's settings when a REST path is on; adds to problems when they are incomplete. */
function restConfig(e: ParsedEnv, siteHost: string, problems: string[]): RestSettings | undefined {
  if (e.WEBEX_LAUNCH_API === 'xml') return undefined;
  for (const name of ['WEBEX_SERVICE_APP_CLIENT_ID', 'WEBEX_SERVICE_APP_CLIENT_SECRET'] as const) {
    if (e[name] === undefined)
      problems.push(
        `${name}: is missing; WEBEX_LAUNCH_API=${e.WEBEX_LAUNCH_API} needs the Service App's client ID and secret (docs/operations.md, "The REST path")`,
      );
  }
  const linkHosts = parseLinkHosts(e.WEBEX_REST_LINK_HOSTS, siteHost);
  if (typeof linkHosts === 'string') problems.push(`WEBEX_REST_LINK_HOSTS: ${linkHosts}`);
  return {
    apiBaseUrl: secureUrl(e.WEBEX_API_BASE_URL, 'WEBEX_API_BASE_URL', problems).replace(/\/+$/, ''),
    clientId: e.WEBEX_SERVICE_APP_CLIENT_ID ?? '',
    clientSecret: e.WEBEX_SERVICE_APP_CLIENT_SECRET ?? '',
    initialRefreshToken: e.WEBEX_SERVICE_APP_REFRESH_TOKEN,
    linkHosts: typeof linkHosts === 'string' ? { exact: [], suffixes: [] } : linkHosts,
    siteUrl: e.WEBEX_REST_SITE_URL?.toLowerCase(),
  };
}

/**
 * Where the portal's forms may send the browser, redirects included (browsers apply form-action
 * to them): the portal itself, the identity provider (sign-in), the WebEx site (Join's 302), in
 * oauth mode WebEx's authorization page (Connect WebEx), and with the REST path every host a
 * start/join link may be on (WEBEX_REST_LINK_HOSTS), since /launch answers with a 302 to it.
 */
function formActionOrigins(at: {
  appUrl: URL;
  issuer: string;
  siteUrl: string;
  hostCredentials: HostCredentialSettings;
  rest: RestSettings | undefined;
}): string[] {
  const site = new URL(at.siteUrl);
  const origins = new Set([at.appUrl.origin, new URL(at.issuer).origin, site.origin]);
  if (at.hostCredentials.mode === 'oauth') origins.add(new URL(at.hostCredentials.authorizeUrl).origin);
  for (const suffix of at.rest?.linkHosts.suffixes ?? []) origins.add(`https://*${suffix}`);
  for (const host of at.rest?.linkHosts.exact ?? []) if (host !== site.hostname) origins.add(`https://${host}`);
  return [...origins];
}

/**
 * One site's settings from an environment whose single-site variables are that site's
 * (the default site's own, or a listed site's as `siteEnvironment` lays them out).
 */
function siteConfig(e: ParsedEnv, key: string, appUrl: URL, problems: string[]): SiteSettings | undefined {
  const before = problems.length;
  const siteName = e.WEBEX_SITE_NAME.toLowerCase();
  const baseUrl = new URL(e.WEBEX_BASE_URL ?? `https://${siteName}.webex.com`);
  if (!isSecureOrLoopback(baseUrl)) problems.push('WEBEX_BASE_URL: must use https:// (plain http is only allowed on localhost)');
  const base = baseUrl.href.replace(/\/+$/, '');
  const landing = new URL(e.WEBEX_LANDING_URL ?? `${base}/webappng/sites/${siteName}/dashboard`, `${base}/`);
  if (landing.origin !== baseUrl.origin)
    problems.push(`WEBEX_LANDING_URL: must be a page of your WebEx site (${baseUrl.origin}); WebEx refuses other MU targets`);
  const hostCredentials = credentialConfig(e, appUrl, problems);
  const rest = restConfig(e, baseUrl.hostname, problems);
  if (problems.length > before || !hostCredentials) return undefined;
  return {
    key,
    siteName,
    displayName: e.WEBEX_SITE_DISPLAY_NAME ?? `${siteName}.webex.com`,
    baseUrl: base,
    landingUrl: landing.href,
    launchApi: e.WEBEX_LAUNCH_API,
    hostCredentials,
    rest,
    serviceAppGrant: key,
  };
}

/**
 * What a listed site may set for itself, as WEBEX_SITE_<SITE>_<name> with the single-site
 * variable's name minus its WEBEX_ (or WEBEX_SITE_) prefix: WEBEX_SITE_ACME_EU_BASE_URL,
 * WEBEX_SITE_ACME_EU_SAML_AUDIENCE. `own`: the site's alone (its address and what names it);
 * `inherited`: the default site's value unless the site sets its own (one credential mode, one
 * signing key, one OAuth integration and Service App for the company, unless a site has others).
 */
const SITE_VARIABLES = {
  own: ['WEBEX_SITE_DISPLAY_NAME', 'WEBEX_BASE_URL', 'WEBEX_LANDING_URL', 'SAML_AUDIENCE', 'SAML_RECIPIENT', 'WEBEX_REST_LINK_HOSTS', 'WEBEX_REST_SITE_URL'],
  inherited: [
    'WEBEX_LAUNCH_API',
    'WEBEX_CREDENTIAL_MODE',
    'WEBEX_PASSWORD_TO_SESSION_TICKET',
    'SAML_ISSUER',
    'SAML_NAMEID_SOURCE',
    'SAML_SIGNING_KEY',
    'SAML_SIGNING_CERT',
    'SAML_SIGNING_CERT_NEXT',
    'WEBEX_OAUTH_AUTHORIZE_URL',
    'WEBEX_OAUTH_TOKEN_URL',
    'WEBEX_OAUTH_REVOKE_URL',
    'WEBEX_OAUTH_CLIENT_ID',
    'WEBEX_OAUTH_CLIENT_SECRET',
    'WEBEX_OAUTH_SCOPES',
    'WEBEX_OAUTH_TOKEN_USE',
    'WEBEX_API_BASE_URL',
    'WEBEX_SERVICE_APP_CLIENT_ID',
    'WEBEX_SERVICE_APP_CLIENT_SECRET',
    'WEBEX_SERVICE_APP_REFRESH_TOKEN',
  ],
} as const satisfies Record<string, readonly (keyof ParsedEnv)[]>;

/** The variable a listed site sets for one of the single-site variables: WEBEX_SITE_ACME_EU_BASE_URL. */
export function siteVariable(siteName: string, variable: string): string {
  return `WEBEX_SITE_${siteName.toUpperCase().replaceAll('-', '_')}_${variable.replace(/^WEBEX_(SITE_)?/, '')}`;
}

/** The environment as a listed site sees it: its own variables in the single-site names, the default's where it inherits. */
function siteEnvironment(env: Env, siteName: string): Env {
  const view: Env = { ...env, WEBEX_SITE_NAME: siteName };
  for (const name of SITE_VARIABLES.own) view[name] = env[siteVariable(siteName, name)];
  for (const name of SITE_VARIABLES.inherited) view[name] = env[siteVariable(siteName, name)] ?? env[name];
  return view;
}

/** Names a listed site's problem by the variable it sets (or inherits) and by the site. */
function forSite(problem: string, siteName: string): string {
  const [, name = '', rest = problem] = /^([A-Z0-9_]+)(:.*)$/s.exec(problem) ?? [];
  const perSite = ([...SITE_VARIABLES.own, ...SITE_VARIABLES.inherited] as readonly string[]).includes(name);
  return `${perSite ? siteVariable(siteName, name) : name}${rest} (site ${siteName} in WEBEX_SITES)`;
}

/** The names WEBEX_SITES lists, lower-cased as the sites are named everywhere. */
function siteNamesIn(value: string): string[] {
  return value
    .split(',')
    .map((n) => n.trim().toLowerCase())
    .filter(Boolean);
}

/** The sites WEBEX_SITES lists, each validated with errors that name the site and its variable. */
function extraSites(env: Env, e: ParsedEnv, appUrl: URL, problems: string[]): (SiteSettings | undefined)[] {
  const names = siteNamesIn(e.WEBEX_SITES);
  const seen = new Set([e.WEBEX_SITE_NAME.toLowerCase()]);
  return names.map((siteName) => {
    if (!SITE_NAME.test(siteName)) {
      problems.push(`WEBEX_SITES: "${siteName}" is not a WebEx site name (letters, digits, hyphens: acme-eu for acme-eu.webex.com)`);
      return undefined;
    }
    if (seen.has(siteName)) {
      problems.push(`WEBEX_SITES: names ${siteName} twice (or it is WEBEX_SITE_NAME, the default site)`);
      return undefined;
    }
    seen.add(siteName);
    const parsed = EnvSchema.safeParse(siteEnvironment(env, siteName));
    if (!parsed.success) {
      // the shared variables' problems are the default site's, reported once already
      const own = new Set<string>([...SITE_VARIABLES.own, ...SITE_VARIABLES.inherited]);
      for (const issue of parsed.error.issues) {
        const name = issue.path.join('.');
        if (own.has(name)) problems.push(forSite(`${name}: ${issue.message}`, siteName));
      }
      return undefined;
    }
    const siteProblems: string[] = [];
    const site = siteConfig(parsed.data, siteName, appUrl, siteProblems);
    problems.push(...siteProblems.map((p) => forSite(p, siteName)));
    if (!site) return undefined;
    // a site that names no Service App of its own shares the default's grant
    return { ...site, serviceAppGrant: env[siteVariable(siteName, 'WEBEX_SERVICE_APP_CLIENT_ID')] ? siteName : '' };
  });
}

/** Validates an environment into an AppConfig; throws ConfigError listing every problem. */
export function loadConfig(env: Env = process.env): AppConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const missing = (name: string) => env[name] === undefined || env[name] === '';
    throw new ConfigError(
      parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.code === 'invalid_type' && missing(i.path.join('.')) ? 'is missing' : i.message}`),
    );
  }
  const e = parsed.data;
  const problems: string[] = [];

  const keys = parseKeyMap(e.CREDENTIAL_KEYS);
  if (typeof keys === 'string') problems.push(`CREDENTIAL_KEYS: ${keys}`);

  if (e.MAPPING_RULE === 'claim' && !e.MAPPING_RULE_CLAIM)
    problems.push('MAPPING_RULE_CLAIM: is missing; MAPPING_RULE=claim needs the name of the ID-token claim that holds the WebEx ID');
  const mappingRule: MappingRule =
    e.MAPPING_RULE === 'claim'
      ? { kind: 'claim', claim: e.MAPPING_RULE_CLAIM ?? '', lowercase: e.MAPPING_RULE_LOWERCASE }
      : e.MAPPING_RULE === 'none'
        ? { kind: 'none' }
        : { kind: e.MAPPING_RULE, lowercase: e.MAPPING_RULE_LOWERCASE };

  const appUrl = new URL(e.NEXTAUTH_URL);
  if (!isSecureOrLoopback(appUrl)) problems.push('NEXTAUTH_URL: must use https:// outside localhost');
  // The refreshed ID token's claims (the groups that make an admin) are read without a signature
  // check on the strength of TLS to the token endpoint (lib/identity/idp-refresh.ts): only https gives it.
  // Validated only: the issuer is kept as written, since it must equal the tokens' `iss` to the letter.
  secureUrl(e.OIDC_ISSUER, 'OIDC_ISSUER', problems);
  const defaultSite = siteConfig(e, '', appUrl, problems);
  const sites = [defaultSite, ...extraSites(env, e, appUrl, problems)].filter((site) => site !== undefined);
  const siteRules = parseSiteRules(e.MAPPING_SITE_RULES, (name) => sites.find((site) => site.siteName === name)?.key);
  if (typeof siteRules === 'string') problems.push(`MAPPING_SITE_RULES: ${siteRules}`);
  if (problems.length > 0 || typeof keys === 'string' || typeof siteRules === 'string' || !defaultSite) throw new ConfigError(problems);
  const { siteName: site, baseUrl: base, landingUrl, hostCredentials: credentials, rest } = defaultSite;

  return {
    appUrl,
    authSecret: e.NEXTAUTH_SECRET,
    oidc: {
      issuer: e.OIDC_ISSUER.replace(/\/+$/, ''),
      clientId: e.OIDC_CLIENT_ID,
      clientSecret: e.OIDC_CLIENT_SECRET,
      scopes: e.OIDC_SCOPES,
      displayName: e.OIDC_DISPLAY_NAME,
      emailClaim: e.OIDC_EMAIL_CLAIM,
      trustUnverifiedEmail: e.OIDC_TRUST_UNVERIFIED_EMAIL,
    },
    session: {
      maxAgeSeconds: e.SESSION_MAX_AGE,
      idleSeconds: Math.round(e.SESSION_IDLE_MINUTES * 60),
      adminRecheckSeconds: Math.round(e.ADMIN_RECHECK_MINUTES * 60),
    },
    webex: {
      siteName: site,
      baseUrl: base,
      landingUrl,
      timeoutMs: e.WEBEX_TIMEOUT_MS,
      maxResponseBytes: e.WEBEX_MAX_RESPONSE_BYTES,
      maxConcurrency: e.WEBEX_MAX_CONCURRENCY,
      queueWaitMs: e.WEBEX_QUEUE_WAIT_MS,
      circuitFailures: e.WEBEX_CIRCUIT_FAILURES,
      circuitCoolDownMs: e.WEBEX_CIRCUIT_COOLDOWN_MS,
      loginDelivery: e.WEBEX_LOGIN_DELIVERY,
      launchApi: e.WEBEX_LAUNCH_API,
    },
    rest,
    sites,
    siteRules,
    meetings: sites.some((s) => s.rest) ? { cacheSeconds: e.MEETINGS_CACHE_SECONDS } : undefined,
    formActionOrigins: [
      ...new Set(
        sites.flatMap((s) => formActionOrigins({ appUrl, issuer: e.OIDC_ISSUER, siteUrl: s.baseUrl, hostCredentials: s.hostCredentials, rest: s.rest })),
      ),
    ],
    signOut: { webex: e.SIGNOUT_WEBEX, idp: e.SIGNOUT_IDP },
    hostCredentials: credentials,
    secretKeys: keys,
    databaseUrl: e.DATABASE_URL,
    admin: {
      emails: new Set(e.ADMIN_EMAILS.split(',').map(normalizeEmail).filter(Boolean)),
      groupClaim: e.ADMIN_GROUP_CLAIM,
      group: e.ADMIN_GROUP,
    },
    mappingRule,
    metricsToken: e.METRICS_TOKEN,
    launchRateLimit: { points: e.LAUNCH_RATE_LIMIT, windowSeconds: e.LAUNCH_RATE_WINDOW_SECONDS },
    auditRetentionDays: e.AUDIT_RETENTION_DAYS,
    importMaxBytes: e.CSV_IMPORT_MAX_BYTES,
    supportContact: e.SUPPORT_CONTACT,
  };
}

/**
 * Whether mappings take a WebEx password: only in password mode, and not with WEBEX_LAUNCH_API=rest,
 * where no launch uses the XML API (the admin form, its action and the command line agree).
 */
export function storesPasswords(config: { hostCredentials: { mode: HostCredentialSettings['mode'] }; webex: { launchApi: LaunchApi } }): boolean {
  return config.hostCredentials.mode === 'password' && config.webex.launchApi !== 'rest';
}

/** What the mappings command line needs: the database always, the sealing keys only to store a password. */
export interface CommandConfig {
  databaseUrl: string;
  importMaxBytes: number;
  /** set only when asked for (`needsKeys`) */
  secretKeys: SecretKeys | undefined;
  /** false outside password mode, and with WEBEX_LAUNCH_API=rest: no password is stored then */
  acceptsPasswords: boolean;
  /** the company's sites by key and name, the default first, as AppConfig's `sites` (a CSV file's site column names them) */
  sites: readonly { key: string; siteName: string }[];
}

/**
 * Validates only the settings a command uses (an export needs no OIDC or WebEx settings), naming
 * any that are missing or malformed; throws ConfigError like loadConfig.
 */
export function loadCommandConfig(env: Env, options: { needsKeys: boolean }): CommandConfig {
  const schema = EnvSchema.pick({
    DATABASE_URL: true,
    CSV_IMPORT_MAX_BYTES: true,
    WEBEX_CREDENTIAL_MODE: true,
    WEBEX_LAUNCH_API: true,
    WEBEX_SITES: true,
  }).extend({
    CREDENTIAL_KEYS: options.needsKeys ? EnvSchema.shape.CREDENTIAL_KEYS : z.string().optional(),
    // a one-site portal's export and import name no site, so they run without it
    WEBEX_SITE_NAME: EnvSchema.shape.WEBEX_SITE_NAME.optional(),
  });
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.code === 'invalid_type' ? 'is missing' : i.message}`));
  }
  const e = parsed.data;
  const keys = options.needsKeys ? parseKeyMap(e.CREDENTIAL_KEYS ?? '') : undefined;
  if (typeof keys === 'string') throw new ConfigError([`CREDENTIAL_KEYS: ${keys}`]);
  const others = siteNamesIn(e.WEBEX_SITES);
  const problems = others.filter((name) => !SITE_NAME.test(name)).map((name) => `WEBEX_SITES: "${name}" is not a WebEx site name`);
  if (others.length > 0 && !e.WEBEX_SITE_NAME) problems.push("WEBEX_SITE_NAME: is missing; with WEBEX_SITES it names the default site (a CSV row's site)");
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    databaseUrl: e.DATABASE_URL,
    importMaxBytes: e.CSV_IMPORT_MAX_BYTES,
    secretKeys: keys,
    acceptsPasswords: storesPasswords({ hostCredentials: { mode: e.WEBEX_CREDENTIAL_MODE }, webex: { launchApi: e.WEBEX_LAUNCH_API } }),
    sites: [{ key: '', siteName: e.WEBEX_SITE_NAME?.toLowerCase() ?? '' }, ...others.map((name) => ({ key: name, siteName: name }))],
  };
}

let cached: AppConfig | undefined;

/** The process-wide configuration, validated on first use. */
export function getConfig(): AppConfig {
  cached ??= loadConfig();
  return cached;
}
