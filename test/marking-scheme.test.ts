import { MarkingSchemeFileDocument, SetMarkingSchemeDocument } from './generated/graphql';
import { startTestApp, type TestApp } from './support/app';
import {
  buildWorld,
  createCompetition,
  createTrade,
  moveTo,
  tableCounts,
  type World,
  dbId,
} from './support/world';

/** A 焊工 scheme: theory 30 %, practical 70 % with a trimmed-mean judgement panel and a safety deduction. */
const WELDING = {
  modules: [
    {
      code: 'T',
      name: '理论知识',
      weight: 30,
      criteria: [
        {
          code: 'T1',
          name: '笔试',
          aspects: [
            {
              code: 'T1.1',
              description: '理论考试成绩',
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
      name: '实际操作',
      weight: 70,
      criteria: [
        {
          code: 'P1',
          name: '焊缝质量',
          aspects: [
            {
              code: 'P1.1',
              description: '焊缝外观（五名裁判，去掉最高分和最低分）',
              kind: 'MEASUREMENT',
              maxMark: 60,
              aggregation: { method: 'TRIMMED_MEAN', trim: 1, minJudges: 5 },
              tolerance: 6,
            },
            {
              code: 'P1.2',
              description: '工艺规范',
              kind: 'JUDGEMENT',
              maxMark: 40,
              aggregation: { method: 'JUDGEMENT_AVERAGE' },
              tolerance: 1,
              scale: {
                min: 0,
                max: 3,
                descriptors: { '0': '不符合', '1': '基本符合', '2': '符合', '3': '优秀' },
              },
            },
            {
              code: 'P1.3',
              description: '安全文明生产扣分',
              kind: 'DEDUCTION',
              maxMark: 10,
              aggregation: { method: 'MEAN' },
              tolerance: null,
            },
          ],
        },
      ],
    },
  ],
};

let t: TestApp;
let w: World;
beforeAll(async () => {
  t = await startTestApp();
  w = await buildWorld(t);
});
afterAll(async () => t?.close());

test('a scheme set from JSON reads back typed, exports as CSV, and the CSV sets an identical scheme elsewhere', async () => {
  const competitionId = await createCompetition(t, w.tokens.xian, w.orgs.xian);
  const welding = await createTrade(t, w.tokens.xian, competitionId, { name: '焊工' });
  const set = await t.gql(
    SetMarkingSchemeDocument,
    { input: { tradeId: welding, format: 'JSON', content: JSON.stringify(WELDING) } },
    { token: w.tokens.xian },
  );
  expect(set.data!.setMarkingScheme.errors).toEqual([]);
  const modules = set.data!.setMarkingScheme.trade!.markingScheme!.modules;
  expect(modules.map((m) => [m.code, m.weight, m.maxMarks])).toEqual([
    ['T', 30, 100],
    ['P', 70, 100],
  ]);
  expect(modules[1]!.criteria[0]!.aspects[0]).toMatchObject({
    aggregation: 'TRIMMED_MEAN',
    trim: 1,
    minJudges: 5,
    tolerance: 6,
  });
  expect(modules[1]!.criteria[0]!.aspects[1]!.scale!.descriptors.map((d) => d.text)).toEqual([
    '不符合',
    '基本符合',
    '符合',
    '优秀',
  ]);

  const csv = (
    await t.gql(MarkingSchemeFileDocument, { id: welding, format: 'CSV' }, { token: w.tokens.xian })
  ).data!.trade!.markingSchemeFile!;
  expect(csv.split(/\r?\n/)[0]).toContain('aspect_code');
  const nextYear = await createTrade(t, w.tokens.xian, competitionId, { name: '焊工（次年）' });
  const reuse = await t.gql(
    SetMarkingSchemeDocument,
    { input: { tradeId: nextYear, format: 'CSV', content: csv } },
    { token: w.tokens.xian },
  );
  expect(reuse.data!.setMarkingScheme.errors).toEqual([]);
  const json = async (id: string) =>
    (await t.gql(MarkingSchemeFileDocument, { id, format: 'JSON' }, { token: w.tokens.xian })).data!.trade!
      .markingSchemeFile;
  expect(await json(nextYear)).toBe(await json(welding));
});

test('a bad scheme reports every problem with its path and writes nothing', async () => {
  const competitionId = await createCompetition(t, w.tokens.xian, w.orgs.xian);
  const tradeId = await createTrade(t, w.tokens.xian, competitionId);
  const bad = structuredClone(WELDING) as typeof WELDING;
  bad.modules[0]!.weight = 40; // 40 + 70
  bad.modules[1]!.criteria[0]!.aspects[0]!.code = 'T1.1'; // duplicate
  bad.modules[1]!.criteria[0]!.aspects[0]!.maxMark = -1;
  const before = await tableCounts(t);
  const r = await t.gql(
    SetMarkingSchemeDocument,
    { input: { tradeId, format: 'JSON', content: JSON.stringify(bad) } },
    { token: w.tokens.xian },
  );
  const errors = r.data!.setMarkingScheme.errors;
  expect(errors.map((e) => e.code)).toEqual(
    expect.arrayContaining(['WEIGHTS_MUST_SUM_TO_100', 'DUPLICATE_CODE', 'INVALID_MAX_MARK']),
  );
  // The code names the problem; the message explains it without repeating the code.
  expect(errors.every((e) => e.code !== 'VALIDATION' && !e.message.includes(`[${e.code}]`))).toBe(true);
  expect(errors.some((e) => e.field === 'scheme.modules[1].criteria[0].aspects[0].maxMark')).toBe(true);
  expect(r.data!.setMarkingScheme.trade).toBeNull();
  expect(await tableCounts(t)).toEqual(before);
  const stored = await t.sql<{ n: string }>(
    'select count(*) n from trade where marking_scheme is not null and id = ?',
    [dbId(tradeId)],
  );
  expect(stored[0]!.n).toBe('0');

  const notJson = await t.gql(
    SetMarkingSchemeDocument,
    { input: { tradeId, format: 'JSON', content: '{ modules: ' } },
    { token: w.tokens.xian },
  );
  expect(notJson.data!.setMarkingScheme.errors[0]).toMatchObject({
    code: 'INVALID_JSON',
    field: 'input.content',
  });
});

test('each problem has its own code in the payload: an aggregation that does not fit, an impossible trim', async () => {
  const competitionId = await createCompetition(t, w.tokens.xian, w.orgs.xian);
  const tradeId = await createTrade(t, w.tokens.xian, competitionId);
  const bad = structuredClone(WELDING) as typeof WELDING;
  const [trimmed, judged] = bad.modules[1]!.criteria[0]!.aspects as Record<string, unknown>[];
  trimmed!.aggregation = { method: 'TRIMMED_MEAN', trim: 2, minJudges: 4 }; // 2 × 2 + 1 = 5 needed
  judged!.aggregation = { method: 'MEAN' }; // a judgement aspect needs JUDGEMENT_AVERAGE
  bad.modules[0]!.criteria[0]!.aspects[0]!.kind = 'BONUS';
  const r = await t.gql(
    SetMarkingSchemeDocument,
    { input: { tradeId, format: 'JSON', content: JSON.stringify(bad) } },
    { token: w.tokens.xian },
  );
  expect(r.data!.setMarkingScheme.errors).toEqual(
    expect.arrayContaining([
      {
        code: 'INVALID_TRIM',
        field: 'scheme.modules[1].criteria[0].aspects[0].aggregation.minJudges',
        message: expect.stringContaining('2 × trim + 1 = 5'),
      },
      {
        code: 'INVALID_AGGREGATION',
        field: 'scheme.modules[1].criteria[0].aspects[1].aggregation.method',
        message: 'A JUDGEMENT aspect uses JUDGEMENT_AVERAGE.',
      },
      {
        code: 'INVALID_VALUE',
        field: 'scheme.modules[0].criteria[0].aspects[0].kind',
        message: expect.any(String),
      },
    ]),
  );
  expect(r.data!.setMarkingScheme.errors).toHaveLength(3);
});

test('the scheme freezes once the contest runs, and only the trade’s organizers may set it', async () => {
  const competitionId = await createCompetition(t, w.tokens.xian, w.orgs.xian);
  const tradeId = await createTrade(t, w.tokens.xian, competitionId);
  const input = { tradeId, format: 'JSON' as const, content: JSON.stringify(WELDING) };
  const neighbour = await t.gql(SetMarkingSchemeDocument, { input }, { token: w.tokens.xianyang });
  expect(neighbour.errors![0]!.extensions!.code).toBe('FORBIDDEN');
  await moveTo(t, w.tokens.xian, competitionId, 'REGISTRATION_OPEN', 'RUNNING');
  const frozen = await t.gql(SetMarkingSchemeDocument, { input }, { token: w.tokens.xian });
  expect(frozen.data!.setMarkingScheme.errors[0]!.code).toBe('COMPETITION_CLOSED');
});
