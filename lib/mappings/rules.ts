import { webexIdSchema } from './validation';

/**
 * How to derive a WebEx ID for a user without an explicit mapping (MAPPING_RULE). Explicit
 * mappings always win; a derived ID that is not a valid WebEx ID counts as no ID.
 */
export type MappingRule = { kind: 'none' } | { kind: 'email' | 'email-local-part'; lowercase: boolean } | { kind: 'claim'; claim: string; lowercase: boolean };

export interface RuleInput {
  email: string;
  /** the value of MAPPING_RULE_CLAIM from the user's ID token, when the rule uses a claim */
  mappingClaim?: string;
}

/** The WebEx ID the rule gives this user, or undefined. */
export function deriveWebexId(rule: MappingRule, user: RuleInput): string | undefined {
  let raw: string | undefined;
  switch (rule.kind) {
    case 'none':
      return undefined;
    case 'email':
      raw = user.email;
      break;
    case 'email-local-part':
      raw = user.email.slice(0, Math.max(0, user.email.lastIndexOf('@')));
      break;
    case 'claim':
      raw = user.mappingClaim;
      break;
  }
  if (!raw) return undefined;
  const parsed = webexIdSchema.safeParse(rule.lowercase ? raw.toLowerCase() : raw);
  return parsed.success ? parsed.data : undefined;
}

/** The rule in words, for the settings page and the test tool. */
export function describeRule(rule: MappingRule): string {
  const lower = rule.kind !== 'none' && rule.lowercase ? ', lower-cased' : '';
  switch (rule.kind) {
    case 'none':
      return 'No automatic rule: only explicit mappings link users to WebEx.';
    case 'email':
      return `WebEx ID = the portal e-mail${lower}.`;
    case 'email-local-part':
      return `WebEx ID = the part of the portal e-mail before the @${lower}.`;
    case 'claim':
      return `WebEx ID = the identity provider's "${rule.claim}" claim${lower}.`;
  }
}
