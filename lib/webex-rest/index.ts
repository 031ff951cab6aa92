/**
 * The REST path (docs/webex.md §9): meetings started or joined through the company's Service App,
 * for sites past the XML and URL API retirement. The second adapter of the launch beside
 * lib/webex's XML client, on the same transport, exchange habits and error vocabulary.
 */
export {
  createWebexRestClient,
  LIST_MEETINGS_SCOPE,
  type ListedPages,
  type MeetingInvitee,
  type RestIdentity,
  type ScheduledMeeting,
  type WebexRestClient,
} from './client';
export { DEFAULT_LINK_HOSTS, type LinkHosts, parseLinkHosts } from './link-hosts';
export { hostEmailFor, meetingLink, type RestLaunchDeps, type TokenSource } from './meeting-links';
export { type RestSettings } from './settings';
