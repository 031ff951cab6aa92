import { expect, test } from './fixtures';
import { appOrigin, SIM_ORIGIN } from './ports';
import { signedIn } from './sign-in';
import { simStats } from './sim-control';

// The auto portal (WEBEX_LAUNCH_API=auto, saml mode): the site's home through the XML API, meetings through the Service App.

const ALL_HANDS = '123456789';
const ORIGIN = appOrigin('auto');

test('one employee, both paths: Join WebEx signs in to the site by the XML API, a meeting link joins by REST', async ({ browser, request }) => {
  const alice = await signedIn(browser, 'alice@example.com');
  await expect(alice.getByRole('button', { name: 'Start my personal room' })).toBeVisible();
  const before = await simStats(request);

  const home = alice.waitForResponse((r) => r.url() === `${ORIGIN}/launch` && r.request().method() === 'POST');
  await alice.getByRole('button', { name: 'Join WebEx' }).click();
  const login = new URL((await home).headers()['location'] ?? '');
  expect(login.pathname).toBe('/acme/p.php');
  expect(login.searchParams.get('AT')).toBe('LI');
  await expect(alice.getByRole('heading', { name: 'Signed in to WebEx as alice' })).toBeVisible();
  const afterXml = await simStats(request);
  expect(afterXml.logins).toBe(before.logins + 1);
  expect(afterXml.meetingLinksUsed).toBe(before.meetingLinksUsed);

  await alice.goto(`${ORIGIN}/meet/${ALL_HANDS}`);
  const meeting = alice.waitForResponse((r) => r.url() === `${ORIGIN}/launch` && r.request().method() === 'POST');
  await alice.getByRole('button', { name: 'Join', exact: true }).click();
  const link = new URL((await meeting).headers()['location'] ?? '');
  expect(link.origin).toBe(SIM_ORIGIN);
  expect(link.pathname).toMatch(/^\/wbxmjs\/joinservice\//);
  await expect(alice.getByRole('heading', { name: `In WebEx meeting ${ALL_HANDS} as alice` })).toBeVisible();
  const afterRest = await simStats(request);
  expect(afterRest.meetingLinksUsed).toBe(afterXml.meetingLinksUsed + 1);
  expect(afterRest.logins).toBe(afterXml.logins);

  // the audit tells the two apart; the settings page says which path each button takes
  const admin = await signedIn(browser, 'admin@example.com');
  await admin.goto('/admin/audit?action=launch&user=alice%40example.com');
  await expect(
    admin
      .getByRole('row')
      .filter({ hasText: `meeting: ${ALL_HANDS}` })
      .filter({ hasText: 'api: rest' })
      .first(),
  ).toBeVisible();
  await admin.goto('/admin');
  await expect(admin.getByTestId('path-Join WebEx')).toContainText('XML API');
  await expect(admin.getByTestId('path-Join')).toContainText('REST: POST /meetings/join');
  await expect(admin.getByTestId('path-Start as host')).toContainText('REST');
  await expect(admin.getByTestId('service-app-state')).toHaveText('authorized');
});
