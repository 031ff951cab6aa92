/**
 * Sign out everywhere: after the portal's own session, the WebEx site's (p.php AT=LO, reference
 * docs/webex.md §7.8) and the identity provider's (OpenID Connect RP-Initiated Logout 1.0). Each step is taken
 * only when configured and possible; the browser walks them in order and ends on the portal's
 * "You are signed out" page.
 */

export type SignOutStep =
  /** the WebEx site's AT=LO, coming back to the portal's continue route (BU) */
  | { kind: 'webex'; url: string }
  /** the identity provider's end_session_endpoint, coming back to the signed-out page */
  | { kind: 'idp'; url: string };

export interface SignOutFacts {
  /** SIGNOUT_WEBEX / SIGNOUT_IDP */
  settings: { webex: boolean; idp: boolean };
  /** each WebEx site's AT=LO URL to visit, in order (each one's BU leads on to the next step) */
  webexLogoutUrls: readonly string[];
  /** from the provider's discovery; undefined when it has none or discovery failed */
  endSessionEndpoint: string | undefined;
  /** the ID token of the session being ended, when the portal kept it */
  idTokenHint: string | undefined;
  clientId: string;
  /** the portal's signed-out page, registered at the provider */
  postLogoutRedirectUri: string;
}

/** The steps after the portal's own sign-out, in the order the browser takes them. */
export function planSignOut(facts: SignOutFacts): SignOutStep[] {
  const steps: SignOutStep[] = [];
  if (facts.settings.webex) for (const url of facts.webexLogoutUrls) steps.push({ kind: 'webex', url });
  if (facts.settings.idp && facts.endSessionEndpoint) {
    const url = buildEndSessionUrl(facts.endSessionEndpoint, facts);
    if (url) steps.push({ kind: 'idp', url });
  }
  return steps;
}

/**
 * The RP-initiated logout request: id_token_hint when the portal kept the ID token (the provider
 * then signs out without asking), client_id always (it names the registration of
 * post_logout_redirect_uri when there is no hint). Undefined for an endpoint that is not an
 * http(s) URL: that step is skipped.
 */
export function buildEndSessionUrl(
  endpoint: string,
  facts: Pick<SignOutFacts, 'idTokenHint' | 'clientId' | 'postLogoutRedirectUri'>,
  state?: string,
): string | undefined {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  if (facts.idTokenHint) url.searchParams.set('id_token_hint', facts.idTokenHint);
  url.searchParams.set('client_id', facts.clientId);
  url.searchParams.set('post_logout_redirect_uri', facts.postLogoutRedirectUri);
  if (state) url.searchParams.set('state', state);
  return url.href;
}

/** What the signed-out page is told about WebEx's sign-out (`state` through the provider, or the query). */
export const WEBEX_NOT_CONFIRMED = 'webex-not-confirmed';

/**
 * The next step once WebEx came back from AT=LO: WebEx's answer (`ST`) decides only whether the
 * signed-out page warns that WebEx did not confirm; the chain goes on either way. With several
 * sites, `unconfirmed` says an earlier site did not confirm: the warning stays for the end, and
 * the steps after a next site's AT=LO are the way on (`remaining`, kept for its return).
 */
export function continueAfterWebex(
  remaining: readonly SignOutStep[],
  webexStatus: string,
  signedOutUrl: string,
  unconfirmed = false,
): { location: string; remaining: SignOutStep[]; unconfirmed: boolean } {
  const warn = unconfirmed || webexStatus.toUpperCase() !== 'SUCCESS';
  const [next, ...rest] = remaining;
  if (!next) {
    const done = new URL(signedOutUrl);
    if (warn) done.searchParams.set('state', WEBEX_NOT_CONFIRMED);
    return { location: done.href, remaining: [], unconfirmed: warn };
  }
  if (next.kind === 'idp' && warn) {
    const url = new URL(next.url);
    url.searchParams.set('state', WEBEX_NOT_CONFIRMED);
    return { location: url.href, remaining: rest, unconfirmed: warn };
  }
  return { location: next.url, remaining: rest, unconfirmed: warn };
}
