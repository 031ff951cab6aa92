import { expect, test } from './fixtures';
import { expectNoSeriousViolations } from './page-checks';
import { signedIn } from './sign-in';
import { clearFaults, injectFault, simStats } from './sim-control';

// The saml-mode portal: the portal signs an assertion per new session ticket; no WebEx password anywhere.

test.afterEach(async ({ request }) => {
  await clearFaults(request);
});

test('an employee linked only by the e-mail rule, with no WebEx password, joins and lands signed in', async ({ browser, request }) => {
  const before = await simStats(request);
  const carol = await signedIn(browser, 'carol@example.com');
  await expect(carol.getByTestId('webex-id')).toHaveText('carol@example.com');
  await expect(carol.getByText('(derived by the company rule)')).toBeVisible();
  await carol.getByRole('button', { name: 'Join WebEx' }).click();
  await expect(carol.getByRole('heading', { name: 'Signed in to WebEx as carol@example.com' })).toBeVisible();
  expect((await simStats(request)).sessionTicketsIssued - before.sessionTicketsIssued).toBe(1);
});

test('an expired session ticket is renewed transparently', async ({ browser, request }) => {
  const first = await signedIn(browser, 'alice@example.com');
  await first.getByRole('button', { name: 'Join WebEx' }).click();
  await expect(first.getByRole('heading', { name: 'Signed in to WebEx as alice' })).toBeVisible();

  // the cached session ticket is reused by the next Join (another browser, so no open WebEx session)…
  const reused = await simStats(request);
  const second = await signedIn(browser, 'alice@example.com');
  await second.getByRole('button', { name: 'Join WebEx' }).click();
  await expect(second.getByRole('heading', { name: 'Signed in to WebEx as alice' })).toBeVisible();
  expect((await simStats(request)).sessionTicketsIssued).toBe(reused.sessionTicketsIssued);

  // …until WebEx ends it early: the portal signs a new assertion once and the employee notices nothing
  await injectFault(second, { fault: { kind: 'session-ticket-expired' }, webExID: 'alice', times: 1 });
  const third = await signedIn(browser, 'alice@example.com');
  await third.getByRole('button', { name: 'Join WebEx' }).click();
  await expect(third.getByRole('heading', { name: 'Signed in to WebEx as alice' })).toBeVisible();
  expect((await simStats(request)).sessionTicketsIssued).toBe(reused.sessionTicketsIssued + 1);
});

test('the admin sees the signing certificate, downloads the IdP metadata, and the check reports SSO without any password', async ({ browser }) => {
  const admin = await signedIn(browser, 'admin@example.com');
  await admin.goto('/admin');
  await expect(admin.getByText(/saml: the portal signs an assertion/)).toBeVisible();
  await expect(admin.getByTestId('fingerprint')).toContainText(/SHA-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}/);
  await expectNoSeriousViolations(admin, 'settings in saml mode');

  const metadata = await admin.request.get('/admin/saml/metadata');
  expect(metadata.status()).toBe(200);
  const xml = await metadata.text();
  expect(xml).toContain('entityID="http://localhost/webex-sso"'); // the stack's SAML_ISSUER
  expect(xml).toContain('<ds:X509Certificate>');
  expect(xml).not.toContain('PRIVATE KEY');
  const pem = await admin.request.get('/admin/saml/certificate');
  expect(await pem.text()).toMatch(/^-----BEGIN CERTIFICATE-----/);

  await admin.getByRole('button', { name: 'Check connection' }).click();
  const result = admin.getByRole('status').filter({ hasText: 'Connected' });
  await expect(result).toContainText('as ada.admin');
  await expect(result).toContainText('SAML SSO');
  await expect(result).toContainText('enabled');
  await expectNoSeriousViolations(admin, 'settings in saml mode, connection checked');

  await admin.goto('/admin/mappings/new');
  await expect(admin.getByTestId('credential-status')).toContainText('No WebEx password');
});
