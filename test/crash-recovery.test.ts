import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { Role } from '../src/modules/account/account.entity';
import { withDatabase } from '../src/shared/db/database';
import { documentId, loadManifest } from '../src/shared/security/trusted-documents';
import {
  AssignJudgeDocument,
  DrawLotsErrorsDocument,
  SetMarkingSchemeDocument,
  VerifyAuditChainDocument,
} from './generated/graphql';
import { gid, startTestApp, type TestApp } from './support/app';
import { adminUrl } from './support/db';
import {
  buildWorld,
  createCompetition,
  createPerson,
  createTrade,
  dbId,
  moveTo,
  registerEntrant,
  type World,
} from './support/world';

/**
 * Crash recovery of mark submission: a real server process is killed with SIGKILL while
 * 50 tablets send 1,000 marks, a new process is started on the same database, and the
 * tablets retry every unacknowledged mark with its key. Every mark must then exist exactly
 * once, every acknowledgment must still hold, and the audit chain must be whole.
 */
const root = path.resolve(__dirname, '..');
const manifest = loadManifest();
const SUBMIT = documentId(Object.values(manifest).find((d) => d.includes(' TabletSubmitMarks('))!);

const JUDGES = 10;
const ENTRANTS = 20;
const ASPECTS = ['A', 'B', 'C', 'D', 'E'];
const TABLETS_PER_JUDGE = 5;
const TOTAL = JUDGES * ENTRANTS * ASPECTS.length; // 1,000
const KILL_AFTER_ACKS = 300;
// A ceiling for a restart on a loaded machine (the run itself takes 10–25 s when idle), short enough to fail rather than hang.
const RETRY_DEADLINE_MS = 240_000;

const SCHEME = {
  modules: [
    {
      code: 'P',
      name: '实际操作',
      weight: 100,
      criteria: [
        {
          code: 'P1',
          name: '焊缝',
          aspects: ASPECTS.map((code) => ({
            code,
            description: `评分项${code}`,
            kind: 'MEASUREMENT',
            maxMark: 10,
            aggregation: { method: 'MEAN' },
            tolerance: null,
          })),
        },
      ],
    },
  ],
};

interface Outcome {
  idempotencyKey: string;
  status: 'ACCEPTED' | 'REFUSED';
  code: string | null;
  message: string | null;
  toleranceBreached: boolean;
  mark: {
    id: string;
    entrantId: string;
    aspectCode: string;
    value: number;
    version: number;
    judgeId: string;
  } | null;
}

interface PlannedMark {
  key: string;
  judge: number;
  entrantId: string;
  aspectCode: string;
  value: number;
  attempts: number;
  failures: number;
  outcome: Outcome | null;
  /** Which server process answered: 1 = the one killed, 2 = the restarted one. */
  answeredBy: 1 | 2 | null;
}

interface ServerProcess {
  child: ChildProcess;
  url: Promise<string>;
  exited: Promise<void>;
  output: () => string;
}

/** The server as `npm start` runs it, on the test's database (as startup.test.ts spawns it). */
function startServer(env: NodeJS.ProcessEnv): ServerProcess {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'src/main.ts'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = new Promise<string>((resolve, reject) => {
    const onData = (b: Buffer) => {
      out += b.toString();
      const m = /Jingsai GraphQL API: (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => reject(new Error(`server exited (${code ?? signal}):\n${out}`)));
    setTimeout(() => reject(new Error(`server did not start within 120 s:\n${out}`)), 120_000).unref();
  });
  return { child, url, exited, output: () => out };
}

/** A request that got no answer (refused, reset, cut off mid-body): the mark is unacknowledged. */
class Unanswered extends Error {}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let t: TestApp;
let w: World;
let competitionId: string;
let tradeId: string;
let entrants: string[];
let judges: { token: string; id: number }[];
let childEnv: NodeJS.ProcessEnv;
const servers: ServerProcess[] = [];

beforeAll(async () => {
  // Tokens signed by the in-process test app (sign-in) must verify in the spawned servers.
  const jwtSecret = randomBytes(32).toString('hex');
  t = await startTestApp({ JWT_SECRET: jwtSecret });
  w = await buildWorld(t);
  competitionId = await createCompetition(t, w.tokens.xian, w.orgs.xian, { name: '焊工大赛（断电恢复）' });
  tradeId = await createTrade(t, w.tokens.xian, competitionId, { name: '焊工', capacity: ENTRANTS });
  const scheme = await t.gql(
    SetMarkingSchemeDocument,
    { input: { tradeId, format: 'JSON', content: JSON.stringify(SCHEME) } },
    { token: w.tokens.xian },
  );
  expect(scheme.errors).toBeUndefined();
  // Entrants check in once registration is open, so the check-in's lot drawing applies to them.
  await moveTo(t, w.tokens.xian, competitionId, 'REGISTRATION_OPEN');

  entrants = [];
  for (let i = 0; i < ENTRANTS; i++) {
    const person = await createPerson(t, w.tokens.xian, w.orgs.xianFirm, `选手${i}`);
    entrants.push(await registerEntrant(t, w.tokens.xian, tradeId, person, { checkIn: true }));
  }

  // Judge accounts without a person record: no employer, so no conflict with any entrant.
  const accounts = await Promise.all(
    Array.from({ length: JUDGES }, (_, j) => t.account(Role.JUDGE, w.orgs.xian, `crash.judge${j}`)),
  );
  judges = accounts.map((a) => ({ token: a.token, id: a.account.id }));
  for (const j of judges) {
    const r = await t.gql(
      AssignJudgeDocument,
      { input: { tradeId, accountId: gid('Account', j.id), role: 'JUDGE' } },
      { token: w.tokens.xian },
    );
    expect(r.errors).toBeUndefined();
  }
  await moveTo(t, w.tokens.xian, competitionId, 'RUNNING');
  await ensureAnonymousNumbers();

  childEnv = {
    ...process.env,
    NODE_ENV: 'test',
    PORT: '0',
    DATABASE_URL: withDatabase(adminUrl(), t.database),
    JWT_SECRET: jwtSecret,
    // The database already has organizations, but say it outright: no demo data here.
    SEED_DEMO: 'never',
    RATE_LIMIT_IP_PER_MINUTE: '1000000',
    RATE_LIMIT_ACCOUNT_PER_MINUTE: '1000000',
    RATE_LIMIT_API_KEY_PER_MINUTE: '1000000',
  };
  // Process-local rate-limit counters, as the test app has.
  delete childEnv.REDIS_URL;
}, 180_000);

afterAll(async () => {
  for (const s of servers) {
    if (s.child.exitCode === null && s.child.signalCode === null) {
      s.child.kill('SIGKILL');
      await s.exited;
    }
  }
  await t?.close();
});

/**
 * Marks are refused until the entrant has an anonymous number. `registerEntrant` draws lots with
 * the check-in; should it leave some entrant without a number, the organizer draws for them here.
 */
async function ensureAnonymousNumbers() {
  const [{ n }] = (await t.sql<{ n: string }>(
    `select count(*) n from entrant where trade_id = ? and status = 'CHECKED_IN' and lot_code is null`,
    [dbId(tradeId)],
  )) as [{ n: string }];
  if (n === '0') return;
  const r = await t.gql(DrawLotsErrorsDocument, { input: { tradeId } }, { token: w.tokens.xian });
  expect(r.errors).toBeUndefined();
  expect(r.data).toEqual({ drawLots: { errors: [] } });
}

/** One mark in one request, as a tablet sends it; throws `Unanswered` when no answer arrives. */
async function send(url: string, token: string, deviceId: string, m: PlannedMark): Promise<Outcome> {
  let json: { data?: { submitMarks: { outcomes: Outcome[]; errors: unknown[] } }; errors?: unknown[] };
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        documentId: SUBMIT,
        variables: {
          input: {
            deviceId,
            marks: [
              { idempotencyKey: m.key, entrantId: m.entrantId, aspectCode: m.aspectCode, value: m.value },
            ],
          },
        },
      }),
      signal: AbortSignal.timeout(15_000),
    });
    json = (await res.json()) as typeof json;
  } catch (err) {
    throw new Unanswered(String((err as Error).cause ?? err));
  }
  const retryable = (json.errors as { extensions?: { retryable?: boolean } }[] | undefined)?.every(
    (e) => e.extensions?.retryable,
  );
  if (json.errors && retryable) throw new Unanswered(JSON.stringify(json.errors));
  if (json.errors || !json.data || json.data.submitMarks.errors.length) {
    throw new Error(`unexpected answer for ${m.key}: ${JSON.stringify(json)}`);
  }
  return json.data.submitMarks.outcomes[0]!;
}

test('SIGKILL during 1,000 concurrent mark submissions, restart, retries with the same keys: every mark exactly once', async () => {
  const started = Date.now();
  // 10 judges × 20 entrants × 5 aspects; each judge's marks spread over 5 tablets of 20 marks.
  const plan: PlannedMark[] = [];
  const outboxes: PlannedMark[][] = Array.from({ length: JUDGES * TABLETS_PER_JUDGE }, () => []);
  for (let j = 0; j < JUDGES; j++)
    for (let e = 0; e < ENTRANTS; e++)
      ASPECTS.forEach((aspectCode, a) => {
        const m: PlannedMark = {
          key: randomUUID(),
          judge: j,
          entrantId: entrants[e]!,
          aspectCode,
          value: ((j * 31 + e * 7 + a * 3) % 21) / 2,
          attempts: 0,
          failures: 0,
          outcome: null,
          answeredBy: null,
        };
        plan.push(m);
        outboxes[j * TABLETS_PER_JUDGE + (e % TABLETS_PER_JUDGE)]!.push(m);
      });
  expect(plan).toHaveLength(TOTAL);

  const first = startServer(childEnv);
  servers.push(first);
  // The address tablets use; switched to the restarted process once it listens.
  let current = { url: await first.url, generation: 1 as 1 | 2 };
  const bootedAt = Date.now();

  let answered = 0;
  const inFlight = new Set<PlannedMark>();
  const run: {
    kill: {
      at: number;
      answered: number;
      committed: number;
      inFlight: Set<PlannedMark>;
      neverSent: number;
      pauses: number;
    } | null;
    killing: Promise<void> | null;
    restartedAt: number;
  } = { kill: null, killing: null, restartedAt: 0 };
  const committedCount = async () =>
    Number((await t.sql<{ n: string }>('select count(*) n from mark_submission'))[0]!.n);

  /**
   * The worst moment to die: the database has committed a mark whose answer has not reached
   * its tablet. Watched from outside; when it seems to hold, the process is frozen (SIGSTOP) so
   * answers already on the wire arrive and commits already sent land, and the count is taken
   * again: if it still holds, SIGKILL, else SIGCONT and watch on. Bounded: after 5 s it kills anyway.
   */
  const killAtWorstMoment = async () => {
    const giveUpAt = Date.now() + 5_000;
    let pauses = 0;
    for (;;) {
      const suspicious = (await committedCount()) > answered;
      if (!suspicious && Date.now() < giveUpAt) continue;
      first.child.kill('SIGSTOP');
      pauses += 1;
      await sleep(100);
      const committed = await committedCount();
      if (committed > answered || Date.now() >= giveUpAt) {
        run.kill = {
          at: Date.now(),
          answered,
          committed,
          inFlight: new Set(inFlight),
          neverSent: plan.filter((p) => p.attempts === 0).length,
          pauses,
        };
        first.child.kill('SIGKILL');
        return;
      }
      first.child.kill('SIGCONT');
    }
  };
  let onKilled!: () => void;
  const killed = new Promise<void>((r) => (onKilled = r));
  const restarted = killed.then(async () => {
    await first.exited;
    const second = startServer(childEnv);
    servers.push(second);
    current = { url: await second.url, generation: 2 };
    run.restartedAt = Date.now();
  });
  // Fails the test at once if the restart fails, instead of letting the tablets time out.
  let restartError: unknown = null;
  restarted.catch((err) => (restartError = err));

  const deadline = Date.now() + RETRY_DEADLINE_MS;
  /** Sends until the mark gets an outcome, backing off while the server is down. */
  const deliver = async (tablet: number, m: PlannedMark): Promise<Outcome> => {
    const token = judges[m.judge]!.token;
    for (;;) {
      if (restartError) throw restartError;
      if (Date.now() > deadline) throw new Error(`no answer for ${m.key} after ${m.attempts} attempts`);
      const { url, generation } = current;
      m.attempts += 1;
      inFlight.add(m);
      try {
        const outcome = await send(url, token, `tablet-${tablet}`, m);
        inFlight.delete(m);
        m.answeredBy ??= generation;
        return outcome;
      } catch (err) {
        inFlight.delete(m);
        if (!(err instanceof Unanswered)) throw err;
        m.failures += 1;
        await sleep(50 + Math.random() * 100);
      }
    }
  };

  const replays: { original: Outcome; replay: Outcome }[] = [];
  await Promise.all(
    outboxes.map(async (outbox, tablet) => {
      for (const m of outbox) {
        m.outcome = await deliver(tablet, m);
        answered += 1;
        // Counted from answers, not timed; the other tablets keep sending while the moment is sought.
        if (!run.killing && answered >= KILL_AFTER_ACKS) {
          run.killing = killAtWorstMoment().then(onKilled);
        }
      }
      // A sample of what the killed server acknowledged, sent again after the restart.
      if (!run.killing) return;
      await run.killing;
      await restarted;
      const acknowledgedBefore = outbox.filter((m) => m.answeredBy === 1);
      for (const m of acknowledgedBefore.filter((_, i) => i % 2 === 0)) {
        replays.push({ original: m.outcome!, replay: await deliver(tablet, { ...m }) });
      }
    }),
  );
  const finished = Date.now();

  // ---- what the tablets saw
  expect(run.kill).not.toBeNull();
  const k = run.kill!;
  await restarted;
  expect(first.child.signalCode).toBe('SIGKILL');
  const refused = plan.filter((m) => m.outcome?.status !== 'ACCEPTED');
  expect(refused.map((m) => m.outcome)).toEqual([]);
  const byKilled = plan.filter((m) => m.answeredBy === 1);
  const byRestarted = plan.filter((m) => m.answeredBy === 2);
  const retried = plan.filter((m) => m.failures > 0);
  // The kill really fell mid-run: some marks acknowledged before it, many not, some open at that moment.
  expect(byKilled.length).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);
  expect(byRestarted.length).toBeGreaterThan(0);
  expect(byKilled.length + byRestarted.length).toBe(TOTAL);
  expect(k.inFlight.size).toBeGreaterThan(0);
  expect(retried.length).toBeGreaterThan(0);
  // An acknowledgment is never taken back: the replay answers the original outcome, same mark and version.
  expect(replays.length).toBeGreaterThan(0);
  for (const { original, replay } of replays) expect(replay).toEqual(original);

  // ---- what the database holds
  const rows = await t.sql<{
    id: string;
    entrant_id: number;
    aspect_code: string;
    judge_id: number;
    value: string;
    version: number;
  }>('select id, entrant_id, aspect_code, judge_id, value, version from mark');
  expect(rows).toHaveLength(TOTAL);
  const byTriple = new Map<string, (typeof rows)[number][]>();
  for (const r of rows) {
    const key = `${r.entrant_id}|${r.aspect_code}|${r.judge_id}`;
    byTriple.set(key, [...(byTriple.get(key) ?? []), r]);
  }
  expect(byTriple.size).toBe(TOTAL);
  for (const m of plan) {
    const found = byTriple.get(`${dbId(m.entrantId)}|${m.aspectCode}|${judges[m.judge]!.id}`) ?? [];
    expect(found).toHaveLength(1);
    const row = found[0]!;
    expect({ value: Number(row.value), version: row.version }).toEqual({ value: m.value, version: 1 });
    // Whichever process answered, the answer names the row that exists.
    expect(m.outcome!.mark).toMatchObject({ value: m.value, version: 1 });
    expect(dbId(m.outcome!.mark!.id)).toBe(Number(row.id));
  }

  const keys = new Set(plan.map((m) => m.key));
  const submissions = await t.sql<{ idempotency_key: string; created_at: Date; outcome: Outcome }>(
    'select idempotency_key, created_at, outcome from mark_submission',
  );
  expect(submissions).toHaveLength(TOTAL);
  expect(new Set(submissions.map((s) => s.idempotency_key))).toEqual(keys);
  // Every tablet holds exactly the outcome stored with its key, whichever process answered.
  const stored = new Map(submissions.map((s) => [s.idempotency_key, s.outcome]));
  for (const m of plan) expect(m.outcome).toEqual(stored.get(m.key));

  const events = await t.sql<{ kind: string; idempotency_key: string | null }>(
    `select kind, idempotency_key from audit_event where kind like 'MARK_%'`,
  );
  expect(events.filter((e) => e.kind !== 'MARK_CREATED')).toEqual([]);
  expect(events).toHaveLength(TOTAL);
  expect(new Set(events.map((e) => e.idempotency_key))).toEqual(keys);

  const [{ n: eventCount }] = (await t.sql<{ n: string }>(
    'select count(*) n from audit_event where competition_id = ?',
    [dbId(competitionId)],
  )) as [{ n: string }];
  const verdict = await t.gql(VerifyAuditChainDocument, { competitionId }, { token: w.tokens.xian });
  expect(verdict.data).toEqual({
    verifyAuditChain: { ok: true, checked: Number(eventCount), firstBrokenSeq: null, reason: null },
  });

  // Written by the killed process but never acknowledged to the tablet (the moment the kill
  // waited for): the restarted process answered their retries from the stored outcome. Such a
  // write can only come from a request that was open at the kill.
  const answeredKeys = new Set(byKilled.map((m) => m.key));
  const ghosts = submissions.filter(
    (s) => new Date(s.created_at).getTime() <= k.at && !answeredKeys.has(s.idempotency_key),
  );
  expect(ghosts.length).toBe(k.committed - byKilled.length);
  // Zero only if killAtWorstMoment gave up waiting for such a moment: then this run proved less.
  expect(ghosts.length).toBeGreaterThan(0);
  const openAtKill = new Set([...k.inFlight].map((m) => m.key));
  for (const g of ghosts) expect(openAtKill.has(g.idempotency_key)).toBe(true);

  console.log(
    [
      `crash-recovery: ${TOTAL} marks from ${outboxes.length} tablets`,
      `answered before the kill signal: ${k.answered}; answered by the killed process in all: ${byKilled.length}`,
      `open at the kill: ${k.inFlight.size}; not yet sent: ${k.neverSent}; freezes before the kill: ${k.pauses}`,
      `committed by the killed process but unacknowledged (found by key on retry): ${ghosts.length}`,
      `marks retried after a failed attempt: ${retried.length} (${plan.reduce((s, m) => s + m.failures, 0)} failed attempts)`,
      `answered by the restarted process: ${byRestarted.length}; acknowledged marks re-sent: ${replays.length}`,
      `timings: boot ${bootedAt - started} ms, kill at +${k.at - bootedAt} ms, restart listening at +${run.restartedAt - k.at} ms after the kill, all answered at +${finished - bootedAt} ms`,
    ].join('\n'),
  );
}, 420_000);
