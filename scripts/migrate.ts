import 'reflect-metadata';
import { loadToolConfig } from '../src/config';
import { resolveDatabase } from '../src/shared/db/database';
import { initOrm, migrate } from '../src/orm';

/** Applies pending migrations to DATABASE_URL (or the embedded database), then exits. */
async function main() {
  const config = loadToolConfig();
  const db = await resolveDatabase(config, (l) => console.log(l), { shareRunning: true });
  try {
    const orm = await initOrm({ databaseUrl: db.url });
    try {
      const applied = await migrate(orm);
      console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Nothing to apply.');
    } finally {
      await orm.close(true);
    }
  } finally {
    await db.embedded?.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
