import { EXCEPTIONS } from './exceptions';
import { safeEqual } from './safe-equal';
import type { SimUser } from './types';
import type { XmlFailure } from './xml-answers';

export interface UserDirectory {
  /** by webExID when given, else by e-mail; both without regard to case (WebEx IDs are case-insensitive) */
  find(identity: { webExID?: string; email?: string }): SimUser | undefined;
  /** a SAML NameID names the host by WebEx ID or by e-mail */
  findByNameId(nameId: string): SimUser | undefined;
}

export function createUserDirectory(users: readonly SimUser[]): UserDirectory {
  const byId = new Map<string, SimUser>();
  const byEmail = new Map<string, SimUser>();
  for (const user of users) {
    if (!user.webExID) throw new Error('webex-sim: Bad usage. Every user needs a webExID.');
    const id = user.webExID.toLowerCase();
    if (byId.has(id)) throw new Error(`webex-sim: Bad usage. Duplicate webExID "${user.webExID}" (IDs are case-insensitive).`);
    byId.set(id, user);
    if (user.email) byEmail.set(user.email.toLowerCase(), user);
  }

  return {
    find({ webExID, email }) {
      // webExID wins when both are given; email replaces it when used alone [docs/webex.md §3.1].
      if (webExID !== undefined) return byId.get(webExID.toLowerCase());
      if (email !== undefined) return byEmail.get(email.toLowerCase());
      return undefined;
    },
    findByNameId(nameId) {
      const key = nameId.toLowerCase();
      return byId.get(key) ?? byEmail.get(key);
    },
  };
}

/**
 * Checks a password. An unknown ID and a wrong password get the same 030002: docs/webex.md's
 * BadWebIDorPassword covers "no account" too [docs/webex.md §5.3, docs/webex.md §7.6], and one answer for both
 * does not tell a caller which IDs exist.
 */
export function checkPassword(user: SimUser | undefined, password: string | undefined): XmlFailure | undefined {
  const matches = user?.password !== undefined && password !== undefined && safeEqual(user.password, password);
  return matches ? undefined : EXCEPTIONS.incorrectPassword;
}
