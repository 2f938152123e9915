import type { EmbeddedPostgresHandle } from '../../src/shared/db/embedded';
import { withAdminClient } from './db';

export default async function globalTeardown(): Promise<void> {
  await withAdminClient(async (c) => {
    const { rows } = await c.query<{ datname: string }>(
      `select datname from pg_database where datname ~ $1`,
      [`^jingsai_(tpl|t)_${process.pid}(_|$)`],
    );
    for (const { datname } of rows) await c.query(`drop database if exists "${datname}" with (force)`);
  }).catch(() => {});
  const handle = (globalThis as { __jingsaiEmbedded?: EmbeddedPostgresHandle }).__jingsaiEmbedded;
  await handle?.stop();
}
