import { networkInterfaces } from 'node:os';
import { expect, test } from './fixtures';
import { encode } from 'next-auth/jwt';
import { APP_ORIGIN, E2E_PORTS, SIM_ORIGIN } from './ports';
import { signIn } from './sign-in';

/** This machine's addresses that other machines could reach. */
function externalAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flatMap((list) => list ?? [])
    .filter((a) => !a.internal)
    .map((a) => (a.family === 'IPv6' ? `[${a.address}]` : a.address));
}

test('the demo listens on loopback only: the portal, the IdP and the simulator refuse other interfaces', async () => {
  const addresses = externalAddresses();
  test.skip(addresses.length === 0, 'this machine has no non-loopback interface to try');
  for (const address of addresses) {
    for (const port of [E2E_PORTS.app, E2E_PORTS.idp, E2E_PORTS.sim]) {
      const reached = await fetch(`http://${address}:${port}/`, { signal: AbortSignal.timeout(3_000) }).then(
        () => true,
        () => false,
      );
      expect(reached, `${address}:${port}`).toBe(false);
    }
  }
  // …while loopback answers
  expect((await fetch(`${APP_ORIGIN}/api/health`)).status).toBe(200);
});

test('a session cookie forged with the secret the demo used to publish opens nothing', async ({ page }) => {
  const forged = await encode({
    token: {
      sub: 'x',
      email: 'admin@example.com',
      name: 'Forged',
      groups: ['webex-admins'],
      signedInAt: Date.now(),
      lastSeenAt: Date.now(),
      adminCheckedAt: Date.now(),
    },
    secret: 'demo-nextauth-secret-not-for-production-0001',
  });
  await page.context().addCookies([{ name: 'next-auth.session-token', value: forged, url: APP_ORIGIN }]);
  const response = await page.goto('/admin/mappings');
  expect(response?.status()).toBe(200);
  // not signed in: one-click sign-in sends it straight to the identity provider's form
  await expect(page.getByRole('heading', { name: 'Sign in to Example Corp' })).toBeVisible();
});

test("a web page cannot arm the simulator's faults (a no-cors text/plain POST from another site)", async ({ page }) => {
  // another site on this machine: the IdP's origin (the portal's own CSP would stop the fetch before the
  // simulator could; a public origin would be stopped by Chromium's private-network rules)
  await page.goto(`http://127.0.0.1:${E2E_PORTS.idp}/.well-known/openid-configuration`);
  await page.evaluate(async (sim) => {
    await fetch(`${sim}/__sim/faults`, {
      method: 'POST',
      mode: 'no-cors',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ fault: { kind: 'html' }, times: 1 }),
    });
  }, SIM_ORIGIN);
  await signIn(page, 'alice@example.com');
  await page.getByRole('button', { name: 'Join WebEx' }).click();
  await expect(page.getByRole('heading', { name: 'Signed in to WebEx as alice' })).toBeVisible();
});
