import { ProblemCard } from '../../problem-card';
import { getConfig } from '@/lib/config';
import { describeLaunchFailure } from '@/lib/problems';

export const dynamic = 'force-dynamic';

export default async function LaunchFailedPage({ searchParams }: { searchParams: Promise<{ code?: string | string[] }> }) {
  const { code } = await searchParams;
  const problem = describeLaunchFailure(typeof code === 'string' ? code : undefined, getConfig().supportContact);
  return <ProblemCard problem={problem} />;
}
