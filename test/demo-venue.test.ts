import { print } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { seedDemo, VENUE_COMPETITION, VENUE_TRADE } from '../seeds/demo';
import { playVenue } from '../seeds/venue';
import { BoardResumeDocument, type BoardResumeSubscription, TradeBoardDocument } from './generated/graphql';
import { startTestApp, type TestApp } from './support/app';
import { toGlobalId } from '../src/shared/graphql/relay';

/**
 * The venue demo from a fresh database: the demo data's contest is under way (RUNNING, lots
 * drawn, three judges, part of the entrants marked), and a short run with a fast timetable marks
 * the rest through the API, fires tolerance alerts, freezes the public board and reveals it, all
 * of which a screen subscribed to the board sees.
 */
type Frame = BoardResumeSubscription['boardUpdates'];

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  await seedDemo(t.orm.em.fork() as never, { adminPassword: 'demo-password-1' });
});
afterAll(async () => t?.close());

test('the demo trade is under way, and the venue demo moves the board through a freeze and a reveal', async () => {
  const [trade] = await t.sql<{
    id: number;
    status: string;
    judges: string;
    entrants: string;
    marked: string;
    lots: string;
  }>(
    `select t.id, c.status,
            (select count(*) from judge_assignment j where j.trade_id = t.id and j.role = 'JUDGE') judges,
            (select count(*) from entrant e where e.trade_id = t.id and e.status = 'CHECKED_IN') entrants,
            (select count(distinct entrant_id) from mark m where m.trade_id = t.id) marked,
            (select count(*) from entrant e where e.trade_id = t.id and e.lot_code is not null) lots
       from trade t join competition c on c.id = t.competition_id where c.name = $1 and t.name = $2`.replace(
      /\$(\d)/g,
      (_, n: string) => `'${[VENUE_COMPETITION, VENUE_TRADE][Number(n) - 1]}'`,
    ),
  );
  expect(trade).toMatchObject({ status: 'RUNNING', judges: '3' });
  expect(Number(trade!.lots)).toBe(Number(trade!.entrants));
  expect(Number(trade!.marked)).toBeGreaterThan(0);
  expect(Number(trade!.marked)).toBeLessThan(Number(trade!.entrants));

  // A screen watches the public board the whole time.
  const frames: Frame[] = [];
  const tradeId = toGlobalId('Trade', trade!.id);
  const client = createClient({
    url: t.url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
  });
  client.subscribe(
    { query: print(BoardResumeDocument), variables: { tradeId, first: 20 } },
    {
      next: (m) => frames.push((m.data as BoardResumeSubscription).boardUpdates),
      error: () => {},
      complete: () => {},
    },
  );
  const lines: string[] = [];
  try {
    for (let i = 0; i < 500 && frames.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(frames[0]).toMatchObject({ kind: 'SNAPSHOT', entrantCount: Number(trade!.marked) });

    const summary = await playVenue({
      url: t.url,
      password: 'demo-password-1',
      tickMs: 250,
      log: (l) => lines.push(l),
    });
    const waiting = Number(trade!.entrants) - Number(trade!.marked);
    expect(summary).toMatchObject({
      tradeId,
      entrantsMarked: waiting,
      screenPath: `/screen/trades/${tradeId}`,
    });
    expect(summary.toleranceAlerts).toBeGreaterThan(0);
    expect(summary.corrections).toBeGreaterThan(0);
    expect(summary.frozeAt).not.toBeNull();
    expect(summary.revealed).toBeGreaterThan(0);
    // Progress on the terminal: one line per entrant marked, the alert, the freeze, each reveal.
    expect(lines.filter((l) => / marked by 3 judges: /.test(l))).toHaveLength(waiting);
    expect(lines.some((l) => /tolerance alert/.test(l))).toBe(true);
    expect(lines.some((l) => /封榜/.test(l))).toBe(true);
    expect(lines.filter((l) => /揭晓/.test(l))).toHaveLength(summary.revealed);

    // The screen saw the board move, ranks change, the freeze, and the reveal bring it level.
    const deltas = frames.filter((f) => f.kind === 'DELTA');
    expect(deltas.some((f) => f.rows.length > 1)).toBe(true);
    expect(frames.some((f) => f.frozen)).toBe(true);
    const end = frames.find((f) => f.kind === 'END');
    expect(end).toMatchObject({ stage: 'SCORING_CLOSED', endReason: 'STAGE_CHANGED' });
    const chief = await t.gql(TradeBoardDocument, { tradeId, first: 100 });
    const pub = chief.data!.trade!.board!;
    expect(pub.totalCount).toBe(Number(trade!.entrants));
    const [jury] = await t.sql<{ n: string }>(
      `select count(*) n from board_entry where trade_id = ${trade!.id} and active and public_active and public_total = total`,
    );
    expect(Number(jury!.n)).toBe(Number(trade!.entrants));
  } finally {
    await client.dispose();
  }
});
