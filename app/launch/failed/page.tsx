import { ConnectButton } from '../../_components/connect-button';
import { ProblemCard } from '../../_components/problem-card';
import { getConfig } from '@/lib/config';
import { CONNECT_CODES, describeLaunchFailure, parseLaunchTarget } from '@/lib/launch';

export const dynamic = 'force-dynamic';

export default async function LaunchFailedPage({
  searchParams,
}: {
  searchParams: Promise<{
    code?: string | string[];
    retry?: string | string[];
    meeting?: string | string[];
    role?: string | string[];
    room?: string | string[];
  }>;
}) {
  const { code, retry, meeting, role, room } = await searchParams;
  // the meeting (or personal room) of a failed launch, for "Try again" and "Back to the meeting"; a bad one is ignored
  const target = ((typeof meeting === 'string' || typeof room === 'string') && parseLaunchTarget(meeting, role, room)) || undefined;
  const problem = describeLaunchFailure(typeof code === 'string' ? code : undefined, getConfig().supportContact);
  // how long to wait, when the portal or WebEx said so (digits only: it is shown, never trusted)
  const waits = problem.code === 'RATE_LIMITED' || problem.code === 'WEBEX_RATE_LIMITED';
  const wait = waits && typeof retry === 'string' && /^\d{1,5}$/.test(retry) ? `Try again in ${retry} seconds.` : undefined;
  const action = CONNECT_CODES.has(problem.code) ? (
    <ConnectButton label={problem.code === 'WEBEX_NOT_CONNECTED' ? 'Connect WebEx' : 'Reconnect WebEx'} />
  ) : undefined;
  return <ProblemCard problem={problem} action={action} detail={wait} target={target} />;
}
