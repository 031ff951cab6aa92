/**
 * The identity provider's own HTML: plain pages with inline styles only, so nothing is fetched
 * from the internet (oidc-provider's built-in pages import web fonts).
 */

export const ORGANIZATION_NAME = 'Example Corp';
export const SIGN_IN_TITLE = `Sign in to ${ORGANIZATION_NAME}`;
export const INVALID_CREDENTIALS_MESSAGE = 'Invalid email or password';

/** Our pages need no scripts, frames or remote resources; say so to the browser. */
export const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'";

const STYLE = `
  body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; background: #f4f5f7; color: #1c1e21; margin: 0; }
  main { max-width: 22rem; margin: 4rem auto; padding: 2rem; background: #fff; border-radius: 8px; box-shadow: 0 1px 3px rgba(0,0,0,.15); }
  h1 { font-size: 1.35rem; margin: 0 0 1.25rem; }
  label { display: block; font-weight: 600; margin: .75rem 0 .25rem; }
  input { box-sizing: border-box; width: 100%; padding: .5rem; font: inherit; border: 1px solid #b0b4ba; border-radius: 4px; }
  button { margin-top: 1.25rem; width: 100%; padding: .6rem; font: inherit; font-weight: 600; color: #fff; background: #1d4ed8; border: 0; border-radius: 4px; cursor: pointer; }
  .error { color: #b91c1c; background: #fef2f2; border: 1px solid #fecaca; border-radius: 4px; padding: .5rem .75rem; }
  .secondary { display: block; margin-top: 1rem; text-align: center; color: #4b5563; }
`;

export function escapeHtml(value: string): string {
  return value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');
}

/** `title` and `body` are trusted markup: escape every value before it gets here. */
function renderPage(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>`;
}

export interface SignInFormInput {
  /** path the form posts to */
  action: string;
  /** path of the "Cancel" link */
  abortHref: string;
  /** what the user typed (or the client's login_hint) */
  email?: string;
  error?: string;
}

export function renderSignInPage({ action, abortHref, email = '', error }: SignInFormInput): string {
  const errorBlock = error ? `<p class="error" role="alert">${escapeHtml(error)}</p>\n` : '';
  return renderPage(
    escapeHtml(SIGN_IN_TITLE),
    `<h1>${escapeHtml(SIGN_IN_TITLE)}</h1>
${errorBlock}<form method="post" action="${escapeHtml(action)}">
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" required autofocus value="${escapeHtml(email)}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>
<a class="secondary" href="${escapeHtml(abortHref)}">Cancel</a>`,
  );
}

export function renderMessagePage(heading: string, message: string): string {
  return renderPage(escapeHtml(heading), `<h1>${escapeHtml(heading)}</h1>\n<p>${escapeHtml(message)}</p>`);
}

/**
 * The end_session confirmation. `form` is oidc-provider's hidden form (it carries the xsrf
 * token). The inline script presses "Sign out" at once, so RP-initiated logout is a plain
 * redirect round trip for the user; without scripts the button still works.
 */
export function renderLogoutPage(form: string): string {
  return renderPage(
    escapeHtml(`Sign out of ${ORGANIZATION_NAME}`),
    `<h1>${escapeHtml(`Sign out of ${ORGANIZATION_NAME}`)}</h1>
${form}
<button id="logout-confirm" type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>Sign out</button>
<script>document.getElementById('logout-confirm').click();</script>`,
  );
}
