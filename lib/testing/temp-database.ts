import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Kysely } from 'kysely';
import { newMappingRow } from '../mappings';
import { type Database, type Db, openMigratedDatabase } from '../db';

export interface TempDatabase extends Db {
  /** the DATABASE_URL it was opened with, for a second connection to the same file */
  url: string;
  /** closes the connection and deletes the file */
  remove(): Promise<void>;
}

/** For tests: a migrated SQLite file of its own in a fresh temporary folder. */
export async function openTempDatabase(label: string): Promise<TempDatabase> {
  const dir = mkdtempSync(join(tmpdir(), `webex-sso-${label}-`));
  const url = `file:${join(dir, `${label}.sqlite`)}`;
  const opened = await openMigratedDatabase(url);
  return {
    ...opened,
    url,
    async remove() {
      await opened.db.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * For tests of short searches: `count` mappings and audit events made of digits, '@' and '.' only,
 * which a test's queries avoid. A table that small otherwise answers a 1–2 character search on
 * SQLite by scanning (cheaper than the index below about 30,000 rows: substring-search.ts).
 */
export async function addUnsearchedRows(db: Kysely<Database>, count: number): Promise<void> {
  const at = '2020-01-01T00:00:00.000Z';
  for (let start = 0; start < count; start += 2_000) {
    const part = Array.from({ length: Math.min(2_000, count - start) }, (_, k) => String(start + k));
    await db
      .insertInto('mappings')
      .values(part.map((n) => newMappingRow({ email: `${n}@0.0`, webexId: n }, at)))
      .execute();
    await db
      .insertInto('audit_events')
      .values(part.map((n) => ({ at, actor: `${n}@0.0`, action: 'unsearched', target: n, outcome: 'OK' })))
      .execute();
  }
}

const POSTGRES_TEST_SERVER = process.env.POSTGRES_TEST_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TempPostgresSchema {
  /** a DATABASE_URL whose search_path is the throwaway schema */
  url: string;
  /** drops the schema and everything in it */
  drop(): Promise<void>;
}

/**
 * For tests: a throwaway schema on POSTGRES_TEST_URL (default the machine's server), or undefined
 * after printing a SKIPPED line when no server answers, so a machine without PostgreSQL says so.
 */
export async function openTempPostgresSchema(label: string): Promise<TempPostgresSchema | undefined> {
  const schema = `webex_sso_${label.replace(/\W/g, '_')}_${randomBytes(4).toString('hex')}`;
  const admin = () => new pg.Client({ connectionString: POSTGRES_TEST_SERVER, connectionTimeoutMillis: 2_000 });
  const client = admin();
  try {
    await client.connect();
  } catch {
    console.warn(`SKIPPED: PostgreSQL tests (${label}) — no server answered at ${POSTGRES_TEST_SERVER} (set POSTGRES_TEST_URL to run them)`);
    return undefined;
  }
  // past here a failure is the test's own, and fails it: only "no server" skips
  try {
    // pg_trgm lives once per database: install it in the default schema first, or migration 005
    // would put it in this throwaway schema and dropping that would take it from everyone
    await client.query('create extension if not exists pg_trgm').catch(() => undefined);
    await client.query(`create schema ${schema}`);
  } finally {
    await client.end().catch(() => undefined);
  }
  return {
    url: `${POSTGRES_TEST_SERVER}${POSTGRES_TEST_SERVER.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    async drop() {
      const cleanup = admin();
      await cleanup.connect();
      await cleanup.query(`drop schema ${schema} cascade`);
      await cleanup.end();
    },
  };
}

/** One database reached through two connections, as two app instances would reach it. */
export interface TwoConnections {
  a: Db;
  b: Db;
  close(): Promise<void>;
}

/**
 * For tests of state that instances share: an opener per dialect — SQLite always, PostgreSQL
 * when a server answers (undefined otherwise, after a SKIPPED line), so a suite can skip it.
 */
export async function sharedDatabaseCases(label: string): Promise<[string, (() => Promise<TwoConnections>) | undefined][]> {
  const sqlite = async (): Promise<TwoConnections> => {
    const first = await openTempDatabase(label);
    const second = await openMigratedDatabase(first.url);
    return {
      a: first,
      b: second,
      close: async () => {
        await second.db.destroy();
        await first.remove();
      },
    };
  };
  const schema = await openTempPostgresSchema(label);
  const postgres =
    schema &&
    (async (): Promise<TwoConnections> => {
      const [a, b] = await Promise.all([openMigratedDatabase(schema.url), openMigratedDatabase(schema.url)]);
      return {
        a,
        b,
        close: async () => {
          await Promise.all([a.db.destroy(), b.db.destroy()]);
          await schema.drop();
        },
      };
    });
  return [
    ['SQLite', sqlite],
    ['PostgreSQL', postgres],
  ];
}
