import { describe, expect, it } from 'vitest';
import { waitForDatabase } from './startup';

describe('waitForDatabase', () => {
  it('retries a database that is not up yet, and goes on once it answers', async () => {
    let calls = 0;
    await waitForDatabase(
      async () => {
        calls += 1;
        if (calls < 3) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
      },
      5,
      1,
    );
    expect(calls).toBe(3);
  });

  it('gives up after the bounded attempts with a message that says what to check', async () => {
    let calls = 0;
    const opening = waitForDatabase(
      async () => {
        calls += 1;
        throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
      },
      4,
      1,
    );
    await expect(opening).rejects.toThrow(/the database did not answer after 4 attempts .*ECONNREFUSED.*Check DATABASE_URL/);
    expect(calls).toBe(4);
  });
});
