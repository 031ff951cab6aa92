import { answerJoin } from '@/lib/launch';
import { getJoinDeps } from '@/lib/server';
import { launchResponse } from '../_lib/launch-response';
import { goHome } from '../_lib/form-post';

// Every answer here is per-user and one-time: never pre-rendered, never cached.
export const dynamic = 'force-dynamic';

// A GET (a typed URL, a link preview, a prefetch) only shows the page with the Join button.
export const GET = goHome;

/**
 * The Join form's fields. Our forms post urlencoded, read here as text (undici's formData() costs
 * far more for two fields: docs/performance.md §5.1); anything else goes through formData().
 */
async function readForm(request: Request): Promise<URLSearchParams | FormData | undefined> {
  if (request.headers.get('content-type')?.startsWith('application/x-www-form-urlencoded')) return new URLSearchParams(await request.text().catch(() => ''));
  return request.formData().catch(() => undefined);
}

/** Join WebEx, a meeting's Join / Start as host, or a step of the AlreadyLogon recovery (lib/launch answerJoin). */
export async function POST(request: Request): Promise<Response> {
  return launchResponse(await answerJoin({ headers: request.headers, readForm: () => readForm(request) }, getJoinDeps()));
}
