import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { Role } from '../src/modules/account/account.entity';
import { entrantResult, rank } from '../src/modules/scoring/ranking';
import type { MarkingScheme } from '../src/modules/scoring/scheme';
import { documentId, loadManifest } from '../src/shared/security/trusted-documents';
import {
  AssignJudgeDocument,
  SetMarkingSchemeDocument,
  TradeResultsWorkingDocument,
} from './generated/graphql';
import { gid, startTestApp, type TestApp } from './support/app';
import {
  buildWorld,
  createCompetition,
  createPerson,
  createTrade,
  moveTo,
  drawLots,
  signOffAndRecheck,
  type World,
  registerEntrant,
  dbId,
} from './support/world';

/** Five judges, the highest and lowest dropped (五名裁判，去掉最高分和最低分); theory 30 %, practical 70 %. */
const SCHEME: MarkingScheme = {
  modules: [
    {
      code: 'T',
      name: '理论',
      weight: 30,
      criteria: [
        {
          code: 'T1',
          name: '笔试',
          aspects: [
            {
              code: 'T1',
              description: '笔试',
              kind: 'MEASUREMENT',
              maxMark: 100,
              aggregation: { method: 'MEAN' },
              tolerance: null,
            },
          ],
        },
      ],
    },
    {
      code: 'P',
      name: '实操',
      weight: 70,
      criteria: [
        {
          code: 'P1',
          name: '焊缝',
          aspects: [
            {
              code: 'P1',
              description: '焊缝质量',
              kind: 'MEASUREMENT',
              maxMark: 10,
              aggregation: { method: 'TRIMMED_MEAN', trim: 1, minJudges: 5 },
              tolerance: null,
            },
            {
              code: 'S1',
              description: '安全扣分',
              kind: 'DEDUCTION',
              maxMark: 5,
              aggregation: { method: 'MEAN' },
              tolerance: null,
            },
          ],
        },
      ],
    },
  ],
};

const SUBMIT = documentId(Object.values(loadManifest()).find((d) => d.includes(' TabletSubmitMarks('))!);

let t: TestApp;
let w: World;
let tradeId: string;
let chiefToken: string;
let competitionId: string;
let entrants: string[];
let judges: { token: string; id: number }[];

beforeAll(async () => {
  t = await startTestApp();
  w = await buildWorld(t);
  competitionId = await createCompetition(t, w.tokens.xian, w.orgs.xian, { name: '成绩测试赛' });
  tradeId = await createTrade(t, w.tokens.xian, competitionId, { name: '焊工' });
  await t.gql(
    SetMarkingSchemeDocument,
    { input: { tradeId, format: 'JSON', content: JSON.stringify(SCHEME) } },
    { token: w.tokens.xian },
  );
  entrants = [];
  for (let i = 0; i < 6; i++) {
    const personId = await createPerson(t, w.tokens.xian, w.orgs.lianhu, `成绩选手${i}`);
    entrants.push(await registerEntrant(t, w.tokens.xian, tradeId, personId, { checkIn: true }));
  }
  judges = [];
  for (let j = 0; j < 5; j++) {
    const { token, account } = await t.account(Role.JUDGE, w.orgs.xian);
    await t.gql(
      AssignJudgeDocument,
      { input: { tradeId, accountId: gid('Account', account.id), role: 'JUDGE' } },
      { token: w.tokens.xian },
    );
    judges.push({ token, id: account.id });
  }
  const chief = await t.account(Role.CHIEF_JUDGE, w.orgs.xian);
  await t.gql(
    AssignJudgeDocument,
    { input: { tradeId, accountId: gid('Account', chief.account.id), role: 'CHIEF_JUDGE' } },
    { token: w.tokens.xian },
  );
  chiefToken = chief.token;
  await moveTo(t, w.tokens.xian, competitionId, 'REGISTRATION_OPEN', 'RUNNING');
  await drawLots(t, w.tokens.xian, tradeId);
});
afterAll(async () => t?.close());

async function mark(judge: number, entrant: string, aspectCode: string, value: number) {
  const r = await t.raw(
    {
      documentId: SUBMIT,
      variables: {
        input: {
          deviceId: `tablet-${judge}`,
          marks: [{ idempotencyKey: randomUUID(), entrantId: entrant, aspectCode, value }],
        },
      },
    },
    { token: judges[judge]!.token },
  );
  const outcome = (r.json.data as { submitMarks: { outcomes: { status: string; code: string | null }[] } })
    .submitMarks.outcomes[0]!;
  if (outcome.status !== 'ACCEPTED') throw new Error(`mark refused: ${outcome.code}`);
}

async function results(token = w.tokens.xian) {
  const r = await t.gql(TradeResultsWorkingDocument, { id: tradeId }, { token });
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data!.trade?.results ?? null;
}

test('five judges 8, 9, 7, 9, 10: the highest and lowest are dropped and the result explains it', async () => {
  for (const [j, v] of [8, 9, 7, 9, 10].entries()) await mark(j, entrants[0]!, 'P1', v);
  await mark(0, entrants[0]!, 'T1', 90);
  const mine = (await results())!.find((r) => r.entrant.id === entrants[0])!;
  const p1 = mine.modules[1]!.aspects.find((a) => a.code === 'P1')!;
  expect(p1.score).toBe(8.67);
  expect(p1.formula).toBe('(8 + 9 + 9) / 3 = 8.67');
  expect(
    p1.marks
      .filter((m) => m.dropped)
      .map((m) => [m.value, m.dropped])
      .sort(),
  ).toEqual(
    [
      [10, 'HIGHEST'],
      [7, 'LOWEST'],
    ].sort(),
  );
  // 90 / 100 × 30 = 27; 8.67 / 10 × 70 = 60.69
  expect(mine.total).toBe(87.69);
});

test('stored results equal a recomputation from the raw marks, for random marks (property)', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(
        fc.record({
          entrant: fc.integer({ min: 1, max: 5 }),
          judge: fc.integer({ min: 0, max: 4 }),
          aspect: fc.constantFrom('T1', 'P1', 'S1'),
          value: fc.integer({ min: 0, max: 500 }).map((h) => h / 100),
        }),
        { minLength: 1, maxLength: 8 },
      ),
      async (batch) => {
        for (const m of batch) {
          const max = m.aspect === 'T1' ? 100 : m.aspect === 'P1' ? 10 : 5;
          const value = Math.min(m.value * (m.aspect === 'T1' ? 20 : m.aspect === 'P1' ? 2 : 1), max);
          const entrant = entrants[m.entrant]!;
          const [existing] = await t.sql<{ version: number }>(
            'select version from mark where entrant_id = ? and aspect_code = ? and judge_id = ?',
            [dbId(entrant), m.aspect, judges[m.judge]!.id],
          );
          const r = await t.raw(
            {
              documentId: SUBMIT,
              variables: {
                input: {
                  deviceId: 'prop',
                  marks: [
                    {
                      idempotencyKey: randomUUID(),
                      entrantId: entrant,
                      aspectCode: m.aspect,
                      value: Math.round(value * 100) / 100,
                      ...(existing ? { correctsVersion: existing.version, reason: '更正' } : {}),
                    },
                  ],
                },
              },
            },
            { token: judges[m.judge]!.token },
          );
          expect(
            (r.json.data as { submitMarks: { outcomes: { status: string }[] } }).submitMarks.outcomes[0]!
              .status,
          ).toBe('ACCEPTED');
        }
        const api = (await results())!;
        const raw = await t.sql<{ entrant_id: number; aspect_code: string; judge_id: number; value: string }>(
          'select entrant_id, aspect_code, judge_id, value from mark where trade_id = ?',
          [dbId(tradeId)],
        );
        const expected = entrants.map((id) => {
          const aspects = new Map<string, { judgeId: string; value: number }[]>();
          for (const r of raw.filter((x) => x.entrant_id === dbId(id))) {
            aspects.set(r.aspect_code, [
              ...(aspects.get(r.aspect_code) ?? []),
              { judgeId: String(r.judge_id), value: Number(r.value) },
            ]);
          }
          return { id, result: entrantResult(SCHEME, aspects) };
        });
        const ranks = new Map(
          rank(
            expected.map((e) => ({
              id: e.id,
              total: e.result.total,
              tieBreak: [e.result.modules[1]!.weighted, e.result.modules[0]!.weighted],
            })),
          ).map((r) => [r.id, r.rank]),
        );
        for (const e of expected) {
          const row = api.find((r) => r.entrant.id === e.id)!;
          expect({ total: row.total, rank: row.rank }).toEqual({
            total: e.result.total,
            rank: ranks.get(e.id),
          });
        }
      },
    ),
    { numRuns: 15, seed: 31 },
  );
});

test('results are for the jury while the contest runs, for everyone once published', async () => {
  expect(await results(w.tokens.xianyang)).toBeNull();
  expect(await results(judges[0]!.token).catch(() => 'refused')).toBe('refused'); // tablets send trusted documents only
  const anonymous = await t.gql(TradeResultsWorkingDocument, { id: tradeId });
  expect(anonymous.data!.trade!.results).toBeNull();
  await moveTo(t, w.tokens.xian, competitionId, 'SCORING_CLOSED');
  await signOffAndRecheck(t, chiefToken, tradeId);
  await moveTo(t, w.tokens.xian, competitionId, 'PUBLISHED');
  const published = await t.gql(TradeResultsWorkingDocument, { id: tradeId });
  const rows = published.data!.trade!.results!;
  expect(rows).toHaveLength(6);
  expect(rows[0]!.rank).toBe(1);
});
