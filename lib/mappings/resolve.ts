import type { Kysely } from 'kysely';
import type { Database } from '../db';
import { deriveWebexId, type MappingRule, type RuleInput } from './rules';
import { chooseSite, type SiteRule, type SiteRuleInput } from './site-rules';
import { findMappingsByEmail } from './store';

/** Where a user's WebEx ID came from: an admin's explicit mapping, or the configured rule. */
export type MappingSource = 'mapping' | 'rule';

export interface ResolvedAccount {
  source: MappingSource;
  webexId: string;
  /** sealed credential, when one is stored for this host */
  sealedCredential: string | null;
  /** the site the account is on: '' the default site, else its site name */
  site: string;
}

export type AccountUser = RuleInput & SiteRuleInput;

/**
 * Every WebEx host account of a portal user, default site first: one per site with an explicit
 * mapping row, and the rule's (MAPPING_RULE) on the site the site rules choose
 * (MAPPING_SITE_RULES) when no row is there. One indexed read.
 */
export async function resolveWebexAccounts(
  db: Kysely<Database>,
  user: AccountUser,
  rule: MappingRule,
  siteRules: readonly SiteRule[] = [],
): Promise<ResolvedAccount[]> {
  const rows = await findMappingsByEmail(db, user.email);
  const accounts: ResolvedAccount[] = rows.map((row) => ({ source: 'mapping', webexId: row.webexId, sealedCredential: row.sealedCredential, site: row.site }));
  const ruleSite = chooseSite(siteRules, user).site;
  const derived = accounts.some((a) => a.site === ruleSite) ? undefined : deriveWebexId(rule, user);
  if (derived !== undefined) accounts.push({ source: 'rule', webexId: derived, sealedCredential: null, site: ruleSite });
  return accounts.sort((a, b) => (a.site === b.site ? 0 : a.site === '' ? -1 : b.site === '' ? 1 : a.site < b.site ? -1 : 1));
}

/**
 * The account a launch uses: on the site it names, or, when it names none, on the employee's own
 * site: the one the site rules choose if they have an account there, else their first.
 */
export function accountFor(
  accounts: readonly ResolvedAccount[],
  site: string | undefined,
  user: SiteRuleInput,
  siteRules: readonly SiteRule[] = [],
): ResolvedAccount | undefined {
  if (site !== undefined) return accounts.find((a) => a.site === site);
  const preferred = chooseSite(siteRules, user).site;
  return accounts.find((a) => a.site === preferred) ?? accounts[0];
}

/** The user's account on one site, or undefined when neither a row nor the rules give one there. */
export async function resolveWebexAccount(
  db: Kysely<Database>,
  user: AccountUser,
  rule: MappingRule,
  site = '',
  siteRules: readonly SiteRule[] = [],
): Promise<ResolvedAccount | undefined> {
  return accountFor(await resolveWebexAccounts(db, user, rule, siteRules), site, user, siteRules);
}
