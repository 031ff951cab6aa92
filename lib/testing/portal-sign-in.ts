import type { PortalSignIn } from '../credentials';

/** SESSION_MAX_AGE's default (lib/config.ts): eight hours. */
const SESSION_SECONDS = 8 * 60 * 60;

/** For tests: the sign-in of a portal user who signed in `agoSeconds` ago, for a session of the default length. */
export function signedIn(email: string, agoSeconds = 3600): PortalSignIn {
  const signedInAt = Math.floor(Date.now() / 1000) - agoSeconds;
  return { email, signedInAt, sessionEndsAt: signedInAt + SESSION_SECONDS };
}
