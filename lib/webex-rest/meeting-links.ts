import { type MeetingNumber, type MeetingRole, WebexError } from '../webex';
import type { JoinLinks, WebexRestClient } from './client';
import { checkMeetingLink, type LinkHosts } from './link-hosts';

/**
 * The REST adapter of the launch: a start or join link from `POST /meetings/join`, asked by the
 * company's Service App on the employee's behalf (docs/webex.md §9.2). The link is checked and handed
 * back to be used at once: it is never stored, audited or logged.
 */
export interface RestLaunchDeps<S extends TokenSource = TokenSource> {
  client: WebexRestClient;
  serviceApp: S;
  linkHosts: LinkHosts;
}

/**
 * The company Service App's access token for a call (lib/credentials' ServiceApp is one): a token
 * WebEx refuses is renewed once and the call made once more.
 */
export interface TokenSource {
  withToken<T>(call: (accessToken: string) => Promise<T>): Promise<{ value: T; refreshed: boolean }>;
}

/** What REST opens: a meeting to join or start, or the employee's own personal room (started as its host). */
export type RestTarget = { kind: 'meeting'; number: MeetingNumber; role: MeetingRole } | { kind: 'personal-room' };

export interface RestLaunchRequest {
  /** the WebEx e-mail the Service App acts for (hostEmailFor) */
  hostEmail: string;
  /** the portal's own account of the employee: who joins, by e-mail and name */
  attendee: { email: string; displayName: string };
  target: RestTarget;
}

/**
 * How long joinLink lives (`expirationMinutes`, 1–60; WebEx's default is unverified). The
 * browser follows the portal's 302 within seconds; five minutes covers a slow client download page.
 */
export const LINK_LIFETIME_MINUTES = 5;

/**
 * The WebEx e-mail of a host: the WebEx ID when it is an e-mail (on Common Identity sites it is,
 * docs/webex.md §3.1), else the portal e-mail, which the mapping ties to that WebEx account. Unverified:
 * that a WebEx account with a non-e-mail ID carries the same e-mail as the portal.
 */
export function hostEmailFor(portalEmail: string, webexId: string): string {
  return webexId.includes('@') ? webexId : portalEmail;
}

/** The link a target needs from WebEx's answer; an answer without it says why not. */
function linkOf(links: JoinLinks, target: RestTarget): string {
  if (target.kind === 'meeting' && target.role === 'join') {
    if (!links.joinLink) throw new WebexError('WEBEX_MALFORMED_RESPONSE', 'WebEx answered meetings/join without a joinLink');
    return links.joinLink;
  }
  // Only the host or a cohost gets a startLink [R1]; a personal room's owner is its host, so
  // there the missing link is the app's permission, not the person's.
  if (!links.startLink) {
    throw target.kind === 'meeting'
      ? new WebexError('WEBEX_NOT_HOST', 'WebEx gave no startLink: the employee is neither host nor cohost of the meeting')
      : new WebexError('WEBEX_APP_FORBIDDEN', "WebEx gave no startLink for the employee's own personal room");
  }
  return links.startLink;
}

/** A 403 to "start this meeting" means not its host; anything else the client already named. */
function explain(err: unknown, target: RestTarget): unknown {
  if (err instanceof WebexError && err.code === 'WEBEX_APP_FORBIDDEN' && target.kind === 'meeting' && target.role === 'host') {
    return new WebexError('WEBEX_NOT_HOST', 'WebEx refused to start the meeting for the employee (403)', {
      httpStatus: err.httpStatus,
      reason: err.reason,
      trackingId: err.trackingId,
      cause: err,
    });
  }
  return err;
}

/**
 * The checked start or join link for a target, and whether the Service App's token was refreshed
 * for it. Throws WebexError with the REST codes (lib/webex/errors.ts).
 */
export async function meetingLink(deps: RestLaunchDeps, request: RestLaunchRequest): Promise<{ location: string; refreshed: boolean }> {
  const { target, hostEmail } = request;
  try {
    const { value: links, refreshed } = await deps.serviceApp.withToken(async (token) => {
      if (target.kind === 'personal-room') {
        const room = await deps.client.personalRoom(token, hostEmail);
        return deps.client.joinMeeting(token, { meeting: { webLink: room.link }, hostEmail, expirationMinutes: LINK_LIFETIME_MINUTES });
      }
      return deps.client.joinMeeting(token, {
        meeting: { meetingNumber: target.number },
        hostEmail,
        ...(target.role === 'join' ? { attendee: request.attendee } : {}),
        expirationMinutes: LINK_LIFETIME_MINUTES,
      });
    });
    return { location: checkMeetingLink(linkOf(links, target), deps.linkHosts).href, refreshed };
  } catch (err) {
    throw explain(err, target);
  }
}
