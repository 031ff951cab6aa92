import type { ReactNode } from 'react';
import { JoinButton } from './join-button';
import type { Problem } from '@/lib/problems';

/** One failure, told to an employee: what happened, what to do, and a retry when it can help. */
export function ProblemCard({ problem, detail, action }: { problem: Problem; detail?: string; action?: ReactNode }) {
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
        {problem.retry && !action && <JoinButton label="Try again" />}
        <a className="button secondary" href="/">
          Back to the portal
        </a>
      </div>
    </section>
  );
}
