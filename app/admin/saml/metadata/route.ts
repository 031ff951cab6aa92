import { requireAdmin } from '@/lib/server';
import { getConfig } from '@/lib/config';
import { buildIdpMetadata } from '@/lib/saml';

export const dynamic = 'force-dynamic';

// The portal as a SAML IdP, to upload in the WebEx site's SSO configuration (public facts only).
export async function GET(): Promise<Response> {
  await requireAdmin('read');
  const config = getConfig();
  if (config.hostCredentials.mode !== 'saml') return new Response('Not in saml mode (WEBEX_CREDENTIAL_MODE).', { status: 404 });
  const xml = buildIdpMetadata(
    {
      entityId: config.hostCredentials.issuer,
      ssoUrl: new URL('/', config.appUrl).href,
      nameIdFormat: config.hostCredentials.nameIdSource === 'email' ? 'email' : 'unspecified',
    },
    config.hostCredentials.keys,
  );
  return new Response(xml, {
    headers: {
      'Content-Type': 'application/samlmetadata+xml; charset=utf-8',
      'Content-Disposition': 'attachment; filename="webex-sso-idp-metadata.xml"',
      'Cache-Control': 'no-store',
    },
  });
}
