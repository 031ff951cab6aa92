import { Suspense } from 'react';
import {
  arrangeMeetings,
  clockTime,
  dayLabel,
  isoInstant,
  type MeetingRow,
  meetingsAcrossSites,
  meetingsNotice,
  type MeetingStatus,
  type MeetingRoleOfEmployee,
} from '@/lib/meetings';
import { getMeetingList } from '@/lib/server';
import { JoinButton } from './join-button';

/**
 * "Your meetings" on the home page (WEBEX_LAUNCH_API=rest|auto): the section is written at once and
 * the list streams in after it (Suspense), so a slow WebEx never holds up the page or its buttons.
 * Each row's button is the usual POST to /launch, which asks WebEx again: the list offers, it
 * never authorizes.
 */
/** Whose list, on which site: one per site the employee has an account on ('' the default site). */
export interface MeetingSource {
  key: string;
  siteName: string;
  displayName: string;
  /** the WebEx e-mail the Service App reads for there (hostEmailFor) */
  hostEmail: string;
}

type SectionProps = { email: string; sources: readonly MeetingSource[]; zone: string; zoneKnown: boolean; isAdmin: boolean };

export function MyMeetingsSection(props: SectionProps) {
  return (
    <section className="card" aria-labelledby="my-meetings-title" data-testid="my-meetings">
      <h2 id="my-meetings-title">Your meetings</h2>
      <Suspense
        fallback={
          <p className="muted" role="status" data-testid="meetings-loading">
            Loading your meetings from WebEx…
          </p>
        }
      >
        <MyMeetings {...props} />
      </Suspense>
    </section>
  );
}

const ROLE_WORDS: Record<MeetingRoleOfEmployee, string> = { host: 'You host', cohost: 'You cohost', invitee: 'Invited' };
const STATUS_WORDS: Record<MeetingStatus, string | undefined> = { 'in-progress': 'In progress', ready: 'About to start', scheduled: undefined };

async function MyMeetings({ email, sources, zone, zoneKnown, isAdmin }: SectionProps) {
  // with several sites, every site's list at once, as one
  const lists = (
    await Promise.all(sources.map(async (source) => ({ source, list: await getMeetingList(source.key), employee: { email, hostEmail: source.hostEmail } })))
  ).flatMap(({ source, list, employee }) => (list ? [{ site: source.key, list, employee }] : []));
  if (lists.length === 0) return null;
  const result = await meetingsAcrossSites(lists, zone);
  // a row's site (none: the default site's key '') shown by display name when the employee has several
  const siteNames = sources.length > 1 ? new Map(sources.map((s) => [s.key, s.displayName])) : undefined;
  if (!result.ok) {
    return (
      <p role="status" data-testid="meetings-failed">
        {meetingsNotice(result.code)}
        {isAdmin && (
          <>
            {' '}
            <a href="/admin#service-app-title">Why: the Service App check</a>
          </>
        )}
      </p>
    );
  }
  const { today, later } = arrangeMeetings(result.meetings, result.window, result.readAt);
  const failed = sources.filter((s) => result.failedSites.includes(s.key)).map((s) => s.displayName);
  return (
    <>
      {failed.length > 0 && (
        <p role="status" data-testid="meetings-failed-sites">
          Your meetings on {failed.join(', ')} could not be read from WebEx just now; the others are below.
        </p>
      )}
      <h3 id="meetings-today">Today</h3>
      {today.length > 0 ? (
        <MeetingRows rows={today} zone={zone} labelledBy="meetings-today" withDay={false} siteNames={siteNames} />
      ) : (
        <p data-testid="meetings-none-today">You have no WebEx meetings today.</p>
      )}
      <details>
        <summary id="meetings-later">
          Next 7 days ({later.length} {later.length === 1 ? 'meeting' : 'meetings'})
        </summary>
        {later.length > 0 ? (
          <MeetingRows rows={later} zone={zone} labelledBy="meetings-later" withDay siteNames={siteNames} />
        ) : (
          <p>No WebEx meetings in the next 7 days.</p>
        )}
      </details>
      <p className="muted">
        Times in {zone}
        {zoneKnown ? '' : " (your browser's zone is used from your next visit)"}.
        {!result.complete && ' WebEx has more meetings than the portal lists; the first 500 are shown.'}
      </p>
    </>
  );
}

function MeetingRows({
  rows,
  zone,
  labelledBy,
  withDay,
  siteNames,
}: {
  rows: MeetingRow[];
  zone: string;
  labelledBy: string;
  withDay: boolean;
  siteNames: ReadonlyMap<string, string> | undefined;
}) {
  return (
    <ul className="meetings" aria-labelledby={labelledBy}>
      {rows.map((row) => {
        const status = STATUS_WORDS[row.status];
        const action = row.launch === 'host' ? 'Start as host' : 'Join';
        return (
          <li key={row.id} className="meeting" data-testid="meeting">
            <div className="meeting-about">
              <a href={row.site ? `/meet/${row.site}/${row.number}` : `/meet/${row.number}`} className="meeting-title">
                {row.title}
              </a>
              <span className="meeting-time">
                {withDay && `${dayLabel(row.start, zone)}, `}
                <time dateTime={isoInstant(row.start)}>{clockTime(row.start, zone)}</time>–
                <time dateTime={isoInstant(row.end)}>{clockTime(row.end, zone)}</time>
              </span>
              <span className="meeting-facts">
                {status && <strong className="meeting-status">{status}</strong>}
                {status && ' · '}
                {ROLE_WORDS[row.role]}
                {siteNames && ` · ${siteNames.get(row.site ?? '') ?? ''}`}
              </span>
            </div>
            <JoinButton
              label={action}
              accessibleName={`${action}: ${row.title}`}
              target={{ kind: 'meeting', number: row.number, role: row.launch, ...(row.site ? { site: row.site } : {}) }}
              secondary={row.status !== 'in-progress' && row.launch === 'join'}
            />
          </li>
        );
      })}
    </ul>
  );
}
