import { Client } from 'pg';
import type { Config } from '../../config';
import { type EmbeddedPostgresHandle, startEmbeddedPostgres } from './embedded';

export const APP_DATABASE = 'jingsai';

/** Replaces the database name of a PostgreSQL URL. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function ensureDatabase(serverUrl: string, database: string): Promise<void> {
  const client = new Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (!rowCount) await client.query(`create database ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

export interface ResolvedDatabase {
  url: string;
  embedded: EmbeddedPostgresHandle | null;
}

/** `DATABASE_URL` when set; otherwise the embedded server, with the app's own database on it. */
export async function resolveDatabase(config: Config, log: (l: string) => void): Promise<ResolvedDatabase> {
  if (config.DATABASE_URL) return { url: config.DATABASE_URL, embedded: null };
  const embedded = await startEmbeddedPostgres({
    dataDir: config.EMBEDDED_PG_DIR,
    port: config.EMBEDDED_PG_PORT,
    log,
  });
  try {
    await ensureDatabase(embedded.url, APP_DATABASE);
  } catch (err) {
    await embedded.stop();
    throw err;
  }
  log(`Embedded PostgreSQL on 127.0.0.1:${embedded.port} (data in ${embedded.dataDir})`);
  return { url: withDatabase(embedded.url, APP_DATABASE), embedded };
}
