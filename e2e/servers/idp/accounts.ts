import { createHash, timingSafeEqual } from 'node:crypto';
import type { Account } from 'oidc-provider';

export interface IdpUser {
  email: string;
  password: string;
  name: string;
  groups: string[];
  /** the `email_verified` claim (default true): false plays a provider that lets users set any address */
  emailVerified?: boolean;
}

export interface AuthenticatedUser extends IdpUser {
  /** the OpenID `sub`: the account id at this provider */
  sub: string;
}

export interface AccountDirectory {
  /** the user when e-mail (any case) and password match, otherwise undefined */
  authenticate(email: string, password: string): AuthenticatedUser | undefined;
  /** oidc-provider's `findAccount`: the claims source for ID tokens and userinfo */
  findAccount(sub: string): Account | undefined;
  /** changes a user's groups from now on (tests: an admin removed from the admin group); false for an unknown e-mail */
  setGroups(email: string, groups: readonly string[]): boolean;
}

function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * A stable, opaque `sub` for a demo user: the same e-mail gives the same subject on every start,
 * so portal data keyed by subject survives restarts of the provider.
 */
export function subjectForEmail(email: string): string {
  return createHash('sha256')
    .update(`example-corp:${normalizeEmail(email)}`)
    .digest('hex')
    .slice(0, 32);
}

/** Compares digests so the time taken does not depend on how much of the password matched. */
function passwordsMatch(given: string, expected: string): boolean {
  const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

export function createAccountDirectory(users: readonly IdpUser[]): AccountDirectory {
  const byEmail = new Map<string, AuthenticatedUser>();
  const bySubject = new Map<string, AuthenticatedUser>();
  for (const user of users) {
    const email = normalizeEmail(user.email);
    if (byEmail.has(email)) {
      throw new Error(`idp: Bad usage. Two users share the e-mail "${email}"; e-mails identify users and must be unique.`);
    }
    const entry: AuthenticatedUser = { ...user, groups: [...user.groups], sub: subjectForEmail(email) };
    byEmail.set(email, entry);
    bySubject.set(entry.sub, entry);
  }

  return {
    authenticate(email, password) {
      const user = byEmail.get(normalizeEmail(email));
      // Hash even for unknown e-mails so a miss is not faster than a wrong password.
      const ok = passwordsMatch(password, user?.password ?? '\u0000no-such-user');
      return user && ok ? user : undefined;
    },

    findAccount(sub) {
      const user = bySubject.get(sub);
      if (!user) return undefined;
      return {
        accountId: user.sub,
        // oidc-provider filters these down to the claims of the granted scopes.
        claims: () => ({
          sub: user.sub,
          email: user.email,
          email_verified: user.emailVerified ?? true,
          name: user.name,
          groups: [...user.groups],
        }),
      };
    },

    setGroups(email, groups) {
      const user = byEmail.get(normalizeEmail(email));
      if (!user) return false;
      user.groups = [...groups];
      return true;
    },
  };
}
