import { scriptNonce, scriptString } from '../_lib/script-nonce';
import { TZ_COOKIE } from '../_lib/time-zone';

/**
 * Tells the server the browser's time zone without a round trip of its own: a tiny inline script
 * (with the request's CSP nonce) writes it to a cookie on load, and the next page (the home page
 * after the sign-in, usually) shows times in it. A cookie, not a request parameter: the server
 * needs it before the page is written. Nothing else is read or sent.
 */
export async function TimeZoneCookie({ secure }: { secure: boolean }) {
  const nonce = await scriptNonce();
  const attributes = `; path=/; max-age=31536000; samesite=lax${secure ? '; secure' : ''}`;
  const script =
    `try{var z=Intl.DateTimeFormat().resolvedOptions().timeZone;` +
    `if(z&&(';'+document.cookie.replace(/ /g,'')+';').indexOf(';'+${scriptString(TZ_COOKIE)}+'='+z+';')<0)` +
    `document.cookie=${scriptString(TZ_COOKIE)}+'='+z+${scriptString(attributes)}}catch(e){}`;
  return <script nonce={nonce} dangerouslySetInnerHTML={{ __html: script }} />;
}
