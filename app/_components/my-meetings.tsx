import { Suspense } from 'react';
import {
  arrangeMeetings,
  clockTime,
  dayLabel,
  isoInstant,
  type MeetingRow,
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
export function MyMeetingsSection(props: { email: string; hostEmail: string; zone: string; zoneKnown: boolean; isAdmin: boolean }) {
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

async function MyMeetings({
  email,
  hostEmail,
  zone,
  zoneKnown,
  isAdmin,
}: {
  email: string;
  hostEmail: string;
  zone: string;
  zoneKnown: boolean;
  isAdmin: boolean;
}) {
  const list = await getMeetingList();
  if (!list) return null;
  const result = await list.forEmployee({ email, hostEmail }, zone);
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
  return (
    <>
      <h3 id="meetings-today">Today</h3>
      {today.length > 0 ? (
        <MeetingRows rows={today} zone={zone} labelledBy="meetings-today" withDay={false} />
      ) : (
        <p data-testid="meetings-none-today">You have no WebEx meetings today.</p>
      )}
      <details>
        <summary id="meetings-later">
          Next 7 days ({later.length} {later.length === 1 ? 'meeting' : 'meetings'})
        </summary>
        {later.length > 0 ? <MeetingRows rows={later} zone={zone} labelledBy="meetings-later" withDay /> : <p>No WebEx meetings in the next 7 days.</p>}
      </details>
      <p className="muted">
        Times in {zone}
        {zoneKnown ? '' : " (your browser's zone is used from your next visit)"}.
        {!result.complete && ' WebEx has more meetings than the portal lists; the first 500 are shown.'}
      </p>
    </>
  );
}

function MeetingRows({ rows, zone, labelledBy, withDay }: { rows: MeetingRow[]; zone: string; labelledBy: string; withDay: boolean }) {
  return (
    <ul className="meetings" aria-labelledby={labelledBy}>
      {rows.map((row) => {
        const status = STATUS_WORDS[row.status];
        const action = row.launch === 'host' ? 'Start as host' : 'Join';
        return (
          <li key={row.id} className="meeting" data-testid="meeting">
            <div className="meeting-about">
              <a href={`/meet/${row.number}`} className="meeting-title">
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
              </span>
            </div>
            <JoinButton
              label={action}
              accessibleName={`${action}: ${row.title}`}
              target={{ kind: 'meeting', number: row.number, role: row.launch }}
              secondary={row.status !== 'in-progress' && row.launch === 'join'}
            />
          </li>
        );
      })}
    </ul>
  );
}
