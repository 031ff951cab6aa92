/**
 * The employee's days in their own time zone, with nothing but Intl: which zone a browser named,
 * where a calendar day begins and ends there (23, 24 or 25 hours around a daylight-saving change,
 * and where midnight itself is skipped), and times as the list shows them.
 */

/** When the browser named no zone, or one this runtime does not know. */
export const FALLBACK_ZONE = 'UTC';

// Node's list spells some zones the old way (Asia/Calcutta) and leaves out UTC itself
const KNOWN_ZONES: ReadonlySet<string> = new Set([...Intl.supportedValuesOf('timeZone'), FALLBACK_ZONE]);
// what an IANA name can hold; anything else is refused before Intl sees it
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/;

/**
 * A zone from outside (the `tz` cookie) when this runtime knows it, as the browser spelled it (an
 * alias such as Asia/Kolkata is accepted when it resolves to a zone of `Intl.supportedValuesOf`);
 * undefined for anything else.
 */
export function parseTimeZone(value: unknown): string | undefined {
  if (typeof value !== 'string' || !ZONE_NAME.test(value)) return undefined;
  if (KNOWN_ZONES.has(value)) return value;
  try {
    return KNOWN_ZONES.has(new Intl.DateTimeFormat('en', { timeZone: value }).resolvedOptions().timeZone) ? value : undefined;
  } catch {
    return undefined;
  }
}

interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

// one formatter per zone: at most the few hundred zones there are
const partFormatters = new Map<string, Intl.DateTimeFormat>();

function fieldsIn(zone: string, instant: number): Fields {
  let format = partFormatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    partFormatters.set(zone, format);
  }
  const parts = new Map<string, number>(format.formatToParts(instant).map((p) => [p.type, Number(p.value)]));
  const get = (name: string) => parts.get(name) ?? 0;
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute'), second: get('second') };
}

const DAY = 86_400_000;
const utcOf = (f: Fields) => Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second);

/** How far the zone's wall clock is ahead of UTC at that instant, in ms. */
function offsetAt(zone: string, instant: number): number {
  const whole = Math.floor(instant / 1000) * 1000;
  return utcOf(fieldsIn(zone, whole)) - whole;
}

/**
 * The instant a wall-clock time in `zone` names: the earlier one when it happens twice (clocks set
 * back), the first instant after the gap when it never happens (clocks set forward).
 */
export function instantOf(zone: string, wall: Fields): number {
  const guess = utcOf(wall);
  // the offsets in force a day before and a day after cover both sides of a change near that time
  const candidates = [guess - DAY, guess, guess + DAY].map((near) => guess - offsetAt(zone, near));
  const exact = candidates.filter((candidate) => utcOf(fieldsIn(zone, candidate)) === guess);
  return exact.length > 0 ? Math.min(...exact) : Math.max(...candidates);
}

/** The first instant of the calendar day `days` after the one `instant` falls on, in `zone`. */
function startOfDay(zone: string, instant: number, days: number): number {
  const today = fieldsIn(zone, instant);
  // Date.UTC carries the day over month and year ends
  const date = new Date(Date.UTC(today.year, today.month - 1, today.day + days));
  return instantOf(zone, { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate(), hour: 0, minute: 0, second: 0 });
}

/** ISO 8601 in UTC, to the second, as WebEx takes `from` and `to`. */
export function isoInstant(instant: number): string {
  return new Date(instant).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Today and the days after it in one zone: what "Today" and "the next 7 days" cover. */
export interface DayWindow {
  zone: string;
  /** the calendar date of today there, YYYY-MM-DD */
  date: string;
  /** the first instant of today, of tomorrow, and of the day after the window (epoch ms) */
  start: number;
  tomorrow: number;
  end: number;
}

/** The days `[today, today + days)` in `zone`, seen at `now`: each as long as that zone's clock makes it. */
export function dayWindow(now: number, zone: string, days: number): DayWindow {
  const today = fieldsIn(zone, now);
  const pad = (n: number) => String(n).padStart(2, '0');
  return {
    zone,
    date: `${today.year}-${pad(today.month)}-${pad(today.day)}`,
    start: startOfDay(zone, now, 0),
    tomorrow: startOfDay(zone, now, 1),
    end: startOfDay(zone, now, days),
  };
}

const WITH_OFFSET = /(?:Z|[+-]\d{2}(?::?\d{2})?)$/i;
const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/;

/**
 * An ISO 8601 time as WebEx writes `start` and `end`: with Z or an offset, or as wall-clock time in
 * the meeting's `timezone` (docs/webex.md §9.8: which of the two is unverified). NaN when it is neither.
 */
export function parseWebexTime(value: string, zone: string): number {
  if (WITH_OFFSET.test(value)) return Date.parse(value);
  const local = LOCAL.exec(value);
  if (!local || parseTimeZone(zone) === undefined) return Number.NaN;
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = local.slice(1).map((part) => (part === undefined ? 0 : Number(part)));
  return instantOf(zone, { year, month, day, hour, minute, second });
}

const clockFormatters = new Map<string, Intl.DateTimeFormat>();
const dayFormatters = new Map<string, Intl.DateTimeFormat>();

function formatter(cache: Map<string, Intl.DateTimeFormat>, zone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  let format = cache.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { timeZone: zone, ...options });
    cache.set(zone, format);
  }
  return format;
}

/** "09:00" on the 24-hour clock, in `zone`. */
export function clockTime(instant: number, zone: string): string {
  return formatter(clockFormatters, zone, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(instant);
}

/** "Tue 27 Oct", in `zone`. */
export function dayLabel(instant: number, zone: string): string {
  return formatter(dayFormatters, zone, { weekday: 'short', day: 'numeric', month: 'short' }).format(instant).replace(',', '');
}
