import type { SamlSigningKeys } from '../saml';

/** How the portal proves to WebEx that it may act as a host (WEBEX_CREDENTIAL_MODE, lib/config.ts validates it). */
export type HostCredentialSettings =
  | {
      mode: 'password';
      /** WEBEX_PASSWORD_TO_SESSION_TICKET: trade the password for a cached session ticket (docs/webex.md §3.3) */
      toSessionTicket: boolean;
    }
  | {
      mode: 'saml';
      issuer: string;
      audience: string;
      recipient: string;
      nameIdSource: 'webex-id' | 'email';
      keys: SamlSigningKeys;
    }
  | {
      mode: 'oauth';
      authorizeUrl: string;
      tokenUrl: string;
      revokeUrl: string | undefined;
      clientId: string;
      clientSecret: string;
      scopes: string;
      /** the access token goes into the securityContext, or is exchanged for a session ticket */
      tokenUse: 'access-token' | 'session-ticket';
      /** the portal's callback, to register with the integration */
      redirectUri: string;
    };
