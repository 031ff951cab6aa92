/**
 * One of the company's WebEx sites, as the launch and the URL API see it. A company has one
 * default site (WEBEX_SITE_NAME and the single-site variables) and may list more (WEBEX_SITES);
 * lib/config.ts validates them, docs/operations.md ("Several WebEx sites") documents the format.
 */
export interface WebexSite {
  /** what mappings, tickets, tokens and the audit store it under: '' the default site, else its site name */
  key: string;
  /** the site name: acme for acme.webex.com, lower-case */
  siteName: string;
  /** the name employees see on its Join button (WEBEX_SITE_DISPLAY_NAME, WEBEX_SITE_<SITE>_DISPLAY_NAME) */
  displayName: string;
  /** origin (and optional path prefix) of the site, without a trailing slash */
  baseUrl: string;
  /** MU: where WebEx sends the host after a successful login */
  landingUrl: string;
}
