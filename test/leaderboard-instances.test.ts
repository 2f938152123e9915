import { randomBytes, randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { Role } from '../src/modules/account/account.entity';
import type { MarkingScheme } from '../src/modules/scoring/scheme';
import { AssignJudgeDocument, SetMarkingSchemeDocument, TradeBoardDocument } from './generated/graphql';
import { gid, startTestApp, type TestApp } from './support/app';
import { watchBoard } from './support/ws';
import {
  buildWorld,
  createCompetition,
  createPerson,
  createTrade,
  dbId,
  moveTo,
  registerEntrant,
  tablet,
  type World,
} from './support/world';

/**
 * Two instances on one database and a real Redis: a mark submitted to instance A reaches a
 * board screen connected to instance B.
 */
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = `jingsai-board-test-${process.pid}-${randomBytes(3).toString('hex')}`;
const SCHEME: MarkingScheme = {
  modules: [
    {
      code: 'P',
      name: '实操',
      weight: 100,
      criteria: [
        {
          code: 'P-1',
          name: '作品',
          aspects: [
            {
              code: 'P1',
              description: '质量',
              kind: 'MEASUREMENT',
              maxMark: 100,
              aggregation: { method: 'MEAN' },
              tolerance: null,
            },
          ],
        },
      ],
    },
  ],
};

let a: TestApp;
let b: TestApp;
let w: World;
let tradeId: string;
let entrants: string[];
let judge: string;
const redis = new Redis(REDIS_URL, { lazyConnect: true });

beforeAll(async () => {
  const env = { JWT_SECRET: randomBytes(32).toString('hex'), REDIS_URL, REDIS_KEY_PREFIX: PREFIX };
  a = await startTestApp(env);
  // B shares anonymous answers for a whole second: one it should have dropped would still be served.
  b = await startTestApp({ ...env, SHARED_READS_MS: '1000' }, { database: a.database });
  w = await buildWorld(a);
  const competitionId = await createCompetition(a, w.tokens.xian, w.orgs.xian, { name: '双实例榜单' });
  tradeId = await createTrade(a, w.tokens.xian, competitionId);
  await a.gql(
    SetMarkingSchemeDocument,
    { input: { tradeId, format: 'JSON', content: JSON.stringify(SCHEME) } },
    { token: w.tokens.xian },
  );
  const j = await a.account(Role.JUDGE, w.orgs.xian);
  await a.gql(
    AssignJudgeDocument,
    { input: { tradeId, accountId: gid('Account', j.account.id), role: 'JUDGE' } },
    { token: w.tokens.xian },
  );
  judge = j.token;
  await moveTo(a, w.tokens.xian, competitionId, 'REGISTRATION_OPEN');
  entrants = [];
  for (let i = 0; i < 3; i++) {
    const p = await createPerson(a, w.tokens.xian, w.orgs.xianFirm, `双实例${i}`);
    entrants.push(await registerEntrant(a, w.tokens.xian, tradeId, p, { checkIn: true }));
  }
  await moveTo(a, w.tokens.xian, competitionId, 'RUNNING');
  await redis.connect();
});
afterAll(async () => {
  redis.disconnect();
  await b?.close(); // B first: A drops the database
  await a?.close();
});

test('a mark submitted to instance A reaches a screen on instance B', async () => {
  const screen = watchBoard(b.url, tradeId);
  const { frames, arrived } = screen;
  try {
    // B listens on Redis for this board once the screen subscribed.
    const channel = `${PREFIX}:events:BOARD_CHANGED:${dbId(tradeId)}`;
    for (let i = 0; i < 100; i++) {
      const [, n] = (await redis.pubsub('NUMSUB', channel)) as [string, number];
      if (Number(n) >= 1 && frames.length >= 1) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(frames[0]).toMatchObject({ kind: 'SNAPSHOT', rows: [] });
    // An anonymous page on B reads the board over HTTP; its answer is shared until B hears of a change.
    const page = async () => (await b.gql(TradeBoardDocument, { tradeId, first: 10 })).data!.trade!.board!;
    const before = await page();
    expect(await page()).toEqual(before);
    expect(before.nodes).toEqual([]);
    const r = await tablet<{ submitMarks: { outcomes: { code: string | null }[] } }>(
      a,
      judge,
      'TabletSubmitMarks',
      {
        input: {
          deviceId: 'tablet',
          marks: [{ idempotencyKey: randomUUID(), entrantId: entrants[1], aspectCode: 'P1', value: 88 }],
        },
      },
    );
    const acked = Date.now();
    expect(r.submitMarks.outcomes[0]!.code).toBeNull();
    for (let i = 0; i < 150 && frames.length < 2; i++) await new Promise((res) => setTimeout(res, 20));
    expect(frames[1]).toMatchObject({
      kind: 'DELTA',
      rows: [{ entrantId: entrants[1], total: 88, rank: 1 }],
    });
    console.log(`instance A acknowledged the mark; screen on B had it ${arrived[1]! - acked} ms later`);
    // B heard of the change: its next anonymous answer has the mark.
    expect((await page()).nodes).toMatchObject([{ entrantId: entrants[1], total: 88, rank: 1 }]);
  } finally {
    await screen.dispose();
  }
});
