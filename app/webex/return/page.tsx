import { ProblemCard } from '../../problem-card';
import { firstParam, type SearchParams } from '../../search-params';
import { getConfig } from '@/lib/config';
import { describeLoginFailure } from '@/lib/problems';

export const dynamic = 'force-dynamic';


/** BU: WebEx comes back here with AT=…&ST=FAIL&RS=… when a login did not work. */
export default async function WebexReturnPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const status = firstParam(params.ST).toUpperCase();
  if (status === 'SUCCESS') {
    return (
      <section className="card">
        <h1>You are signed in to WebEx</h1>
        <p>WebEx confirmed the sign-in. You can close this tab or go back to the portal.</p>
        <a className="button secondary" href="/">Back to the portal</a>
      </section>
    );
  }
  const rs = firstParam(params.RS) || undefined;
  const problem = describeLoginFailure(rs, getConfig().supportContact);
  // RS is shown as text (React escapes it); a long or odd value is cut, not trusted.
  return <ProblemCard problem={problem} detail={rs ? `WebEx said: ${rs.slice(0, 64)}` : 'WebEx gave no reason'} />;
}
