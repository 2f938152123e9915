import 'reflect-metadata';
import { benchScheme } from './support/bench-scheme';
import { type Progress, progressFor } from './support/progress';
import {
  commandConfig,
  commandLine,
  err,
  openDatabase,
  out,
  runCommand,
  UsageError,
} from './support/command';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { hashPassword } from '../src/modules/account/password';
import { refreshBoard } from '../src/modules/leaderboard/board-write';
import type { Mark } from '../src/modules/scoring/aggregation';
import { commitmentOf, drawNumbers, formatLot, lotDigits } from '../src/modules/scoring/lots';
import { entrantResult } from '../src/modules/scoring/ranking';
import { defaultRules, tieBreakValues } from '../src/modules/scoring/results-rules';
import type { MarkingScheme } from '../src/modules/scoring/scheme';
import { ensureDatabase, type ResolvedDatabase } from '../src/shared/db/database';
import { migrate, type MikroORM } from '../src/orm';
import { pgArray } from '../src/shared/db/paging';
import { toGlobalId } from '../src/shared/graphql/relay';

/**
 * Bench data in bulk: a union with enterprises, a RUNNING skills competition, one trade with a
 * marking scheme and its panel, and N checked-in entrants (with their people) holding anonymous
 * lot numbers, marks from every judge on every aspect, their `board_entry` rows and the trade's
 * `board_seq` — through COPY on one connection, in one transaction, not through the API.
 *
 * The board rows come from the engine itself (`entrantResult`, `tieBreakValues`), from the same
 * marks that are copied; afterwards `refreshBoard` recomputes a sample of entrants in a
 * transaction that is rolled back, and the rows must not change.
 *
 * Exit codes: 0 loaded; 1 failed (nothing written) or the sample check failed; 2 usage error;
 * 130 interrupted (nothing written).
 */

const USAGE = `Usage: npm run bench:load -- [--entrants 1000000] [--judges 3] [--seed 1] [--check 200]

Loads a benchmark trade: a union, a RUNNING competition, a trade with a marking scheme,
N checked-in entrants with anonymous numbers, marks from every judge on every aspect,
and the trade's board rows, in one transaction (COPY). Each run adds a new competition.

Options:
      --entrants <n>   Entrants in the trade (1–1000000; default 1000000).
      --judges <n>     Judges on the panel, each marking every entrant (1–10; default 3).
      --seed <n>       Seed of the marks (default 1): the same seed gives the same marks.
      --check <n>      Entrants whose board rows are recomputed by refreshBoard and
                       compared (in a rolled-back transaction); default 200, 0 to skip.
      --password <pw>  Password of the bench accounts (default bench-password).
  -h, --help           Print this help.

The database is DATABASE_URL (created when missing), or else the embedded PostgreSQL
(EMBEDDED_PG_DIR, EMBEDDED_PG_PORT). Migrations are applied first. The benches in
bench/ find the trade by its entrant count (the competition's description).`;

class Interrupted extends Error {}
/** Thrown to roll back the sample check's transaction. */
class Rollback extends Error {}

interface Options {
  entrants: number;
  judges: number;
  seed: number;
  check: number;
  password: string;
}

function intOption(name: string, value: string | undefined, dflt: number, min: number, max: number): number {
  if (value === undefined) return dflt;
  const n = Number(value.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}.`);
  return n;
}

function parseOptions(argv: string[]): Options | 'help' {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        entrants: { type: 'string' },
        judges: { type: 'string' },
        seed: { type: 'string' },
        check: { type: 'string' },
        password: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) return 'help';
  const str = (k: string) => values[k] as string | undefined;
  const password = str('password') ?? 'bench-password';
  if (password.length < 8) throw new UsageError('--password needs at least 8 characters.');
  return {
    entrants: intOption('entrants', str('entrants'), 1_000_000, 1, 1_000_000),
    judges: intOption('judges', str('judges'), 3, 1, 10),
    seed: intOption('seed', str('seed'), 1, 0, 2 ** 31 - 1),
    check: intOption('check', str('check'), 200, 0, 100_000),
    password,
  };
}

// ---------------------------------------------------------------- the data

/** mulberry32: small, fast, and the same numbers on every run for a seed. */
function mulberry32(a: number): () => number {
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface GeneratedMark {
  aspect: string;
  judge: number;
  value: number;
}

/**
 * The marks of the i-th entrant: a pure function of (seed, i), so the mark pass and the board
 * pass see the same ones. Every judge marks every measured aspect (half marks, around the
 * entrant's skill); one in five entrants gets a deduction from the first judge.
 */
function marksOf(seed: number, i: number, judges: number[], aspects: { code: string; max: number }[]) {
  const rng = mulberry32((Math.imul(seed, 0x9e3779b1) ^ Math.imul(i + 1, 0x85ebca6b)) >>> 0);
  const skill = 0.55 + rng() * 0.4;
  const out: GeneratedMark[] = [];
  for (const a of aspects)
    for (const judge of judges) {
      const value = Math.round(a.max * Math.min(1, skill + (rng() - 0.5) * 0.1) * 2) / 2;
      out.push({ aspect: a.code, judge, value });
    }
  if (rng() < 0.2) out.push({ aspect: 'P3', judge: judges[0]!, value: 1 + Math.floor(rng() * 4) });
  return out;
}

/** Board row values exactly as `refreshBoard` computes them from these marks. */
function boardValues(scheme: MarkingScheme, marks: GeneratedMark[]) {
  const byAspect = new Map<string, Mark[]>();
  for (const m of marks) {
    const list = byAspect.get(m.aspect) ?? [];
    list.push({ judgeId: String(m.judge), value: m.value });
    byAspect.set(m.aspect, list);
  }
  const result = entrantResult(scheme, byAspect);
  return {
    total: result.total,
    tieBreak: pgArray(tieBreakValues(defaultRules(scheme), scheme, result, null)),
    modules: JSON.stringify(result.modules.map((m) => ({ code: m.code, weighted: m.weighted }))),
  };
}

// ---------------------------------------------------------------- loading

type Stage = { name: string; ms: number; rows: number };

/** Streams rows (text COPY format) produced by `row(i)` for i in [0, total) into `sql`. */
async function copyRows(
  client: Client,
  sql: string,
  stage: string,
  total: number,
  row: (i: number) => string,
  progress: Progress,
  interrupted: () => NodeJS.Signals | null,
): Promise<void> {
  const BATCH = 2_000;
  function* chunks() {
    for (let start = 0; start < total; start += BATCH) {
      const signal = interrupted();
      if (signal) throw new Interrupted(signal);
      const end = Math.min(total, start + BATCH);
      let text = '';
      for (let i = start; i < end; i++) text += row(i);
      progress.update(stage, end, total);
      yield text;
    }
    // Foreign keys are checked by triggers queued per row and fired when the COPY ends.
    progress.note(`${stage}: all sent; PostgreSQL is checking foreign keys and finishing the COPY …`);
  }
  progress.update(stage, 0, total);
  await pipeline(Readable.from(chunks(), { objectMode: false }), client.query(copyFrom(sql)));
}

/** A block of `n` ids for `table` (identity column `id`), which the caller then inserts explicitly. */
async function reserveIds(client: Client, table: string, n: number): Promise<number> {
  await client.query(`lock table ${table} in exclusive mode`);
  const [{ seq }] = (await client.query(`select pg_get_serial_sequence($1, 'id') as seq`, [table])).rows as [
    { seq: string },
  ];
  const [{ top }] = (
    await client.query(
      `select greatest((select coalesce(max(id), 0) from ${table}), (select last_value from ${seq}))::bigint as top`,
    )
  ).rows as [{ top: string }];
  await client.query('select setval($1, $2)', [seq, Number(top) + n]);
  return Number(top) + 1;
}

interface Loaded {
  competitionId: number;
  tradeId: number;
  judges: string[];
  chief: string;
  organizer: string;
  firstEntrantId: number;
}

async function load(
  client: Client,
  o: Options,
  progress: Progress,
  stages: Stage[],
  interrupted: () => NodeJS.Signals | null,
): Promise<Loaded> {
  const timed = async <T>(name: string, rows: number, f: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const r = await f();
    progress.stop();
    stages.push({ name, ms: performance.now() - t0, rows });
    return r;
  };
  const N = o.entrants;
  const scheme = benchScheme();
  const passwordHash = await hashPassword(o.password);
  const q = async <T>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as T[];

  {
    // --- union, enterprises, competition, trade, panel
    const [root] = await q<{ id: number }>(
      `insert into organization (name, short_name, level) values ($1, '基准工会', 'PROVINCE') returning id`,
      [`基准测试工会 ${new Date().toISOString()}`],
    );
    const enterprises = await q<{ id: number }>(
      `insert into organization (name, level, parent_id)
       select '基准测试企业 ' || g, 'ENTERPRISE', $1 from generate_series(1, 20) g returning id`,
      [root!.id],
    );
    const [competition] = await q<{ id: number }>(
      `insert into competition (name, kind, year, host_id, status, description, starts_on, ends_on)
       values ($1, 'SKILLS', 2026, $2, 'RUNNING', $3, current_date, current_date + 2) returning id`,
      [
        `基准测试技能大赛 (${N} 名选手)`,
        root!.id,
        `bench-data entrants=${N} judges=${o.judges} seed=${o.seed}`,
      ],
    );
    const cid = competition!.id;
    const [trade] = await q<{ id: number }>(
      `insert into trade (competition_id, name, theory_weight, practical_weight, capacity, venue, marking_scheme)
       values ($1, '数控车工', 30, 70, $2, '基准测试场馆', $3::jsonb) returning id`,
      [cid, Math.max(N, 1), JSON.stringify(scheme)],
    );
    const tradeId = trade!.id;
    const account = async (username: string, role: string) => {
      const [a] = await q<{ id: number }>(
        `insert into account (username, password_hash, display_name, role, organization_id)
         values ($1, $2, $1, $3, $4) returning id`,
        [username, passwordHash, role, root!.id],
      );
      return a!.id;
    };
    const judgeNames = Array.from({ length: o.judges }, (_, k) => `bench${cid}-judge${k + 1}`);
    const judgeIds: number[] = [];
    for (const name of judgeNames) judgeIds.push(await account(name, 'JUDGE'));
    const chief = `bench${cid}-chief`;
    const chiefId = await account(chief, 'CHIEF_JUDGE');
    const organizer = `bench${cid}-organizer`;
    await account(organizer, 'ORGANIZER');
    for (const id of judgeIds)
      await q(`insert into judge_assignment (trade_id, account_id, role) values ($1, $2, 'JUDGE')`, [
        tradeId,
        id,
      ]);
    await q(`insert into judge_assignment (trade_id, account_id, role) values ($1, $2, 'CHIEF_JUDGE')`, [
      tradeId,
      chiefId,
    ]);

    // --- people
    const firstPerson = await reserveIds(client, 'person', N);
    const employers = enterprises.map((e) => e.id);
    await timed('people', N, () =>
      copyRows(
        client,
        'copy person (id, name, gender, birth_year, employer_id, occupation) from stdin',
        'people',
        N,
        (i) =>
          `${firstPerson + i}\t选手${String(i + 1).padStart(7, '0')}\t${i % 3 === 0 ? 'FEMALE' : 'MALE'}\t${
            1970 + (i % 35)
          }\t${employers[i % employers.length]}\t数控车工\n`,
        progress,
        interrupted,
      ),
    );

    // --- the lot draw (the documented algorithm, so it replays from the seed) and the entrants
    const firstEntrant = await reserveIds(client, 'entrant', N);
    const ids = Array.from({ length: N }, (_, i) => firstEntrant + i);
    const seed = randomBytes(32).toString('hex');
    const digits = lotDigits(N);
    const numbers = await timed('lot draw', N, async () =>
      drawNumbers(seed, tradeId, 1, ids, new Set(), digits),
    );
    const [draw] = await q<{ id: number }>(
      `insert into lot_draw (trade_id, seq, seed, commitment, digits, entrant_count, drawn_by)
       values ($1, 1, $2, $3, $4, $5, $6) returning id`,
      [tradeId, seed, commitmentOf(seed), digits, N, chiefId],
    );
    await timed('entrants', N, () =>
      copyRows(
        client,
        'copy entrant (id, trade_id, person_id, status, lot_number, lot_code, lot_draw_id) from stdin',
        'entrants',
        N,
        (i) => {
          const lot = numbers.get(ids[i]!)!;
          return `${ids[i]}\t${tradeId}\t${firstPerson + i}\tCHECKED_IN\t${lot}\t${formatLot(lot, digits)}\t${draw!.id}\n`;
        },
        progress,
        interrupted,
      ),
    );

    // --- marks, then the board rows from the same marks
    const aspects = [
      { code: 'T1', max: 100 },
      { code: 'P1', max: 40 },
      { code: 'P2', max: 30 },
    ];
    let markCount = 0;
    await timed('marks', N * (aspects.length * o.judges), () =>
      copyRows(
        client,
        'copy mark (trade_id, entrant_id, aspect_code, judge_id, value, device_id) from stdin',
        'marks',
        N,
        (i) => {
          let text = '';
          for (const m of marksOf(o.seed, i, judgeIds, aspects)) {
            text += `${tradeId}\t${ids[i]}\t${m.aspect}\t${m.judge}\t${m.value}\tbench-load\n`;
            markCount++;
          }
          return text;
        },
        progress,
        interrupted,
      ),
    );
    stages[stages.length - 1]!.rows = markCount;
    await timed('board rows', N, () =>
      copyRows(
        client,
        `copy board_entry (entrant_id, trade_id, total, tie_break, modules, public_total, public_tie_break,
                           public_modules, active, public_active, seq) from stdin`,
        'board rows',
        N,
        (i) => {
          const b = boardValues(scheme, marksOf(o.seed, i, judgeIds, aspects));
          return `${ids[i]}\t${tradeId}\t${b.total}\t${b.tieBreak}\t${b.modules}\t${b.total}\t${b.tieBreak}\t${b.modules}\tt\tt\t1\n`;
        },
        progress,
        interrupted,
      ),
    );
    // The public board has its own seq, and shows only the rows it has been shown (`public_active`):
    // no freeze here, so both are the jury's.
    await q('update trade set board_seq = 1, public_seq = 1 where id = $1', [tradeId]);
    return {
      competitionId: cid,
      tradeId,
      judges: judgeNames,
      chief,
      organizer,
      firstEntrantId: firstEntrant,
    };
  }
}

/**
 * Recomputes the board rows of a sample of entrants with `refreshBoard` (the API's own write
 * path) in a transaction that is rolled back, and compares every column but seq and updated_at.
 */
async function checkSample(
  orm: MikroORM,
  tradeId: number,
  firstEntrantId: number,
  n: number,
  count: number,
): Promise<{ checked: number; mismatches: string[] }> {
  const picks = new Set<number>([firstEntrantId, firstEntrantId + n - 1]);
  const rng = mulberry32(n);
  while (picks.size < Math.min(count, n)) picks.add(firstEntrantId + Math.floor(rng() * n));
  const ids = [...picks].sort((a, b) => a - b);
  const read = async (em: EntityManager) =>
    em.execute<Record<string, unknown>[]>(
      `select entrant_id, trade_id, total, tie_break, modules, public_total, public_tie_break, public_modules, active,
              public_active
         from board_entry where entrant_id = any(?::int[]) order by entrant_id`,
      [pgArray(ids)],
    );
  let before: Record<string, unknown>[] = [];
  let after: Record<string, unknown>[] = [];
  try {
    await orm.em.fork().transactional(async (em) => {
      before = await read(em as EntityManager);
      const change = await refreshBoard(em as EntityManager, tradeId, ids);
      if (!change) throw new Error('refreshBoard wrote nothing');
      after = await read(em as EntityManager);
      throw new Rollback();
    });
  } catch (e) {
    if (!(e instanceof Rollback)) throw e;
  }
  const mismatches: string[] = [];
  if (before.length !== ids.length) mismatches.push(`expected ${ids.length} rows, found ${before.length}`);
  for (let i = 0; i < Math.max(before.length, after.length); i++) {
    const a = JSON.stringify(before[i]);
    const b = JSON.stringify(after[i]);
    if (a !== b) mismatches.push(`loaded ${a}\n  refreshBoard ${b}`);
  }
  return { checked: ids.length, mismatches };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function main(argv: string[]): Promise<number> {
  const parsed = commandLine(USAGE, () => parseOptions(argv));
  if (typeof parsed === 'number') return parsed;
  const o = parsed;

  const config = commandConfig();
  if (!config) return 1;

  let db: ResolvedDatabase | null = null;
  let orm: MikroORM | null = null;
  let client: Client | null = null;
  const progress = progressFor(process.stdout, 'entrants', true);
  let cleaning: Promise<void> | null = null;
  const cleanup = () =>
    (cleaning ??= (async () => {
      progress.stop();
      await client?.end().catch(() => {});
      await orm?.close(true).catch((e) => err(`error closing the database connection: ${String(e)}`));
      await db?.embedded?.stop().catch((e) => err(`error stopping PostgreSQL: ${String(e)}`));
    })());
  let interrupted: NodeJS.Signals | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    if (!interrupted) {
      interrupted = signal;
      progress.stop();
      err(`\n${signal}: stopping; the load will be rolled back (again to quit at once).`);
      return;
    }
    void cleanup().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    if (config.DATABASE_URL) {
      const name = decodeURIComponent(new URL(config.DATABASE_URL).pathname.slice(1));
      if (name) await ensureDatabase(config.DATABASE_URL, name);
    }
    ({ db, orm } = await openDatabase(config, out));
    const applied = await migrate(orm);
    out(applied.length ? `Applied migrations: ${applied.join(', ')}` : 'Database schema is up to date');

    client = new Client({ connectionString: db.url, application_name: 'jingsai-bench-load' });
    await client.connect();
    const stages: Stage[] = [];
    const started = performance.now();
    out(`Loading ${o.entrants} entrants, ${o.judges} judges, seed ${o.seed} …`);
    let loaded: Loaded;
    await client.query('begin');
    try {
      // One durable commit at the end; nothing else in this session needs to wait for the disk.
      await client.query('set local synchronous_commit = off');
      loaded = await load(client, o, progress, stages, () => interrupted);
      const t0 = performance.now();
      await client.query('commit');
      stages.push({ name: 'commit', ms: performance.now() - t0, rows: 0 });
    } catch (e) {
      progress.stop();
      await client.query('rollback').catch(() => {});
      if (e instanceof Interrupted) {
        err(`Interrupted (${e.message}): nothing was loaded.`);
        return 130;
      }
      throw e;
    }
    const loadMs = performance.now() - started;
    const t1 = performance.now();
    // Fresh statistics and visibility maps, so plans and index-only scans see the new rows.
    await client.query('vacuum (analyze) person, entrant, mark, board_entry');
    const vacuumMs = performance.now() - t1;

    out('');
    out('Stages:');
    for (const s of stages)
      out(`  ${s.name.padEnd(12)} ${seconds(s.ms).padStart(9)}${s.rows ? `  ${s.rows} rows` : ''}`);
    out(`  ${'total load'.padEnd(12)} ${seconds(loadMs).padStart(9)}  (one transaction)`);
    out(`  ${'vacuum'.padEnd(12)} ${seconds(vacuumMs).padStart(9)}  (vacuum analyze, after the commit)`);

    let failed = false;
    if (o.check > 0) {
      const c = await checkSample(orm, loaded.tradeId, loaded.firstEntrantId, o.entrants, o.check);
      if (c.mismatches.length) {
        failed = true;
        err(`Board rows differ from refreshBoard for ${c.mismatches.length} of ${c.checked} entrants:`);
        for (const m of c.mismatches.slice(0, 10)) err(`  ${m}`);
      } else out(`Checked ${c.checked} entrants: board rows equal what refreshBoard computes (rolled back).`);
    }
    out('');
    out(`Competition ${loaded.competitionId} (${toGlobalId('Competition', loaded.competitionId)}), RUNNING`);
    out(
      `Trade ${loaded.tradeId} (${toGlobalId('Trade', loaded.tradeId)}): ${o.entrants} entrants on the board`,
    );
    out(
      `Accounts (password ${o.password}): ${loaded.judges.join(', ')}, ${loaded.chief}, ${loaded.organizer}`,
    );
    return failed ? 1 : 0;
  } finally {
    await cleanup();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

runCommand(main);
