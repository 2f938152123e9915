import { randomBytes, randomUUID } from 'node:crypto';
import { print } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { Role } from '../src/modules/account/account.entity';
import { OrganizationLevel } from '../src/modules/organization/organization.entity';
import { sqlStatements } from '../src/shared/db/orm';
import { fanoutStats } from '../src/shared/cache';
import {
  AssignJudgeDocument,
  BoardAroundDocument,
  BoardRankDetailsDocument,
  BoardUpdatesDocument,
  type BoardUpdatesSubscription,
  CompetitionBoardDocument,
  DrawLotsErrorsDocument,
  NodeByIdDocument,
  RegisterEntrantIdDocument,
  RevealBoardDocument,
  SetBoardFreezeDocument,
  SetEntrantStatusErrorsDocument,
  SetMarkingSchemeDocument,
  TradeBoardDocument,
  ViewerDocument,
} from './generated/graphql';
import { gid, startTestApp, type TestApp } from './support/app';
import {
  buildWorld,
  createCompetition,
  createTrade,
  dbId,
  moveTo,
  orgId,
  signOffAndRecheck,
  tablet,
  type World,
  ONE_ASPECT_SCHEME,
  runningTrade,
} from './support/world';

/**
 * Live leaderboards through the API: pages, ranks and neighbours; public and jury views; a
 * subscription's snapshot, coalesced deltas with sequence numbers; freeze and reveal.
 */

type Frame = BoardUpdatesSubscription['boardUpdates'];

let t: TestApp;
let w: World;
let competitionId: string;
let tradeId: string;
let entrants: string[];
let judge: string;
let chief: string;
const version = new Map<string, number>();

async function mark(entrantId: string, value: number, on: TestApp = t) {
  const v = version.get(entrantId);
  const m = {
    idempotencyKey: randomUUID(),
    entrantId,
    aspectCode: 'P1',
    value,
    ...(v ? { correctsVersion: v, reason: '更正' } : {}),
  };
  const r = await tablet<{ submitMarks: { outcomes: { code: string | null; mark: { version: number } }[] } }>(
    on,
    judge,
    'TabletSubmitMarks',
    { input: { deviceId: 'tablet', marks: [m] } },
  );
  const o = r.submitMarks.outcomes[0]!;
  if (o.code) throw new Error(o.code);
  version.set(entrantId, o.mark.version);
}

async function board(token?: string) {
  const r = await t.gql(TradeBoardDocument, { tradeId, first: 100 }, token ? { token } : {});
  return r.data!.trade!.board!;
}

/** Collects a subscription's frames. */
function watch(auth: Record<string, string> = {}): {
  frames: Frame[];
  client: Client;
  until: (n: number) => Promise<void>;
} {
  const client = createClient({
    url: t.url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: auth,
  });
  const frames: Frame[] = [];
  client.subscribe(
    { query: print(BoardUpdatesDocument), variables: { tradeId, first: 10 } },
    {
      next: (m) => frames.push((m.data as BoardUpdatesSubscription).boardUpdates),
      error: (e) => frames.push({ kind: 'ERROR', error: e } as never),
      complete: () => {},
    },
  );
  const until = async (n: number) => {
    for (let i = 0; i < 1000 && frames.length < n; i++) await new Promise((r) => setTimeout(r, 20));
  };
  return { frames, client, until };
}

const settle = () => new Promise((r) => setTimeout(r, 500));

/** Shared with the second instance of the shared-answers test, which must accept the same tokens. */
const JWT_SECRET = randomBytes(32).toString('hex');

beforeAll(async () => {
  t = await startTestApp({ JWT_SECRET });
  w = await buildWorld(t);
  ({ competitionId, tradeId, judge, chief, entrants } = await runningTrade(t, w, {
    name: '钳工',
    entrants: 6,
  }));
});
afterAll(async () => t?.close());

test('the board ranks scored entrants; the public sees numbers, the jury the same live truth', async () => {
  expect((await board()).totalCount).toBe(0);
  const scores = [70, 90, 80, 90, 60];
  for (const [i, v] of scores.entries()) await mark(entrants[i]!, v);
  const pub = await board();
  expect(pub.view).toBe('PUBLIC');
  expect(pub.totalCount).toBe(5); // the sixth has no mark yet
  expect(pub.nodes.map((r) => [r.rank, r.total])).toEqual([
    [1, 90],
    [1, 90],
    [3, 80],
    [4, 70],
    [5, 60],
  ]);
  expect(
    pub.nodes.every((r) => r.name === null && r.unit === null && /^\d{3}$/.test(r.anonymousNumber!)),
  ).toBe(true);
  expect(pub.nodes.every((r) => r.awardTier === null)).toBe(true);
  const jury = await board(w.tokens.xian);
  expect(jury.view).toBe('JURY');
  expect(jury.nodes[0]!.name).toMatch(/^钳工/);
  // Pages: two of three rows, then the rest.
  const page1 = (await t.gql(TradeBoardDocument, { tradeId, first: 3 })).data!.trade!.board!;
  const page2 = (await t.gql(TradeBoardDocument, { tradeId, first: 3, after: page1.pageInfo.endCursor }))
    .data!.trade!.board!;
  expect(page1.pageInfo.hasNextPage).toBe(true);
  expect([...page1.nodes, ...page2.nodes].map((r) => r.entrantId)).toEqual(pub.nodes.map((r) => r.entrantId));
  expect(page2.pageInfo.hasNextPage).toBe(false);
  // Edges carry the same rows, and the last edge's cursor is the page's end cursor.
  expect(page1.edges.map((e) => e.node.entrantId)).toEqual(page1.nodes.map((r) => r.entrantId));
  expect(page1.edges.at(-1)!.cursor).toBe(page1.pageInfo.endCursor);
});

test('the rank of any entrant and the entrants around it', async () => {
  const r = await t.gql(BoardAroundDocument, { tradeId, entrantId: entrants[0]!, before: 1, after: 1 });
  const trade = r.data!.trade!;
  expect(trade.boardRank).toEqual({ rank: 4, total: 70 });
  expect(trade.boardAround!.map((x) => x.total)).toEqual([80, 70, 60]);
  const none = await t.gql(BoardAroundDocument, { tradeId, entrantId: entrants[5]! });
  expect(none.data!.trade!.boardRank).toBeNull();
  const tooMany = await t.gql(BoardAroundDocument, { tradeId, entrantId: entrants[0]!, before: 51 });
  expect(tooMany.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  // Ranks and totals come from the index alone; fields asked for through a fragment still get
  // the row's details.
  const board = (await t.gql(TradeBoardDocument, { tradeId })).data!.trade!.board!;
  const row = board.nodes.find((n) => n.entrantId === entrants[0])!;
  const detailed = (await t.gql(BoardRankDetailsDocument, { tradeId, entrantId: entrants[0]! })).data!.trade!
    .boardRank!;
  expect(detailed).toEqual({ rank: 4, anonymousNumber: row.anonymousNumber, modules: row.modules });
  expect(row.anonymousNumber).toMatch(/^\d{3}$/);
});

test('a subscription starts with a snapshot, then coalesces a burst into few deltas that end in the final state', async () => {
  const s = watch();
  try {
    await s.until(1);
    const snap = s.frames[0]!;
    expect(snap).toMatchObject({ kind: 'SNAPSHOT', previousSeq: null, view: 'PUBLIC', entrantCount: 5 });
    // 20 corrections in a burst, then the sixth entrant's first mark.
    const started = Date.now();
    for (let i = 0; i < 20; i++) await mark(entrants[4]!, 61 + i);
    await mark(entrants[5]!, 95);
    const burst = Date.now() - started;
    // Until the frame that carries the board's seq: the burst's last push trails the last mark.
    const target = (await board()).seq;
    for (let i = 0; i < 1000 && (s.frames.at(-1) as { seq?: number } | undefined)?.seq !== target; i++)
      await new Promise((r) => setTimeout(r, 20));
    const deltas = s.frames.slice(1);
    // At most one push per 200 ms interval of the burst (plus the one that closes it).
    expect(deltas.length).toBeGreaterThanOrEqual(1);
    expect(deltas.length).toBeLessThanOrEqual(Math.ceil(burst / 200) + 1);
    // The chain of seqs has no gap, and the last frame carries the board's seq.
    let seq = snap.seq;
    for (const d of deltas) {
      expect(d.kind).toBe('DELTA');
      expect(d.previousSeq).toBe(seq);
      seq = d.seq;
    }
    const current = await board();
    expect(seq).toBe(current.seq);
    // Applying the deltas to the snapshot gives the board as it is now.
    const shown = new Map(snap.rows.map((r) => [r.entrantId, r]));
    for (const d of deltas) {
      for (const id of d.removed) shown.delete(id);
      for (const r of d.rows) shown.set(r.entrantId, r);
    }
    const applied = [...shown.values()].sort(
      (a, b) => a.rank - b.rank || a.entrantId.localeCompare(b.entrantId),
    );
    const expected = current.nodes.map((r) => [r.entrantId, r.rank, r.total]);
    expect(applied.map((r) => [r.entrantId, r.rank, r.total]).sort()).toEqual(expected.sort());
    expect(current.nodes[0]).toMatchObject({ rank: 1, total: 95 });
  } finally {
    await s.client.dispose();
  }
});

test('a frame is computed and serialised once for all the screens that show it', async () => {
  const screens = Array.from({ length: 20 }, () => watch());
  try {
    for (const s of screens) await s.until(1);
    const before = { ...fanoutStats };
    await mark(entrants[2]!, 81);
    await settle();
    for (const s of screens) await s.until(2);
    const frames = screens.map((s) => JSON.stringify(s.frames[1]));
    expect(new Set(frames).size).toBe(1);
    expect(JSON.parse(frames[0]!)).toMatchObject({ kind: 'DELTA' });
    // 20 deliveries of the delta, one execution of its selection.
    expect(fanoutStats.deliveries - before.deliveries).toBe(20);
    expect(fanoutStats.executions - before.executions).toBe(1);
  } finally {
    for (const s of screens) await s.client.dispose();
  }
});

test('anonymous queries share an answer until a commit or a board change; callers with an identity never do', async () => {
  // A second instance on the same database that shares answers for a whole second: an answer it
  // should have dropped would still be served when the next read comes.
  const s = await startTestApp({ JWT_SECRET, SHARED_READS_MS: '1000' }, { database: t.database });
  try {
    const read = async (token?: string) =>
      (await s.gql(TradeBoardDocument, { tradeId, first: 10 }, token ? { token } : {})).data!.trade!.board!;
    const first = await read();
    const before = sqlStatements.count;
    expect(await read()).toEqual(first);
    expect(sqlStatements.count).toBe(before); // the whole answer was shared: no statement
    // Many asking at once, after the shared answers were dropped: one computes, the others wait
    // for it. The trade table is locked meanwhile, so every computation would block in PostgreSQL.
    s.app.forgetRecentReads();
    const lock = s.orm.em.fork();
    await lock.begin();
    await lock.execute('lock table trade in access exclusive mode');
    const atOnce = sqlStatements.count;
    const together = Promise.all(Array.from({ length: 10 }, () => read()));
    await new Promise((r) => setTimeout(r, 300));
    await lock.rollback();
    for (const answer of await together) expect(answer).toEqual(first);
    expect(sqlStatements.count - atOnce).toBeLessThanOrEqual(3); // the trade, the board's check, row details
    // The jury's view of the same document, and a question whose answer is the caller.
    expect((await read(w.tokens.xian)).view).toBe('JURY');
    expect((await s.gql(ViewerDocument, {})).data!.viewer.kind).toBe('ANONYMOUS');
    expect((await s.gql(ViewerDocument, {}, { token: w.tokens.xian })).data!.viewer.kind).toBe('ACCOUNT');
    expect((await s.gql(ViewerDocument, {})).data!.viewer.kind).toBe('ANONYMOUS');
    // A mark committed on this instance is in the very next anonymous read, each time.
    const target = entrants[5]!;
    for (const value of [99, 98]) {
      const seen = await read();
      expect(await read()).toEqual(seen);
      await mark(target, value, s);
      const after = await read();
      expect(after.nodes.find((r) => r.entrantId === target)?.total).toBe(value);
      expect(after.seq).toBeGreaterThan(seen.seq);
    }
  } finally {
    await s.close();
  }
});

test('after the freeze the public board stops moving, the jury board does not; the reveal walks it back', async () => {
  const s = watch();
  try {
    await s.until(1);
    expect(s.frames[0]!.frozen).toBe(false);
    const freeze = await t.gql(
      SetBoardFreezeDocument,
      { input: { tradeId, freezeAt: new Date(Date.now() + 600).toISOString() } },
      { token: w.tokens.xian },
    );
    expect(freeze.data!.setBoardFreeze.errors).toEqual([]);
    // The moment passing is pushed by itself: the screens show the freeze before any mark moves.
    await s.until(2);
    expect(s.frames.slice(1)).toEqual([expect.objectContaining({ kind: 'DELTA', frozen: true, rows: [] })]);
    const before = await board();
    // Two entrants jump to the top after the freeze.
    await mark(entrants[0]!, 99);
    await mark(entrants[4]!, 98);
    await settle();
    const pub = await board();
    expect(pub.frozen).toBe(true);
    expect(pub.nodes.map((r) => [r.entrantId, r.total])).toEqual(
      before.nodes.map((r) => [r.entrantId, r.total]),
    );
    expect(s.frames.filter((f) => f.kind === 'DELTA').flatMap((f) => f.rows)).toEqual([]);
    const jury = await board(w.tokens.xian);
    expect(jury.nodes.slice(0, 2).map((r) => r.total)).toEqual([99, 98]);

    const early = await t.gql(RevealBoardDocument, { input: { tradeId } }, { token: w.tokens.xian });
    expect(early.data!.revealBoard.errors[0]!.code).toBe('WRONG_STAGE');
    await moveTo(t, w.tokens.xian, competitionId, 'SCORING_CLOSED');
    await signOffAndRecheck(t, chief, tradeId);
    expect((await board()).nodes.map((r) => r.total)).toEqual(before.nodes.map((r) => r.total));

    // The ceremony, before publication, from the bottom of the frozen board: entrant 0 (70 at the
    // freeze), then entrant 4 (80).
    const step1 = await t.gql(RevealBoardDocument, { input: { tradeId } }, { token: w.tokens.xian });
    expect(step1.data!.revealBoard).toMatchObject({ revealed: [entrants[0]], remaining: 1 });
    const mid = await board();
    expect(mid.nodes.find((r) => r.entrantId === entrants[0])!.total).toBe(99);
    expect(mid.nodes.find((r) => r.entrantId === entrants[4])!.total).toBe(80);
    const step2 = await t.gql(RevealBoardDocument, { input: { tradeId } }, { token: w.tokens.xian });
    expect(step2.data!.revealBoard).toMatchObject({ revealed: [entrants[4]], remaining: 0 });
    const done = await t.gql(RevealBoardDocument, { input: { tradeId } }, { token: w.tokens.xian });
    expect(done.data!.revealBoard.errors[0]!.code).toBe('NOTHING_TO_DRAW');
    await moveTo(t, w.tokens.xian, competitionId, 'PUBLISHED');
    await t.sql(`update competition set notice_ends_at = now() - interval '1 second' where id = ?`, [
      dbId(competitionId),
    ]);
    await moveTo(t, w.tokens.xian, competitionId, 'FINAL');
    const finalPublic = await board();
    const finalJury = await board(w.tokens.xian);
    expect(finalPublic.nodes.map((r) => [r.entrantId, r.rank, r.total])).toEqual(
      finalJury.nodes.map((r) => [r.entrantId, r.rank, r.total]),
    );
    // Published and final: names and awards are public.
    expect(finalPublic.nodes[0]!.name).toMatch(/^钳工/);
  } finally {
    await s.client.dispose();
  }
});

test('anonymous reads share a trade read moments ago; a change committed here is seen at once', async () => {
  // Read twice in quick succession: the second read of the trade needs no statement.
  let reused = false;
  for (let i = 0; i < 5 && !reused; i++) {
    await t.gql(NodeByIdDocument, { id: tradeId });
    const before = sqlStatements.count;
    const again = await t.gql(NodeByIdDocument, { id: tradeId });
    expect(again.data!.node).toMatchObject({ __typename: 'Trade', id: tradeId });
    reused = sqlStatements.count === before;
  }
  expect(reused).toBe(true);
  // A draft is invisible; the moment it opens, the next anonymous read sees it, however recently
  // the draft was read. Signed-in readers never share reads.
  const draft = await createCompetition(t, w.tokens.xian, w.orgs.xian, { name: '刚开放的竞赛' });
  const draftTrade = await createTrade(t, w.tokens.xian, draft, { name: '电工' });
  expect((await t.gql(NodeByIdDocument, { id: draftTrade })).data!.node).toBeNull();
  await moveTo(t, w.tokens.xian, draft, 'REGISTRATION_OPEN');
  expect((await t.gql(NodeByIdDocument, { id: draftTrade })).data!.node).toMatchObject({ id: draftTrade });
  await t.app.eventsSettled(); // the transition's outbox mark is not part of the count
  const before = sqlStatements.count;
  await t.gql(NodeByIdDocument, { id: draftTrade }, { token: w.tokens.xian });
  expect(sqlStatements.count).toBeGreaterThan(before);
});

test('a labor competition’s board ranks its enterprises across trades', async () => {
  const labor = await createCompetition(t, w.tokens.xian, w.orgs.xian, { name: '劳动竞赛榜', kind: 'LABOR' });
  const trades = [
    await createTrade(t, w.tokens.xian, labor, { name: '安全生产' }),
    await createTrade(t, w.tokens.xian, labor, { name: '技术革新' }),
  ];
  const j = await t.account(Role.JUDGE, w.orgs.xian);
  for (const tr of trades) {
    await t.gql(
      SetMarkingSchemeDocument,
      { input: { tradeId: tr, format: 'JSON', content: JSON.stringify(ONE_ASPECT_SCHEME) } },
      { token: w.tokens.xian },
    );
    await t.gql(
      AssignJudgeDocument,
      { input: { tradeId: tr, accountId: gid('Account', j.account.id), role: 'JUDGE' } },
      { token: w.tokens.xian },
    );
  }
  await moveTo(t, w.tokens.xian, labor, 'REGISTRATION_OPEN');
  const firms = await Promise.all(
    ['甲公司', '乙公司', '丙公司'].map((n) => t.org(n, OrganizationLevel.ENTERPRISE, w.orgs.lianhu)),
  );
  const enrolled: string[] = [];
  for (const [i, f] of firms.entries()) {
    const tr = trades[i % 2]!;
    const r = await t.gql(
      RegisterEntrantIdDocument,
      { input: { tradeId: tr, enterpriseId: orgId(f) } },
      { token: w.tokens.xian },
    );
    const id = r.data!.registerEntrant.entrant!.id;
    for (const status of ['APPROVED', 'CHECKED_IN'] as const) {
      await t.gql(SetEntrantStatusErrorsDocument, { input: { id, status } }, { token: w.tokens.xian });
    }
    await t.gql(DrawLotsErrorsDocument, { input: { tradeId: tr } }, { token: w.tokens.xian });
    enrolled.push(id);
  }
  await moveTo(t, w.tokens.xian, labor, 'RUNNING');
  const scores = [75, 88, 81];
  for (const [i, id] of enrolled.entries()) {
    const r = await tablet<{ submitMarks: { outcomes: { code: string | null }[] } }>(
      t,
      j.token,
      'TabletSubmitMarks',
      {
        input: {
          deviceId: 'tablet',
          marks: [{ idempotencyKey: randomUUID(), entrantId: id, aspectCode: 'P1', value: scores[i] }],
        },
      },
    );
    expect(r.submitMarks.outcomes[0]!.code).toBeNull();
  }
  const jury = (await t.gql(CompetitionBoardDocument, { id: labor }, { token: w.tokens.xian })).data!
    .competition!.board!;
  expect(jury.view).toBe('JURY');
  expect(jury.nodes.map((r) => [r.name, r.total, r.rank, r.tradeId])).toEqual([
    ['乙公司', 88, 1, trades[1]],
    ['丙公司', 81, 2, trades[0]],
    ['甲公司', 75, 3, trades[0]],
  ]);
  const pub = (await t.gql(CompetitionBoardDocument, { id: labor })).data!.competition!.board!;
  expect(pub.nodes.map((r) => [r.name, r.total])).toEqual([
    [null, 88],
    [null, 81],
    [null, 75],
  ]);
  const skills = (await t.gql(CompetitionBoardDocument, { id: competitionId })).data!.competition!.board;
  expect(skills).toBeNull();
});
