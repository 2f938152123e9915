import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { PoolClient, QueryResultRow } from 'pg';
import { recordSqlSpan } from '../observability';
import { sqlStatements } from './orm';

/** Runs one parameterised statement (`$1`, `$2` …) and gives its rows. */
export interface TransactionSql {
  <R extends QueryResultRow>(text: string, values?: unknown[]): Promise<R[]>;
  /**
   * The same, with the transaction's waiting writes (`writeAlong`) sent in this statement, as
   * data-modifying CTEs before it: only for a statement that reads none of the tables they write
   * (a CTE's rows are not visible to its own statement). It must not begin with WITH.
   */
  carrying<R extends QueryResultRow>(text: string, values?: unknown[]): Promise<R[]>;
}

interface Waiting {
  text: string;
  values: unknown[];
}

// Writes waiting for a later statement of their transaction, by the ORM's transaction context:
// present only while the transaction runs its last steps (`withLastSteps`), which sends what is left.
const waitingWrites = new WeakMap<object, Waiting[]>();

/**
 * Starts keeping writes back for the transaction `em` belongs to (see `writeAlong`); `writeWaiting`
 * sends what is left and stops.
 */
export function holdWrites(em: EntityManager): void {
  const trx = em.getTransactionContext<object>();
  if (trx) waitingWrites.set(trx, []);
}

/** Sends the writes still waiting in `em`'s transaction, in one statement, and stops keeping them. */
export async function writeWaiting(em: EntityManager): Promise<void> {
  const trx = em.getTransactionContext<object>();
  const waiting = trx && waitingWrites.get(trx);
  if (waiting?.length) await (await transactionSql(em)).carrying('select 1');
  if (trx) waitingWrites.delete(trx);
}

/**
 * A write whose rows nothing in its transaction reads back (an outbox row, a replay record): kept
 * and sent with the transaction's next statement, one round trip fewer. Sent before any later
 * statement of `transactionSql` (a separate statement, or inside one that says it can carry it),
 * and in every case before the commit. Outside a transaction that holds writes, sent at once. A
 * statement through the ORM does not send waiting writes first: nothing written here may be read
 * that way in the same transaction.
 */
export async function writeAlong(em: EntityManager, text: string, values: unknown[]): Promise<void> {
  const trx = em.getTransactionContext<object>();
  const waiting = trx && waitingWrites.get(trx);
  if (waiting) waiting.push({ text, values });
  else await (await transactionSql(em))(text, values);
}

const renumbered = (text: string, by: number) =>
  by ? text.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + by}`) : text;

/** `text` preceded by the waiting writes as CTEs, the parameters renumbered to follow theirs. */
function withWaiting(waiting: Waiting[], text: string, values: unknown[]): [string, unknown[]] {
  if (/^\s*with\s/i.test(text)) throw new Error('a statement carrying waiting writes cannot begin with WITH');
  const all: unknown[] = [];
  const ctes = waiting.map((w, i) => {
    const cte = `w${i} as (${renumbered(w.text, all.length)})`;
    all.push(...w.values);
    return cte;
  });
  return [`with ${ctes.join(', ')} ${renumbered(text, all.length)}`, [...all, ...values]];
}

interface KnexClient {
  acquireConnection(): Promise<PoolClient>;
  releaseConnection(connection: PoolClient): Promise<void>;
}

const names = new Map<string, string>();
function preparedName(text: string): string {
  let name = names.get(text);
  if (!name) {
    name = `j_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    names.set(text, name);
  }
  return name;
}

/**
 * Statements on the current transaction's own connection, each a named prepared statement, for
 * the hottest write path (a judge's mark sends about twenty). The ORM's `execute` formats every
 * value into the SQL text on the client and PostgreSQL parses and plans each text anew; here the
 * text is parsed once per connection and the values travel apart. Statements are counted and
 * traced like the ORM's, and errors come out as the ORM's exceptions (a unique violation is still
 * a `UniqueConstraintViolationException`).
 */
export async function transactionSql(em: EntityManager): Promise<TransactionSql> {
  const trx = em.getTransactionContext<{ client: KnexClient } & object>();
  const driver = em.getDriver();
  // Outside a transaction (a one-off tool), each statement takes a pooled connection of its own.
  const pool = trx ? null : (em.getConnection().getKnex().client as KnexClient);
  const connection = trx ? await trx.client.acquireConnection() : null;
  const waiting = trx ? waitingWrites.get(trx) : undefined;
  const run = async <R extends QueryResultRow>(text: string, values: unknown[]) => {
    const started = performance.now();
    const client = connection ?? (await pool!.acquireConnection());
    try {
      const result = await client.query<R>({ name: preparedName(text), text, values });
      return result.rows;
    } catch (err) {
      throw driver.convertException(err as Error);
    } finally {
      if (!connection) await pool!.releaseConnection(client);
      sqlStatements.count += 1;
      recordSqlSpan(text, performance.now() - started);
      if (sqlStatements.keepLog) sqlStatements.log.push(text);
    }
  };
  const carrying = <R extends QueryResultRow>(text: string, values: unknown[] = []) =>
    waiting?.length ? run<R>(...withWaiting(waiting.splice(0), text, values)) : run<R>(text, values);
  const sql = async <R extends QueryResultRow>(text: string, values: unknown[] = []) => {
    // What waits is written first, in a statement of its own, so this statement sees it.
    if (waiting?.length) await carrying('select 1');
    return run<R>(text, values);
  };
  return Object.assign(sql, { carrying });
}
