import { EXCEPTIONS } from './exceptions';
import { safeEqual } from './safe-equal';
import type { SimUser } from './types';
import type { XmlFailure } from './xml-answers';
import type { SecurityContext } from './xml-request';

export interface UserDirectory {
  /** webExID matches exactly (the reference does not say whether WebEx folds case); e-mail ignores case */
  find(identity: { webExID?: string; email?: string }): SimUser | undefined;
}

export function createUserDirectory(users: readonly SimUser[]): UserDirectory {
  const seen = new Set<string>();
  for (const user of users) {
    if (!user.webExID) throw new Error('webex-sim: Bad usage. Every user needs a webExID.');
    if (seen.has(user.webExID)) throw new Error(`webex-sim: Bad usage. Duplicate webExID "${user.webExID}".`);
    seen.add(user.webExID);
  }
  const list = [...users];

  return {
    find({ webExID, email }) {
      // webExID wins when both are given; email replaces it when used alone [reference §3.1].
      if (webExID !== undefined) return list.find((user) => user.webExID === webExID);
      if (email !== undefined) return list.find((user) => user.email?.toLowerCase() === email.toLowerCase());
      return undefined;
    },
  };
}

/**
 * Checks the one credential in the security context. Credentials are checked before the account
 * state so an inactive account is only revealed to someone who knows its credential.
 */
export function checkCredential(context: SecurityContext, user: SimUser): XmlFailure | undefined {
  const given = (['password', 'sessionTicket', 'webExAccessToken'] as const).filter((name) => context[name] !== undefined);
  // Simulator assumption: the reference documents each credential as replacing the password,
  // never a mix, so a request carrying several is refused rather than guessed at.
  if (given.length > 1) return EXCEPTIONS.invalidRequest;
  const matches = (expected: string | undefined, actual: string | undefined) =>
    expected !== undefined && actual !== undefined && safeEqual(expected, actual);

  if (context.sessionTicket !== undefined) {
    return matches(user.sessionTicket, context.sessionTicket) ? undefined : EXCEPTIONS.invalidSessionTicket;
  }
  if (context.webExAccessToken !== undefined) {
    return matches(user.webExAccessToken, context.webExAccessToken) ? undefined : EXCEPTIONS.invalidAccessToken;
  }
  return matches(user.password, context.password) ? undefined : EXCEPTIONS.incorrectPassword;
}
