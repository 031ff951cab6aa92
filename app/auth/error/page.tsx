import { firstOf, firstParam, type SearchParams } from '../../_lib/search-params';
import { signInPath } from '@/lib/identity';
import { getConfig } from '@/lib/config';
import { SIGN_IN_ERROR_CODES } from '@/lib/launch';

export const dynamic = 'force-dynamic';

// Our signIn callback sends EmailUnverified (the identity provider did not verify the e-mail);
// next-auth sends AccessDenied (our signIn callback refusing an account without an e-mail),
// Configuration (the identity provider unreachable or misconfigured), Verification and Default here;
// OAuth-flow errors (OAuthSignin, OAuthCallback, …) come through /auth/signin, and Cookies from it
// when the browser keeps none.

/** next-auth's error page (pages.error): what went wrong at sign-in, and what to do. */
export default async function SignInErrorPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  // the query string is anybody's: it picks one of our codes (an unknown one is Default), never a text
  const given = firstParam((await searchParams).error);
  const error = given ? firstOf(given, SIGN_IN_ERROR_CODES, 'Default') : undefined;
  const { oidc, supportContact } = getConfig();
  const [title, what] =
    error === 'EmailUnverified'
      ? [
          'Your e-mail address is not verified',
          `${oidc.displayName} signed you in but has not verified your e-mail address, and the portal links you to WebEx by it. Verify your address with ${oidc.displayName}, then sign in again.`,
        ]
      : error === 'AccessDenied'
        ? [
            'Your account did not give us an e-mail address',
            `${oidc.displayName} signed you in but did not share your e-mail address, which links you to WebEx.`,
          ]
        : error === 'Configuration'
          ? ['Sign-in is not working right now', `We could not complete the sign-in with ${oidc.displayName}.`]
          : error === 'Cookies'
            ? ['Your browser refused the sign-in cookie', 'Signing in needs cookies for this portal. Allow them for this site, then sign in again.']
            : ['Sign-in did not work', 'The sign-in was interrupted or could not be completed.'];
  return (
    <section className="card problem" role="alert">
      <h1>{title}</h1>
      <p>{what}</p>
      <p>
        <strong>What to do:</strong> try again; if it keeps happening, tell {supportContact}
        {error ? ` (code ${error})` : ''}.
      </p>
      <div className="actions">
        <a className="button" href={signInPath('/')}>
          Sign in again
        </a>
        <a className="button secondary" href="/">
          Back to the portal
        </a>
      </div>
    </section>
  );
}
