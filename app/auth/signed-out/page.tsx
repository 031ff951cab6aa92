import type { Metadata } from 'next';
import { firstParam, type SearchParams } from '../../_lib/search-params';
import { SignOutButton } from '../../_components/sign-out-button';
import { signInPath } from '@/lib/identity';
import { getConfig } from '@/lib/config';
import { OPEN, WEBEX_NOT_CONFIRMED } from '@/lib/sign-out';
import { getPortalUser } from '@/lib/server';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Signed out · Company portal' };

/**
 * The end of Sign out (and the identity provider's post_logout_redirect_uri). Anyone can type
 * this URL: it says only what it knows, the portal session is checked, not assumed.
 */
export default async function SignedOutPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await getPortalUser();
  if (user) {
    return (
      <section className="card" aria-labelledby="signed-out-title">
        <h1 id="signed-out-title">You are still signed in</h1>
        <p>You are signed in to the portal as {user.email}.</p>
        <div className="actions">
          <SignOutButton />
        </div>
      </section>
    );
  }
  const params = await searchParams;
  const webexOpen = firstParam(params.webex) === OPEN;
  const webexNotConfirmed = firstParam(params.state) === WEBEX_NOT_CONFIRMED;
  const idpOpen = firstParam(params.idp) === OPEN;
  const { oidc } = getConfig();
  return (
    <section className="card" aria-labelledby="signed-out-title">
      <h1 id="signed-out-title">You are signed out</h1>
      <p role="status">You are signed out of the portal in this browser.</p>
      {(webexOpen || webexNotConfirmed || idpOpen) && (
        <div className="warning" role="alert">
          {webexOpen && <p>The portal does not sign you out of WebEx here: sign out in WebEx itself.</p>}
          {webexNotConfirmed && <p>WebEx did not confirm the sign-out.</p>}
          {idpOpen && <p>You may still be signed in to {oidc.displayName}.</p>}
          <p>On a shared computer, close every browser window to end those sessions.</p>
        </div>
      )}
      <div className="actions">
        <a className="button" href={signInPath('/')}>
          Sign in again
        </a>
      </div>
    </section>
  );
}
