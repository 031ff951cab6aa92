/**
 * How we prove to WebEx that we may act as a host: the securityContext variants of docs/webex.md
 * §3.2. The host's own password (the form of GetLoginTicket's own sample [D1], and the only one sealed at rest in a mapping),
 * a sessionTicket from AuthenticateUser (saml mode, or any mode converting to session tickets), or
 * a Meetings OAuth access token (oauth mode). lib/credentials picks one per call; lib/secrets
 * seals the password at rest.
 */
export type HostCredential =
  { kind: 'password'; password: string } | { kind: 'sessionTicket'; sessionTicket: string } | { kind: 'accessToken'; webExAccessToken: string };

/** The securityContext fields for one host, in the order of Cisco's sample. */
export interface SecurityContext {
  siteName: string;
  webExID: string;
  password?: string;
  sessionTicket?: string;
  webExAccessToken?: string;
}

/** Builds the securityContext for a host and credential. */
export function buildSecurityContext(siteName: string, webExID: string, credential: HostCredential): SecurityContext {
  switch (credential.kind) {
    case 'password':
      return { siteName, webExID, password: credential.password };
    case 'sessionTicket':
      return { siteName, webExID, sessionTicket: credential.sessionTicket };
    case 'accessToken':
      return { siteName, webExID, webExAccessToken: credential.webExAccessToken };
  }
}
