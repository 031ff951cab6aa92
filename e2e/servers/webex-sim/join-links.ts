/**
 * The start and join links of `POST /v1/meetings/join`, shaped like WebEx's example [docs/webex.md §9.2,
 * D19]: `{site origin}/wbxmjs/joinservice/sites/{site}/meeting/download/{meeting id}?siteurl={site}
 * &integrationJoinToken=…&principal=…`. Opening one lands the browser in the meeting as the person
 * it was made for, "without logging in"; it creates no site session [docs/webex.md §9.2].
 *
 * Simulator's choices, unverified: a link works once (a second open is refused), and stops at its
 * expiration (`expirationMinutes`; the startLink's own lifetime is unpublished, here the same).
 */
import { randomBytes } from 'node:crypto';

/** Who a link lets in, and as what. */
export interface LinkHolder {
  /** the meeting or personal room, by its REST meeting id */
  meetingId: string;
  role: 'host' | 'attendee';
  /** the WebEx ID when the person is a user of the site, else their display name as a guest */
  who: { webExID: string } | { guest: string };
}

export interface JoinLinkStore {
  issue(origin: string, siteName: string, holder: LinkHolder, expiresAt: number): string;
  /** The holder of a link opened now: once, before it expires, for the meeting in its path. */
  redeem(meetingId: string, params: URLSearchParams): LinkHolder | 'used' | 'expired' | undefined;
  secrets(): string[];
}

export function joinLinkPath(siteName: string, meetingId: string): string {
  return `/wbxmjs/joinservice/sites/${encodeURIComponent(siteName)}/meeting/download/${encodeURIComponent(meetingId)}`;
}

/** The meeting id in a join-link path, or undefined. */
export function meetingIdOfJoinLink(pathname: string, siteName: string): string | undefined {
  const prefix = joinLinkPath(siteName, '');
  return pathname.startsWith(prefix) && pathname.length > prefix.length ? decodeURIComponent(pathname.slice(prefix.length)) : undefined;
}

interface Issued extends LinkHolder {
  principal: string;
  expiresAt: number;
  used: boolean;
}

export function createJoinLinkStore(now: () => number, onRedeem: () => void): JoinLinkStore {
  const links = new Map<string, Issued>();
  const secrets: string[] = [];
  // WebEx's example tokens are standard base64, percent-encoded in the link
  const opaque = () => randomBytes(48).toString('base64');

  return {
    issue(origin, siteName, holder, expiresAt) {
      const token = opaque();
      const principal = opaque();
      links.set(token, { ...holder, principal, expiresAt, used: false });
      secrets.push(token, principal);
      const url = new URL(joinLinkPath(siteName, holder.meetingId), origin);
      url.searchParams.set('siteurl', siteName);
      url.searchParams.set('integrationJoinToken', token);
      url.searchParams.set('principal', principal);
      return url.href;
    },
    redeem(meetingId, params) {
      const link = links.get(params.get('integrationJoinToken') ?? '');
      if (!link || link.meetingId !== meetingId || link.principal !== params.get('principal')) return undefined;
      if (link.used) return 'used';
      if (link.expiresAt <= now()) return 'expired';
      link.used = true;
      onRedeem();
      return link;
    },
    secrets: () => [...secrets],
  };
}
