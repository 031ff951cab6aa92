import { headers } from 'next/headers';

/**
 * The nonce of this request's Content-Security-Policy, when the proxy set one (`x-nonce`, the
 * pattern of Next.js's CSP guide). Every inline script the portal writes carries it, so the
 * script still runs once script-src allows nonce'd scripts only.
 */
export async function scriptNonce(): Promise<string | undefined> {
  return (await headers()).get('x-nonce') ?? undefined;
}

/** A JavaScript string literal that is also safe inside an HTML <script> element. */
export function scriptString(text: string): string {
  return JSON.stringify(text).replace(/[<>&\u2028\u2029]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
