/** What employees read for the REST path's failures: by code, with what to do. */
import { describe, expect, it } from 'vitest';
import { describeLaunchFailure } from './problems';

describe('describeLaunchFailure, the REST codes', () => {
  it.each(['WEBEX_APP_NOT_AUTHORIZED', 'WEBEX_APP_UNAVAILABLE', 'WEBEX_APP_FORBIDDEN'])(
    '%s tells the employee WebEx is not reachable through the company app',
    (code) => {
      expect(describeLaunchFailure(code, 'the help desk')).toMatchObject({ code, title: 'WebEx is not reachable through the company app' });
    },
  );

  it("a passing outage of the app is worth a retry; a missing authorization is the help desk's", () => {
    expect(describeLaunchFailure('WEBEX_APP_UNAVAILABLE', 'x').retry).toBe(true);
    expect(describeLaunchFailure('WEBEX_APP_NOT_AUTHORIZED', 'the help desk')).toMatchObject({ retry: false, next: expect.stringContaining('the help desk') });
  });

  it.each([
    ['WEBEX_MEETING_NOT_FOUND', 'WebEx does not know that meeting'],
    ['WEBEX_NOT_HOST', 'You are not the host of this meeting'],
    ['WEBEX_RATE_LIMITED', 'WebEx asks the portal to slow down'],
    ['WEBEX_LINK_REFUSED', 'The portal did not trust the meeting link'],
    ['LAUNCH_UNAVAILABLE', 'This way into WebEx is not offered'],
    ['PORTAL_UNAVAILABLE', 'The portal could not complete your Join'],
  ])('%s has its own page: %s', (code, title) => {
    expect(describeLaunchFailure(code, 'x')).toMatchObject({ code, title });
  });
});
