import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildMeetingUrl, formatMeetingNumber, MEETING_NUMBER_LENGTH, parseMeetingNumber, type MeetingNumber } from './meetings';
import { buildLoginUrl, loginFormOf } from './url-api';

const RUNS = { numRuns: 500 };
const asciiDigit = fc.constantFrom(...'0123456789');
const validNumber = fc.array(asciiDigit, { minLength: MEETING_NUMBER_LENGTH.min, maxLength: MEETING_NUMBER_LENGTH.max }).map((digits) => digits.join(''));

describe('parseMeetingNumber', () => {
  it('accepts exactly 9 to 11 ASCII digits, returned unchanged', () => {
    fc.assert(
      fc.property(validNumber, (value) => {
        expect(parseMeetingNumber(value)).toBe(value);
      }),
      RUNS,
    );
  });

  it('refuses every string that is not 9 to 11 ASCII digits', () => {
    const isMeetingNumber = (value: string) => /^[0-9]{9,11}$/.test(value);
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ unit: fc.constantFrom(...'0123456789 +-./%\n٠١٢３') })), (value) => {
        fc.pre(!isMeetingNumber(value));
        expect(parseMeetingNumber(value)).toBeUndefined();
      }),
      RUNS,
    );
  });

  it('refuses a valid number with anything around or inside it', () => {
    fc.assert(
      fc.property(
        validNumber,
        fc.string({ minLength: 1 }).filter((s) => /[^0-9]/.test(s)),
        fc.nat(),
        (value, extra, at) => {
          const position = at % (value.length + 1);
          expect(parseMeetingNumber(value.slice(0, position) + extra + value.slice(position))).toBeUndefined();
        },
      ),
      RUNS,
    );
  });

  it.each([
    ['8 digits', '12345678'],
    ['12 digits', '123456789012'],
    ['Arabic-Indic digits', '١٢٣٤٥٦٧٨٩'],
    ['full-width digits', '１２３４５６７８９'],
    ['a path', '../123456789'],
    ['a trailing newline', '123456789\n'],
    ['__proto__', '__proto__'],
  ])('refuses %s', (_name, value) => {
    expect(parseMeetingNumber(value)).toBeUndefined();
  });

  it('refuses what is not a string', () => {
    for (const value of [123456789, null, undefined, ['123456789'], { toString: () => '123456789' }]) expect(parseMeetingNumber(value)).toBeUndefined();
  });
});

describe('formatMeetingNumber', () => {
  it.each([
    ['123456789', '123 456 789'],
    ['1234567890', '123 456 7890'],
    ['26341234567', '2634 123 4567'],
  ])('%s → %s', (value, shown) => {
    expect(formatMeetingNumber(value as MeetingNumber)).toBe(shown);
  });
});

describe('buildMeetingUrl (MU for a meeting, docs/webex.md §7.9)', () => {
  const site = { baseUrl: 'https://acme.webex.com/', siteName: 'acme', backUrl: 'https://portal.example.com/webex/return?x=1&y=2' };
  const number = parseMeetingNumber('26341234567') as MeetingNumber;

  it('join: {base}/{site}/m.php?AT=JM&MK=…&BU=…', () => {
    const url = new URL(buildMeetingUrl({ ...site, meetingNumber: number, role: 'join' }));
    expect(url.origin + url.pathname).toBe('https://acme.webex.com/acme/m.php');
    expect([...url.searchParams]).toEqual([
      ['AT', 'JM'],
      ['MK', '26341234567'],
      ['BU', site.backUrl],
    ]);
  });

  it('host: AT=HM', () => {
    const url = new URL(buildMeetingUrl({ ...site, meetingNumber: number, role: 'host' }));
    expect(url.searchParams.get('AT')).toBe('HM');
    expect(url.searchParams.getAll('AT')).toHaveLength(1);
  });

  it('always on the site origin, and chains into p.php as MU with BU encoded once more (URLSearchParams)', () => {
    fc.assert(
      fc.property(validNumber, fc.constantFrom('join' as const, 'host' as const), (value, role) => {
        const mu = buildMeetingUrl({ ...site, meetingNumber: value as MeetingNumber, role });
        expect(new URL(mu).origin).toBe('https://acme.webex.com');
        const login = new URL(
          buildLoginUrl({ baseUrl: site.baseUrl, siteName: 'acme', webExID: 'alice', ticket: 't+/=', landingUrl: mu, backUrl: site.backUrl }),
        );
        expect(login.searchParams.get('MU')).toBe(mu);
        expect(new URL(login.searchParams.get('MU') ?? '').searchParams.get('BU')).toBe(site.backUrl);
      }),
      { numRuns: 100 },
    );
    expect(buildMeetingUrl({ ...site, meetingNumber: number, role: 'join' })).toContain('BU=https%3A%2F%2Fportal.example.com%2Fwebex%2Freturn%3Fx%3D1%26y%3D2');
  });

  it('refuses a meeting number that did not come from parseMeetingNumber', () => {
    for (const hostile of ['1&AT=LO', '//evil.example', '12345678']) {
      expect(() => buildMeetingUrl({ ...site, meetingNumber: hostile as MeetingNumber, role: 'join' })).toThrow(
        /meetingNumber must come from parseMeetingNumber/,
      );
    }
  });
});

describe('loginFormOf (POST delivery)', () => {
  it('carries exactly the parameters of the login URL, to p.php without a query', () => {
    const href = buildLoginUrl({
      baseUrl: 'https://acme.webex.com',
      siteName: 'acme',
      webExID: 'alice',
      ticket: 'ab+c/d=e==',
      landingUrl: 'https://acme.webex.com/acme/m.php?AT=JM&MK=123456789',
      backUrl: 'https://portal.example.com/webex/return',
    });
    const form = loginFormOf(href);
    expect(form.action).toBe('https://acme.webex.com/acme/p.php');
    expect(form.fields).toEqual([
      ['AT', 'LI'],
      ['WID', 'alice'],
      ['TK', 'ab+c/d=e=='],
      ['MU', 'https://acme.webex.com/acme/m.php?AT=JM&MK=123456789'],
      ['BU', 'https://portal.example.com/webex/return'],
    ]);
  });
});
