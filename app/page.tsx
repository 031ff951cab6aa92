import { JoinButton } from './join-button';
import { getPortalUser } from '@/lib/auth';
import { getConfig } from '@/lib/config';
import { getDb } from '@/lib/db';
import { resolveWebexAccount } from '@/lib/mappings/resolve';

export const dynamic = 'force-dynamic';

export default async function HomePage() {
  const user = await getPortalUser();
  if (!user) {
    return (
      <section className="card">
        <h1>Welcome</h1>
        <p>Sign in with {getConfig().oidc.displayName} to join WebEx as your own host account.</p>
        <div className="actions">
          <a className="button" href="/api/auth/signin?callbackUrl=%2F">Sign in</a>
        </div>
      </section>
    );
  }

  const { db } = await getDb();
  const account = await resolveWebexAccount(db, user, getConfig().mappingRule);
  return (
    <>
      <section className="card">
        <h1>Hello, {user.name}</h1>
        <p className="muted">Signed in as {user.email}</p>
        <div className="actions">
          {user.isAdmin && (
            <a className="button secondary" href="/admin">
              WebEx settings
            </a>
          )}
          <a className="button secondary" href="/api/auth/signout">Sign out</a>
        </div>
      </section>
      {account ? (
        <section className="card" aria-label="WebEx">
          <h2>WebEx</h2>
          <p>
            You join as WebEx host <strong data-testid="webex-id">{account.webexId}</strong>
            <span className="muted">
              {account.source === 'mapping' ? ' (linked by your administrator)' : ' (derived by the company rule)'}
            </span>
            .
          </p>
          <div className="actions">
            <JoinButton />
          </div>
        </section>
      ) : (
        <section className="card problem" aria-label="WebEx">
          <h2>Your account is not linked to WebEx yet</h2>
          <p>Ask {getConfig().supportContact} to link your portal account to your WebEx host account.</p>
        </section>
      )}
    </>
  );
}
