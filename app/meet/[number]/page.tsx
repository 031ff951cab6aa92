import type { Metadata } from 'next';
import { MeetingLaunch } from '../_components/meeting-launch';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Join a WebEx meeting · Company portal' };

/**
 * A meeting link for invites: `/meet/{meeting number}`. A GET only shows the number and the two
 * buttons (links in invites get previewed and prefetched); each button is a POST to /launch, which
 * signs the employee in to WebEx and takes them into the meeting. Anything but a meeting number is
 * a 404, never a redirect.
 */
export default async function MeetingPage({ params }: { params: Promise<{ number: string }> }) {
  return <MeetingLaunch number={(await params).number} />;
}
