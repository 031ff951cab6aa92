/** The launch's pure decisions: which target a form names, and which API serves it under WEBEX_LAUNCH_API. */
import { describe, expect, it } from 'vitest';
import { HOME, launchPathFor, type LaunchTarget, pageOf, parseLaunchTarget, PERSONAL_ROOM } from './target';
import { parseMeetingNumber, type MeetingNumber } from '../webex';

const NUMBER = parseMeetingNumber('123456789') as MeetingNumber;
const JOIN: LaunchTarget = { kind: 'meeting', number: NUMBER, role: 'join' };
const HOST: LaunchTarget = { kind: 'meeting', number: NUMBER, role: 'host' };

describe('parseLaunchTarget', () => {
  it.each<[unknown, unknown, unknown, LaunchTarget | undefined]>([
    [null, null, null, HOME],
    [undefined, undefined, undefined, HOME],
    ['123456789', 'join', null, JOIN],
    ['123456789', 'host', undefined, HOST],
    [null, null, 'personal', PERSONAL_ROOM],
    [null, null, 'Personal', undefined],
    [null, null, '', undefined],
    ['123456789', 'join', 'personal', undefined],
    [null, 'host', 'personal', undefined],
    [null, 'host', null, undefined],
    ['12345', 'join', null, undefined],
  ])('meeting=%j role=%j room=%j → %j', (meeting, role, room, target) => {
    expect(parseLaunchTarget(meeting, role, room)).toEqual(target);
  });

  it('a personal room comes back to the home page after sign-in', () => {
    expect(pageOf(PERSONAL_ROOM)).toBe('/');
    expect(pageOf(JOIN)).toBe('/meet/123456789');
  });
});

describe('launchPathFor', () => {
  it.each<[string, LaunchTarget, 'xml' | 'rest' | undefined, 'xml' | 'rest' | undefined, 'xml' | 'rest' | undefined]>([
    // target, xml, rest, auto
    ['the site home', HOME, 'xml', undefined, 'xml'],
    ['a meeting join', JOIN, 'xml', 'rest', 'rest'],
    ['a meeting start', HOST, 'xml', 'rest', 'rest'],
    ['the personal room', PERSONAL_ROOM, undefined, 'rest', 'rest'],
  ])('%s: xml → %s, rest → %s, auto → %s', (_name, target, xml, rest, auto) => {
    expect([launchPathFor('xml', target), launchPathFor('rest', target), launchPathFor('auto', target)]).toEqual([xml, rest, auto]);
  });
});
