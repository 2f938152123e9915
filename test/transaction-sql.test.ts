import type { EntityManager } from '@mikro-orm/postgresql';
import { withLastSteps } from '../src/shared/db/last-steps';
import { sqlStatements } from '../src/shared/db/orm';
import { pgArray } from '../src/shared/db/paging';
import { transactionSql, writeAlong } from '../src/shared/db/transaction-sql';
import { startTestApp, type TestApp } from './support/app';

/**
 * Writes that ride with a later statement of their transaction (`writeAlong`): the outbox rows
 * and a mark's replay record, sent with the audit append instead of in round trips of their own.
 */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  await t.sql('create table ride_test (n int not null, label text not null)');
});
afterAll(async () => t?.close());

const rows = async () =>
  (await t.sql<{ n: number; label: string }>('select n, label from ride_test order by n')).map(
    (r) => `${r.n}:${r.label}`,
  );

function inTransaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
  return (t.orm.em.fork() as EntityManager).transactional((em) =>
    withLastSteps(em as EntityManager, () => work(em as EntityManager)),
  );
}

afterEach(async () => {
  await t.sql('delete from ride_test');
});

test('waiting writes ride with a carrying statement, their parameters renumbered after its own', async () => {
  sqlStatements.log = [];
  sqlStatements.keepLog = true;
  const answer = await inTransaction(async (em) => {
    await writeAlong(em, 'insert into ride_test (n, label) values ($1, $2)', [1, 'one']);
    await writeAlong(em, 'insert into ride_test (n, label) select * from unnest($1::int[], $2::text[])', [
      pgArray([2, 3]),
      pgArray(['two', 'three']),
    ]);
    const sql = await transactionSql(em);
    return sql.carrying<{ sum: number; word: string }>('select $1::int + $2::int as sum, $3::text as word', [
      40,
      2,
      'carried',
    ]);
  });
  sqlStatements.keepLog = false;
  // The carrying statement's own answer is untouched; one statement for both writes and it.
  expect(answer).toEqual([{ sum: 42, word: 'carried' }]);
  expect(sqlStatements.log.filter((s) => s.includes('ride_test'))).toHaveLength(1);
  expect(await rows()).toEqual(['1:one', '2:two', '3:three']);
});

test('a plain statement sends the waiting writes first, so it sees them; what is left goes before the commit', async () => {
  const seen = await inTransaction(async (em) => {
    await writeAlong(em, 'insert into ride_test (n, label) values ($1, $2)', [1, 'seen']);
    const sql = await transactionSql(em);
    const [r] = await sql<{ n: string }>('select count(*) as n from ride_test where label = $1', ['seen']);
    await writeAlong(em, 'insert into ride_test (n, label) values ($1, $2)', [2, 'last']);
    return Number(r!.n);
  });
  expect(seen).toBe(1);
  expect(await rows()).toEqual(['1:seen', '2:last']);
});

test('a rolled-back transaction writes nothing of what waited; outside held writes, a write goes at once', async () => {
  await expect(
    inTransaction(async (em) => {
      await writeAlong(em, 'insert into ride_test (n, label) values ($1, $2)', [1, 'dropped']);
      throw new Error('refused');
    }),
  ).rejects.toThrow('refused');
  expect(await rows()).toEqual([]);

  // A transaction that does not run last steps holds nothing back.
  await (t.orm.em.fork() as EntityManager).transactional(async (em) => {
    await writeAlong(em as EntityManager, 'insert into ride_test (n, label) values ($1, $2)', [3, 'direct']);
    const [r] = await (
      await transactionSql(em as EntityManager)
    )<{ n: string }>('select count(*) as n from ride_test', []);
    expect(Number(r!.n)).toBe(1);
  });
  expect(await rows()).toEqual(['3:direct']);
});
