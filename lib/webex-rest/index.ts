/**
 * The REST path (reference §10): meetings started or joined through the company's Service App,
 * for sites past the XML and URL API retirement. The second adapter of the launch beside
 * lib/webex's XML client, on the same transport, exchange habits and error vocabulary.
 */
export * from './client';
export * from './link-hosts';
export * from './meeting-links';
export * from './service-app';
