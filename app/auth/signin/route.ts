import NextAuth from 'next-auth';
import { NextRequest } from 'next/server';
import { csrfCookieName, csrfTokenOf, FROM_NEXT_AUTH, portalPath } from '@/lib/identity';
import { getConfig } from '@/lib/config';
import { SIGN_IN_ERROR_CODES } from '@/lib/launch';
import { redirectTo } from '../../_lib/responses';
import { firstOf } from '../../_lib/search-params';
import { getAuthOptions, getPortalUser } from '@/lib/server';

export const dynamic = 'force-dynamic';

// The provider id in lib/identity/auth.ts: the one identity provider.
const PROVIDER = 'oidc';

/**
 * One-click sign-in: the portal's Sign in (and next-auth's own sign-in URL, which sends here)
 * goes straight to the identity provider. next-auth starts the OpenID sign-in (state, PKCE, nonce)
 * only on a POST carrying its CSRF token, so this route makes that POST in-process with the token
 * of next-auth's cookie. A cross-site link can at most start a sign-in of the visitor's own account.
 */
export async function GET(request: NextRequest): Promise<Response> {
  const config = getConfig();
  const params = request.nextUrl.searchParams;
  const callbackUrl = new URL(portalPath(params.get('callbackUrl'), config.appUrl), config.appUrl).href;

  // 1. an error from the sign-in flow: the page that explains it (by a code of ours, an unknown one
  //    is Default), never another round to the provider
  const error = params.get('error');
  if (error) return redirectTo(new URL(`/auth/error?${new URLSearchParams({ error: firstOf(error, SIGN_IN_ERROR_CODES, 'Default') })}`, config.appUrl));

  // 2. already signed in (a bookmarked or shared sign-in link): straight on, no round to the provider
  if (await getPortalUser()) return redirectTo(callbackUrl);

  // 3. next-auth's CSRF token: without its cookie, next-auth's sign-in URL sets it and sends the
  //    browser back here; a browser that still has none refuses cookies, and sign-in cannot work
  const csrfToken = csrfTokenOf(request.cookies.get(csrfCookieName(config.appUrl))?.value);
  if (!csrfToken) {
    if (params.has(FROM_NEXT_AUTH)) return redirectTo(new URL('/auth/error?error=Cookies', config.appUrl));
    return redirectTo(new URL(`/api/auth/signin?${new URLSearchParams({ callbackUrl })}`, config.appUrl));
  }

  // 4. next-auth's POST /api/auth/signin/oidc: a 302 to the provider, with its state cookies
  const signIn = new NextRequest(new URL(`/api/auth/signin/${PROVIDER}`, config.appUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrfToken, callbackUrl }),
  });
  const response = await NextAuth(getAuthOptions())(signIn, { params: Promise.resolve({ nextauth: ['signin', PROVIDER] }) });
  response.headers.set('Cache-Control', 'no-store');
  return response;
}
