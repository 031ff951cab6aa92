import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { findMappingByEmail } from './store';

/** Where a user's WebEx ID came from: an admin's explicit mapping (rules come later). */
export type MappingSource = 'mapping';

export interface ResolvedAccount {
  source: MappingSource;
  webexId: string;
  /** sealed credential, when one is stored for this host */
  sealedCredential: string | null;
}

/** Resolves a portal user to their WebEx host account, or undefined when they are not linked. */
export async function resolveWebexAccount(db: Kysely<Database>, user: { email: string }): Promise<ResolvedAccount | undefined> {
  const mapping = await findMappingByEmail(db, user.email);
  if (!mapping) return undefined;
  return { source: 'mapping', webexId: mapping.webexId, sealedCredential: mapping.sealedCredential };
}
