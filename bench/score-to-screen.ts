import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Client } from 'pg';
import type { Mark } from '../src/modules/scoring/aggregation';
import { entrantResult } from '../src/modules/scoring/ranking';
import { defaultRules, tieBreakValues } from '../src/modules/scoring/results-rules';
import type { MarkingScheme } from '../src/modules/scoring/scheme';
import { toGlobalId } from '../src/shared/graphql/relay';
import { documentId, loadManifest } from '../src/shared/security/trusted-documents';
import { arg, benchDatabase, connect, findBenchTrade, flag } from './support/bench-data';
import { HttpTarget, percentile } from './support/http-load';
import { type Child, forkServer, forkTs } from './support/processes';
import { HeapProfile, Profile } from './support/profile';
import { print } from 'graphql';
import {
  BenchBoardSizeDocument,
  BenchScreenDocument,
  SignInTokenDocument,
  type BenchBoardSizeQuery,
  type SignInTokenMutation,
} from '../test/generated/graphql';

/**
 * Score to screen: 5,000 screens subscribed to one trade's board on one API process; a judge's
 * tablet corrects marks that each lift an entrant into the top 50; for every mark, the time from
 * its acknowledgment (the tablet has the HTTP answer) to the moment each screen receives the
 * DELTA that contains it. Also the API process's memory per idle subscriber.
 *
 *   npm run bench:load -- --entrants 100000      # once
 *   node -r @swc-node/register bench/score-to-screen.ts [--entrants 100000] [--subscribers 5000]
 *        [--clients 4] [--marks 40] [--interval 500] [--profile]
 *        [--stalled 0] [--stalled-subscriptions 100] [--bound 1048576]
 *
 * The API runs in a child process (its memory is its own: VmRSS, and the V8 heap after a full
 * GC); the screens are graphql-transport-ws sockets spread over `--clients` processes. Server
 * pushes are coalesced per board every 200 ms, so the latency includes up to that interval.
 * Frames and acknowledgments are stamped with each process's performance.timeOrigin + now().
 *
 * Peer, in the same run, with new client processes and the same number of screens: the floor
 * (bench/support/ws-floor.ts), a bare `ws` server that answers the handshake and, for each
 * "mark" (an IPC message; no database, so its acknowledgment is the moment it is sent), waits
 * the same 200 ms window and writes one prebuilt copy of a real DELTA of the API to every socket.
 *
 * Slow screens (`--stalled N`): besides the readers, N screens each subscribe
 * `--stalled-subscriptions` times to the top 100 and stop reading their sockets at once (before
 * their snapshots arrive). The API phase then runs twice in the run, with WS_MAX_BUFFERED_BYTES
 * at `--bound` and with it off (0): how many stalled screens were cut, the API's RSS growth over
 * the marks (peak), and the readers' latencies, side by side.
 */
const ENTRANTS = arg('entrants', 100_000);
const SUBSCRIBERS = arg('subscribers', 5000);
const CLIENTS = arg('clients', 4);
const MARKS = arg('marks', 40);
const INTERVAL_MS = arg('interval', 500);
/** Screens that subscribe and stop reading their sockets at once (0: none). */
const STALLED = arg('stalled', 0);
/** Subscriptions each stalled screen holds (the top 100 each): a long day's frames in a few seconds. */
const STALL_SUBSCRIPTIONS = arg('stalled-subscriptions', 100);
/** WS_MAX_BUFFERED_BYTES of the bounded run (the default as shipped). */
const BOUND = arg('bound', 1024 * 1024);
const FIRST = 50;
const PASSWORD = process.env.BENCH_PASSWORD ?? 'bench-password';

const SUBSCRIPTION = print(BenchScreenDocument);

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rssOf = (pid: number) =>
  Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

function trusted(operationName: string): string {
  const text = Object.values(loadManifest()).find((d) =>
    new RegExp(`^(query|mutation|subscription) ${operationName}\\b`, 'm').test(d),
  );
  if (!text) throw new Error(`no trusted document ${operationName}`);
  return documentId(text);
}

interface Scored {
  total: number;
  tieBreak: number[];
}
const better = (a: Scored, b: Scored) => {
  if (a.total !== b.total) return a.total > b.total;
  for (let i = 0; i < Math.max(a.tieBreak.length, b.tieBreak.length); i++) {
    const x = a.tieBreak[i] ?? -Infinity;
    const y = b.tieBreak[i] ?? -Infinity;
    if (x !== y) return x > y;
  }
  return false;
};

/**
 * The next entrant just outside the top 50 whose T1 mark from this judge, raised to 100, lifts
 * it above the current 50th row (computed with the engine, as refreshBoard will). With stalled
 * screens, the lowest-ranked such entrant of the first 2,000 rows.
 */
async function nextCandidate(
  client: Client,
  tradeId: number,
  judgeId: number,
  scheme: MarkingScheme,
  used: Set<number>,
): Promise<{ entrantId: number; version: number; original: number; expected: number } | null> {
  const rows = await client.query<{ entrant_id: number; public_total: string; public_tie_break: number[] }>(
    `select entrant_id, public_total, public_tie_break from board_entry
      where trade_id = $1 and active and public_active and public_total is not null
      order by public_total desc, public_tie_break desc, entrant_id limit 2000`,
    [tradeId],
  );
  const fiftieth = rows.rows[FIRST - 1]!;
  const bar: Scored = { total: Number(fiftieth.public_total), tieBreak: fiftieth.public_tie_break };
  const rules = defaultRules(scheme);
  // With stalled screens: the lowest-ranked entrant the mark lifts into the top 50 (from far below
  // the top 100, it moves half of a stalled screen's window: a long day's frames in a few seconds).
  let lowest: { entrantId: number; version: number; original: number; expected: number } | null = null;
  // Every candidate's marks in one statement (one per row made the search take seconds).
  const candidates = rows.rows.slice(FIRST).filter((r) => !used.has(r.entrant_id));
  const allMarks = await client.query<{
    entrant_id: number;
    aspect_code: string;
    judge_id: number;
    value: string;
    version: number;
  }>('select entrant_id, aspect_code, judge_id, value, version from mark where entrant_id = any($1::int[])', [
    candidates.map((r) => r.entrant_id),
  ]);
  const marksOf = new Map<number, typeof allMarks.rows>();
  for (const m of allMarks.rows) marksOf.set(m.entrant_id, [...(marksOf.get(m.entrant_id) ?? []), m]);
  for (const r of candidates) {
    const marks = { rows: marksOf.get(r.entrant_id) ?? [] };
    const mine = marks.rows.find((m) => m.aspect_code === 'T1' && m.judge_id === judgeId);
    if (!mine || Number(mine.value) === 100) continue;
    const byAspect = new Map<string, Mark[]>();
    for (const m of marks.rows) {
      const value = m === mine ? 100 : Number(m.value);
      byAspect.set(m.aspect_code, [
        ...(byAspect.get(m.aspect_code) ?? []),
        { judgeId: String(m.judge_id), value },
      ]);
    }
    const result = entrantResult(scheme, byAspect);
    const after: Scored = { total: result.total, tieBreak: tieBreakValues(rules, scheme, result, null) };
    if (!better(after, bar)) continue;
    const found = {
      entrantId: r.entrant_id,
      version: mine.version,
      original: Number(mine.value),
      expected: result.total,
    };
    if (STALLED === 0) return found;
    lowest = found;
  }
  return lowest;
}

function request<T>(child: Child, msg: object, reply: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const on = (m: { type: string; message?: string }) => {
      if (m.type === 'failed') {
        child.process.off('message', on);
        reject(new Error(m.message));
      } else if (m.type === reply) {
        child.process.off('message', on);
        resolve(m as T);
      }
    };
    child.process.on('message', on);
    child.process.send(msg);
  });
}

interface Collected {
  arrivals: number[][];
  firstSocketRows: Record<number, string[]>;
  lastPayload: string | null;
  errors: number;
  closedEarly: number;
}

/** `SUBSCRIBERS` screens on `wsUrl`, spread over `CLIENTS` new processes; resolves once all have their snapshot. */
async function openScreens(wsUrl: string, tradeGid: string, children: Child[]) {
  const clients: Child[] = [];
  for (let c = 0; c < CLIENTS; c++) clients.push(await forkTs('subscribers.ts', {}));
  children.push(...clients);
  const share = (c: number) => Math.floor(SUBSCRIBERS / CLIENTS) + (c < SUBSCRIBERS % CLIENTS ? 1 : 0);
  const t0 = now();
  await Promise.all(
    clients.map((child, c) =>
      request(
        child,
        {
          type: 'open',
          url: wsUrl,
          count: share(c),
          query: SUBSCRIPTION,
          variables: { tradeId: tradeGid, first: FIRST },
          parallel: 25,
        },
        'opened',
      ),
    ),
  );
  const seconds = (now() - t0) / 1000;
  return {
    seconds,
    collect: () =>
      Promise.all(clients.map((child) => request<Collected>(child, { type: 'collect' }, 'collected'))),
  };
}

/** `STALLED` screens in one new process: each subscribes `STALL_SUBSCRIPTIONS` times and stops reading. */
async function openStalled(wsUrl: string, tradeGid: string, children: Child[]): Promise<void> {
  const child = await forkTs('subscribers.ts', {});
  children.push(child);
  await request(
    child,
    {
      type: 'open',
      url: wsUrl,
      count: STALLED,
      query: SUBSCRIPTION,
      variables: { tradeId: tradeGid, first: 100 },
      parallel: 10,
      stall: STALL_SUBSCRIPTIONS,
    },
    'opened',
  );
}

interface Delivery {
  latencies: number[];
  firsts: number[];
  lasts: number[];
  missing: number;
  errors: number;
  closedEarly: number;
}

/** For each mark (its seq and acknowledgment), each screen's first DELTA at or past that seq. */
function deliveries(marks: { seq: number; ack: number }[], collected: Collected[]): Delivery {
  const latencies: number[] = [];
  const firstLast = marks.map(() => ({ first: Infinity, last: 0 }));
  let missing = 0;
  for (const c of collected)
    for (const frames of c.arrivals)
      marks.forEach((m, k) => {
        for (let i = 0; i < frames.length; i += 2) {
          if (frames[i]! >= m.seq) {
            const l = frames[i + 1]! - m.ack;
            latencies.push(l);
            firstLast[k]!.first = Math.min(firstLast[k]!.first, l);
            firstLast[k]!.last = Math.max(firstLast[k]!.last, l);
            return;
          }
        }
        missing++;
      });
  const sorted = (xs: number[]) => xs.sort((a, b) => a - b);
  return {
    latencies: sorted(latencies),
    firsts: sorted(firstLast.map((f) => f.first)),
    lasts: sorted(firstLast.map((f) => f.last)),
    missing,
    errors: collected.reduce((s, c) => s + c.errors, 0),
    closedEarly: collected.reduce((s, c) => s + c.closedEarly, 0),
  };
}

function report(name: string, d: Delivery, memory: { rss: number; heap: number }) {
  const l = d.latencies;
  console.log(
    `${name}: mark → screen over ${l.length} deliveries: p50 ${percentile(l, 50).toFixed(1)} ms, ` +
      `p90 ${percentile(l, 90).toFixed(1)} ms, p99 ${percentile(l, 99).toFixed(1)} ms, max ${l[l.length - 1]!.toFixed(1)} ms`,
  );
  console.log(
    `  per mark, first screen p50 ${percentile(d.firsts, 50).toFixed(1)} ms, last screen p50 ` +
      `${percentile(d.lasts, 50).toFixed(1)} ms (max ${d.lasts[d.lasts.length - 1]!.toFixed(1)} ms): ` +
      `the 200 ms window, the flush, then the fan-out`,
  );
  console.log(
    `  not delivered ${d.missing}, socket errors ${d.errors}, closed early ${d.closedEarly}; ` +
      `memory per idle subscriber: RSS ${kb(memory.rss)}, heap ${kb(memory.heap)}`,
  );
}

/** One run of the API with the screens: what the readers saw, and what the process held. */
interface ApiPhase {
  ours: Delivery;
  marks: { entrantId: number; seq: number; ack: number; submitMs: number }[];
  collected: Collected[];
  seconds: number;
  totalCount: number;
  idle: { rss0: number; rss1: number; heap0: number; heap1: number };
  /** With stalled screens: the process's RSS once they stopped reading, its peak over the marks, at the end. */
  stalled: { rssBefore: number; rssPeak: number; rssAfter: number; cut: number; seconds: number } | null;
}

async function main() {
  const db = await benchDatabase();
  const client = await connect(db.url);
  let profile: Profile | null = null;
  let heap: HeapProfile | null = null;
  const children: Child[] = [];
  const stopAll = async () => {
    // Servers first: they close their sockets cleanly, then the clients have nothing left.
    for (const c of children.splice(0)) await c.stop();
  };
  try {
    const trade = await findBenchTrade(client, ENTRANTS);
    const judge = trade.judges[0]!;
    const [{ id: judgeId }] = (await client.query('select id from account where username = $1', [judge]))
      .rows as [{ id: number }];
    const [{ marking_scheme: scheme }] = (
      await client.query('select marking_scheme from trade where id = $1', [trade.tradeId])
    ).rows as [{ marking_scheme: MarkingScheme }];
    const submitId = trusted('TabletSubmitMarks');

    /** The API with `SUBSCRIBERS` reading screens (and `STALLED` stalled ones), then the marks. */
    const apiPhase = async (env: Record<string, string>, profiled: boolean): Promise<ApiPhase> => {
      const server = await forkServer(
        db.url,
        {
          WS_MAX_SOCKETS_PER_IP: String((SUBSCRIBERS + STALLED) * 2),
          WS_INIT_TIMEOUT_MS: '60000',
          WS_MAX_SUBSCRIPTIONS_PER_SOCKET: String(Math.max(20, STALL_SUBSCRIPTIONS)),
          ...env,
        },
        ['--expose-gc'],
      );
      children.push(server);
      if (profiled) {
        profile = new Profile(server, flag('profile'));
        heap = new HeapProfile(server, flag('profile'));
      }
      const http = new HttpTarget(server.url, 4);
      // Warm the board (rank index loaded) and the tablet's session before the first reading.
      const board = (await http.post(
        JSON.stringify({ query: print(BenchBoardSizeDocument), variables: { id: trade.tradeGid } }),
      )) as { data: BenchBoardSizeQuery };
      const signIn = (await http.post(
        JSON.stringify({
          query: print(SignInTokenDocument),
          variables: { input: { username: judge, password: PASSWORD } },
        }),
      )) as { data: SignInTokenMutation };
      const token = signIn.data.signIn.token;
      if (!token) throw new Error(`cannot sign in as ${judge}`);

      const idle0 = await server.memory();
      const rss0 = rssOf(server.process.pid!);
      if (profiled) await heap?.start();
      const wsUrl = server.url.replace(/^http/, 'ws');
      const screens = await openScreens(wsUrl, trade.tradeGid, children);
      await sleep(2000);
      if (profiled) await heap?.stop();
      const idle1 = await server.memory();
      const rss1 = rssOf(server.process.pid!);
      let stalled: ApiPhase['stalled'] = null;
      if (STALLED > 0) {
        const t0 = now();
        await openStalled(wsUrl, trade.tradeGid, children);
        stalled = { rssBefore: 0, rssPeak: 0, rssAfter: 0, cut: 0, seconds: (now() - t0) / 1000 };
        await sleep(1000);
        stalled.rssBefore = rssOf(server.process.pid!);
      }
      // The process's RSS, sampled while the marks go (the peak is what stalled screens cost).
      let rssPeak = 0;
      const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssOf(server.process.pid!))), 100);

      // The marks: each lifts an entrant into the top 50 (this judge's T1 corrected to 100).
      const correct = async (entrantId: number, value: number, version: number) => {
        const body = JSON.stringify({
          documentId: submitId,
          variables: {
            input: {
              deviceId: 'bench-tablet',
              marks: [
                {
                  idempotencyKey: randomUUID(),
                  entrantId: toGlobalId('Entrant', entrantId),
                  aspectCode: 'T1',
                  value,
                  correctsVersion: version,
                  reason: '基准测试更正',
                },
              ],
            },
          },
        });
        const answer = (await http.post(body, { authorization: `Bearer ${token}` })) as {
          data?: { submitMarks: { outcomes: { status: string; mark: { version: number } | null }[] } };
        };
        const outcome = answer.data?.submitMarks.outcomes[0];
        if (outcome?.status !== 'ACCEPTED') throw new Error(`mark refused: ${JSON.stringify(answer)}`);
        return outcome.mark!.version;
      };
      const used = new Set<number>();
      const marks: {
        entrantId: number;
        original: number;
        version: number;
        seq: number;
        ack: number;
        submitMs: number;
      }[] = [];
      if (profiled) await profile?.start();
      try {
        for (let k = 0; k < MARKS; k++) {
          const c = await nextCandidate(client, trade.tradeId, judgeId, scheme, used);
          if (!c) throw new Error(`no entrant left to lift into the top 50 (mark ${k + 1})`);
          used.add(c.entrantId);
          const sent = now();
          const version = await correct(c.entrantId, 100, c.version);
          const ack = now();
          // Only this tablet writes to the trade: the public seq now is this mark's. The screens
          // are anonymous, so their frames carry the public board's seq (`public_seq`), not the
          // jury's `board_seq`.
          const [{ public_seq }] = (
            await client.query('select public_seq from trade where id = $1', [trade.tradeId])
          ).rows as [{ public_seq: string }];
          marks.push({ ...c, version, seq: Number(public_seq), ack, submitMs: ack - sent });
          await sleep(Math.max(0, INTERVAL_MS - 100 + Math.random() * 200 - (now() - ack)));
        }
        await sleep(1500);
        if (profiled) await profile?.stop();
      } finally {
        clearInterval(sampler);
        if (stalled) {
          stalled.rssPeak = rssPeak;
          stalled.rssAfter = rssOf(server.process.pid!);
          stalled.cut = await server.slowCut();
        }
        // Put the marks back (not measured), so the next run starts from the same board.
        for (const m of [...marks].reverse()) await correct(m.entrantId, m.original, m.version);
      }
      const collected = await screens.collect();
      http.close();
      await stopAll();
      return {
        ours: deliveries(marks, collected),
        marks,
        collected,
        seconds: screens.seconds,
        totalCount: board.data.trade!.board!.totalCount,
        idle: { rss0, rss1, heap0: idle0.heapUsed, heap1: idle1.heapUsed },
        stalled,
      };
    };

    // ---------------------------------------------------------------- the API
    // With stalled screens, twice: the bound as shipped, then off (WS_MAX_BUFFERED_BYTES=0).
    const api = await apiPhase(STALLED > 0 ? { WS_MAX_BUFFERED_BYTES: String(BOUND) } : {}, true);
    const unbounded = STALLED > 0 ? await apiPhase({ WS_MAX_BUFFERED_BYTES: '0' }, false) : null;
    const { ours, marks, collected } = api;
    const rows = collected[0]!.firstSocketRows;
    const seqs = Object.keys(rows)
      .map(Number)
      .sort((a, b) => a - b);
    const shown = marks.filter((m) => {
      const s = seqs.find((x) => x >= m.seq);
      return s !== undefined && rows[s]!.includes(toGlobalId('Entrant', m.entrantId));
    }).length;
    const submits = marks.map((m) => m.submitMs).sort((a, b) => a - b);
    const frame = collected[0]!.lastPayload;
    if (!frame) throw new Error('the first screen received no DELTA');

    // ---------------------------------------------------------------- the floor
    const floor = await forkTs('ws-floor.ts', {}, { execArgv: ['--expose-gc'] });
    children.push(floor);
    const floor0 = await floor.memory();
    const floorRss0 = rssOf(floor.process.pid!);
    const floorScreens = await openScreens(floor.url.replace(/^http/, 'ws'), trade.tradeGid, children);
    await sleep(2000);
    const floor1 = await floor.memory();
    const floorRss1 = rssOf(floor.process.pid!);
    const published: { seq: number; ack: number }[] = [];
    for (let k = 0; k < marks.length; k++) {
      const seq = k + 1;
      floor.process.send({ type: 'publish', seq, frame });
      published.push({ seq, ack: now() });
      await sleep(INTERVAL_MS - 100 + Math.random() * 200);
    }
    await sleep(1500);
    const bare = deliveries(published, await floorScreens.collect());
    await stopAll();

    const { rss0, rss1, heap0, heap1 } = api.idle;
    console.log(
      `score to screen: trade ${trade.tradeId} (${api.totalCount} entrants on the public board), ` +
        `${SUBSCRIBERS} subscribers on ${CLIENTS} client processes, ${marks.length} marks ~${INTERVAL_MS} ms apart` +
        (STALLED > 0
          ? `; ${STALLED} stalled screens (${STALL_SUBSCRIPTIONS} subscriptions of the top 100 each, never read)`
          : ''),
    );
    console.log(
      `sockets opened and subscribed in ${api.seconds.toFixed(1)} s (API), ${floorScreens.seconds.toFixed(1)} s (floor)`,
    );
    const label = STALLED > 0 ? `Jingsai API, bound ${kb(BOUND)}` : 'Jingsai API';
    report(label, ours, {
      rss: (rss1 - rss0) / SUBSCRIBERS,
      heap: (heap1 - heap0) / SUBSCRIBERS,
    });
    console.log(
      `  submitMarks round trip p50 ${percentile(submits, 50).toFixed(1)} ms (max ${submits[submits.length - 1]!.toFixed(1)} ms); ` +
        `DELTAs that carried the lifted entrant: ${shown}/${marks.length}`,
    );
    console.log(
      `  API process idle, before → after: RSS ${mb(rss0)} → ${mb(rss1)}, heap used after GC ` +
        `${mb(heap0)} → ${mb(heap1)}`,
    );
    const stalledLine = (p: ApiPhase) => {
      const s = p.stalled!;
      console.log(
        `  stalled screens: ${s.cut}/${STALLED} cut; API RSS with them stalled ${mb(s.rssBefore)}, peak over the ` +
          `marks ${mb(s.rssPeak)} (+${mb(s.rssPeak - s.rssBefore)}), at the end ${mb(s.rssAfter)} ` +
          `(+${mb(s.rssAfter - s.rssBefore)})`,
      );
    };
    if (api.stalled) stalledLine(api);
    if (unbounded) {
      report('Jingsai API, bound off (WS_MAX_BUFFERED_BYTES=0)', unbounded.ours, {
        rss: (unbounded.idle.rss1 - unbounded.idle.rss0) / SUBSCRIBERS,
        heap: (unbounded.idle.heap1 - unbounded.idle.heap0) / SUBSCRIBERS,
      });
      stalledLine(unbounded);
    }
    report('floor (bare ws, prebuilt frame)', bare, {
      rss: (floorRss1 - floorRss0) / SUBSCRIBERS,
      heap: (floor1.heapUsed - floor0.heapUsed) / SUBSCRIBERS,
    });
    const p99 = (d: Delivery) => percentile(d.latencies, 99);
    console.log(
      `goals: p99 ≤ 250 ms → ${p99(ours).toFixed(1)} ms; ≤ 30 KB per idle subscriber → RSS ` +
        `${kb((rss1 - rss0) / SUBSCRIBERS)}, heap ${kb((heap1 - heap0) / SUBSCRIBERS)}`,
    );
    console.log(
      `ratio (API / floor): p99 ${(p99(ours) / p99(bare)).toFixed(2)}, fan-out beyond the window ` +
        `(p99 − 200 ms) ${((p99(ours) - 200) / Math.max(1, p99(bare) - 200)).toFixed(1)}×`,
    );
    if (unbounded)
      console.log(
        `bound on / off, readers' p99: ${p99(ours).toFixed(1)} / ${p99(unbounded.ours).toFixed(1)} ms ` +
          `(${(p99(ours) / p99(unbounded.ours)).toFixed(2)}); RSS growth over the marks (peak): ` +
          `${mb(api.stalled!.rssPeak - api.stalled!.rssBefore)} / ${mb(unbounded.stalled!.rssPeak - unbounded.stalled!.rssBefore)}`,
      );
  } finally {
    await stopAll();
    await client.end();
    await db.embedded?.stop();
    (profile as Profile | null)?.print();
    (heap as HeapProfile | null)?.print(SUBSCRIBERS);
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
