import { z } from 'zod';
import { faultRuleSchema } from './faults';
import { methodNotAllowed, textAnswer, type HttpAnswer } from './http';
import type { ServiceAppServer } from './service-app';
import type { FaultRule, SimSecrets, SimStats } from './types';

export const CONTROL_PREFIX = '/__sim/';

/**
 * Only test runners may drive the simulator, never a web page of another origin: browsers send
 * Origin on every cross-origin request (`null` from opaque origins), test runners send none, or
 * the simulator's own. (A text/plain `no-cors` POST from any site would otherwise inject a fault.)
 */
function refusal(origin: string | undefined, ownOrigin: string): HttpAnswer | undefined {
  if (origin !== undefined && origin !== ownOrigin) return textAnswer(403, 'webex-sim: the control API refuses requests from other origins');
  return undefined;
}

/** The test-control API, for Playwright which runs the simulator in another process. */
export function answerControlRequest(
  method: string,
  pathname: string,
  body: string,
  deps: {
    inject: (rule: FaultRule) => void;
    clearFaults: () => void;
    serviceApp: ServiceAppServer | undefined;
    stats: () => SimStats;
    secrets: () => SimSecrets;
    origin: string | undefined;
    ownOrigin: string;
  },
): HttpAnswer {
  const refused = refusal(deps.origin, deps.ownOrigin);
  if (refused) return refused;
  if (pathname === '/__sim/faults') {
    if (method === 'POST') return injectFault(body, deps.inject);
    if (method === 'DELETE') {
      deps.clearFaults();
      return noContent();
    }
    return methodNotAllowed('POST, DELETE');
  }
  if (pathname === '/__sim/stats') {
    if (method !== 'GET') return methodNotAllowed('GET');
    return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(deps.stats()) };
  }
  // The developer portal's "Generate Tokens" for the authorized Service App: a new grant
  if (pathname === '/__sim/service-app/tokens') {
    if (method !== 'POST') return methodNotAllowed('POST');
    if (!deps.serviceApp) return textAnswer(404, 'webex-sim: no Service App configured');
    return {
      status: 200,
      headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
      body: JSON.stringify(deps.serviceApp.generateTokens()),
    };
  }
  // Every ticket, token and code handed out, so tests can prove none leaked into the portal's logs, pages or database.
  if (pathname === '/__sim/secrets') {
    if (method !== 'GET') return methodNotAllowed('GET');
    return { status: 200, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' }, body: JSON.stringify(deps.secrets()) };
  }
  return textAnswer(404, 'Not found');
}

function injectFault(body: string, inject: (rule: FaultRule) => void): HttpAnswer {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return textAnswer(400, 'Invalid fault rule: the body is not JSON');
  }
  const result = faultRuleSchema.safeParse(json);
  if (!result.success) return textAnswer(400, `Invalid fault rule:\n${z.prettifyError(result.error)}`);
  try {
    inject(result.data);
  } catch (error) {
    // a site the simulator does not have
    return textAnswer(400, `Invalid fault rule: ${error instanceof Error ? error.message : String(error)}`);
  }
  return noContent();
}

function noContent(): HttpAnswer {
  return { status: 204, headers: {}, body: '' };
}
