import { expect, type APIRequestContext, type Page } from '@playwright/test';
import { SIM_ORIGIN } from './ports';
import type { FaultRule, SimSecrets, SimStats } from './servers/webex-sim';

/** Injects a fault at the simulator (its control API, from the test runner). */
export async function injectFault(from: Page | APIRequestContext, rule: FaultRule): Promise<void> {
  const request = 'request' in from ? from.request : from;
  const res = await request.post(`${SIM_ORIGIN}/__sim/faults`, { data: rule });
  expect(res.status()).toBe(204);
}

export async function clearFaults(request: APIRequestContext): Promise<void> {
  await request.delete(`${SIM_ORIGIN}/__sim/faults`);
}

export async function simStats(request: APIRequestContext): Promise<SimStats> {
  return (await (await request.get(`${SIM_ORIGIN}/__sim/stats`)).json()) as SimStats;
}

export async function simSecrets(request: APIRequestContext): Promise<SimSecrets> {
  return (await (await request.get(`${SIM_ORIGIN}/__sim/secrets`)).json()) as SimSecrets;
}

/** The developer portal's "Generate Tokens" for the simulated Service App: a new grant's refresh token. */
export async function newServiceAppRefreshToken(request: APIRequestContext): Promise<string> {
  const res = await request.post(`${SIM_ORIGIN}/__sim/service-app/tokens`);
  expect(res.status()).toBe(200);
  return ((await res.json()) as { refresh_token: string }).refresh_token;
}
