import { normalizeEmail } from '../identity';

/**
 * Which of the company's WebEx sites an employee belongs on when no mapping row names one
 * (MAPPING_SITE_RULES): by the domain of their portal e-mail or by a group the identity provider
 * puts them in. First match wins; no match is the default site.
 *
 * A site is named by its key: '' for the default site (the single-site variables), otherwise the
 * site's lower-case WebEx site name, as WEBEX_SITES lists it.
 */
export type SiteRule = { kind: 'domain'; domain: string; site: string } | { kind: 'group'; group: string; site: string };

/** What a site rule reads of the portal user. */
export interface SiteRuleInput {
  email: string;
  /** the groups the identity provider stated (ADMIN_GROUP_CLAIM), when it states any */
  groups?: readonly string[];
}

export interface SiteChoice {
  site: string;
  /** the rule that chose it; undefined: no rule matched, the default site */
  rule?: SiteRule;
}

const DOMAIN = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/;

/** The domain part of an e-mail, lower-cased ('' without one). */
function domainOf(email: string): string {
  const at = email.lastIndexOf('@');
  return at < 0 ? '' : normalizeEmail(email.slice(at + 1));
}

function matches(rule: SiteRule, user: SiteRuleInput): boolean {
  if (rule.kind === 'group') return (user.groups ?? []).includes(rule.group);
  const domain = domainOf(user.email);
  // "eu.acme.com" is that domain and no other: a rule for acme.com does not take eu.acme.com
  return domain === rule.domain;
}

/** The site the rules give this user: the first rule that matches, else the default site (''). */
export function chooseSite(rules: readonly SiteRule[], user: SiteRuleInput): SiteChoice {
  const rule = rules.find((r) => matches(r, user));
  return rule ? { site: rule.site, rule } : { site: '' };
}

/**
 * Parses MAPPING_SITE_RULES: `domain:eu.acme.com=acme-eu, group:emea-staff=acme-eu`. `siteKeyOf`
 * turns a site name into its key ('' for the default site's name) or undefined for a site that is
 * not configured. Returns the rules, or the problem with the entry named by its position.
 */
export function parseSiteRules(value: string, siteKeyOf: (name: string) => string | undefined): SiteRule[] | string {
  const rules: SiteRule[] = [];
  const entries = value
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  for (const [index, entry] of entries.entries()) {
    const where = `entry ${index + 1} ("${entry}")`;
    const match = /^(domain|group):(.+)=([^=]+)$/.exec(entry);
    if (!match) return `${where} must look like domain:<e-mail domain>=<site> or group:<group>=<site>`;
    const [, kind, subject = '', siteName = ''] = match;
    const site = siteKeyOf(siteName.trim().toLowerCase());
    if (site === undefined) return `${where} names the site "${siteName.trim()}", which is not WEBEX_SITE_NAME or in WEBEX_SITES`;
    if (kind === 'domain') {
      const domain = subject.trim().toLowerCase();
      if (!DOMAIN.test(domain)) return `${where}: "${subject.trim()}" is not an e-mail domain such as eu.acme.com`;
      rules.push({ kind: 'domain', domain, site });
    } else {
      rules.push({ kind: 'group', group: subject.trim(), site });
    }
  }
  return rules;
}

/** A rule in words, for the admin's "Test a mapping". */
export function describeSiteRule(rule: SiteRule | undefined, siteName: string): string {
  if (!rule) return `No site rule matched: the default site, ${siteName}.`;
  return rule.kind === 'domain' ? `Site rule "e-mail domain ${rule.domain}" chose ${siteName}.` : `Site rule "group ${rule.group}" chose ${siteName}.`;
}
