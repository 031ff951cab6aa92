import { beforeEach, describe, expect, it, vi } from 'vitest';

let databaseUp = true;
let draining = false;
let circuit: 'closed' | 'open' | 'half-open' = 'closed';

vi.mock('@/lib/server', () => ({
  getDb: async () => {
    if (!databaseUp) throw new Error('connect ECONNREFUSED');
    return { db: {} };
  },
  getUpstreamStats: () => ({ circuit, inFlight: 0, waiting: 0 }),
  isDraining: () => draining,
}));
// `select 1` answers while the database is up
vi.mock('kysely', async (importOriginal) => ({
  ...(await importOriginal<typeof import('kysely')>()),
  sql: () => ({
    execute: async () => {
      if (!databaseUp) throw new Error('down');
      return { rows: [] };
    },
  }),
}));

async function ready() {
  const { GET } = await import('./route');
  const response = await GET();
  return { status: response.status, body: await response.json() };
}

describe('GET /api/ready', () => {
  beforeEach(() => {
    databaseUp = true;
    draining = false;
    circuit = 'closed';
  });

  it('is ready when the database answers', async () => {
    expect(await ready()).toEqual({ status: 200, body: { status: 'ready', database: 'ok', draining: false, webex: 'reachable' } });
  });

  it('reports an unreachable WebEx without failing readiness', async () => {
    circuit = 'open';
    expect(await ready()).toMatchObject({ status: 200, body: { status: 'ready', webex: 'unreachable' } });
  });

  it('fails readiness (503) without the database, and while shutting down', async () => {
    databaseUp = false;
    expect(await ready()).toMatchObject({ status: 503, body: { database: 'error' } });
    databaseUp = true;
    draining = true;
    expect(await ready()).toMatchObject({ status: 503, body: { draining: true } });
  });
});
