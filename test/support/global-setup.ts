import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { withDatabase } from '../../src/shared/db/database';
import { startEmbeddedPostgres } from '../../src/shared/db/embedded';
import { isAlive, templateName, withAdminClient } from './db';

/**
 * One PostgreSQL for the run: DATABASE_URL when set, otherwise an embedded one.
 * Migrations are applied once to a template database; each test file then
 * clones it (CREATE DATABASE … TEMPLATE), so files run in parallel on isolated data.
 */
export default async function globalSetup(): Promise<void> {
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const port = Number(process.env.JINGSAI_TEST_PG_PORT ?? 54330);
    // Under the system temp folder: reachable by the `postgres` user even when
    // the checkout lives in a folder only root may enter.
    const handle = await startEmbeddedPostgres({
      dataDir: process.env.JINGSAI_TEST_PG_DIR ?? path.join(os.tmpdir(), `jingsai-test-postgres-${port}`),
      port,
      log: (l) => console.log(`[test-db] ${l}`),
    });
    (globalThis as { __jingsaiEmbedded?: typeof handle }).__jingsaiEmbedded = handle;
    serverUrl = handle.url;
  }
  process.env.JINGSAI_TEST_SERVER_URL = serverUrl;
  process.env.JINGSAI_TEST_RUN_PID = String(process.pid);

  const template = templateName(process.pid);
  await withAdminClient(async (c) => {
    // Drop what crashed earlier runs left behind (their pid is gone).
    const { rows } = await c.query<{ datname: string }>(
      `select datname from pg_database where datname ~ '^jingsai_(tpl|t)_[0-9]+'`,
    );
    for (const { datname } of rows) {
      const pid = Number(/^jingsai_(?:tpl|t)_(\d+)/.exec(datname)![1]);
      if (!isAlive(pid) || pid === process.pid) {
        await c.query(`drop database if exists "${datname}" with (force)`);
      }
    }
    await c.query(`create database "${template}"`);
  });
  // In a child process: MikroORM's metadata must not be initialised in jest's
  // global-setup realm (its Maps then break in the test realm).
  execFileSync(
    process.execPath,
    ['-r', '@swc-node/register', path.resolve(__dirname, '..', '..', 'scripts', 'migrate.ts')],
    {
      env: { ...process.env, DATABASE_URL: withDatabase(serverUrl, template) },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
}
