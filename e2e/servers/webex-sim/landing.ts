import { escapeHtml, renderPage } from './html';
import { htmlAnswer, type HttpAnswer } from './http';

/** The default landing after a login without MU, and the MU the app uses by default. */
export function dashboardPath(siteName: string): string {
  return `/webappng/sites/${encodeURIComponent(siteName)}/dashboard`;
}

/** The classic My WebEx page, where `MU=GoBack` without BU lands [docs/webex.md §7.5]. */
export function myWebexPath(siteName: string): string {
  return `/${encodeURIComponent(siteName)}/mywebex/default.do`;
}

export function pPhpPath(siteName: string): string {
  return `/${encodeURIComponent(siteName)}/p.php`;
}

/** Tests look for the exact <h1> text, so it is the page's contract. */
export function renderLandingPage(siteName: string, signedInAs: string | undefined): HttpAnswer {
  if (signedInAs === undefined) {
    return htmlAnswer(401, renderPage('WebEx', '<h1>Not signed in to WebEx</h1>'));
  }
  const signOutForm =
    `<form method="post" action="${escapeHtml(pPhpPath(siteName))}">` +
    '<input type="hidden" name="AT" value="LO"><button type="submit">Sign out of WebEx</button></form>';
  return htmlAnswer(200, renderPage('WebEx', `<h1>Signed in to WebEx as ${escapeHtml(signedInAs)}</h1><p>Site: ${escapeHtml(siteName)}</p>${signOutForm}`));
}
