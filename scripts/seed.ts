import 'reflect-metadata';
import {
  commandConfig,
  commandLine,
  err,
  openDatabase,
  out,
  runCommand,
  UsageError,
} from './support/command';
import { parseArgs } from 'node:util';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Organization } from '../src/modules/organization/organization.entity';
import type { ResolvedDatabase } from '../src/shared/db/database';
import { migrate, type MikroORM } from '../src/orm';
import { DEMO_USERNAMES, seedDemo } from '../seeds/demo';

/**
 * Loads the demo data set (seeds/demo.ts) into DATABASE_URL, or else into the
 * `jingsai` database of the embedded PostgreSQL, after applying migrations.
 *
 * Exit codes: 0 seeded; 1 refused (the database has data) or failed; 2 usage error;
 * 130 interrupted (nothing written: the seed runs in one transaction).
 */

const USAGE = `Usage: npm run seed [-- --force]

Applies pending migrations, then loads the demo data set: the union tree, workers
and their honors, the demo accounts and competitions in every state.

Options:
      --force   Seed even though the database already has organizations (the data
                is added again; existing demo accounts are left as they are).
  -h, --help    Print this help.

The database is DATABASE_URL, or else the embedded PostgreSQL (EMBEDDED_PG_DIR,
EMBEDDED_PG_PORT). The demo accounts get SEED_ADMIN_PASSWORD, or a random password
that is printed at the end.`;

/** Thrown from the log callback after Ctrl-C, so the transaction rolls back. */
class Interrupted extends Error {}

function parseOptions(argv: string[]): { force: boolean } | 'help' {
  try {
    const { values } = parseArgs({
      args: argv,
      options: { force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    });
    return values.help ? 'help' : { force: values.force ?? false };
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

async function main(argv: string[]): Promise<number> {
  const options = commandLine(USAGE, () => parseOptions(argv));
  if (typeof options === 'number') return options;

  const config = commandConfig();
  if (!config) return 1;

  let db: ResolvedDatabase | null = null;
  let orm: MikroORM | null = null;
  let cleaning: Promise<void> | null = null;
  const cleanup = () =>
    (cleaning ??= (async () => {
      await orm?.close(true).catch((e) => err(`error closing the database connection: ${String(e)}`));
      await db?.embedded?.stop().catch((e) => err(`error stopping PostgreSQL: ${String(e)}`));
    })());
  // First signal: stop at the next stage, inside the transaction, so it rolls back.
  // A second one: close everything now (an open transaction dies with its connection).
  let interrupted: NodeJS.Signals | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    if (!interrupted) {
      interrupted = signal;
      err(`\n${signal}: stopping; the seed will be rolled back (again to quit at once).`);
      return;
    }
    void cleanup().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    ({ db, orm } = await openDatabase(config, out));
    const applied = await migrate(orm);
    out(applied.length ? `Applied migrations: ${applied.join(', ')}` : 'Database schema is up to date');

    const existing = await orm.em.fork().count(Organization, {});
    if (existing > 0 && !options.force) {
      err(
        `The database already has ${existing} organizations: nothing seeded. ` +
          `Pass --force to add the demo data anyway.`,
      );
      return 1;
    }

    // A production log never carries a password: there the operator chooses it.
    const production = config.NODE_ENV === 'production';
    if (production && !config.SEED_ADMIN_PASSWORD) {
      err('With NODE_ENV=production set SEED_ADMIN_PASSWORD: no password is printed in production.');
      return 2;
    }
    const shown = (password: string) => (production ? '(SEED_ADMIN_PASSWORD)' : password);

    let summary;
    try {
      summary = await seedDemo(orm.em.fork() as EntityManager, {
        ...(config.SEED_ADMIN_PASSWORD ? { adminPassword: config.SEED_ADMIN_PASSWORD } : {}),
        log: (line) => {
          if (interrupted) throw new Interrupted(interrupted);
          out(line);
        },
      });
    } catch (e) {
      if (e instanceof Interrupted) {
        err(`Interrupted (${e.message}): nothing was seeded.`);
        return 130;
      }
      throw e;
    }

    out('');
    out('Demo data loaded:');
    out(`  organizations  ${summary.organizations}`);
    out(`  people         ${summary.people}`);
    out(`  honors         ${summary.honors}`);
    out(`  competitions   ${summary.competitions}`);
    out(`  trades         ${summary.trades}`);
    out(`  entrants       ${summary.entrants}`);
    out(`  accounts       ${summary.accounts}`);
    out('');
    const names = DEMO_USERNAMES.join(', ');
    if (summary.accounts === DEMO_USERNAMES.length) {
      out(`Demo accounts (${names}) share the password: ${shown(summary.adminPassword)}`);
    } else if (summary.accounts === 0) {
      out(`The demo accounts (${names}) already existed and keep their passwords.`);
    } else {
      out(
        `New demo accounts share the password: ${shown(summary.adminPassword)} ` +
          `(those of ${names} that already existed keep theirs).`,
      );
    }
    return 0;
  } finally {
    await cleanup();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

runCommand(main);
