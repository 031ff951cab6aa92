import { z } from 'zod';
import { faultRuleSchema, type FaultBoard } from './faults';
import { methodNotAllowed, textAnswer, type HttpAnswer } from './http';
import type { SimSecrets, SimStats } from './types';

export const CONTROL_PREFIX = '/__sim/';

/** The test-control API, for Playwright which runs the simulator in another process. */
export function answerControlRequest(
  method: string,
  pathname: string,
  body: string,
  deps: { faults: FaultBoard; stats: () => SimStats; secrets: () => SimSecrets },
): HttpAnswer {
  if (pathname === '/__sim/faults') {
    if (method === 'POST') return injectFault(body, deps.faults);
    if (method === 'DELETE') {
      deps.faults.clear();
      return noContent();
    }
    return methodNotAllowed('POST, DELETE');
  }
  if (pathname === '/__sim/stats') {
    if (method !== 'GET') return methodNotAllowed('GET');
    return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(deps.stats()) };
  }
  // Every ticket, token and code handed out, so tests can prove none leaked into the portal's logs, pages or database.
  if (pathname === '/__sim/secrets') {
    if (method !== 'GET') return methodNotAllowed('GET');
    return { status: 200, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' }, body: JSON.stringify(deps.secrets()) };
  }
  return textAnswer(404, 'Not found');
}

function injectFault(body: string, faults: FaultBoard): HttpAnswer {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return textAnswer(400, 'Invalid fault rule: the body is not JSON');
  }
  const result = faultRuleSchema.safeParse(json);
  if (!result.success) return textAnswer(400, `Invalid fault rule:\n${z.prettifyError(result.error)}`);
  faults.inject(result.data);
  return noContent();
}

function noContent(): HttpAnswer {
  return { status: 204, headers: {}, body: '' };
}
