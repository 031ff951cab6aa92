import { cookies, headers } from 'next/headers';
import { forbidden, redirect } from 'next/navigation';
import type { NextAuthOptions } from 'next-auth';
import { getConfig } from '../config';
import { isSameOriginRequest } from '../http';
import {
  buildAuthOptions,
  createIdTokenStore,
  createSessionRevocations,
  nowSeconds,
  readPortalUser,
  signInPath,
  type IdTokenStore,
  type PortalUser,
  type SessionRevocations,
} from '../identity';
import { getDb } from './database';

let authOptions: NextAuthOptions | undefined;

/** next-auth's options, built from the validated configuration on first use. */
export function getAuthOptions(): NextAuthOptions {
  authOptions ??= buildAuthOptions(getConfig(), idTokenStore(), sessionRevocations());
  return authOptions;
}

/** The process's ID token store (the database is opened on first use, not by the proxy's import of this module). */
export function idTokenStore(): IdTokenStore {
  return createIdTokenStore(async () => (await getDb()).db, getConfig().secretKeys);
}

let revocations: SessionRevocations | undefined;

/** The process's session revocations (the database is opened on first use, never by importing this module: the proxy imports it). */
export function sessionRevocations(): SessionRevocations {
  revocations ??= createSessionRevocations(async () => (await getDb()).db, getConfig().session);
  return revocations;
}

/** The signed-in user of this request, or undefined. Call it in every page, route and action that needs one. */
export async function getPortalUser(): Promise<PortalUser | undefined> {
  return readPortalUser((await cookies()).getAll(), getConfig());
}

// The proxy re-checks an admin's rights against the identity provider on every admin write; a
// write whose check is older than this did not pass through it, and is refused (fail closed).
const WRITE_RECHECK_SECONDS = 30;

/**
 * The admin check for every admin page, route handler and server action: a page check alone
 * protects nothing, so each entry point calls this itself. Anonymous → sign-in; signed in but not
 * an admin → 403; a `write` from another origin, or without a fresh check of the rights at the
 * identity provider, → 403.
 */
export async function requireAdmin(kind: 'read' | 'write'): Promise<PortalUser> {
  if (kind === 'write' && !isSameOriginRequest(await headers(), getConfig().appUrl)) forbidden();
  const user = await getPortalUser();
  if (!user) redirect(signInPath('/admin'));
  if (!user.isAdmin) forbidden();
  if (kind === 'write' && nowSeconds() - user.adminCheckedAt > WRITE_RECHECK_SECONDS) forbidden();
  return user;
}
