/**
 * The portal's edge: which requests come from its own pages, the headers every answer carries,
 * the bodies it accepts, and the one Set-Cookie serializer.
 */
export { clearCookie, readCookie, serializeCookie } from './cookies';
export { bodyRefusal, isUploadPath, refuseBody } from './request-limits';
export { crossOriginRefusal, isCrossOriginWrite, isSameOriginRequest } from './same-origin';
export { newNonce, securityHeaders } from './security-headers';
