/** The employee's days in their zone, with the network off: DST days, skipped midnights, aliases, outside input. */
import { describe, expect, it } from 'vitest';
import { clockTime, dayLabel, dayWindow, FALLBACK_ZONE, instantOf, isoInstant, parseTimeZone, parseWebexTime } from './time-zone';

const HOUR = 3_600_000;
const at = (iso: string) => Date.parse(iso);

describe('parseTimeZone (the tz cookie)', () => {
  it.each([
    ['Europe/Berlin', 'Europe/Berlin'],
    ['UTC', 'UTC'],
    ['Etc/UTC', 'Etc/UTC'],
    // an alias a newer browser sends, which this runtime knows by its old name
    ['Asia/Kolkata', 'Asia/Kolkata'],
    ['America/Argentina/Buenos_Aires', 'America/Argentina/Buenos_Aires'],
  ])('%s is a zone', (value, expected) => {
    expect(parseTimeZone(value)).toBe(expected);
  });

  it.each([
    ['Mars/Olympus'],
    ['__proto__'],
    ['constructor'],
    ['+01:00'],
    [''],
    ['Europe/Berlin; path=/'],
    ['a'.repeat(200)],
    [undefined],
    [42],
    ['../etc/passwd'],
  ])('%s is not', (value) => {
    expect(parseTimeZone(value)).toBeUndefined();
  });

  it('falls back to UTC', () => {
    expect(FALLBACK_ZONE).toBe('UTC');
  });
});

describe('dayWindow', () => {
  it('an ordinary day in Berlin is 24 hours from local midnight; 8 days end a week later at midnight', () => {
    const w = dayWindow(at('2026-06-10T10:00:00Z'), 'Europe/Berlin', 8);
    expect(w.date).toBe('2026-06-10');
    expect(isoInstant(w.start)).toBe('2026-06-09T22:00:00Z');
    expect(w.tomorrow - w.start).toBe(24 * HOUR);
    expect(isoInstant(w.end)).toBe('2026-06-17T22:00:00Z');
  });

  it('Europe/Berlin 2026-10-25, the day the clocks go back, is 25 hours', () => {
    const w = dayWindow(at('2026-10-25T09:00:00Z'), 'Europe/Berlin', 8);
    expect(w.date).toBe('2026-10-25');
    expect(isoInstant(w.start)).toBe('2026-10-24T22:00:00Z');
    expect(isoInstant(w.tomorrow)).toBe('2026-10-25T23:00:00Z');
    expect(w.tomorrow - w.start).toBe(25 * HOUR);
    // and the window's end is midnight of winter time
    expect(isoInstant(w.end)).toBe('2026-11-01T23:00:00Z');
  });

  it('Europe/Berlin 2026-03-29, the day the clocks go forward, is 23 hours', () => {
    const w = dayWindow(at('2026-03-29T12:00:00Z'), 'Europe/Berlin', 1);
    expect(isoInstant(w.start)).toBe('2026-03-28T23:00:00Z');
    expect(w.end - w.start).toBe(23 * HOUR);
  });

  it('just after local midnight it is already the new day there, while still yesterday in UTC', () => {
    const w = dayWindow(at('2026-06-09T22:30:00Z'), 'Europe/Berlin', 1);
    expect(w.date).toBe('2026-06-10');
    const utc = dayWindow(at('2026-06-09T22:30:00Z'), 'UTC', 1);
    expect(utc.date).toBe('2026-06-09');
  });

  it('where the clocks skip midnight itself (Havana, 2026-03-08), the day begins at 01:00', () => {
    const w = dayWindow(at('2026-03-08T15:00:00Z'), 'America/Havana', 1);
    expect(isoInstant(w.start)).toBe('2026-03-08T05:00:00Z');
    expect(clockTime(w.start, 'America/Havana')).toBe('01:00');
    expect(w.end - w.start).toBe(23 * HOUR);
  });

  it('across a year end and in a zone ahead of UTC by more than half a day', () => {
    const w = dayWindow(at('2026-12-31T12:00:00Z'), 'Pacific/Kiritimati', 2);
    expect(w.date).toBe('2027-01-01');
    expect(isoInstant(w.start)).toBe('2026-12-31T10:00:00Z');
    expect(isoInstant(w.end)).toBe('2027-01-02T10:00:00Z');
  });
});

describe('instantOf and parseWebexTime', () => {
  it('a wall-clock time that happens twice is the first one; one that never happens is just after the gap', () => {
    expect(isoInstant(instantOf('Europe/Berlin', { year: 2026, month: 10, day: 25, hour: 2, minute: 30, second: 0 }))).toBe('2026-10-25T00:30:00Z');
    expect(isoInstant(instantOf('Europe/Berlin', { year: 2026, month: 3, day: 29, hour: 2, minute: 30, second: 0 }))).toBe('2026-03-29T01:30:00Z');
  });

  it("reads Z, offsets, and wall-clock times in the meeting's zone", () => {
    expect(parseWebexTime('2026-10-25T09:00:00Z', 'UTC')).toBe(at('2026-10-25T09:00:00Z'));
    expect(parseWebexTime('2026-10-25T10:00:00+01:00', 'UTC')).toBe(at('2026-10-25T09:00:00Z'));
    expect(parseWebexTime('2026-10-25T10:00:00', 'Europe/Berlin')).toBe(at('2026-10-25T09:00:00Z'));
    expect(parseWebexTime('2026-10-24T10:00', 'Europe/Berlin')).toBe(at('2026-10-24T08:00:00Z'));
    expect(parseWebexTime('tomorrow', 'UTC')).toBeNaN();
    expect(parseWebexTime('2026-10-25T10:00:00', 'Mars/Olympus')).toBeNaN();
  });
});

describe('clockTime and dayLabel', () => {
  it('show the time in the zone on the 24-hour clock, before and after the change', () => {
    expect(clockTime(at('2026-10-25T00:30:00Z'), 'Europe/Berlin')).toBe('02:30');
    expect(clockTime(at('2026-10-25T01:30:00Z'), 'Europe/Berlin')).toBe('02:30');
    expect(clockTime(at('2026-10-25T22:59:00Z'), 'Europe/Berlin')).toBe('23:59');
    expect(clockTime(at('2026-10-25T23:00:00Z'), 'Europe/Berlin')).toBe('00:00');
    expect(dayLabel(at('2026-10-27T09:00:00Z'), 'Europe/Berlin')).toBe('Tue 27 Oct');
  });
});
