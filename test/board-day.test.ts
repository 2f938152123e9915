import { randomBytes, randomUUID } from 'node:crypto';
import { print } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import {
  BoardResumeDocument,
  type BoardResumeSubscription,
  RevealBoardDocument,
  SetBoardFreezeDocument,
  TradeBoardDocument,
} from './generated/graphql';
import { startTestApp, type TestApp } from './support/app';
import { buildWorld, moveTo, runningTrade, signOffAndRecheck, tablet, type World } from './support/world';

/**
 * The day of the contest on the boards: a freeze hides everything that happens after it (new
 * rows, changed values, even the public seq), a freeze moment already past is refused, the reveal
 * ceremony runs before publication and publication reveals the rest, every subscription ends
 * with a frame saying why, and a screen that reconnects (to another instance) with the seq it
 * holds gets the frames it missed from the history kept in PostgreSQL.
 */

type Frame = BoardResumeSubscription['boardUpdates'];

const JWT_SECRET = randomBytes(32).toString('hex');
let t: TestApp;
let w: World;
const version = new Map<string, number>();

async function mark(judge: string, entrantId: string, value: number) {
  const v = version.get(entrantId);
  const m = {
    idempotencyKey: randomUUID(),
    entrantId,
    aspectCode: 'P1',
    value,
    ...(v ? { correctsVersion: v, reason: '更正' } : {}),
  };
  const r = await tablet<{ submitMarks: { outcomes: { code: string | null; mark: { version: number } }[] } }>(
    t,
    judge,
    'TabletSubmitMarks',
    { input: { deviceId: 'tablet', marks: [m] } },
  );
  const o = r.submitMarks.outcomes[0]!;
  if (o.code) throw new Error(o.code);
  version.set(entrantId, o.mark.version);
}

async function board(tradeId: string, token?: string) {
  const r = await t.gql(TradeBoardDocument, { tradeId, first: 100 }, token ? { token } : {});
  return r.data!.trade!.board!;
}

interface Watcher {
  frames: Frame[];
  completed: boolean;
  client: Client;
  /** Waits until a frame satisfies `test`; returns it. */
  until: (test: (f: Frame) => boolean, what: string) => Promise<Frame>;
}

function watch(on: TestApp, tradeId: string, opts: { token?: string; afterSeq?: number } = {}): Watcher {
  const client = createClient({
    url: on.url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: opts.token ? { authorization: `Bearer ${opts.token}` } : {},
  });
  const w: Watcher = {
    frames: [],
    completed: false,
    client,
    until: async (test, what) => {
      for (const end = Date.now() + 15_000; Date.now() < end; await new Promise((r) => setTimeout(r, 20))) {
        const f = w.frames.find(test);
        if (f) return f;
      }
      throw new Error(`no frame ${what} within 15 s; got ${JSON.stringify(w.frames)}`);
    },
  };
  client.subscribe(
    {
      query: print(BoardResumeDocument),
      variables: { tradeId, first: 10, ...(opts.afterSeq === undefined ? {} : { afterSeq: opts.afterSeq }) },
    },
    {
      next: (m) => w.frames.push((m.data as BoardResumeSubscription).boardUpdates),
      error: (e) => w.frames.push({ kind: 'ERROR', error: e } as never),
      complete: () => (w.completed = true),
    },
  );
  return w;
}

/** The window a client holds after applying these frames in order. */
function apply(frames: Frame[]): Map<string, number> {
  const rows = new Map<string, number>();
  for (const f of frames) {
    if (f.kind === 'SNAPSHOT') rows.clear();
    for (const id of f.removed) rows.delete(id);
    for (const r of f.rows) rows.set(r.entrantId, r.total);
  }
  return rows;
}

beforeAll(async () => {
  t = await startTestApp({ JWT_SECRET });
  w = await buildWorld(t);
});
afterAll(async () => t?.close());

test('a freeze hides new rows, changed values and the public seq; publication reveals what the ceremony left', async () => {
  const { competitionId, tradeId, judge, chief, entrants } = await runningTrade(t, w, {
    name: '焊工',
    entrants: 4,
  });
  const [e0, e1, e2, e3] = entrants as [string, string, string, string];
  await mark(judge, e0, 70);
  await mark(judge, e1, 80);
  const pub = watch(t, tradeId);
  const jury = watch(t, tradeId, { token: w.tokens.xian });
  try {
    await pub.until((f) => f.kind === 'SNAPSHOT' && f.entrantCount === 2, 'public snapshot');
    await jury.until((f) => f.kind === 'SNAPSHOT' && f.view === 'JURY', 'jury snapshot');

    // A moment already past is refused with its own code; nothing is frozen.
    const past = await t.gql(
      SetBoardFreezeDocument,
      { input: { tradeId, freezeAt: new Date(Date.now() - 60_000).toISOString() } },
      { token: w.tokens.xian },
    );
    expect(past.data!.setBoardFreeze.errors.map((e) => [e.code, e.field])).toEqual([
      ['FREEZE_IN_PAST', 'input.freezeAt'],
    ]);
    expect((await board(tradeId)).frozen).toBe(false);

    const freeze = await t.gql(
      SetBoardFreezeDocument,
      { input: { tradeId, freezeAt: new Date(Date.now() + 300).toISOString() } },
      { token: w.tokens.xian },
    );
    expect(freeze.data!.setBoardFreeze.errors).toEqual([]);
    const frozenFrame = await pub.until((f) => f.frozen, 'frozen');
    const atFreeze = await board(tradeId);
    expect(atFreeze.frozen).toBe(true);
    const publicFramesAtFreeze = pub.frames.length;

    // After the freeze: two entrants marked for the first time (new rows), one changed.
    await mark(judge, e2, 90);
    await mark(judge, e3, 60);
    await mark(judge, e0, 95);
    // The jury's stream shows all of it (so the board has pushed these changes)...
    await jury.until(
      (f) => f.entrantCount === 4 && apply(jury.frames).get(e0) === 95,
      'jury with the post-freeze marks',
    );
    const juryBoard = await board(tradeId, w.tokens.xian);
    expect(juryBoard.nodes.map((r) => r.total)).toEqual([95, 90, 80, 60]);
    // The chief judge reads the same live board over HTTP from a tablet (a trusted document).
    const onTablet = await tablet<{
      trade: {
        board: {
          view: string;
          frozen: boolean;
          seq: number;
          nodes: { total: number; awardTier: string | null }[];
        };
      };
    }>(t, chief, 'TabletJuryBoard', { tradeId, first: 10 });
    expect(onTablet.trade.board).toMatchObject({ view: 'JURY', frozen: false, seq: juryBoard.seq });
    expect(onTablet.trade.board.nodes.map((r) => r.total)).toEqual([95, 90, 80, 60]);
    // ...the public board is exactly the board at the freeze: rows, values, count and seq.
    const after = await board(tradeId);
    expect(after).toEqual(atFreeze);
    expect(after.totalCount).toBe(2);
    expect(after.seq).toBe(frozenFrame.seq);
    expect(juryBoard.seq).toBeGreaterThan(after.seq);
    // The public stream got nothing at all: no empty delta betraying a hidden mark.
    expect(pub.frames.length).toBe(publicFramesAtFreeze);

    // Before publication, the ceremony: first the rows the public never saw, from the bottom.
    const early = await t.gql(RevealBoardDocument, { input: { tradeId } }, { token: w.tokens.xian });
    expect(early.data!.revealBoard.errors.map((e) => e.code)).toEqual(['WRONG_STAGE']);
    await moveTo(t, w.tokens.xian, competitionId, 'SCORING_CLOSED');
    // Every stage change ends the streams with a last frame naming the stage, then they complete.
    for (const s of [pub, jury]) {
      const end = await s.until((f) => f.kind === 'END', 'END');
      expect(end).toMatchObject({
        stage: 'SCORING_CLOSED',
        endReason: 'STAGE_CHANGED',
        rows: [],
        removed: [],
      });
      expect(s.frames.at(-1)).toBe(end);
      for (let i = 0; i < 500 && !s.completed; i++) await new Promise((r) => setTimeout(r, 10));
      expect(s.completed).toBe(true);
    }
    // The screen resubscribes with the seq it holds: nothing was missed, one empty delta says so.
    const pub2 = watch(t, tradeId, { afterSeq: frozenFrame.seq });
    try {
      const resumed = await pub2.until(() => true, 'resumed');
      expect(resumed).toMatchObject({
        kind: 'DELTA',
        previousSeq: frozenFrame.seq,
        seq: frozenFrame.seq,
        frozen: true,
        rows: [],
      });
      await signOffAndRecheck(t, chief, tradeId);
      const step = await t.gql(RevealBoardDocument, { input: { tradeId } }, { token: w.tokens.xian });
      expect(step.data!.revealBoard).toMatchObject({ revealed: [e3], remaining: 2, errors: [] });
      const revealed = await pub2.until((f) => f.rows.some((r) => r.entrantId === e3), 'the revealed row');
      expect(revealed).toMatchObject({
        kind: 'DELTA',
        previousSeq: frozenFrame.seq,
        seq: frozenFrame.seq + 1,
      });
      expect((await board(tradeId)).totalCount).toBe(3);

      // Publication reveals the rest: from then on the public board shows the published results.
      await moveTo(t, w.tokens.xian, competitionId, 'PUBLISHED');
      const published = await board(tradeId);
      expect(published.frozen).toBe(false);
      expect(published.nodes.map((r) => [r.entrantId, r.rank, r.total, r.awardTier])).toEqual(
        (await board(tradeId, w.tokens.xian)).nodes.map((r) => [r.entrantId, r.rank, r.total, r.awardTier]),
      );
      const end = await pub2.until((f) => f.kind === 'END', 'END');
      expect(end).toMatchObject({ stage: 'PUBLISHED', endReason: 'STAGE_CHANGED' });
    } finally {
      await pub2.client.dispose();
    }
    // A screen that resubscribes sees names now (another window: a fresh snapshot, flagged restart).
    const again = watch(t, tradeId, { afterSeq: pub.frames.at(-1)!.seq });
    try {
      const snap = await again.until((f) => f.kind === 'SNAPSHOT', 'snapshot after publication');
      expect(snap).toMatchObject({ restart: true, frozen: false, entrantCount: 4 });
    } finally {
      await again.client.dispose();
    }
  } finally {
    await pub.client.dispose();
    await jury.client.dispose();
  }
});

test('a screen resumes on another instance from the seq it holds; without the history it gets a restart snapshot', async () => {
  const { tradeId, judge, entrants } = await runningTrade(t, w, { name: '管工', entrants: 4 });
  const [e0, e1, e2, e3] = entrants as [string, string, string, string];
  const other = await startTestApp({ JWT_SECRET }, { database: t.database });
  // Another screen stays on the first instance the whole time.
  const hall = watch(t, tradeId);
  const screen = watch(t, tradeId);
  try {
    await hall.until((f) => f.kind === 'SNAPSHOT', 'snapshot');
    await mark(judge, e0, 70);
    await screen.until((f) => f.rows.some((r) => r.entrantId === e0), 'e0');
    const held = screen.frames.at(-1)!.seq;
    const heldRows = apply(screen.frames);
    await screen.client.dispose();

    // Missed while away: three changes, each its own push.
    for (const [e, v] of [
      [e1, 80],
      [e2, 90],
      [e0, 95],
    ] as const) {
      await mark(judge, e, v);
      await hall.until(() => apply(hall.frames).get(e) === v, `${e} at ${v}`);
    }
    const now = hall.frames.at(-1)!.seq;

    // Back, on the other instance, with the seq it held: the missed deltas, no snapshot.
    const back = watch(other, tradeId, { afterSeq: held });
    try {
      await back.until((f) => f.seq === now, 'caught up');
      expect(back.frames.every((f) => f.kind === 'DELTA')).toBe(true);
      expect(back.frames[0]!.previousSeq).toBe(held);
      for (let i = 1; i < back.frames.length; i++)
        expect(back.frames[i]!.previousSeq).toBe(back.frames[i - 1]!.seq);
      const frames = [
        {
          kind: 'SNAPSHOT',
          rows: [...heldRows].map(([entrantId, total]) => ({ entrantId, total })),
          removed: [],
        } as unknown as Frame,
        ...back.frames,
      ];
      expect(apply(frames)).toEqual(apply(hall.frames));
      // And it stays live there.
      await mark(judge, e3, 85);
      await back.until((f) => f.rows.some((r) => r.entrantId === e3), 'live after resuming');
    } finally {
      await back.client.dispose();
    }

    // Holding the latest seq: one empty delta says nothing was missed.
    await hall.until((f) => f.rows.some((r) => r.entrantId === e3), 'e3 in the hall');
    const latest = hall.frames.at(-1)!.seq;
    const current = watch(other, tradeId, { afterSeq: latest });
    try {
      const f = await current.until(() => true, 'confirmation');
      expect(f).toMatchObject({ kind: 'DELTA', previousSeq: latest, seq: latest, rows: [], removed: [] });
    } finally {
      await current.client.dispose();
    }

    // The history no longer has the frames (pruned): a snapshot flagged as a restart.
    await t.sql('delete from board_frame where trade_id = (select id from trade where name = ?)', ['管工']);
    const late = watch(other, tradeId, { afterSeq: held });
    try {
      const f = await late.until(() => true, 'restart');
      expect(f).toMatchObject({ kind: 'SNAPSHOT', restart: true, entrantCount: 4 });
      expect(late.frames).toHaveLength(1);
    } finally {
      await late.client.dispose();
    }

    // A moment a little in the past (a device's clock) means now: stored and echoed as the database's now.
    const before = Date.now();
    const nearly = await t.gql(
      SetBoardFreezeDocument,
      { input: { tradeId, freezeAt: new Date(before - 2_000).toISOString() } },
      { token: w.tokens.xian },
    );
    expect(nearly.data!.setBoardFreeze.errors).toEqual([]);
    expect(new Date(nearly.data!.setBoardFreeze.freezeAt as string).getTime()).toBeGreaterThan(
      before - 1_000,
    );
    expect((await board(tradeId)).frozen).toBe(true);

    // An instance shutting down ends its subscriptions with a frame saying so.
    const leaving = watch(other, tradeId);
    await leaving.until((f) => f.kind === 'SNAPSHOT', 'snapshot');
    await other.close();
    const end = await leaving.until((f) => f.kind === 'END', 'END on shutdown');
    expect(end).toMatchObject({ endReason: 'SHUTTING_DOWN', stage: null });
    await leaving.client.dispose();
  } finally {
    await hall.client.dispose();
    await other.close().catch(() => {});
  }
});
