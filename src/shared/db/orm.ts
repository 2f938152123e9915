import { DefaultLogger, type LogContext, type LoggerNamespace, type LoggerOptions } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { type EntityClass, MikroORM, PostgreSqlDriver, type Options } from '@mikro-orm/postgresql';
import { migrationsList } from '../../../migrations';
import { recordSqlSpan } from '../observability';

/** Counts SQL statements sent, so tests can bound the statements a request costs. */
export const sqlStatements = { count: 0, log: [] as string[], keepLog: false };

class CountingLogger extends DefaultLogger {
  constructor(
    options: LoggerOptions,
    private readonly printQueries: boolean,
  ) {
    super(options);
  }
  override logQuery(context: { query: string } & LogContext): void {
    sqlStatements.count += 1;
    recordSqlSpan(context.query, context.took);
    if (sqlStatements.keepLog) sqlStatements.log.push(context.query);
    if (this.printQueries) super.logQuery(context);
  }
  override isEnabled(namespace: LoggerNamespace, context?: LogContext): boolean {
    if (namespace === 'query') return this.printQueries;
    return super.isEnabled(namespace, context);
  }
}

export interface OrmSettings {
  databaseUrl: string;
  poolMax?: number;
  connectTimeoutMs?: number;
  statementTimeoutMs?: number;
  logQueries?: boolean;
}

/** The ORM's options; the entities are every module's, listed by the composition root (src/orm.ts). */
export function ormOptions(entities: EntityClass<object>[], s: OrmSettings): Options {
  const printQueries = s.logQueries ?? false;
  return {
    driver: PostgreSqlDriver,
    clientUrl: s.databaseUrl,
    entities,
    discovery: { disableDynamicFileAccess: true, requireEntitiesArray: true },
    extensions: [Migrator],
    migrations: {
      migrationsList,
      tableName: 'mikro_orm_migrations',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
    },
    pool: { min: 0, max: s.poolMax ?? 10, acquireTimeoutMillis: (s.connectTimeoutMs ?? 2000) + 500 },
    driverOptions: {
      connection: {
        connectionTimeoutMillis: s.connectTimeoutMs ?? 2000,
        statement_timeout: s.statementTimeoutMs ?? 15000,
        application_name: 'jingsai',
      },
    },
    // Strict by design: an entity change must come with a migration, never a run-time schema update.
    ensureDatabase: false,
    allowGlobalContext: false,
    forceUtcTimezone: true,
    debug: printQueries ? ['query'] : false,
    loggerFactory: (options: LoggerOptions) => new CountingLogger(options, printQueries),
  };
}

export async function initOrmWith(entities: EntityClass<object>[], s: OrmSettings): Promise<MikroORM> {
  const orm = await MikroORM.init(ormOptions(entities, s));
  try {
    // Fail at start-up, not at the first request, when the database is unreachable.
    await orm.em.getConnection().execute('select 1');
  } catch (err) {
    await orm.close(true);
    throw err;
  }
  return orm;
}

export async function migrate(orm: MikroORM): Promise<string[]> {
  const applied = await orm.getMigrator().up();
  return applied.map((m) => m.name);
}

/** Migrations in the code that the database has not applied (readiness fails while any remain). */
export async function pendingMigrations(orm: MikroORM): Promise<string[]> {
  return (await orm.getMigrator().getPendingMigrations()).map((m) => m.name);
}

export type { MikroORM };
