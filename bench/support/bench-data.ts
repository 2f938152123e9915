import { Client } from 'pg';
import { loadToolConfig } from '../../src/config';
import { resolveDatabase, type ResolvedDatabase } from '../../src/shared/db/database';
import { initOrm, migrate } from '../../src/orm';
import { toGlobalId } from '../../src/shared/graphql/relay';

/** Command-line `--name value` as a number, or the default. */
export const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
export const flag = (name: string): boolean => process.argv.includes(`--${name}`);

/**
 * The database the bench data was loaded into (DATABASE_URL, or the embedded PostgreSQL), with
 * pending migrations applied, as `npm start` would.
 */
export async function benchDatabase(): Promise<ResolvedDatabase> {
  const db = await resolveDatabase(loadToolConfig(), (l) => console.log(l), { shareRunning: true });
  const orm = await initOrm({ databaseUrl: db.url, poolMax: 1 });
  try {
    const applied = await migrate(orm);
    if (applied.length) console.log(`Applied migrations: ${applied.join(', ')}`);
  } finally {
    await orm.close(true);
  }
  return db;
}

export interface BenchTrade {
  tradeId: number;
  tradeGid: string;
  competitionId: number;
  entrants: number;
  /** Entrant ids on the board are firstEntrantId … lastEntrantId (the loader gives a contiguous block). */
  firstEntrantId: number;
  lastEntrantId: number;
  judges: string[];
}

/** The latest trade `npm run bench:load -- --entrants <n>` created. */
export async function findBenchTrade(client: Client, entrants: number): Promise<BenchTrade> {
  const { rows } = await client.query<{ trade_id: number; competition_id: number }>(
    `select t.id as trade_id, c.id as competition_id from competition c join trade t on t.competition_id = c.id
      where c.description like $1 order by c.id desc limit 1`,
    [`bench-data entrants=${entrants} %`],
  );
  const t = rows[0];
  if (!t)
    throw new Error(
      `No bench trade with ${entrants} entrants in this database: run \`npm run bench:load -- --entrants ${entrants}\` first.`,
    );
  const range = await client.query<{ lo: number; hi: number; n: string }>(
    'select min(entrant_id) as lo, max(entrant_id) as hi, count(*) as n from board_entry where trade_id = $1',
    [t.trade_id],
  );
  const judges = await client.query<{ username: string }>(
    `select a.username from judge_assignment ja join account a on a.id = ja.account_id
      where ja.trade_id = $1 and ja.role = 'JUDGE' order by a.id`,
    [t.trade_id],
  );
  return {
    tradeId: t.trade_id,
    tradeGid: toGlobalId('Trade', t.trade_id),
    competitionId: t.competition_id,
    entrants: Number(range.rows[0]!.n),
    firstEntrantId: range.rows[0]!.lo,
    lastEntrantId: range.rows[0]!.hi,
    judges: judges.rows.map((r) => r.username),
  };
}

export async function connect(url: string): Promise<Client> {
  const client = new Client({ connectionString: url, application_name: 'jingsai-bench' });
  await client.connect();
  return client;
}
