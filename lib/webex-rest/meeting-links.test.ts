/** The REST adapter's decisions, network off: which link a target takes, what a refusal means, the link check. */
import { describe, expect, it } from 'vitest';
import { type MeetingNumber, parseMeetingNumber, WebexError } from '../webex';
import { rejectedCode } from '../testing/webex-errors';
import type { JoinLinks, JoinMeetingRequest, WebexRestClient } from './client';
import { parseLinkHosts, type LinkHosts } from './link-hosts';
import { hostEmailFor, LINK_LIFETIME_MINUTES, meetingLink, type RestTarget } from './meeting-links';
import type { ServiceApp } from '../credentials';

const NUMBER = parseMeetingNumber('123456789') as MeetingNumber;
const HOSTS = parseLinkHosts('.webex.com', 'acme.webex.com') as LinkHosts;
const START = 'https://acme.webex.com/wbxmjs/joinservice/sites/acme/meeting/download/m1?integrationJoinToken=S';
const JOINL = 'https://acme.webex.com/wbxmjs/joinservice/sites/acme/meeting/download/m1?integrationJoinToken=J';

const serviceApp: ServiceApp = {
  withToken: async (call) => ({ value: await call('TOKEN'), refreshed: false }),
  status: async () => ({ state: 'authorized', accessExpiresAt: null, refreshExpiresAt: null, updatedAt: null, otherClient: false, lastFailure: undefined }),
  install: async () => undefined,
};

function deps(answer: (request: JoinMeetingRequest) => JoinLinks | Promise<JoinLinks>, seen: JoinMeetingRequest[] = []) {
  const client: WebexRestClient = {
    joinMeeting: async (_token, request) => {
      seen.push(request);
      return answer(request);
    },
    personalRoom: async (_token, email) => ({ link: `https://acme.webex.com/meet/${email.split('@')[0] ?? ''}`, topic: 'Room' }),
    me: async () => ({ id: 'app', displayName: 'App', orgId: 'org' }),
    listMeetings: async () => ({ items: [], complete: true, skipped: 0, pages: 1 }),
    listInvitees: async () => ({ items: [], complete: true, skipped: 0, pages: 1 }),
  };
  return { client, serviceApp, linkHosts: HOSTS };
}

const request = (target: RestTarget) => ({ hostEmail: 'alice@example.com', attendee: { email: 'alice@example.com', displayName: 'Alice' }, target });
const join: RestTarget = { kind: 'meeting', number: NUMBER, role: 'join' };
const host: RestTarget = { kind: 'meeting', number: NUMBER, role: 'host' };
const room: RestTarget = { kind: 'personal-room' };

describe('meetingLink', () => {
  it('a join asks with the meeting number, hostEmail and the attendee, and takes joinLink', async () => {
    const seen: JoinMeetingRequest[] = [];
    const link = await meetingLink(
      deps(() => ({ startLink: START, joinLink: JOINL, expiration: undefined }), seen),
      request(join),
    );
    expect(link).toEqual({ location: JOINL, refreshed: false });
    expect(seen).toEqual([
      {
        meeting: { meetingNumber: NUMBER },
        hostEmail: 'alice@example.com',
        attendee: { email: 'alice@example.com', displayName: 'Alice' },
        expirationMinutes: LINK_LIFETIME_MINUTES,
      },
    ]);
  });

  it('a start takes startLink, sends no attendee; the personal room goes by its webLink', async () => {
    const seen: JoinMeetingRequest[] = [];
    const d = deps(() => ({ startLink: START, joinLink: JOINL, expiration: undefined }), seen);
    expect((await meetingLink(d, request(host))).location).toBe(START);
    expect((await meetingLink(d, request(room))).location).toBe(START);
    expect(seen.map((s) => [s.meeting, s.attendee])).toEqual([
      [{ meetingNumber: NUMBER }, undefined],
      [{ webLink: 'https://acme.webex.com/meet/alice' }, undefined],
    ]);
  });

  it("no startLink: not the host of a meeting, but the app's permission for one's own personal room", async () => {
    const d = deps(() => ({ startLink: undefined, joinLink: JOINL, expiration: undefined }));
    expect(await rejectedCode(meetingLink(d, request(host)))).toBe('WEBEX_NOT_HOST');
    expect(await rejectedCode(meetingLink(d, request(room)))).toBe('WEBEX_APP_FORBIDDEN');
    expect(
      await rejectedCode(
        meetingLink(
          deps(() => ({ startLink: START, joinLink: undefined, expiration: undefined })),
          request(join),
        ),
      ),
    ).toBe('WEBEX_MALFORMED_RESPONSE');
  });

  it("403: not the host when starting a meeting, the app's permission otherwise", async () => {
    const d = deps(() => {
      throw new WebexError('WEBEX_APP_FORBIDDEN', 'HTTP 403', { httpStatus: 403, trackingId: 'T1' });
    });
    const err = await meetingLink(d, request(host)).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'WEBEX_NOT_HOST', httpStatus: 403, trackingId: 'T1' });
    expect(await rejectedCode(meetingLink(d, request(join)))).toBe('WEBEX_APP_FORBIDDEN');
    expect(await rejectedCode(meetingLink(d, request(room)))).toBe('WEBEX_APP_FORBIDDEN');
  });

  it.each([
    ['on a foreign host', 'https://evil.example/wbxmjs?integrationJoinToken=J'],
    ['over plain http', 'http://acme.webex.com/wbxmjs?integrationJoinToken=J'],
  ])('a link %s is refused', async (_what, link) => {
    expect(
      await rejectedCode(
        meetingLink(
          deps(() => ({ startLink: link, joinLink: link, expiration: undefined })),
          request(join),
        ),
      ),
    ).toBe('WEBEX_LINK_REFUSED');
  });

  it('passes the other failures through by code', async () => {
    const d = deps(() => {
      throw new WebexError('WEBEX_RATE_LIMITED', 'HTTP 429', { retryAfterSeconds: 9 });
    });
    expect(await meetingLink(d, request(join)).catch((e: unknown) => e)).toMatchObject({ code: 'WEBEX_RATE_LIMITED', retryAfterSeconds: 9 });
  });
});

describe('hostEmailFor', () => {
  it('is the WebEx ID when it is an e-mail, else the portal e-mail', () => {
    expect(hostEmailFor('alice@example.com', 'alice')).toBe('alice@example.com');
    expect(hostEmailFor('carol@example.com', 'carol.chen@example.com')).toBe('carol.chen@example.com');
  });
});
