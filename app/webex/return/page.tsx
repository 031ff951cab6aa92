import { ProblemCard } from '../../problem-card';
import { getConfig } from '@/lib/config';
import { describeLoginFailure } from '@/lib/problems';

export const dynamic = 'force-dynamic';

type Params = Promise<Record<string, string | string[] | undefined>>;

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/** BU: WebEx comes back here with AT=…&ST=FAIL&RS=… when a login did not work. */
export default async function WebexReturnPage({ searchParams }: { searchParams: Params }) {
  const params = await searchParams;
  const status = first(params.ST)?.toUpperCase();
  if (status === 'SUCCESS') {
    return (
      <section className="card">
        <h1>You are signed in to WebEx</h1>
        <p>WebEx confirmed the sign-in. You can close this tab or go back to the portal.</p>
        <a className="button secondary" href="/">Back to the portal</a>
      </section>
    );
  }
  const rs = first(params.RS);
  const problem = describeLoginFailure(rs, getConfig().supportContact);
  // RS is shown as text (React escapes it); a long or odd value is cut, not trusted.
  return <ProblemCard problem={problem} detail={rs ? `WebEx said: ${rs.slice(0, 64)}` : 'WebEx gave no reason'} />;
}
