import { type HostCredentialSettings } from '@/lib/credentials';
import { describeCertificate } from '@/lib/saml';

const day = (date: Date) => date.toISOString().slice(0, 10);

function Certificate({ pem, label, href }: { pem: string; label: string; href: string }) {
  const facts = describeCertificate(pem);
  return (
    <>
      <dt>{label}</dt>
      <dd>
        {facts.subject} · valid {day(facts.validFrom)} to{' '}
        <span className={facts.expired ? 'bad' : undefined}>
          {day(facts.validTo)}
          {facts.expired ? ' (EXPIRED)' : ''}
        </span>
        <br />
        <code data-testid="fingerprint">SHA-256 {facts.fingerprint256}</code> · <a href={href}>Download (PEM)</a>
      </dd>
    </>
  );
}

/** How the portal acts as a host, and what must be configured at WebEx for it. */
export function CredentialModeFacts({ credentials }: { credentials: HostCredentialSettings }) {
  switch (credentials.mode) {
    case 'password':
      return (
        <dl className="facts">
          <dt>Credential mode</dt>
          <dd>
            password: each mapping stores the host&apos;s WebEx password, sealed
            {credentials.toSessionTicket ? '; it is traded for a session ticket (AuthenticateUser), cached until shortly before it ends' : ''}
          </dd>
        </dl>
      );
    case 'saml':
      return (
        <>
          <dl className="facts">
            <dt>Credential mode</dt>
            <dd>saml: the portal signs an assertion for the host and trades it for a session ticket (AuthenticateUser); no password is stored</dd>
            <dt>Issuer (our entity ID)</dt>
            <dd>{credentials.issuer}</dd>
            <dt>Audience (WebEx)</dt>
            <dd>{credentials.audience}</dd>
            <dt>Recipient (WebEx)</dt>
            <dd>{credentials.recipient}</dd>
            <dt>NameID</dt>
            <dd>{credentials.nameIdSource === 'email' ? 'the portal e-mail (emailAddress format)' : 'the WebEx ID (unspecified format)'}</dd>
            <Certificate pem={credentials.keys.certificatePem} label="Signing certificate" href="/admin/saml/certificate" />
            {credentials.keys.nextCertificatePem && (
              <Certificate
                pem={credentials.keys.nextCertificatePem}
                label="Next certificate (published, not signing yet)"
                href="/admin/saml/certificate?next=1"
              />
            )}
          </dl>
          <p className="muted">
            At WebEx (Site Administration → SSO configuration): upload the <a href="/admin/saml/metadata">IdP metadata (XML)</a> or the certificate(s), allow
            IdP-initiated sign-in, and match the NameID. <strong>Check connection</strong> below reports whether SSO is on.
          </p>
        </>
      );
    case 'oauth':
      return (
        <>
          <dl className="facts">
            <dt>Credential mode</dt>
            <dd>
              oauth: each employee connects their WebEx account once; the access token is{' '}
              {credentials.tokenUse === 'access-token' ? 'sent as webExAccessToken' : 'traded for a session ticket (AuthenticateUser)'}; no password is stored
            </dd>
            <dt>Authorize URL</dt>
            <dd>{credentials.authorizeUrl}</dd>
            <dt>Token URL</dt>
            <dd>{credentials.tokenUrl}</dd>
            <dt>Revocation URL</dt>
            <dd>{credentials.revokeUrl ?? 'none (disconnecting forgets the tokens here only)'}</dd>
            <dt>Client ID</dt>
            <dd>{credentials.clientId}</dd>
            <dt>Scopes</dt>
            <dd>{credentials.scopes}</dd>
            <dt>Redirect URI to register</dt>
            <dd>
              <code>{credentials.redirectUri}</code>
            </dd>
          </dl>
          <p className="muted">
            See who is connected, and revoke a connection, under <a href="/admin/connections">Connections</a>.
          </p>
        </>
      );
  }
}
