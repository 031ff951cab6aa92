/** Why the portal could not get a credential to act as a host; each has an employee-facing page. */
export const HOST_CREDENTIAL_CODES = [
  /** password mode: the mapping has no WebEx password */
  'CREDENTIAL_MISSING',
  /** the sealed secret cannot be opened with CREDENTIAL_KEYS */
  'CREDENTIAL_UNREADABLE',
  /** oauth mode: the employee has not connected their WebEx account */
  'WEBEX_NOT_CONNECTED',
  /** oauth mode: the grant was revoked or expired, or the WebEx link changed: connect again */
  'WEBEX_RECONNECT_NEEDED',
  /** oauth mode: WebEx's token endpoint did not answer usefully */
  'WEBEX_OAUTH_UNAVAILABLE',
  /** saml mode: AuthenticateUser refused the portal's signed assertion */
  'WEBEX_SSO_REFUSED',
] as const;

export type HostCredentialCode = (typeof HOST_CREDENTIAL_CODES)[number];

export class HostCredentialError extends Error {
  readonly code: HostCredentialCode;
  /** WebEx's exceptionID when WebEx said no */
  readonly exceptionID?: string;

  constructor(code: HostCredentialCode, message: string, details: { exceptionID?: string; cause?: unknown } = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'HostCredentialError';
    this.code = code;
    this.exceptionID = details.exceptionID;
  }
}
