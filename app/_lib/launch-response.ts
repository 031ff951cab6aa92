import { randomBytes } from 'node:crypto';
import { crossOriginRefusal } from '@/lib/http';
import type { LaunchAnswer } from '@/lib/launch';
import type { LoginForm } from '@/lib/webex';
import { privateHeaders, redirectTo } from './responses';
import { scriptNonce, scriptString } from './script-nonce';

const FORM_ID = 'webex-login';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/**
 * The page that delivers the login by POST: the AT=LI form, submitted by a nonce'd script at once,
 * or by its button where scripts do not run.
 */
function renderLoginForm(form: LoginForm, nonce: string): string {
  const inputs = form.fields.map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`).join('');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="referrer" content="no-referrer"><meta name="robots" content="noindex">
<title>Signing you in to WebEx</title>
<style nonce="${escapeHtml(nonce)}">body{font:16px/1.5 system-ui,sans-serif;margin:2rem;color:#1c2430}button{font:inherit;padding:.55rem 1.1rem;border-radius:6px;border:1px solid #0b6bcb;background:#0b6bcb;color:#fff;cursor:pointer}button:focus-visible{outline:3px solid #1c2430;outline-offset:2px}</style>
</head><body><main>
<h1>Signing you in to WebEx</h1>
<p role="status">Taking you to WebEx. If nothing happens, press the button.</p>
<form id="${FORM_ID}" method="post" action="${escapeHtml(form.action)}">${inputs}<button type="submit">Continue to WebEx</button></form>
</main>
<script nonce="${escapeHtml(nonce)}">document.getElementById(${scriptString(FORM_ID)}).submit();</script>
</body></html>
`;
}

/**
 * The login by POST (WEBEX_LOGIN_DELIVERY=post): a no-store page whose form carries the ticket to
 * p.php in a POST body, so no URL the browser visits holds it. The page's own policy lets only its
 * nonce'd script run and its form go only to the WebEx site.
 */
async function loginFormPage(form: LoginForm, setCookies: readonly string[], extra: Readonly<Record<string, string>>): Promise<Response> {
  const nonce = (await scriptNonce()) ?? randomBytes(16).toString('base64');
  const headers = privateHeaders(setCookies, extra);
  headers.set('Content-Type', 'text/html; charset=utf-8');
  headers.set(
    'Content-Security-Policy',
    `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; form-action ${new URL(form.action).origin}; base-uri 'none'; frame-ancestors 'none'`,
  );
  return new Response(renderLoginForm(form, nonce), { status: 200, headers });
}

/** POST /launch's one answer (lib/launch answerJoin) as the Response it stands for. */
export async function launchResponse(answer: LaunchAnswer): Promise<Response> {
  switch (answer.kind) {
    case 'refused':
      return crossOriginRefusal();
    case 'redirect':
      return redirectTo(answer.location, answer.status, answer.cookies, answer.headers);
    case 'failed':
      return redirectTo(answer.page, 303, answer.cookies, answer.headers);
    case 'form':
      return loginFormPage(answer.form, answer.cookies, answer.headers);
  }
}
