import type { ReactNode } from 'react';
import { JoinButton } from './join-button';
import type { LaunchTarget, Problem } from '@/lib/launch';

/**
 * One failure, told to an employee: what happened, what to do, and a retry when it can help. A
 * meeting's retry is its page, where the number shows (this page's query string is anybody's).
 */
export function ProblemCard({ problem, detail, action, target }: { problem: Problem; detail?: string; action?: ReactNode; target?: LaunchTarget }) {
  return (
    <section className="card problem" role="alert">
      <h1>{problem.title}</h1>
      <p>{problem.what}</p>
      <p>
        <strong>What to do:</strong> {problem.next}
      </p>
      <p className="code">
        Code: {problem.code}
        {detail ? ` · ${detail}` : ''}
      </p>
      <div className="actions">
        {action}
        {target?.kind === 'meeting' ? (
          <a className={problem.retry && !action ? 'button' : 'button secondary'} href={`/meet/${target.number}`}>
            Back to the meeting
          </a>
        ) : (
          problem.retry && !action && <JoinButton label="Try again" target={target} />
        )}
        <a className="button secondary" href="/">
          Back to the portal
        </a>
      </div>
    </section>
  );
}
