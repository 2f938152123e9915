import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { PoolClient, QueryResultRow } from 'pg';
import { recordSqlSpan } from '../observability';
import { sqlStatements } from './orm';

/** Runs one parameterised statement (`$1`, `$2` …) and gives its rows. */
export type TransactionSql = <R extends QueryResultRow>(text: string, values?: unknown[]) => Promise<R[]>;

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
  return async <R extends QueryResultRow>(text: string, values: unknown[] = []) => {
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
}
