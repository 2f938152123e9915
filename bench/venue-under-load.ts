import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Agent } from 'node:http';
import { performance } from 'node:perf_hooks';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { print } from 'graphql';
import { toGlobalId } from '../src/shared/graphql/relay';
import {
  BenchBoardPageDocument,
  OrganizationTreeDocument,
  SignInTokenDocument,
} from '../test/generated/graphql';
import { arg, benchDatabase, connect, findBenchTrade } from './support/bench-data';
import { percentile } from './support/http-load';
import { post, trustedMutation } from './support/http-post';
import { type Child, forkServer } from './support/processes';

/**
 * The venue under load: judges' tablets submit marks at venue pace on one trade while anonymous
 * phones flood the public board and long searches from many addresses (forwarded through a
 * trusted proxy: `TRUST_PROXY=loopback`, `X-Forwarded-For` from a pool of addresses). Quiet and
 * flooded phases alternate in one run (A B A B …), so the judges' acknowledgment times with and
 * without the flood are measured side by side on the same server, data and machine.
 */
const ENTRANTS = arg('entrants', 2000);
const SECONDS = arg('seconds', 60);
const PHASES = arg('phases', 6);
const JUDGES = arg('judges', 3);
/** Each judge's pause between marks (venue pace: a tablet sends a mark, then its judge looks up). */
const PACE_MS = arg('pace', 100);
const FLOOD = arg('flood', 48);
const ADDRESSES = arg('addresses', 2000);
const PASSWORD = process.env.BENCH_PASSWORD ?? 'bench-password';

/** The anonymous flood, in a worker thread of its own so it does not share the judges' event loop. */
async function flood(): Promise<void> {
  const {
    url: u,
    tradeGid,
    loops,
    addresses,
  } = workerData as {
    url: string;
    tradeGid: string;
    loops: number;
    addresses: number;
  };
  const url = new URL(u);
  const agent = new Agent({ keepAlive: true, maxSockets: loops });
  const board = JSON.stringify({
    query: print(BenchBoardPageDocument),
    variables: { id: tradeGid, first: 50 },
  });
  const search = (text: string) =>
    JSON.stringify({
      query: print(OrganizationTreeDocument),
      variables: { first: 20, filter: { search: text } },
    });
  const megabyte = search('x'.repeat(1 << 20));
  const counts: Record<string, number> = {};
  let running = false;
  let sent = 0;
  parentPort!.on('message', (m: string) => {
    if (m === 'start') {
      running = true;
      for (let i = 0; i < loops; i++) void loop(i);
    } else if (m === 'stop') running = false;
    else if (m === 'report') parentPort!.postMessage({ counts, sent });
  });
  const loop = async (i: number) => {
    let n = i;
    while (running) {
      n += loops;
      const address = `10.${(n % addresses) >> 8}.${(n % addresses) & 255}.${1 + (i % 250)}`;
      const kind = n % 10;
      // Half board reads, four in ten long (valid) searches, one in ten a 1 MB search.
      const body = kind < 5 ? board : kind < 9 ? search(`工会${randomUUID()}`.padEnd(200, '职')) : megabyte;
      const a = await post(agent, url, body, { 'x-forwarded-for': address });
      sent += 1;
      const klass = `${a.status} ${a.codes.length ? [...new Set(a.codes)].join('+') : 'ok'}`;
      counts[klass] = (counts[klass] ?? 0) + 1;
    }
  };
  parentPort!.postMessage('ready');
}

async function main(): Promise<void> {
  const db = await benchDatabase();
  const client = await connect(db.url);
  let server: Child | null = null;
  let worker: Worker | null = null;
  try {
    const trade = await findBenchTrade(client, ENTRANTS);
    server = await forkServer(db.url, {
      TRUST_PROXY: 'loopback',
      // Per-address limits as in production: the flood comes from many addresses.
      RATE_LIMIT_IP_PER_MINUTE: '600',
      DB_POOL_MAX: '10',
    });
    const url = new URL(server.url);
    const agent = new Agent({ keepAlive: true, maxSockets: JUDGES * 2 });
    const submitId = trustedMutation('TabletSubmitMarks');

    // Each judge corrects its own T1 marks on the trade's entrants, in turn.
    const judges = await Promise.all(
      trade.judges.slice(0, JUDGES).map(async (username, j) => {
        const signIn = await post(
          agent,
          url,
          JSON.stringify({
            query: print(SignInTokenDocument),
            variables: { input: { username, password: PASSWORD } },
          }),
          { 'x-forwarded-for': `192.168.0.${j + 1}` },
        );
        const token = (signIn.body as { data?: { signIn: { token: string | null } } }).data?.signIn.token;
        if (!token) throw new Error(`cannot sign in as ${username}: ${JSON.stringify(signIn.body)}`);
        const { rows } = await client.query<{ entrant_id: number; version: number }>(
          `select m.entrant_id, m.version from mark m join account a on a.id = m.judge_id
            where a.username = $1 and m.aspect_code = 'T1' and m.entrant_id in
              (select entrant_id from board_entry where trade_id = $2) order by m.entrant_id`,
          [username, trade.tradeId],
        );
        return { token, address: `192.168.0.${j + 1}`, marks: rows };
      }),
    );

    const judged = { quiet: [] as number[], flood: [] as number[] };
    const judgeErrors: string[] = [];
    let phase: 'quiet' | 'flood' = 'quiet';
    let judging = true;
    const judgeLoop = async (j: number) => {
      const judge = judges[j]!;
      for (let k = 0; judging; k++) {
        const mark = judge.marks[k % judge.marks.length]!;
        const body = JSON.stringify({
          documentId: submitId,
          variables: {
            input: {
              deviceId: `venue-tablet-${j}`,
              marks: [
                {
                  idempotencyKey: randomUUID(),
                  entrantId: toGlobalId('Entrant', mark.entrant_id),
                  aspectCode: 'T1',
                  value: 60 + ((k * 7) % 40),
                  correctsVersion: mark.version,
                  reason: '现场更正',
                },
              ],
            },
          },
        });
        const during = phase;
        const t0 = performance.now();
        const a = await post(agent, url, body, {
          authorization: `Bearer ${judge.token}`,
          'x-forwarded-for': judge.address,
        });
        const ms = performance.now() - t0;
        const outcome = (
          a.body as {
            data?: { submitMarks: { outcomes: { status: string; mark: { version: number } | null }[] } };
          }
        )?.data?.submitMarks.outcomes[0];
        if (a.status !== 200 || a.codes.length || outcome?.status !== 'ACCEPTED') {
          judgeErrors.push(`${a.status} ${a.codes.join('+')} ${outcome?.status ?? ''}`);
        } else {
          mark.version = outcome.mark!.version;
          // Only acknowledgments wholly inside one phase count for it.
          if (during === phase) judged[during].push(ms);
        }
        await new Promise((r) => setTimeout(r, PACE_MS));
      }
    };

    worker = new Worker(__filename, {
      workerData: { url: server.url, tradeGid: trade.tradeGid, loops: FLOOD, addresses: ADDRESSES },
      execArgv: ['-r', '@swc-node/register'],
    });
    await new Promise<void>((resolve) => worker!.once('message', () => resolve()));

    const phaseMs = (SECONDS * 1000) / PHASES;
    console.log(
      `venue under load: ${JUDGES} judges (a mark each every ${PACE_MS} ms + round trip) on trade ${trade.tradeId} ` +
        `(${trade.entrants} entrants); flood: ${FLOOD} anonymous loops from ${ADDRESSES} forwarded addresses; ` +
        `${PHASES} phases of ${(phaseMs / 1000).toFixed(0)} s, quiet and flooded in turn`,
    );
    const loops = judges.map((_, j) => judgeLoop(j));
    for (let p = 0; p < PHASES; p++) {
      phase = p % 2 === 0 ? 'quiet' : 'flood';
      worker.postMessage(phase === 'flood' ? 'start' : 'stop');
      await new Promise((r) => setTimeout(r, phaseMs));
    }
    judging = false;
    worker.postMessage('stop');
    await Promise.all(loops);
    const report = await new Promise<{ counts: Record<string, number>; sent: number }>((resolve) => {
      worker!.once('message', resolve);
      worker!.postMessage('report');
    });

    const line = (name: string, l: number[]) => {
      l.sort((a, b) => a - b);
      return (
        `${name}: ${l.length} marks acknowledged, p50 ${percentile(l, 50).toFixed(1)} ms, ` +
        `p99 ${percentile(l, 99).toFixed(1)} ms, max ${(l[l.length - 1] ?? 0).toFixed(1)} ms`
      );
    };
    console.log(line('judges, quiet  ', judged.quiet));
    console.log(line('judges, flooded', judged.flood));
    const ratio = (p: number) => percentile(judged.flood, p) / percentile(judged.quiet, p);
    console.log(
      `flooded / quiet: p50 ×${ratio(50).toFixed(2)}, p99 ×${ratio(99).toFixed(2)} (goal: p99 ≤ ×2)`,
    );
    console.log(
      `errors to judges: ${judgeErrors.length}${judgeErrors.length ? ` (${[...new Set(judgeErrors)].join(', ')})` : ''}`,
    );
    console.log(
      `flood answers (${report.sent} requests, ${(report.sent / ((SECONDS * 1000) / 2 / 1000)).toFixed(0)}/s while flooding):`,
    );
    for (const [klass, n] of Object.entries(report.counts).sort((a, b) => b[1] - a[1]))
      console.log(`  ${klass.padEnd(40)} ${n}`);
    const internal =
      Object.entries(report.counts)
        .filter(([k]) => k.includes('INTERNAL_SERVER_ERROR') || k.startsWith('500'))
        .reduce((s, [, n]) => s + n, 0) +
      judgeErrors.filter((e) => e.includes('INTERNAL_SERVER_ERROR')).length;
    console.log(`INTERNAL_SERVER_ERROR or 500 anywhere: ${internal}`);
  } finally {
    await worker?.terminate();
    await server?.stop();
    await client.end();
    await db.embedded?.stop();
  }
}

if (isMainThread)
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
else void flood();
