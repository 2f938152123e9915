import 'reflect-metadata';
import { loadConfig } from '../src/config';
import { Organization } from '../src/modules/organization/organization.entity';
import { resolveDatabase } from '../src/shared/db/database';
import { initOrm, migrate } from '../src/shared/db/orm';
import { seedDemo } from '../seeds/demo';

/** Loads the demo data set; refuses a database that already has data unless --force. */
async function main(): Promise<number> {
  const config = loadConfig();
  const db = await resolveDatabase(config, (l) => console.log(l));
  try {
    const orm = await initOrm({ databaseUrl: db.url });
    try {
      await migrate(orm);
      const existing = await orm.em.fork().count(Organization, {});
      if (existing > 0 && !process.argv.includes('--force')) {
        console.error(
          `The database already has ${existing} organizations; pass --force to add the demo data anyway.`,
        );
        return 1;
      }
      const summary = await seedDemo(orm.em.fork() as never, {
        ...(config.SEED_ADMIN_PASSWORD ? { adminPassword: config.SEED_ADMIN_PASSWORD } : {}),
        log: (l) => console.log(l),
      });
      const { adminPassword, ...counts } = summary;
      console.log('Demo data loaded:', counts);
      console.log(
        `Demo accounts (admin, shaanxi, xian, shijiazhuang, henan, beidahuang, judge1, chief1) password: ${adminPassword}`,
      );
      return 0;
    } finally {
      await orm.close(true);
    }
  } finally {
    await db.embedded?.stop();
  }
}

// Exit explicitly: an exit hook of the embedded server would otherwise turn a failure into 0.
main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
