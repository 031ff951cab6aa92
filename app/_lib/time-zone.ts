import { cookies } from 'next/headers';
import { FALLBACK_ZONE, parseTimeZone } from '@/lib/meetings';

/** The cookie the browser names its time zone in (app/_components/time-zone-cookie.tsx sets it). */
export const TZ_COOKIE = 'tz';

/** The employee's time zone as their browser last named it, when this runtime knows it; else UTC. */
export async function employeeTimeZone(): Promise<{ zone: string; known: boolean }> {
  const zone = parseTimeZone((await cookies()).get(TZ_COOKIE)?.value);
  return zone ? { zone, known: true } : { zone: FALLBACK_ZONE, known: false };
}
