import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Interaction, Provider, errors as OidcErrors } from 'oidc-provider';
import type { AccountDirectory } from './accounts';
import { INVALID_CREDENTIALS_MESSAGE, PAGE_CSP, renderMessagePage, renderSignInPage } from './pages';

/** A sign-in form is a few hundred bytes; anything near this is not a person typing. */
export const FORM_BODY_LIMIT_BYTES = 16 * 1024;

const INTERACTION_PATH = /^\/interaction\/([A-Za-z0-9_-]+)(\/login|\/abort)?\/?$/;

export interface InteractionHandlerDeps {
  provider: Provider;
  accounts: AccountDirectory;
  errors: { SessionNotFound: typeof OidcErrors.SessionNotFound };
}

export type InteractionHandler = (req: IncomingMessage, res: ServerResponse, pathname: string) => Promise<void>;

class BodyTooLargeError extends Error {
  constructor() {
    super(`idp: form body over ${FORM_BODY_LIMIT_BYTES} bytes`);
  }
}

function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(html),
    'Cache-Control': 'no-store',
    'Content-Security-Policy': PAGE_CSP,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  });
  res.end(html);
}

async function readUrlEncodedForm(req: IncomingMessage): Promise<URLSearchParams> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > FORM_BODY_LIMIT_BYTES) throw new BodyTooLargeError();

  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > FORM_BODY_LIMIT_BYTES) throw new BodyTooLargeError();
    chunks.push(buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function formPaths(uid: string): { action: string; abortHref: string } {
  return { action: `/interaction/${uid}/login`, abortHref: `/interaction/${uid}/abort` };
}

/**
 * The provider's interaction pages (`interactions.url` points here): our own sign-in form in
 * place of oidc-provider's devInteractions, and a consent step that grants what the client
 * asked for without showing anything, since every client of this provider is first-party.
 */
export function createInteractionHandler({ provider, accounts, errors }: InteractionHandlerDeps): InteractionHandler {
  async function showPrompt(req: IncomingMessage, res: ServerResponse, interaction: Interaction): Promise<void> {
    switch (interaction.prompt.name) {
      case 'login': {
        const hint = interaction.params.login_hint;
        sendHtml(res, 200, renderSignInPage({ ...formPaths(interaction.uid), email: typeof hint === 'string' ? hint : '' }));
        return;
      }
      case 'consent':
        await grantRequestedAccess(req, res, interaction);
        return;
      default:
        await provider.interactionFinished(
          req,
          res,
          { error: 'access_denied', error_description: `unsupported prompt: ${interaction.prompt.name}` },
          { mergeWithLastSubmission: false },
        );
    }
  }

  // The pattern of oidc-provider's example interactions: extend the existing grant (or start
  // one) with exactly the scopes and claims the prompt reports missing.
  async function grantRequestedAccess(req: IncomingMessage, res: ServerResponse, interaction: Interaction): Promise<void> {
    const accountId = interaction.session?.accountId;
    const clientId = interaction.params.client_id;
    if (!accountId || !clientId) {
      throw new errors.SessionNotFound('consent without a signed-in account');
    }

    const existing = interaction.grantId ? await provider.Grant.find(interaction.grantId) : undefined;
    const grant = existing ?? new provider.Grant({ accountId, clientId });
    const { missingOIDCScope, missingOIDCClaims, missingResourceScopes } = interaction.prompt.details;
    if (missingOIDCScope) grant.addOIDCScope(missingOIDCScope.join(' '));
    if (missingOIDCClaims) grant.addOIDCClaims(missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
    const grantId = await grant.save();

    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  async function submitLogin(req: IncomingMessage, res: ServerResponse, interaction: Interaction): Promise<void> {
    if (interaction.prompt.name !== 'login') {
      sendHtml(res, 400, renderMessagePage('Sign-in step not expected', 'Go back to the application and sign in again.'));
      return;
    }

    const form = await readUrlEncodedForm(req);
    const email = (form.get('email') ?? '').trim();
    const user = accounts.authenticate(email, form.get('password') ?? '');
    if (!user) {
      sendHtml(res, 401, renderSignInPage({ ...formPaths(interaction.uid), email, error: INVALID_CREDENTIALS_MESSAGE }));
      return;
    }

    await provider.interactionFinished(req, res, { login: { accountId: user.sub } }, { mergeWithLastSubmission: false });
  }

  return async function handleInteraction(req, res, pathname) {
    const match = INTERACTION_PATH.exec(pathname);
    const uid = match?.[1];
    const action = match?.[2] ?? '';
    if (!match || !uid) {
      sendHtml(res, 404, renderMessagePage('Not found', 'There is no page at this address.'));
      return;
    }

    const allowed = action === '/login' ? 'POST' : 'GET';
    if (req.method !== allowed && !(allowed === 'GET' && req.method === 'HEAD')) {
      res.setHeader('Allow', allowed);
      sendHtml(res, 405, renderMessagePage('Method not allowed', `Use ${allowed} for this address.`));
      return;
    }

    try {
      // Reads the interaction cookie; throws SessionNotFound when it is missing or expired.
      const interaction = await provider.interactionDetails(req, res);
      if (interaction.uid !== uid) {
        throw new errors.SessionNotFound('interaction cookie belongs to another sign-in');
      }

      if (action === '/login') {
        await submitLogin(req, res, interaction);
      } else if (action === '/abort') {
        await provider.interactionFinished(
          req,
          res,
          { error: 'access_denied', error_description: 'End-User aborted interaction' },
          { mergeWithLastSubmission: false },
        );
      } else {
        await showPrompt(req, res, interaction);
      }
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        res.setHeader('Connection', 'close');
        sendHtml(res, 413, renderMessagePage('Request too large', 'The sign-in form was too large.'));
        return;
      }
      if (error instanceof errors.SessionNotFound) {
        sendHtml(
          res,
          400,
          renderMessagePage('Sign-in expired', 'This sign-in request has expired or was not found. Go back to the application and sign in again.'),
        );
        return;
      }
      throw error;
    }
  };
}
