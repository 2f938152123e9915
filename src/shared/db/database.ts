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

/**
 * Whether the embedded server of a running `npm start` already answers: tools
 * (seed, import, migrate) then use it instead of taking its data folder over.
 */
async function runningEmbeddedUrl(config: Config): Promise<string | null> {
  const url = `postgres://postgres:postgres@127.0.0.1:${config.EMBEDDED_PG_PORT}/${APP_DATABASE}`;
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  client.on('error', () => {}); // a refused connection may also emit 'error'
  try {
    await client.connect();
    await client.query('select 1');
    return url;
  } catch {
    return null;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * `DATABASE_URL` when set; otherwise the embedded server, with the app's own
 * database on it. With `shareRunning`, an embedded server another process runs is used as is.
 */
export async function resolveDatabase(
  config: Config,
  log: (l: string) => void,
  { shareRunning = false }: { shareRunning?: boolean } = {},
): Promise<ResolvedDatabase> {
  if (config.DATABASE_URL) return { url: config.DATABASE_URL, embedded: null };
  if (shareRunning) {
    const url = await runningEmbeddedUrl(config);
    if (url) {
      log(`Using the embedded PostgreSQL already running on 127.0.0.1:${config.EMBEDDED_PG_PORT}`);
      return { url, embedded: null };
    }
  }
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
