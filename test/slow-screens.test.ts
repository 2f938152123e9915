import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { metrics } from '../src/shared/observability';
import { BoardResumeDocument, type BoardResumeSubscription, TradeBoardDocument } from './generated/graphql';
import { startTestApp, type TestApp } from './support/app';
import { buildWorld, runningTrade, tablet } from './support/world';
import { Peer } from './support/ws';
import { until } from './support/until';

/**
 * Slow screens are bounded (WS_MAX_BUFFERED_BYTES): a screen that stops reading its socket is cut
 * once the server holds more than the bound for it, and is counted and logged (4008); the screens
 * that keep reading receive every change; the server never held more than the bound (plus the
 * message that found it full) for the stalled one.
 */

type Frame = BoardResumeSubscription['boardUpdates'];
type LogLine = Record<string, unknown>;

const BOUND = 64 * 1024;
const READERS = 100;
const ENTRANTS = 80;
// The kernel takes a few MB of a socket's data before Node buffers any (loopback: the sender's
// tcp_wmem, 4 MB), so the stalled screen watches the board many times over, as a wall of screens
// on one socket would: each frame is written once per subscription. Deltas coalesce to a few small
// frames in a run, so the snapshots carry most of the bytes.
const STALLED_SUBSCRIPTIONS = 1000;

let t: TestApp;
const logLines: LogLine[] = [];

/** A screen's board as it would draw it: entrant → rank and total, from its snapshot and deltas. */
function shown(peer: Peer, id: string): { seq: number; rows: Map<string, string> } {
  const rows = new Map<string, string>();
  let seq = -1;
  for (const m of peer.about(id)) {
    if (m.type !== 'next') continue;
    const f = (m.payload as { data: BoardResumeSubscription }).data.boardUpdates as Frame;
    if (f.kind === 'SNAPSHOT') rows.clear();
    for (const r of f.rows) rows.set(r.entrantId, `${r.rank} ${r.total}`);
    for (const gone of f.removed ?? []) rows.delete(gone);
    seq = f.seq;
  }
  return { seq, rows };
}

beforeAll(async () => {
  t = await startTestApp(
    {
      LOG_LEVEL: 'info',
      WS_MAX_BUFFERED_BYTES: String(BOUND),
      WS_MAX_SOCKETS_PER_IP: String(READERS + 10),
      WS_MAX_SUBSCRIPTIONS_PER_SOCKET: String(STALLED_SUBSCRIPTIONS),
    },
    { logDestination: { write: (line: string) => void logLines.push(JSON.parse(line) as LogLine) } },
  );
});
afterAll(async () => t?.close());

test(`a screen that stops reading is cut at the bound while ${READERS} others keep up`, async () => {
  const w = await buildWorld(t);
  const { tradeId, judge, entrants } = await runningTrade(t, w, { name: '慢屏', entrants: ENTRANTS });
  const version = new Map<string, number>();
  const mark = async (entrantId: string, value: number) => {
    const v = version.get(entrantId);
    const r = await tablet<{
      submitMarks: { outcomes: { code: string | null; mark: { version: number } }[] };
    }>(t, judge, 'TabletSubmitMarks', {
      input: {
        deviceId: 'tablet',
        marks: [
          {
            idempotencyKey: randomUUID(),
            entrantId,
            aspectCode: 'P1',
            value,
            ...(v ? { correctsVersion: v, reason: '更正' } : {}),
          },
        ],
      },
    });
    const o = r.submitMarks.outcomes[0]!;
    if (o.code) throw new Error(o.code);
    version.set(entrantId, o.mark.version);
  };
  const variables = { tradeId, first: 100 };
  const cutBefore = await metrics.wsSlowConsumersClosed.get();
  const cutCount = async () => (await metrics.wsSlowConsumersClosed.get()).values[0]!.value;
  const before = cutBefore.values[0]!.value;

  const readers: Peer[] = [];
  for (let i = 0; i < READERS; i++) readers.push(new Peer(t.url));
  await Promise.all(readers.map((p) => p.init()));
  for (const p of readers) p.subscribe('board', BoardResumeDocument, variables);
  await Promise.all(readers.map((p) => p.next('board', () => true, 20_000)));

  // The stalled screen subscribes, then stops reading its socket at once, before its snapshots
  // arrive: the kernel grows the receive buffer of a socket that reads (up to tcp_rmem's maximum,
  // 32 MB on some machines), so one that had read its snapshots could take more than the whole
  // run sends before the server holds anything; one that never read keeps its first ~128 KB.
  const stalled = new Peer(t.url);
  await stalled.init();
  for (let i = 0; i < STALLED_SUBSCRIPTIONS; i++) stalled.subscribe(`s${i}`, BoardResumeDocument, variables);
  const socket = (stalled.ws as unknown as { _socket: Socket })._socket;
  socket.pause();
  // ws resumes its socket when its own parser drains: this screen must not read again until told.
  const resume = socket.resume.bind(socket);
  socket.resume = () => socket;
  await until(
    'the stalled screen’s subscriptions',
    () => logLines.filter((l) => l.msg === 'subscription started').length >= READERS + STALLED_SUBSCRIPTIONS,
  );

  // Every mark moves an entrant past all the others: every frame carries nearly the whole board.
  for (const [i, e] of entrants.entries()) await mark(e, 10 + i);
  for (const [i, e] of entrants.entries()) await mark(e, 89 - i);

  // The stalled screen was cut, once, and logged with the bytes the server held for it.
  await until('the slow screen to be cut', async () => (await cutCount()) > before);
  const warning = await until('the slow-consumer warning', () =>
    logLines.find((l) => l.msg === 'websocket cut: slow consumer'),
  );
  expect(warning).toMatchObject({ level: 40, code: 4008, maxBytes: BOUND });
  // At most the bound, plus the one message that found it over: the largest frame sent.
  const largest = Math.max(...readers[0]!.about('board').map((m) => JSON.stringify(m).length));
  expect(warning.bufferedBytes as number).toBeGreaterThan(BOUND);
  expect(warning.bufferedBytes as number).toBeLessThanOrEqual(BOUND + largest + 200);
  await until('the cut socket’s close line', () =>
    logLines.find((l) => l.msg === 'websocket closed' && l.socketId === warning.socketId && l.code === 4008),
  );

  // The readers kept up: each shows the board as it is, at its latest seq, and none was cut.
  const truth = await t.gql(TradeBoardDocument, { tradeId, first: 100 });
  const board = truth.data!.trade!.board!;
  const expected = new Map(board.nodes.map((r) => [r.entrantId, `${r.rank} ${r.total}`]));
  expect(expected.size).toBe(ENTRANTS);
  for (const p of readers) await until('a reader’s last frame', () => shown(p, 'board').seq >= board.seq);
  for (const p of readers) {
    expect(p.open).toBe(true);
    expect(shown(p, 'board').rows).toEqual(expected);
  }
  expect((await cutCount()) - before).toBe(1);
  await Promise.all(readers.map((p) => p.ping()));

  // The stalled screen, reading again, finds its connection dropped (no close frame gets through a
  // full buffer); a new connection gets the whole board.
  socket.resume = resume;
  socket.resume();
  expect((await stalled.closedWithin(20_000)).code).toBe(1006);
  const again = new Peer(t.url);
  await again.init();
  again.subscribe('board', BoardResumeDocument, variables);
  await again.next('board');
  expect(shown(again, 'board').rows).toEqual(expected);

  // Closed before the app is: its END frames must not race the clients' own closes.
  await Promise.all(
    [...readers, again].map((p) => {
      p.ws.close();
      return p.closed;
    }),
  );
}, 180_000);
