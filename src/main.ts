import 'reflect-metadata';
import { ConfigError, loadConfig } from './config';
import { resolveDatabase } from './shared/db/database';
import { initOrm, migrate, type MikroORM } from './orm';
import { createApp, type App } from './server';
import { createLogger } from './shared/observability';
import { seedDemo } from '../seeds/demo';
import { Organization } from './modules/organization/organization.entity';

/** Starts everything: database (embedded unless DATABASE_URL), migrations, demo data, API. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  const log = (line: string) => logger.info(line);
  if (config.PERSON_ID_HMAC_KEY_IS_DEFAULT && config.NODE_ENV === 'development') {
    log('PERSON_ID_HMAC_KEY is not set: national IDs are hashed with the public development key');
  }
  const db = await resolveDatabase(config, log);
  let orm: MikroORM | null = null;
  let app: App | null = null;

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: shutting down`);
    // SIGTERM (an orchestrator): readiness fails first, then drain. SIGINT (a terminal), or an
    // embedded database (a single developer machine, whose PostgreSQL stops with us): at once.
    const drain = signal === 'SIGTERM' && !db.embedded;
    await (drain ? app?.shutdown() : app?.close())?.catch((e: unknown) =>
      logger.error({ err: e }, 'error closing the server'),
    );
    await orm?.close(true).catch(() => {});
    await db.embedded?.stop().catch((e: unknown) => logger.error({ err: e }, 'error stopping PostgreSQL'));
    try {
      logger.flush(() => process.exit(0));
    } catch {
      process.exit(0);
    }
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  try {
    orm = await initOrm({
      databaseUrl: db.url,
      poolMax: config.DB_POOL_MAX,
      connectTimeoutMs: config.DB_CONNECT_TIMEOUT_MS,
      statementTimeoutMs: config.DB_STATEMENT_TIMEOUT_MS,
      logQueries: config.LOG_QUERIES,
    });
    const applied = await migrate(orm);
    log(applied.length ? `Applied migrations: ${applied.join(', ')}` : 'Database schema is up to date');

    if (config.SEED_DEMO === 'auto' && (await orm.em.fork().count(Organization, {})) === 0) {
      log('Empty database: loading the demo data set');
      const summary = await seedDemo(orm.em.fork() as never, {
        ...(config.SEED_ADMIN_PASSWORD ? { adminPassword: config.SEED_ADMIN_PASSWORD } : {}),
        log,
      });
      log(
        `Demo data: ${summary.organizations} organizations, ${summary.people} people, ` +
          `${summary.competitions} competitions, ${summary.trades} trades, ${summary.entrants} entrants`,
      );
      // A production log never carries a password (there it is always the operator's own).
      if (config.NODE_ENV === 'production')
        log('Demo accounts (admin, xian, shijiazhuang, …): SEED_ADMIN_PASSWORD');
      else log(`Demo accounts (admin, xian, shijiazhuang, …) share the password: ${summary.adminPassword}`);
    }

    app = await createApp({ config, orm, log, logger });
    console.log(`\n  Jingsai GraphQL API: ${app.url}\n`);
  } catch (err) {
    await orm?.close(true).catch(() => {});
    await db.embedded?.stop().catch(() => {});
    throw err;
  }
}

main().catch((err) => {
  if (err instanceof ConfigError) console.error(err.message);
  else console.error('[jingsai] start-up failed:', err);
  process.exit(1);
});
