import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect, sql, type Generated } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { keepStatements } from './connection';

const opened: SqliteDatabase.Database[] = [];
function memory(): SqliteDatabase.Database {
  const db = new SqliteDatabase(':memory:');
  opened.push(db);
  db.exec('create table t (id integer primary key, v text)');
  db.exec("insert into t (v) values ('a'), ('b'), ('c')");
  return db;
}
afterEach(() => opened.splice(0).forEach((db) => db.close()));

describe('kept statements', () => {
  it('prepares a query once and runs the kept statement after', () => {
    const kept = keepStatements(memory());
    const first = kept.prepare('select v from t where id = ?');
    expect(kept.prepare('select v from t where id = ?')).toBe(first);
    expect(kept.prepare('select v from t where id = ?').get(2)).toEqual({ v: 'b' });
    expect(kept.prepare('select v from t where id = ? ')).not.toBe(first);
  });

  it('gives a statement of its own to a query whose kept statement is still iterating', () => {
    const kept = keepStatements(memory());
    const rows = kept.prepare('select v from t order by id').iterate();
    expect(rows.next().value).toEqual({ v: 'a' });
    // the same SQL while the first is mid-way: better-sqlite3 would throw "busy" on the kept one
    expect(kept.prepare('select v from t order by id').all()).toEqual([{ v: 'a' }, { v: 'b' }, { v: 'c' }]);
    expect([...rows]).toEqual([{ v: 'b' }, { v: 'c' }]);
  });

  it('keeps the most recently used statements up to its bound', () => {
    const kept = keepStatements(memory(), 2);
    const a = kept.prepare('select 1');
    const b = kept.prepare('select 2');
    expect(kept.prepare('select 1')).toBe(a); // used: now the most recent
    kept.prepare('select 3'); // evicts "select 2", the least recently used
    expect(kept.prepare('select 1')).toBe(a);
    expect(kept.prepare('select 2')).not.toBe(b);
  });

  it('serves Kysely: queries, parameters and transactions work through it', async () => {
    const db = new Kysely<{ t: { id: Generated<number>; v: string } }>({ dialect: new SqliteDialect({ database: keepStatements(memory()) }) });
    for (let i = 0; i < 3; i += 1) {
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('t')
          .values({ v: `x${i}` })
          .execute();
      });
    }
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('t').values({ v: 'rolled back' }).execute();
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    const rows = await db.selectFrom('t').select('v').where('v', 'like', 'x%').orderBy('id').execute();
    expect(rows.map((r) => r.v)).toEqual(['x0', 'x1', 'x2']);
    expect((await sql<{ n: number }>`select count(*) as n from t`.execute(db)).rows[0]?.n).toBe(6);
  });
});

describe('dialectOf', () => {
  it('tells SQLite from PostgreSQL by the adapter, even one made by another copy of Kysely (another server chunk)', async () => {
    const { dialectOf } = await import('./dialect');
    const { PostgresDialect } = await import('kysely');
    const pg = await import('pg');
    const sqlite = new Kysely({ dialect: new SqliteDialect({ database: keepStatements(memory()) }) });
    const pool = new pg.default.Pool({ connectionString: 'postgres://nobody@127.0.0.1:1/none' }); // never connected
    const postgres = new Kysely({ dialect: new PostgresDialect({ pool }) });
    expect(dialectOf(sqlite)).toBe('sqlite');
    expect(dialectOf(postgres)).toBe('postgres');
    // what a second copy of the PostgreSQL adapter class looks like from here: same behaviour, another class
    const adapter = postgres.getExecutor().adapter;
    const copy = Object.assign(Object.create(null) as object, {
      supportsTransactionalDdl: adapter.supportsTransactionalDdl,
      supportsReturning: adapter.supportsReturning,
    });
    const fromAnotherChunk = { getExecutor: () => ({ adapter: copy }) } as unknown as Kysely<unknown>;
    expect(dialectOf(fromAnotherChunk)).toBe('postgres');
    await postgres.destroy();
  });
});
