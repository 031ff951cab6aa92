import { z } from 'zod';
import type { FaultRule, RestCall, SimFault, XmlCall } from './types';

const faultSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('latency'), ms: z.number().int().min(0).max(600_000) }),
  z.strictObject({ kind: z.literal('hang') }),
  z.strictObject({ kind: z.literal('reset') }),
  z.strictObject({ kind: z.literal('http-status'), status: z.number().int().min(100).max(599) }),
  z.strictObject({ kind: z.literal('malformed-xml') }),
  z.strictObject({ kind: z.literal('entity-ticket') }),
  z.strictObject({ kind: z.literal('html') }),
  z.strictObject({
    kind: z.literal('failure'),
    exceptionID: z.string().min(1).max(32),
    reason: z.string().max(500).optional(),
  }),
  z.strictObject({ kind: z.literal('empty-ticket') }),
  z.strictObject({ kind: z.literal('backup') }),
  z.strictObject({ kind: z.literal('auto-login-disabled') }),
  z.strictObject({ kind: z.literal('url-failure'), rs: z.string().min(1).max(100) }),
  z.strictObject({ kind: z.literal('session-ticket-expired') }),
  z.strictObject({ kind: z.literal('access-token-expired') }),
  z.strictObject({ kind: z.literal('refresh-revoked') }),
  z.strictObject({ kind: z.literal('token-endpoint-down') }),
  z.strictObject({ kind: z.literal('rest-token-endpoint-down') }),
  z.strictObject({ kind: z.literal('service-app-revoked') }),
  z.strictObject({ kind: z.literal('rest-access-token-expired') }),
  z.strictObject({
    kind: z.literal('rest-status'),
    status: z.number().int().min(400).max(599),
    retryAfterSeconds: z.number().int().min(0).max(3600).optional(),
  }),
  z.strictObject({ kind: z.literal('meeting-not-found') }),
  z.strictObject({ kind: z.literal('not-host') }),
  z.strictObject({
    kind: z.literal('missing-scope'),
    scope: z
      .string()
      .regex(/^[a-z_:-]{1,100}$/)
      .optional(),
  }),
]);

const XML_CALLS = ['GetLoginTicket', 'GetSite', 'AuthenticateUser', 'GetUser'] as const satisfies readonly XmlCall[];
const REST_CALLS = [
  'meetings/join',
  'meetingPreferences/personalMeetingRoom',
  'people/me',
  'meetings',
  'meetingInvitees',
] as const satisfies readonly RestCall[];

export const faultRuleSchema = z.strictObject({
  fault: faultSchema,
  webExID: z.string().min(1).optional(),
  call: z.enum([...XML_CALLS, ...REST_CALLS]).optional(),
  times: z.number().int().positive().optional(),
  site: z.string().min(1).optional(),
});

// Fails to compile when the zod schema and the public FaultRule type drift apart.
type ParsedRule = z.infer<typeof faultRuleSchema>;
true satisfies ParsedRule extends FaultRule ? (FaultRule extends ParsedRule ? true : false) : false;

/** Which simulated service a request went to; a fault only applies to requests of its own service. */
export type FaultTarget =
  | { api: 'xml'; webExID?: string; call?: XmlCall; credential?: 'password' | 'sessionTicket' | 'webExAccessToken' }
  | { api: 'url-login'; webExID?: string }
  | { api: 'oauth-token'; grantType: string; webExID?: string }
  /** a REST API call; webExID: the user its hostEmail or userEmail names */
  | { api: 'rest'; call: RestCall; webExID?: string }
  /** the Service App's token endpoint */
  | { api: 'rest-token' };

export interface FaultBoard {
  inject(rule: FaultRule): void;
  clear(): void;
  /** The earliest injected rule that matches the request, counted as used; undefined when none. */
  take(target: FaultTarget): SimFault | undefined;
  /** Whether a rule of this kind is waiting, without using it (GetSite reports site switches this way). */
  has(kind: SimFault['kind']): boolean;
}

export function parseFaultRule(input: unknown): FaultRule {
  const result = faultRuleSchema.safeParse(input);
  if (!result.success) {
    throw new Error(`webex-sim: Bad usage. Invalid fault rule: ${z.prettifyError(result.error)}`);
  }
  return result.data;
}

export function createFaultBoard(): FaultBoard {
  let rules: { rule: FaultRule; remaining: number }[] = [];

  return {
    inject(rule) {
      const valid = parseFaultRule(rule);
      rules.push({ rule: valid, remaining: valid.times ?? Number.POSITIVE_INFINITY });
    },
    clear() {
      rules = [];
    },
    has(kind) {
      return rules.some(({ rule }) => rule.fault.kind === kind);
    },
    take(target) {
      const entry = rules.find(({ rule }) => appliesTo(rule, target));
      if (!entry) return undefined;
      entry.remaining -= 1;
      if (entry.remaining <= 0) rules = rules.filter((candidate) => candidate !== entry);
      return entry.rule.fault;
    },
  };
}

function appliesTo(rule: FaultRule, target: FaultTarget): boolean {
  // the Service App's token endpoint acts for nobody in particular: a rule naming a host never matches it
  const webExID = target.api === 'rest-token' ? undefined : target.webExID;
  if (rule.webExID !== undefined && rule.webExID.toLowerCase() !== webExID?.toLowerCase()) return false;
  const kind = rule.fault.kind;
  switch (kind) {
    case 'rest-token-endpoint-down':
      return target.api === 'rest-token';
    case 'service-app-revoked':
      return target.api === 'rest-token' || (target.api === 'rest' && callMatches(rule, target.call));
    case 'rest-access-token-expired':
    case 'rest-status':
    case 'missing-scope':
      return target.api === 'rest' && callMatches(rule, target.call);
    case 'meeting-not-found':
    case 'not-host':
      return target.api === 'rest' && target.call === 'meetings/join';
    case 'latency':
    case 'hang':
      // a REST call only when the rule names it: a rule without `call` keeps meaning the XML API
      return target.api === 'rest' ? rule.call === target.call : target.api === 'xml' && callMatches(rule, target.call);
    case 'auto-login-disabled':
    case 'url-failure':
      return target.api === 'url-login';
    case 'token-endpoint-down':
      return target.api === 'oauth-token';
    case 'refresh-revoked':
      return target.api === 'oauth-token' && target.grantType === 'refresh_token';
    case 'session-ticket-expired':
      return target.api === 'xml' && target.credential === 'sessionTicket' && callMatches(rule, target.call);
    case 'access-token-expired':
      return target.api === 'xml' && target.credential === 'webExAccessToken' && callMatches(rule, target.call);
    case 'empty-ticket':
      // An empty ticket only makes sense as a GetLoginTicket answer.
      return target.api === 'xml' && target.call === 'GetLoginTicket';
    default:
      return target.api === 'xml' && callMatches(rule, target.call);
  }
}

function callMatches(rule: FaultRule, call: XmlCall | RestCall | undefined): boolean {
  return rule.call === undefined || rule.call === call;
}
