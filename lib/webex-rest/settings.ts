import type { LinkHosts } from './link-hosts';

/** The company's Service App at the Webex REST API (docs/webex.md §9). */
export interface RestSettings {
  /** e.g. https://webexapis.com/v1, without a trailing slash */
  apiBaseUrl: string;
  clientId: string;
  clientSecret: string;
  /** the first refresh token, used only while the database holds no Service App grant */
  initialRefreshToken: string | undefined;
  /** where the start/join links may point */
  linkHosts: LinkHosts;
  /** WEBEX_REST_SITE_URL: the site whose meetings the home page lists (e.g. acme.webex.com); undefined: all the employee's sites */
  siteUrl: string | undefined;
}
