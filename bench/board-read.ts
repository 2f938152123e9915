import 'reflect-metadata';
import { arg, benchDatabase, connect, findBenchTrade, flag } from './support/bench-data';
import { fmt, HttpTarget, type RunResult, summarize } from './support/http-load';
import { forkServer, forkTs, type Child } from './support/processes';
import { installPeerFunction } from './support/peer-sql';
import { Profile } from './support/profile';
import { print } from 'graphql';
import { BenchBoardPageDocument, BenchFloorDocument } from '../test/generated/graphql';

/**
 * Board read: the top 50 of a trade with 100,000 scored entrants, anonymously (the public board),
 * over HTTP — side by side with PostGraphile 5 (amber preset) serving the same database with the
 * equivalent query, in the same run. Ours runs five times: as shipped (anonymous answers shared
 * for up to 50 ms, SHARED_READS_MS); with answer sharing off (every answer computed); the same
 * through Express (DIRECT_QUERIES=false); through Apollo's pipeline (COMPILED_QUERIES=false); and with the trade's rows read again by
 * every request as well (SHARED_ROWS_MS=0). The servers run in
 * child processes with the same pool size; the load generator alternates rounds (A B B A …) so
 * machine noise hits all of them.
 *
 *   npm run bench:load -- --entrants 100000      # once
 *   node -r @swc-node/register bench/board-read.ts [--entrants 100000] [--requests 3000]
 *        [--concurrency 8] [--rounds 6] [--profile]
 *
 * For the peer it creates, in the bench database, schema `bench_peer` with `board_top(trade_id, n)`
 * (the public board's top n with competition ranks, numbers and totals) and the index it needs,
 * `board_entry_bench_peer_top_idx`; both stay for the next run.
 */
const ENTRANTS = arg('entrants', 100_000);
const REQUESTS = arg('requests', 3000);
const CONCURRENCY = arg('concurrency', 8);
const ROUNDS = arg('rounds', 6);
const FIRST = 50;

const OURS = print(BenchBoardPageDocument);
/** The cheapest request through the same pipeline: what HTTP, auth, limits and Apollo cost alone. */
const FLOOR = print(BenchFloorDocument);
// Raw on purpose: the PostGraphile peer's own schema, not this API's.
const PEER = `query Board($tradeId: Int!, $n: Int!) {
  boardTop(tradeId: $tradeId, n: $n) { nodes { rank entrantId anonymousNumber total } }
}`;

interface Row {
  rank: number;
  entrantId: string | number;
  anonymousNumber: string;
  total: number | string;
}

/** Both API processes read the same database: their answers must be the same rows. */
function expect(rows: Row[], like: Row[]): void {
  if (JSON.stringify(rows) !== JSON.stringify(like))
    throw new Error('the two API processes answer differently');
}

async function main() {
  const db = await benchDatabase();
  const client = await connect(db.url);
  const children: Child[] = [];
  let profile: Profile | null = null;
  try {
    const trade = await findBenchTrade(client, ENTRANTS);
    await installPeerFunction(client);
    const plan = await client.query<{ 'QUERY PLAN': string }>(
      'explain (analyze, costs off) select * from bench_peer.board_top($1, $2)',
      [trade.tradeId, FIRST],
    );

    const ours = await forkServer(db.url);
    children.push(ours);
    // The same API with shared anonymous answers off: what every answer costs when computed.
    const computed = await forkServer(db.url, { SHARED_READS_MS: '0' });
    children.push(computed);
    // The same compiled, but through Express (the direct listener off): what that listener is worth.
    const express = await forkServer(db.url, { SHARED_READS_MS: '0', DIRECT_QUERIES: 'false' });
    children.push(express);
    // And the same through Apollo's pipeline, the compiled path off: what that path is worth.
    const apollo = await forkServer(db.url, { SHARED_READS_MS: '0', COMPILED_QUERIES: 'false' });
    children.push(apollo);
    // And with the trade's and competition's rows read again by every request (SHARED_ROWS_MS=0).
    const unshared = await forkServer(db.url, { SHARED_READS_MS: '0', SHARED_ROWS_MS: '0' });
    children.push(unshared);
    const peer = await forkTs('postgraphile-peer.ts', {
      DATABASE_URL: db.url,
      NODE_ENV: 'production',
      GRAPHILE_ENV: 'production',
      DB_POOL_MAX: '10',
    });
    children.push(peer);

    const oursHttp = new HttpTarget(ours.url, CONCURRENCY);
    const computedHttp = new HttpTarget(computed.url, CONCURRENCY);
    const apolloHttp = new HttpTarget(apollo.url, CONCURRENCY);
    const expressHttp = new HttpTarget(express.url, CONCURRENCY);
    const unsharedHttp = new HttpTarget(unshared.url, CONCURRENCY);
    const peerHttp = new HttpTarget(peer.url, CONCURRENCY);
    const oursBody = JSON.stringify({ query: OURS, variables: { id: trade.tradeGid, first: FIRST } });
    const peerBody = JSON.stringify({ query: PEER, variables: { tradeId: trade.tradeId, n: FIRST } });
    const oursRows = (a: unknown): Row[] => {
      const r = a as { data?: { trade?: { board?: { nodes: Row[] } } }; errors?: unknown };
      if (r.errors || r.data?.trade?.board?.nodes.length !== FIRST)
        throw new Error(JSON.stringify(a).slice(0, 500));
      return r.data.trade.board.nodes;
    };
    const peerRows = (a: unknown): Row[] => {
      const r = a as { data?: { boardTop?: { nodes: Row[] } }; errors?: unknown };
      if (r.errors || r.data?.boardTop?.nodes.length !== FIRST)
        throw new Error(JSON.stringify(a).slice(0, 500));
      return r.data.boardTop.nodes;
    };

    // Same answer from all (our first request also loads the board into the rank index).
    const a = oursRows(await oursHttp.post(oursBody));
    expect(oursRows(await computedHttp.post(oursBody)), a);
    expect(oursRows(await apolloHttp.post(oursBody)), a);
    expect(oursRows(await expressHttp.post(oursBody)), a);
    expect(oursRows(await unsharedHttp.post(oursBody)), a);
    const b = peerRows(await peerHttp.post(peerBody));
    const key = (r: Row) => `${r.rank}|${r.anonymousNumber}|${Number(r.total).toFixed(2)}`;
    const differ = a.findIndex((r, i) => key(r) !== key(b[i]!));
    if (differ >= 0)
      throw new Error(`the peer's board differs at row ${differ}: ${key(a[differ]!)} vs ${key(b[differ]!)}`);

    // SQL statements one request costs (the API counts what it sends).
    const perRequest = async (child: Child, http: HttpTarget) => {
      const sql0 = await child.sqlCount();
      for (let i = 0; i < 10; i++) oursRows(await http.post(oursBody));
      return ((await child.sqlCount()) - sql0) / 10;
    };
    const statements = await perRequest(ours, oursHttp);
    const computedStatements = await perRequest(computed, computedHttp);
    const apolloStatements = await perRequest(apollo, apolloHttp);
    const unsharedStatements = await perRequest(unshared, unsharedHttp);

    const floorBody = JSON.stringify({ query: FLOOR });
    const floorOk = (a: unknown) => {
      if ((a as { data?: { __typename?: string } }).data?.__typename !== 'Query')
        throw new Error(JSON.stringify(a).slice(0, 500));
      return a;
    };
    const targets = {
      ours: () => oursHttp.run(REQUESTS, CONCURRENCY, () => oursBody, oursRows),
      computed: () => computedHttp.run(REQUESTS, CONCURRENCY, () => oursBody, oursRows),
      express: () => expressHttp.run(REQUESTS, CONCURRENCY, () => oursBody, oursRows),
      apollo: () => apolloHttp.run(REQUESTS, CONCURRENCY, () => oursBody, oursRows),
      unshared: () => unsharedHttp.run(REQUESTS, CONCURRENCY, () => oursBody, oursRows),
      peer: () => peerHttp.run(REQUESTS, CONCURRENCY, () => peerBody, peerRows),
      floor: () => oursHttp.run(REQUESTS, CONCURRENCY, () => floorBody, floorOk),
      apolloFloor: () => apolloHttp.run(REQUESTS, CONCURRENCY, () => floorBody, floorOk),
    };
    // Warm-up (JIT, pools, plans), then alternate A B B A … so drift and noise hit both.
    await targets.ours();
    await targets.computed();
    await targets.express();
    await targets.apollo();
    await targets.unshared();
    await targets.peer();
    // The profile is of the computed path (goal 1), where every answer costs its whole way.
    profile = new Profile(computed, flag('profile'));
    await profile.start();
    type Target = keyof typeof targets;
    const results: Record<Target, RunResult[]> = {
      ours: [],
      computed: [],
      express: [],
      apollo: [],
      unshared: [],
      peer: [],
      floor: [],
      apolloFloor: [],
    };
    const names = Object.keys(targets) as Target[];
    for (let r = 0; r < ROUNDS; r++) {
      const order: Target[] = r % 2 === 0 ? names : [...names].reverse();
      for (const name of order) results[name].push(await targets[name]());
    }
    await profile.stop();
    oursHttp.close();
    computedHttp.close();
    apolloHttp.close();
    expressHttp.close();
    unsharedHttp.close();
    peerHttp.close();
    const o = summarize(results.ours);
    const c = summarize(results.computed);
    const p = summarize(results.peer);
    const f = summarize(results.floor);
    const ap = summarize(results.apollo);
    const ex = summarize(results.express);
    const af = summarize(results.apolloFloor);
    const un = summarize(results.unshared);
    console.log(
      `board read: top ${FIRST} of trade ${trade.tradeId} (${trade.entrants} entrants), anonymous, ` +
        `${ROUNDS} rounds × ${REQUESTS} requests each, concurrency ${CONCURRENCY}`,
    );
    console.log(`Jingsai (as shipped):          ${fmt(o)}`);
    console.log(`Jingsai, shared answers off:   ${fmt(c)}  (SHARED_READS_MS=0: every answer computed)`);
    console.log(`  …compiled, through Express:  ${fmt(ex)}  (DIRECT_QUERIES=false as well)`);
    console.log(`  …and through Apollo:         ${fmt(ap)}  (COMPILED_QUERIES=false as well)`);
    console.log(
      `  …rows read every time:       ${fmt(un)}  (SHARED_ROWS_MS=0 as well: one statement a request)`,
    );
    console.log(`PostGraphile 5 (peer):         ${fmt(p)}`);
    console.log(`Jingsai, { __typename }:       ${fmt(f)}  (the pipeline alone, no resolver, no SQL)`);
    console.log(`  …through Apollo:             ${fmt(af)}`);
    console.log(`ratio (ours / peer throughput): ${(o.rps / p.rps).toFixed(2)}`);
    console.log(
      `ratio (ours, shared answers off / peer throughput): ${(c.rps / p.rps).toFixed(2)}  (goal ≥ 1.5)`,
    );
    console.log(
      `ratio (ours through Express, shared answers off / peer throughput): ${(ex.rps / p.rps).toFixed(2)}`,
    );
    console.log(
      `ratio (ours through Apollo, shared answers off / peer throughput): ${(ap.rps / p.rps).toFixed(2)}`,
    );
    console.log(
      `ratio (ours, shared answers and rows off / peer throughput): ${(un.rps / p.rps).toFixed(2)}`,
    );
    console.log(
      `SQL statements per request (ours): ${statements}; shared answers off: ${computedStatements}; ` +
        `through Apollo: ${apolloStatements}; rows read every time: ${unsharedStatements}; peer: 1 (one generated query)`,
    );
    console.log(`ratio (peer / ours p99):        ${(p.p99 / o.p99).toFixed(2)}`);
    console.log(`ratio (peer / ours p99, shared answers off): ${(p.p99 / c.p99).toFixed(2)}`);
    console.log(`ratio (floor / peer throughput): ${(f.rps / p.rps).toFixed(2)}`);
    const perRound = (name: Target) =>
      results[name].map((r) => (r.requests / r.seconds).toFixed(0)).join(' ');
    console.log(
      `per round, req/s — ours: ${perRound('ours')}; shared answers off: ${perRound('computed')}; ` +
        `through Apollo: ${perRound('apollo')}; rows read every time: ${perRound('unshared')}; peer: ${perRound('peer')}`,
    );
    console.log('peer SQL, as PostgreSQL runs it:');
    for (const l of plan.rows) console.log(`  ${l['QUERY PLAN']}`);
  } finally {
    for (const c of children) await c.stop();
    await client.end();
    await db.embedded?.stop();
    profile?.print();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
