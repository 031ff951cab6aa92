import { requireAdmin } from '@/lib/identity/auth';
import { getConfig } from '@/lib/config';
import { buildIdpMetadata } from '@/lib/saml';

export const dynamic = 'force-dynamic';

// The portal as a SAML IdP, to upload in the WebEx site's SSO configuration (public facts only).
export async function GET(): Promise<Response> {
  await requireAdmin('read');
  const config = getConfig();
  if (config.credentials.mode !== 'saml') return new Response('Not in saml mode (WEBEX_CREDENTIAL_MODE).', { status: 404 });
  const xml = buildIdpMetadata(
    { entityId: config.credentials.issuer, ssoUrl: new URL('/', config.appUrl).href, nameIdFormat: config.credentials.nameIdSource === 'email' ? 'email' : 'unspecified' },
    config.credentials.keys,
  );
  return new Response(xml, {
    headers: { 'Content-Type': 'application/samlmetadata+xml; charset=utf-8', 'Content-Disposition': 'attachment; filename="webex-sso-idp-metadata.xml"', 'Cache-Control': 'no-store' },
  });
}
