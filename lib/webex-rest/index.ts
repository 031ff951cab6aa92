/**
 * The REST path (docs/webex.md §9): meetings started or joined through the company's Service App,
 * for sites past the XML and URL API retirement. The second adapter of the launch beside
 * lib/webex's XML client, on the same transport, exchange habits and error vocabulary.
 */
export { createWebexRestClient, type RestIdentity } from './client';
export { DEFAULT_LINK_HOSTS, type LinkHosts, parseLinkHosts } from './link-hosts';
export { hostEmailFor, meetingLink, type RestLaunchDeps } from './meeting-links';
export { type RestSettings } from './settings';
