import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { Agent } from 'node:http';
import { performance } from 'node:perf_hooks';
import { Pool, type Client } from 'pg';
import { issueToken } from '../src/modules/account/auth.service';
import { AUDIT_LOCK_CLASS, GENESIS_HASH, hashEvent, verifyChain } from '../src/modules/audit/audit.service';
import { initOrm } from '../src/orm';
import { toGlobalId } from '../src/shared/graphql/relay';
import { benchScheme } from '../scripts/support/bench-scheme';
import { arg, benchDatabase, connect, flag } from './support/bench-data';
import { percentile } from './support/http-load';
import { post, trustedMutation } from './support/http-post';
import { forkServer } from './support/processes';
import { Profile } from './support/profile';

/**
 * Marks at the database's pace: `--trades` × `--judges` tablets (50 by default) each submit every
 * mark of their own (entrant × aspect) through the trusted `TabletSubmitMarks` document with fresh
 * idempotency keys, in batches of 1 and of 20, as fast as acknowledgments come back. The floor
 * makes the same writes with `pg` at the same concurrency and pool size: per mark one transaction
 * holding the mark row (its unique key) and the audit row appended under the same
 * per-competition advisory lock, hash-chained, default durability (synchronous commit). Each
 * phase gets a fresh competition, so every phase starts from the same empty state; the phases of
 * a round run one after the other (API 1, floor 1, API 20, floor 20, floor 20 committing each
 * batch whole, as the API does) and `--rounds` repeats them.
 */
const TRADES = arg('trades', 5);
const JUDGES = arg('judges', 10);
const ENTRANTS = arg('entrants', 40);
const ROUNDS = arg('rounds', 2);
const POOL = arg('pool', 10);
const BATCHES = process.argv.includes('--batch') ? [arg('batch', 20)] : [1, 20];
const ASPECTS = ['T1', 'P1', 'P2'];
const MAX_MARK: Record<string, number> = { T1: 100, P1: 40, P2: 30 };

interface Tablet {
  judgeId: number;
  token: string;
  marks: { entrantId: number; tradeId: number; aspectCode: string; value: number }[];
}

interface Phase {
  competitionId: number;
  tradeIds: number[];
  tablets: Tablet[];
}

interface Result {
  marks: number;
  seconds: number;
  /** Acknowledgment time of each request (a batch is one request), ms, sorted. */
  acks: number[];
  errors: string[];
}

/** A fresh RUNNING competition with its trades, panels and checked-in, drawn entrants (no marks). */
async function setUp(client: Client, root: number, secret: string, label: string): Promise<Phase> {
  const q = async <T>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as T[];
  const [c] = await q<{ id: number }>(
    `insert into competition (name, kind, year, host_id, status, description, starts_on, ends_on)
     values ($1, 'SKILLS', 2026, $2, 'RUNNING', 'bench-marks', current_date, current_date + 2) returning id`,
    [`评分吞吐基准 ${label}`, root],
  );
  const competitionId = c!.id;
  const tradeIds: number[] = [];
  const tablets: Tablet[] = [];
  for (let t = 0; t < TRADES; t++) {
    const [trade] = await q<{ id: number }>(
      `insert into trade (competition_id, name, theory_weight, practical_weight, capacity, venue, marking_scheme)
       values ($1, $2, 30, 70, $3, '基准测试场馆', $4::jsonb) returning id`,
      [competitionId, `工种 ${t + 1}`, ENTRANTS, JSON.stringify(benchScheme())],
    );
    const tradeId = trade!.id;
    tradeIds.push(tradeId);
    const entrants = await q<{ id: number }>(
      `with p as (
         insert into person (name, employer_id) select '选手' || g, $2 from generate_series(1, $3) g returning id
       )
       insert into entrant (trade_id, person_id, status, lot_number, lot_code)
       select $1, p.id, 'CHECKED_IN', row_number() over (order by p.id), lpad((row_number() over (order by p.id))::text, 3, '0')
         from p returning id`,
      [tradeId, root, ENTRANTS],
    );
    const judges = await q<{ id: number }>(
      `insert into account (username, password_hash, display_name, role, organization_id)
       select $1 || '-t' || $2 || '-j' || g, 'not-for-sign-in', '裁判' || g, 'JUDGE', $3
         from generate_series(1, $4) g returning id`,
      [`bench-marks-${competitionId}`, t + 1, root, JUDGES],
    );
    await q(
      `insert into judge_assignment (trade_id, account_id, role) select $1, unnest($2::int[]), 'JUDGE'`,
      [tradeId, judges.map((j) => j.id)],
    );
    for (const [j, judge] of judges.entries()) {
      const marks: Tablet['marks'] = [];
      for (const e of entrants)
        for (const aspectCode of ASPECTS)
          marks.push({
            entrantId: e.id,
            tradeId,
            aspectCode,
            value: (e.id * 7 + j * 3) % (MAX_MARK[aspectCode]! + 1),
          });
      const { token } = await issueToken({ secret, ttlSeconds: 3600 }, judge.id);
      tablets.push({ judgeId: judge.id, token, marks });
    }
  }
  return { competitionId, tradeIds, tablets };
}

/** Every tablet at once, each sending its marks in batches as soon as the previous one is answered. */
async function runTablets(
  phase: Phase,
  batch: number,
  send: (tablet: Tablet, marks: Tablet['marks']) => Promise<string | null>,
): Promise<Result> {
  const acks: number[] = [];
  const errors: string[] = [];
  const t0 = performance.now();
  await Promise.all(
    phase.tablets.map(async (tablet) => {
      for (let i = 0; i < tablet.marks.length; i += batch) {
        const marks = tablet.marks.slice(i, i + batch);
        const s = performance.now();
        const error = await send(tablet, marks);
        acks.push(performance.now() - s);
        if (error) errors.push(error);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  acks.sort((a, b) => a - b);
  return { marks: phase.tablets.reduce((n, t) => n + t.marks.length, 0), seconds, acks, errors };
}

/**
 * The floor: the marks' rows and their chained audit rows in one transaction under the
 * competition's lock (called with one mark per transaction, or with a whole batch).
 */
async function floorMarks(pool: Pool, competitionId: number, judgeId: number, marks: Tablet['marks']) {
  const db = await pool.connect();
  try {
    await db.query('begin');
    const written: { m: Tablet['marks'][number]; version: number }[] = [];
    for (const m of marks) {
      const { rows } = await db.query<{ id: string; version: number }>(
        `insert into mark (trade_id, entrant_id, aspect_code, judge_id, value, device_id) values ($1, $2, $3, $4, $5, $6)
         returning id, version`,
        [m.tradeId, m.entrantId, m.aspectCode, judgeId, m.value, 'floor'],
      );
      written.push({ m, version: rows[0]!.version });
    }
    await db.query('select pg_advisory_xact_lock($1, $2)', [AUDIT_LOCK_CLASS, competitionId]);
    const last = await db.query<{ seq: number; hash: string }>(
      'select seq, hash from audit_event where competition_id = $1 order by seq desc limit 1',
      [competitionId],
    );
    let seq = last.rows[0]?.seq ?? 0;
    let prev = last.rows[0]?.hash ?? GENESIS_HASH;
    for (const { m, version } of written) {
      const row = {
        competition_id: competitionId,
        registry_id: null,
        seq: (seq += 1),
        kind: 'MARK_CREATED',
        actor_id: judgeId,
        device_id: 'floor',
        idempotency_key: randomUUID(),
        subject: { entrantId: m.entrantId, tradeId: m.tradeId, aspectCode: m.aspectCode, judgeId },
        before: null,
        after: { value: m.value, version },
        created_at: new Date(),
        prev_hash: prev,
      };
      prev = hashEvent(row as Parameters<typeof hashEvent>[0]);
      await db.query(
        `insert into audit_event (competition_id, registry_id, seq, kind, actor_id, device_id, idempotency_key, subject, before, after, created_at, prev_hash, hash)
         values ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb, $10::jsonb, $11, $12, $13)`,
        [
          row.competition_id,
          row.registry_id,
          row.seq,
          row.kind,
          row.actor_id,
          row.device_id,
          row.idempotency_key,
          JSON.stringify(row.subject),
          null,
          JSON.stringify(row.after),
          row.created_at,
          row.prev_hash,
          prev,
        ],
      );
    }
    await db.query('commit');
  } catch (err) {
    await db.query('rollback');
    throw err;
  } finally {
    db.release();
  }
}

function line(name: string, r: Result): string {
  return (
    `${name.padEnd(22)} ${String(r.marks).padStart(6)} marks in ${r.seconds.toFixed(1).padStart(5)} s: ` +
    `${(r.marks / r.seconds).toFixed(0).padStart(5)} marks/s, ack p50 ${percentile(r.acks, 50).toFixed(1)} ms, ` +
    `p99 ${percentile(r.acks, 99).toFixed(1)} ms${r.errors.length ? `, ${r.errors.length} errors (${[...new Set(r.errors)].slice(0, 3).join('; ')})` : ''}`
  );
}

async function main(): Promise<void> {
  const db = await benchDatabase();
  const client = await connect(db.url);
  const secret = randomBytes(32).toString('hex');
  const server = await forkServer(db.url, { JWT_SECRET: secret, DB_POOL_MAX: String(POOL) });
  const pool = new Pool({ connectionString: db.url, max: POOL, application_name: 'jingsai-bench-floor' });
  const orm = await initOrm({ databaseUrl: db.url, poolMax: 1 });
  const profile = new Profile(server, flag('profile'));
  try {
    const [root] = (
      await client.query<{ id: number }>(
        `insert into organization (name, short_name, level) values ($1, '评分基准', 'PROVINCE') returning id`,
        [`评分吞吐基准工会 ${new Date().toISOString()}`],
      )
    ).rows;
    const url = new URL(server.url);
    const agent = new Agent({ keepAlive: true, maxSockets: TRADES * JUDGES });
    const submitId = trustedMutation('TabletSubmitMarks');
    const api = async (tablet: Tablet, marks: Tablet['marks']) => {
      const a = await post(
        agent,
        url,
        JSON.stringify({
          documentId: submitId,
          variables: {
            input: {
              deviceId: `bench-tablet-${tablet.judgeId}`,
              marks: marks.map((m) => ({
                idempotencyKey: randomUUID(),
                entrantId: toGlobalId('Entrant', m.entrantId),
                aspectCode: m.aspectCode,
                value: m.value,
              })),
            },
          },
        }),
        { authorization: `Bearer ${tablet.token}` },
      );
      const outcomes =
        (a.body as { data?: { submitMarks: { outcomes: { status: string; code: string | null }[] } } })?.data
          ?.submitMarks.outcomes ?? [];
      const refused = outcomes.filter((o) => o.status !== 'ACCEPTED');
      if (a.status !== 200 || a.codes.length || outcomes.length !== marks.length)
        return `${a.status} ${a.codes.join('+')}`;
      return refused.length ? `refused ${refused.map((o) => o.code).join('+')}` : null;
    };

    console.log(
      `marks bench: ${TRADES} trades × ${JUDGES} judges = ${TRADES * JUDGES} tablets in one competition, ` +
        `${ENTRANTS} entrants × ${ASPECTS.length} aspects per judge (${ENTRANTS * ASPECTS.length} marks per tablet), ` +
        `API and floor pool ${POOL}, ${ROUNDS} round(s)`,
    );
    const totals = new Map<string, Result[]>();
    const chains: string[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      for (const batch of BATCHES) {
        // --api-only: the API phases alone (to profile the API or measure its processes' CPU).
        // A batch also meets the floor that commits it whole, as the API does.
        const peers =
          batch > 1 ? (['API', 'floor', 'floor, one commit'] as const) : (['API', 'floor'] as const);
        for (const who of flag('api-only') ? (['API'] as const) : peers) {
          const phase = await setUp(client, root!.id, secret, `${round}-${batch}-${who}`);
          if (who === 'API') await profile.start();
          const sql0 = who === 'API' ? await server.sqlCount() : 0;
          const r =
            who === 'API'
              ? await runTablets(phase, batch, api)
              : await runTablets(phase, batch, async (tablet, marks) => {
                  if (who === 'floor, one commit')
                    await floorMarks(pool, phase.competitionId, tablet.judgeId, marks);
                  else
                    for (const m of marks) await floorMarks(pool, phase.competitionId, tablet.judgeId, [m]);
                  return null;
                });
          if (who === 'API') await profile.stop();
          // Statements the API sent during the phase, per mark (the outbox's marks included).
          const perMark =
            who === 'API' ? `, ${((await server.sqlCount()) - sql0) / r.marks} statements a mark` : '';
          const name = `${who}, batches of ${batch}`;
          console.log(`round ${round}  ${line(name, r)}${perMark}`);
          totals.set(name, [...(totals.get(name) ?? []), r]);
          const verdict = await verifyChain(orm.em.fork(), phase.competitionId);
          const stored = await client.query<{ n: string }>(
            'select count(*) as n from mark where trade_id = any($1::int[])',
            [phase.tradeIds],
          );
          chains.push(
            `${name} (round ${round}): chain ${verdict.ok ? 'intact' : `BROKEN at ${verdict.firstBrokenSeq}`}, ` +
              `${verdict.checked} audit events, ${stored.rows[0]!.n} marks stored`,
          );
        }
      }
    }
    console.log('\nall rounds together (each phase its own competition, same machine, same run):');
    const merged = (name: string): Result => {
      const rs = totals.get(name)!;
      return {
        marks: rs.reduce((n, r) => n + r.marks, 0),
        seconds: rs.reduce((n, r) => n + r.seconds, 0),
        acks: rs.flatMap((r) => r.acks).sort((a, b) => a - b),
        errors: rs.flatMap((r) => r.errors),
      };
    };
    for (const batch of BATCHES) {
      if (flag('api-only')) break;
      const a = merged(`API, batches of ${batch}`);
      const f = merged(`floor, batches of ${batch}`);
      console.log(`  ${line(`API, batches of ${batch}`, a)}`);
      console.log(`  ${line(`floor, batches of ${batch}`, f)}`);
      const goal = batch === 1 ? 0.3 : 0.5;
      console.log(
        `  API / floor, batches of ${batch}: throughput ×${(a.marks / a.seconds / (f.marks / f.seconds)).toFixed(2)} ` +
          `(goal ≥ ×${goal}), ack p99 ${percentile(a.acks, 99).toFixed(1)} vs ${percentile(f.acks, 99).toFixed(1)} ms`,
      );
      if (batch > 1) {
        const o = merged(`floor, one commit, batches of ${batch}`);
        console.log(`  ${line(`floor, one commit, batches of ${batch}`, o)}`);
        console.log(
          `  API / floor committing each batch whole: throughput ×${(a.marks / a.seconds / (o.marks / o.seconds)).toFixed(2)}, ` +
            `ack p99 ${percentile(a.acks, 99).toFixed(1)} vs ${percentile(o.acks, 99).toFixed(1)} ms`,
        );
      }
    }
    for (const c of chains) console.log(`  ${c}`);
    profile.print();
  } finally {
    await orm.close(true);
    await pool.end();
    await server.stop();
    await client.end();
    await db.embedded?.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
