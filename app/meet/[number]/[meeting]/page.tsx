import type { Metadata } from 'next';
import { MeetingLaunch } from '../../_components/meeting-launch';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Join a WebEx meeting · Company portal' };

/** `/meet/{site}/{meeting number}`: a meeting on another of the company's WebEx sites than the employee's own. */
export default async function SiteMeetingPage({ params }: { params: Promise<{ number: string; meeting: string }> }) {
  const { number: site, meeting } = await params;
  return <MeetingLaunch number={meeting} site={site} />;
}
