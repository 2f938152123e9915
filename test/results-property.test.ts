import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { Role } from '../src/modules/account/account.entity';
import type { Mark } from '../src/modules/scoring/aggregation';
import { awardTiers, entrantResult, rank, type AwardRule } from '../src/modules/scoring/ranking';
import type { MarkingScheme } from '../src/modules/scoring/scheme';
import { validateScheme } from '../src/modules/scoring/scheme-validation';
import {
  AssignJudgeDocument,
  SetMarkingSchemeDocument,
  SetResultsRulesDocument,
  TradeResultsDocument,
} from './generated/graphql';
import { gid, startTestApp, type TestApp } from './support/app';
import {
  buildWorld,
  createCompetition,
  createPerson,
  createTrade,
  dbId,
  drawLots,
  moveTo,
  registerEntrant,
  tablet,
  type World,
} from './support/world';

/**
 * For random marking schemes, marks, tie-breaks and award rules, set and submitted through the
 * API: the totals, ranks and award tiers the API returns equal a recomputation by the engine from
 * the raw marks read back from the database.
 */
let t: TestApp;
let w: World;
let judges: { token: string; id: number }[];

beforeAll(async () => {
  t = await startTestApp();
  w = await buildWorld(t);
  judges = [];
  for (let j = 0; j < 3; j++) {
    const a = await t.account(Role.JUDGE, w.orgs.xian);
    judges.push({ token: a.token, id: a.account.id });
  }
});
afterAll(async () => t?.close());

const aggregationArb = fc.oneof(
  fc.constant({ method: 'MEAN' }),
  fc.constant({ method: 'MEDIAN' }),
  fc.constant({ method: 'TRIMMED_MEAN', trim: 1, minJudges: 3 }),
);
const aspectArb = (code: string, deduction: boolean) =>
  deduction
    ? fc.record({
        code: fc.constant(code),
        description: fc.constant('扣分'),
        kind: fc.constant('DEDUCTION'),
        maxMark: fc.integer({ min: 1, max: 5 }),
        aggregation: fc.constant({ method: 'MEAN' }),
        tolerance: fc.constant(null),
      })
    : fc.oneof(
        fc.record({
          code: fc.constant(code),
          description: fc.constant('测量'),
          kind: fc.constant('MEASUREMENT'),
          maxMark: fc.integer({ min: 1, max: 20 }),
          aggregation: aggregationArb,
          tolerance: fc.constant(null),
        }),
        fc.record({
          code: fc.constant(code),
          description: fc.constant('评价'),
          kind: fc.constant('JUDGEMENT'),
          maxMark: fc.integer({ min: 1, max: 20 }),
          aggregation: fc.constant({ method: 'JUDGEMENT_AVERAGE' }),
          tolerance: fc.constant(null),
          scale: fc.constant({ min: 0, max: 3, descriptors: { 0: '差', 1: '中', 2: '良', 3: '优' } }),
        }),
      );
const schemeArb: fc.Arbitrary<MarkingScheme> = fc
  .constantFrom([100], [30, 70], [20, 30, 50])
  .chain((weights) =>
    fc.tuple(
      ...weights.map((weight, i) =>
        fc.integer({ min: 1, max: 3 }).chain((n) =>
          fc
            .tuple(...Array.from({ length: n }, (_, k) => aspectArb(`M${i}A${k}`, k === 2)))
            .map((aspects) => ({
              code: `M${i}`,
              name: `模块${i}`,
              weight,
              criteria: [{ code: `M${i}C`, name: '标准', aspects }],
            })),
        ),
      ),
    ),
  )
  .map((modules) => {
    const { scheme, errors } = validateScheme({ modules });
    if (!scheme) throw new Error(JSON.stringify(errors));
    return scheme;
  });

const awardArb: fc.Arbitrary<AwardRule> = fc.oneof(
  fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 })).map(([a, b]): AwardRule => ({
    by: 'COUNT',
    tiers: [
      { tier: 'FIRST', count: a },
      { tier: 'SECOND', count: b },
    ],
  })),
  fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 40 })).map(([a, b]): AwardRule => ({
    by: 'PERCENT',
    tiers: [
      { tier: 'FIRST', percent: a },
      { tier: 'THIRD', percent: b },
    ],
  })),
);

interface Case {
  scheme: MarkingScheme;
  award: AwardRule;
  tieBreakModules: boolean;
  /** Per entrant, per aspect, per judge: a fraction of the range, or null for no mark. */
  marks: (number | null)[][][];
}

const caseArb: fc.Arbitrary<Case> = schemeArb.chain((scheme) => {
  const aspects = scheme.modules.flatMap((m) => m.criteria.flatMap((c) => c.aspects));
  return fc.record({
    scheme: fc.constant(scheme),
    award: awardArb,
    tieBreakModules: fc.boolean(),
    // Few distinct values so that ties happen.
    marks: fc.array(
      fc.tuple(
        ...aspects.map(() =>
          fc.array(fc.option(fc.constantFrom(0, 0.5, 1), { nil: null, freq: 4 }), {
            minLength: 3,
            maxLength: 3,
          }),
        ),
      ),
      { minLength: 3, maxLength: 6 },
    ),
  });
});

test('property: API totals, ranks and award tiers equal a recomputation from the stored marks', async () => {
  let run = 0;
  await fc.assert(
    fc.asyncProperty(caseArb, async (c) => {
      run += 1;
      const competitionId = await createCompetition(t, w.tokens.xian, w.orgs.xian, {
        name: `性质测试${run}`,
      });
      const tradeId = await createTrade(t, w.tokens.xian, competitionId);
      const set = await t.gql(
        SetMarkingSchemeDocument,
        { input: { tradeId, format: 'JSON', content: JSON.stringify(c.scheme) } },
        { token: w.tokens.xian },
      );
      expect(set.data!.setMarkingScheme.errors).toEqual([]);
      const tieBreak = c.tieBreakModules
        ? c.scheme.modules.map((m) => ({ kind: 'MODULE' as const, code: m.code }))
        : [];
      const rules = await t.gql(
        SetResultsRulesDocument,
        { input: { tradeId, tieBreak, awards: c.award as never } },
        { token: w.tokens.xian },
      );
      expect(rules.data!.setResultsRules.errors).toEqual([]);
      for (const j of judges) {
        await t.gql(
          AssignJudgeDocument,
          { input: { tradeId, accountId: gid('Account', j.id), role: 'JUDGE' } },
          { token: w.tokens.xian },
        );
      }
      await moveTo(t, w.tokens.xian, competitionId, 'REGISTRATION_OPEN');
      const entrants: string[] = [];
      for (let e = 0; e < c.marks.length; e++) {
        const person = await createPerson(t, w.tokens.xian, w.orgs.lianhu, `性质${run}-${e}`);
        entrants.push(await registerEntrant(t, w.tokens.xian, tradeId, person, { checkIn: true }));
      }
      await moveTo(t, w.tokens.xian, competitionId, 'RUNNING');
      // Checked in while registration was open, so each entrant already drew a number.
      expect((await drawLots(t, w.tokens.xian, tradeId).catch((e: Error) => e.message)) as string).toContain(
        'NOTHING_TO_DRAW',
      );
      const aspects = c.scheme.modules.flatMap((m) => m.criteria.flatMap((cr) => cr.aspects));
      for (const [j, judge] of judges.entries()) {
        const marks = entrants.flatMap((entrantId, e) =>
          aspects.flatMap((a, k) => {
            const f = c.marks[e]![k]![j];
            if (f === null || f === undefined) return [];
            const range = a.kind === 'JUDGEMENT' && a.scale ? a.scale : { min: 0, max: a.maxMark };
            const raw = range.min + f * (range.max - range.min);
            const value = a.kind === 'JUDGEMENT' ? Math.round(raw) : Math.round(raw * 100) / 100;
            return [{ idempotencyKey: randomUUID(), entrantId, aspectCode: a.code, value }];
          }),
        );
        if (marks.length === 0) continue;
        const r = await tablet<{ submitMarks: { outcomes: { code: string | null }[] } }>(
          t,
          judge.token,
          'TabletSubmitMarks',
          { input: { deviceId: 'prop', marks } },
        );
        expect(r.submitMarks.outcomes.map((o) => o.code)).toEqual(marks.map(() => null));
      }

      const api = (await t.gql(TradeResultsDocument, { tradeId }, { token: w.tokens.xian })).data!.trade!
        .results!;
      const rows = await t.sql<{ entrant_id: number; aspect_code: string; judge_id: number; value: string }>(
        'select entrant_id, aspect_code, judge_id, value from mark where trade_id = ?',
        [dbId(tradeId)],
      );
      const computed = entrants.map((id) => {
        const byAspect = new Map<string, Mark[]>();
        for (const r of rows.filter((x) => x.entrant_id === dbId(id))) {
          byAspect.set(r.aspect_code, [
            ...(byAspect.get(r.aspect_code) ?? []),
            { judgeId: String(r.judge_id), value: Number(r.value) },
          ]);
        }
        return { id, result: entrantResult(c.scheme, byAspect) };
      });
      const ranked = rank(
        computed.map((x) => ({
          id: x.id,
          total: x.result.total,
          tieBreak: c.tieBreakModules ? x.result.modules.map((m) => m.weighted) : [],
        })),
      );
      const tiers = new Map(awardTiers(ranked, c.award).entries.map((e) => [e.id, e]));
      for (const x of computed) {
        const row = api.find((r) => r.entrant.id === x.id)!;
        const want = tiers.get(x.id)!;
        expect({ total: row.total, rank: row.rank, tier: row.awardTier }).toEqual({
          total: x.result.total,
          rank: want.rank,
          tier: want.tier,
        });
      }
    }),
    { numRuns: 10, seed: 2024 },
  );
});
