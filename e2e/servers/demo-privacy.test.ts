/**
 * The demo is private by default: its secrets are new on every start, and the simulator's
 * control API takes orders from test runners only, never from a web page of another origin.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseKeyMap } from '../../lib/config';
import { generateDemoSecrets } from './demo-secrets';
import { startWebexSimulator, type WebexSimulator } from './webex-sim';

describe('generateDemoSecrets', () => {
  it('makes new, long enough secrets on every start', () => {
    const [a, b] = [generateDemoSecrets({}), generateDemoSecrets({})];
    expect(a.nextAuthSecret).not.toBe(b.nextAuthSecret);
    expect(a.clientSecret).not.toBe(b.clientSecret);
    expect(a.secretKeys['1']).not.toBe(b.secretKeys['1']);
    for (const secret of [a.nextAuthSecret, a.clientSecret, a.secretKeys['1'] ?? '']) expect(secret.length).toBeGreaterThanOrEqual(32);
    expect(
      parseKeyMap(
        Object.entries(a.secretKeys)
          .map(([id, key]) => `${id}:${key}`)
          .join(','),
      ),
    ).toEqual(a.secretKeys);
  });

  it('takes NEXTAUTH_SECRET from the environment (the bench signs cookies with it)', () => {
    expect(generateDemoSecrets({ NEXTAUTH_SECRET: 'from-the-environment-0123456789abcdef' }).nextAuthSecret).toBe('from-the-environment-0123456789abcdef');
  });
});

describe('the simulator control API', () => {
  let sim: WebexSimulator;
  const fault = JSON.stringify({ fault: { kind: 'http-status', status: 503 } });

  beforeAll(async () => {
    sim = await startWebexSimulator({ siteName: 'acme', users: [{ webExID: 'alice', password: 'pw' }] });
  });
  afterAll(() => sim.close());

  /** Whether a fault is armed: the next XML API call shows it (and uses it up). */
  async function faultArmed(): Promise<boolean> {
    const response = await fetch(`${sim.url}/WBXService/XMLService`, { method: 'POST', body: '<x/>' });
    await response.text();
    return response.status === 503;
  }

  it.each([
    ['a text/plain no-cors POST from another site', { origin: 'https://evil.example', 'content-type': 'text/plain' }],
    ['a JSON POST from another site', { origin: 'https://evil.example', 'content-type': 'application/json' }],
    ['a POST from an opaque origin', { origin: 'null', 'content-type': 'text/plain' }],
    ["a POST from the portal's origin", { origin: 'http://localhost:3000', 'content-type': 'text/plain' }],
  ])('refuses %s with 403, and arms nothing', async (_name, headers) => {
    const response = await fetch(`${sim.url}/__sim/faults`, { method: 'POST', headers, body: fault });
    expect(response.status).toBe(403);
    expect(await faultArmed()).toBe(false);
  });

  it('refuses to tell another origin its stats or clear its faults', async () => {
    const origin = { origin: 'https://evil.example' };
    expect((await fetch(`${sim.url}/__sim/stats`, { headers: origin })).status).toBe(403);
    expect((await fetch(`${sim.url}/__sim/faults`, { method: 'DELETE', headers: origin })).status).toBe(403);
  });

  it("takes orders from a test runner (no Origin) and from the simulator's own origin", async () => {
    const json = { 'content-type': 'application/json' };
    expect((await fetch(`${sim.url}/__sim/faults`, { method: 'POST', headers: json, body: fault })).status).toBe(204);
    expect(await faultArmed()).toBe(true);
    expect((await fetch(`${sim.url}/__sim/faults`, { method: 'POST', headers: { ...json, origin: sim.url }, body: fault })).status).toBe(204);
    expect(await faultArmed()).toBe(true);
  });
});
