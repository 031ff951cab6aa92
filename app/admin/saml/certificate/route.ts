import { requireAdmin } from '@/lib/server';
import { getConfig } from '@/lib/config';

export const dynamic = 'force-dynamic';

// The signing certificate (or, with ?next=1, the one published for the next rotation) as PEM.
export async function GET(request: Request): Promise<Response> {
  await requireAdmin('read');
  const config = getConfig();
  if (config.hostCredentials.mode !== 'saml') return new Response('Not in saml mode (WEBEX_CREDENTIAL_MODE).', { status: 404 });
  const next = new URL(request.url).searchParams.get('next') === '1';
  const pem = next ? config.hostCredentials.keys.nextCertificatePem : config.hostCredentials.keys.certificatePem;
  if (!pem) return new Response('No next certificate is configured (SAML_SIGNING_CERT_NEXT).', { status: 404 });
  return new Response(pem, {
    headers: {
      'Content-Type': 'application/x-pem-file',
      'Content-Disposition': `attachment; filename="webex-sso-signing${next ? '-next' : ''}.pem"`,
      'Cache-Control': 'no-store',
    },
  });
}
