import { cookies } from 'next/headers';
import { getDb, getPortalUser, getSite } from '@/lib/server';
import { getConfig } from '@/lib/config';
import { CONNECT_COOKIE, connectCookie, connectSiteOf, finishConnect } from '@/lib/credentials';
import { resolveWebexAccount } from '@/lib/mappings';
import { redirectTo } from '../../../_lib/responses';

export const dynamic = 'force-dynamic';

/** WebEx sends the employee back here with ?code&state (or ?error): finish, on the site the connection was started for, then home or an explanation. */
export async function GET(request: Request): Promise<Response> {
  const config = getConfig();
  const failed = (code: string) =>
    redirectTo(new URL(`/launch/failed?code=${encodeURIComponent(code)}`, config.appUrl), 303, [connectCookie(undefined, config.appUrl)]);
  const pending = (await cookies()).get(CONNECT_COOKIE)?.value;
  const site = await getSite((await connectSiteOf(pending, config.secretKeys)) ?? '');
  const user = await getPortalUser();
  // the portal session ended meanwhile: the state cookie alone proves nothing
  if (!site?.connect || !user) return failed('CONNECT_EXPIRED');
  const { db } = await getDb();
  const account = await resolveWebexAccount(db, user, config.mappingRule, site.site.key, config.siteRules);
  if (!account) return failed('MAPPING_MISSING');
  // the query (code, state) is read from the request as WebEx sent it; the origin is ours
  const callback = new URL(`${new URL(request.url).search}`, config.hostCredentials.mode === 'oauth' ? config.hostCredentials.redirectUri : config.appUrl);
  const result = await finishConnect(site.connect, { email: user.email, webexId: account.webexId }, callback, pending);
  if (!result.ok) return failed(result.code);
  return redirectTo(new URL('/?connected=1', config.appUrl), 303, [connectCookie(undefined, config.appUrl)]);
}
