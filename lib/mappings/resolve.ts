import type { Kysely } from 'kysely';
import type { Database } from '../db';
import { deriveWebexId, type MappingRule, type RuleInput } from './rules';
import { findMappingByEmail } from './store';

/** Where a user's WebEx ID came from: an admin's explicit mapping, or the configured rule. */
export type MappingSource = 'mapping' | 'rule';

export interface ResolvedAccount {
  source: MappingSource;
  webexId: string;
  /** sealed credential, when one is stored for this host */
  sealedCredential: string | null;
}

/**
 * Resolves a portal user to their WebEx host account: the explicit mapping first (one indexed
 * read), then the rule; undefined when neither applies.
 */
export async function resolveWebexAccount(db: Kysely<Database>, user: RuleInput, rule: MappingRule): Promise<ResolvedAccount | undefined> {
  const mapping = await findMappingByEmail(db, user.email);
  if (mapping) return { source: 'mapping', webexId: mapping.webexId, sealedCredential: mapping.sealedCredential };
  const derived = deriveWebexId(rule, user);
  return derived === undefined ? undefined : { source: 'rule', webexId: derived, sealedCredential: null };
}
