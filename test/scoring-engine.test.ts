import { parse as parseCsv } from 'csv-parse/sync';
import fc from 'fast-check';
import { aggregate, type Mark, toleranceBreach, trimMarks } from '../src/modules/scoring/aggregation';
import {
  awardTiers,
  entrantResult,
  rank,
  type RankInput,
  recheckSample,
} from '../src/modules/scoring/ranking';
import {
  type Aggregation,
  type Aspect,
  type MarkingScheme,
  moduleMaxMarks,
} from '../src/modules/scoring/scheme';
import {
  schemeFromCsv,
  schemeFromJson,
  schemeToCsv,
  schemeToJson,
} from '../src/modules/scoring/scheme-formats';
import { validateScheme } from '../src/modules/scoring/scheme-validation';

/**
 * The scoring engine is pure: no database, no server. Expected values are recomputed by brute
 * force in integer hundredths, independently of the engine's fraction arithmetic.
 */

/** Half-up rounding of num / den for non-negative safe integers. */
const roundDiv = (num: number, den: number): number => Math.floor((2 * num + den) / (2 * den));

const marksOf = (values: number[]): Mark[] => values.map((value, i) => ({ judgeId: `J${i + 1}`, value }));

const measurement = (aggregation: Aggregation, maxMark = 10, tolerance: number | null = null): Aspect => ({
  code: 'A1',
  description: 'Weld bead width within tolerance',
  kind: 'MEASUREMENT',
  maxMark,
  aggregation,
  tolerance,
});

const judgement = (maxMark: number, scaleMax: number, tolerance: number | null = null): Aspect => {
  const descriptors: Record<string, string> = {};
  for (let p = 0; p <= scaleMax; p++) descriptors[String(p)] = `level ${p}`;
  return {
    code: 'J1',
    description: 'Overall finish',
    kind: 'JUDGEMENT',
    maxMark,
    aggregation: { method: 'JUDGEMENT_AVERAGE' },
    tolerance,
    scale: { min: 0, max: scaleMax, descriptors },
  };
};

/** Marks in hundredths (0..maxH) with distinct, varied judge ids. */
const marksArb = (maxH: number, minLength = 0, maxLength = 9) =>
  fc
    .uniqueArray(fc.string({ minLength: 1, maxLength: 3 }), { minLength, maxLength })
    .chain((ids) =>
      fc
        .array(fc.integer({ min: 0, max: maxH }), { minLength: ids.length, maxLength: ids.length })
        .map((hs) => ids.map((judgeId, i) => ({ judgeId, h: hs[i]! }))),
    );
const asMarks = (ms: { judgeId: string; h: number }[]): Mark[] =>
  ms.map((m) => ({ judgeId: m.judgeId, value: m.h / 100 }));

const trimmedArb = fc
  .integer({ min: 1, max: 3 })
  .chain((trim) =>
    fc
      .integer({ min: 2 * trim + 1, max: 9 })
      .map((minJudges): Aggregation => ({ method: 'TRIMMED_MEAN', trim, minJudges })),
  );
const pointsAggregationArb: fc.Arbitrary<Aggregation> = fc.oneof(
  fc.constant<Aggregation>({ method: 'MEAN' }),
  fc.constant<Aggregation>({ method: 'MEDIAN' }),
  trimmedArb,
);

describe('aggregate', () => {
  test('worked example (five judges, highest and lowest dropped): 8, 9, 7, 9, 10 → (8 + 9 + 9) / 3 = 8.67', () => {
    const aspect = measurement({ method: 'TRIMMED_MEAN', trim: 1, minJudges: 5 });
    const r = aggregate(aspect, marksOf([8, 9, 7, 9, 10]));
    expect(r.score).toBe(8.67);
    expect(r.explanation.dropped).toEqual([
      { judgeId: 'J3', value: 7, reason: 'LOWEST' },
      { judgeId: 'J5', value: 10, reason: 'HIGHEST' },
    ]);
    expect(r.explanation.formula.en).toBe('(8 + 9 + 9) / 3 = 8.67');
    expect(r.explanation.result).toBe(8.67);
    expect(r.explanation.note?.en).toContain('Dropped the 1 highest and 1 lowest of 5 marks');
  });

  test('trimmed mean with fewer judges than minJudges falls back to the plain mean and says so', () => {
    const aspect = measurement({ method: 'TRIMMED_MEAN', trim: 1, minJudges: 5 });
    const r = aggregate(aspect, marksOf([7, 8, 10]));
    expect(r.score).toBe(8.33);
    expect(r.explanation.dropped).toEqual([]);
    expect(r.explanation.formula.en).toBe('(7 + 8 + 10) / 3 = 8.33');
    expect(r.explanation.note?.en).toMatch(/fewer than the 5 judges trimming needs: plain mean/);
  });

  test('ties at the ends: exactly trim marks dropped, the smallest judgeId named', () => {
    const aspect = measurement({ method: 'TRIMMED_MEAN', trim: 1, minJudges: 3 });
    const marks: Mark[] = [
      { judgeId: 'c', value: 5 },
      { judgeId: 'a', value: 5 },
      { judgeId: 'b', value: 5 },
      { judgeId: 'd', value: 5 },
    ];
    const r = aggregate(aspect, marks);
    expect(r.score).toBe(5);
    expect(r.explanation.dropped).toEqual([
      { judgeId: 'a', value: 5, reason: 'LOWEST' },
      { judgeId: 'b', value: 5, reason: 'HIGHEST' },
    ]);
    expect(r.explanation.inputs.map((m) => m.judgeId)).toEqual(['a', 'b', 'c', 'd']);
  });

  test('rounds half-up on exact values where floating point would not', () => {
    // 1.005 is 1.00499999999999989… as a double: toFixed(2) gives "1.00".
    expect(aggregate(measurement({ method: 'MEAN' }), marksOf([1, 1.01])).score).toBe(1.01);
    expect(aggregate(measurement({ method: 'MEAN' }), marksOf([0.1, 0.2])).score).toBe(0.15);
    expect(aggregate(measurement({ method: 'MEDIAN' }), marksOf([2.34, 2.35])).score).toBe(2.35);
    expect(aggregate(measurement({ method: 'MEAN' }), marksOf([0, 0, 0.01])).score).toBe(0);
    expect(aggregate(measurement({ method: 'MEAN' }), marksOf([0, 0.01])).score).toBe(0.01);
  });

  test('median explains the middle marks', () => {
    expect(aggregate(measurement({ method: 'MEDIAN' }), marksOf([9, 7, 8])).explanation.formula.en).toBe(
      'median of 7, 8, 9 = 8.00',
    );
    expect(aggregate(measurement({ method: 'MEDIAN' }), marksOf([10, 7, 9, 8])).explanation.formula.en).toBe(
      'median of 7, 8, 9, 10 = (8 + 9) / 2 = 8.50',
    );
  });

  test('judgement average (WorldSkills 0–3): mean / 3 × maxMark', () => {
    const r = aggregate(judgement(1.5, 3), marksOf([2, 3, 3]));
    expect(r.score).toBe(1.33);
    expect(r.explanation.formula.en).toBe('((2 + 3 + 3) / 3) / 3 × 1.5 = 1.33');
    expect(aggregate(judgement(10, 3), marksOf([3, 3, 3])).score).toBe(10);
  });

  test('no marks: null score; a duplicate judge or a non-number throws', () => {
    const r = aggregate(measurement({ method: 'MEAN' }), []);
    expect(r.score).toBeNull();
    expect(r.explanation.result).toBeNull();
    expect(() =>
      aggregate(measurement({ method: 'MEAN' }), [
        { judgeId: 'J1', value: 1 },
        { judgeId: 'J1', value: 2 },
      ]),
    ).toThrow(/more than one mark/);
    expect(() => aggregate(measurement({ method: 'MEAN' }), marksOf([Number.NaN]))).toThrow(RangeError);
  });

  test('property: the mean equals a brute-force recomputation and lies between min and max', () => {
    fc.assert(
      fc.property(marksArb(1000, 1), (ms) => {
        const score = aggregate(measurement({ method: 'MEAN' }), asMarks(ms)).score!;
        const hs = ms.map((m) => m.h);
        expect(score).toBe(
          roundDiv(
            hs.reduce((a, b) => a + b, 0),
            hs.length,
          ) / 100,
        );
        expect(Math.round(score * 100)).toBeGreaterThanOrEqual(Math.min(...hs));
        expect(Math.round(score * 100)).toBeLessThanOrEqual(Math.max(...hs));
      }),
    );
  });

  test('property: the median equals the sorted middle and splits the marks in half', () => {
    fc.assert(
      fc.property(marksArb(1000, 1), (ms) => {
        const score = aggregate(measurement({ method: 'MEDIAN' }), asMarks(ms)).score!;
        const hs = ms.map((m) => m.h).sort((a, b) => a - b);
        const mid = Math.floor(hs.length / 2);
        const expected = hs.length % 2 ? hs[mid]! : Math.floor((hs[mid - 1]! + hs[mid]! + 1) / 2);
        expect(score).toBe(expected / 100);
        expect(hs.filter((h) => h <= score * 100 + 0.5).length * 2).toBeGreaterThanOrEqual(hs.length);
        expect(hs.filter((h) => h >= score * 100 - 0.5).length * 2).toBeGreaterThanOrEqual(hs.length);
      }),
    );
  });

  test('property: the trimmed mean drops exactly trim marks at each end and equals a brute-force recomputation', () => {
    fc.assert(
      fc.property(trimmedArb, marksArb(1000, 0, 12), (agg, ms) => {
        if (agg.method !== 'TRIMMED_MEAN') throw new Error('unreachable');
        const r = aggregate(measurement(agg), asMarks(ms));
        const hs = ms.map((m) => m.h).sort((a, b) => a - b);
        if (hs.length === 0) return expect(r.score).toBeNull();
        const applies = hs.length >= agg.minJudges;
        const kept = applies ? hs.slice(agg.trim, hs.length - agg.trim) : hs;
        expect(r.score).toBe(
          roundDiv(
            kept.reduce((a, b) => a + b, 0),
            kept.length,
          ) / 100,
        );
        const dropped = r.explanation.dropped;
        expect(dropped.filter((d) => d.reason === 'LOWEST')).toHaveLength(applies ? agg.trim : 0);
        expect(dropped.filter((d) => d.reason === 'HIGHEST')).toHaveLength(applies ? agg.trim : 0);
        // The dropped marks are the extremes, and with the kept ones they are all the inputs.
        const { kept: keptMarks } = trimMarks(asMarks(ms), agg.trim);
        if (applies) {
          const keptValues = keptMarks.map((m) => m.value);
          for (const d of dropped) {
            if (d.reason === 'LOWEST') expect(d.value).toBeLessThanOrEqual(Math.min(...keptValues));
            else expect(d.value).toBeGreaterThanOrEqual(Math.max(...keptValues));
          }
          const all = [...keptMarks, ...dropped].map((m) => m.judgeId).sort();
          expect(all).toEqual(ms.map((m) => m.judgeId).sort());
        }
      }),
    );
  });

  test('property: permuting the marks never changes the score nor the explanation', () => {
    const aspects = fc.oneof(
      pointsAggregationArb.map((a) => measurement(a)),
      fc.constant(judgement(10, 3)),
    );
    fc.assert(
      fc.property(
        aspects,
        marksArb(1000, 0, 9).chain((ms) =>
          fc.tuple(fc.constant(ms), fc.shuffledSubarray(ms, { minLength: ms.length, maxLength: ms.length })),
        ),
        (aspect, [ms, shuffled]) => {
          const scale = aspect.kind === 'JUDGEMENT' ? 3 : 10;
          const toMarks = (xs: typeof ms) =>
            xs.map((m) => ({ judgeId: m.judgeId, value: m.h % (scale + 1) }));
          expect(aggregate(aspect, toMarks(shuffled))).toEqual(aggregate(aspect, toMarks(ms)));
          expect(toleranceBreach(aspect, toMarks(shuffled))).toEqual(toleranceBreach(aspect, toMarks(ms)));
        },
      ),
    );
  });

  test('property: adding a constant to every judgement mark shifts the score by constant / scale.max × maxMark', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 1, max: 100000 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 7 }),
        fc.nat(),
        (scaleMax, maxH, raw, rawShift) => {
          const values = raw.map((v) => v % (scaleMax + 1));
          const lo = Math.min(...values);
          const hi = Math.max(...values);
          const c = (rawShift % (scaleMax - hi + lo + 1)) - lo; // keeps every shifted mark on the scale
          const aspect = judgement(maxH / 100, scaleMax);
          const before = aggregate(aspect, marksOf(values)).score!;
          const after = aggregate(aspect, marksOf(values.map((v) => v + c))).score!;
          // Both scores are rounded once, so they can differ from the exact shift by one hundredth.
          expect(Math.abs(after - before - (c / scaleMax) * (maxH / 100))).toBeLessThanOrEqual(0.01 + 1e-9);
          const sum = values.reduce((a, b) => a + b, 0);
          expect(before).toBe(roundDiv(sum * maxH, values.length * scaleMax) / 100);
        },
      ),
    );
  });
});

describe('toleranceBreach', () => {
  test('judgement: the spread of all marks against the tolerance', () => {
    const aspect = judgement(10, 3, 1);
    expect(toleranceBreach(aspect, marksOf([1, 3, 2]))).toMatchObject({ breached: true, spread: 2 });
    expect(toleranceBreach(aspect, marksOf([2, 3, 2])).breached).toBe(false);
    expect(toleranceBreach(aspect, marksOf([1, 3])).message.en).toMatch(/exceeds the tolerance 1/);
    expect(toleranceBreach(judgement(10, 3, null), marksOf([0, 3])).breached).toBe(false);
  });

  test('trimmed mean: the spread after trimming; exact decimals', () => {
    const aspect = measurement({ method: 'TRIMMED_MEAN', trim: 1, minJudges: 5 }, 10, 1);
    expect(toleranceBreach(aspect, marksOf([8, 9, 7, 9, 10]))).toMatchObject({ breached: false, spread: 1 });
    expect(toleranceBreach(measurement({ method: 'MEAN' }, 10, 0.2), marksOf([0.1, 0.3])).spread).toBe(0.2);
    expect(toleranceBreach(measurement({ method: 'MEAN' }, 10, 0.2), marksOf([0.1, 0.3])).breached).toBe(
      false,
    );
  });

  test('property: matches a brute-force spread check', () => {
    fc.assert(
      fc.property(
        pointsAggregationArb,
        fc.option(fc.integer({ min: 0, max: 500 }), { nil: null }),
        marksArb(1000, 0, 9),
        (agg, tolH, ms) => {
          const aspect = measurement(agg, 10, tolH === null ? null : tolH / 100);
          const hs = ms.map((m) => m.h).sort((a, b) => a - b);
          const counted =
            agg.method === 'TRIMMED_MEAN' && hs.length >= agg.minJudges
              ? hs.slice(agg.trim, hs.length - agg.trim)
              : hs;
          const spreadH = counted.length ? counted[counted.length - 1]! - counted[0]! : 0;
          const r = toleranceBreach(aspect, asMarks(ms));
          expect(r.spread).toBe(spreadH / 100);
          expect(r.breached).toBe(tolH !== null && spreadH > tolH);
        },
      ),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Marking schemes

const baseScheme = (): MarkingScheme => ({
  modules: [
    {
      code: 'T',
      name: '理论知识',
      weight: 30,
      criteria: [
        {
          code: 'T1',
          name: 'Written test',
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
          name: 'Welding',
          aspects: [
            {
              code: 'P1.1',
              description: 'Bead appearance, five judges, highest and lowest dropped',
              kind: 'MEASUREMENT',
              maxMark: 20,
              aggregation: { method: 'TRIMMED_MEAN', trim: 1, minJudges: 5 },
              tolerance: 4,
            },
            {
              code: 'P1.2',
              description: 'Dimensions measured',
              kind: 'MEASUREMENT',
              maxMark: 50,
              aggregation: { method: 'MEDIAN' },
              tolerance: null,
            },
            {
              code: 'P1.3',
              description: 'Overall workmanship',
              kind: 'JUDGEMENT',
              maxMark: 30,
              aggregation: { method: 'JUDGEMENT_AVERAGE' },
              tolerance: 1,
              scale: {
                min: 0,
                max: 3,
                descriptors: { '0': 'below standard', '1': 'meets', '2': 'good', '3': 'excellent' },
              },
            },
          ],
        },
        {
          code: 'P2',
          name: 'Safety',
          aspects: [
            {
              code: 'P2.1',
              description: '安全文明生产扣分',
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
});

type Mutable = { modules: Record<string, unknown>[] } & Record<string, unknown>;
const firstAspect = (s: Mutable, m = 1, a = 0) =>
  (s.modules[m]!.criteria as { aspects: Record<string, unknown>[] }[])[0]!.aspects[a] as Record<
    string,
    unknown
  >;

describe('validateScheme', () => {
  test('accepts the base scheme unchanged and computes module maxima (deductions excluded)', () => {
    const { scheme, errors } = validateScheme(baseScheme());
    expect(errors).toEqual([]);
    expect(scheme).toStrictEqual(baseScheme());
    expect([...moduleMaxMarks(scheme!)]).toEqual([
      ['T', 100],
      ['P', 100],
    ]);
  });

  test('weights are summed in hundredths: 33.33 + 33.33 + 33.34 is 100, 33.33 × 3 is not', () => {
    const three = (ws: number[]) => {
      const s = baseScheme();
      s.modules = ws.map((weight, i) => ({
        ...baseScheme().modules[0]!,
        code: `M${i}`,
        weight,
        criteria: [
          {
            ...baseScheme().modules[0]!.criteria[0]!,
            code: `C${i}`,
            aspects: [{ ...baseScheme().modules[0]!.criteria[0]!.aspects[0]!, code: `A${i}` }],
          },
        ],
      }));
      return validateScheme(s);
    };
    expect(three([33.33, 33.33, 33.34]).errors).toEqual([]);
    expect(three([0.1, 0.2, 99.7]).errors).toEqual([]);
    expect(three([33.33, 33.33, 33.33]).errors).toEqual([
      {
        path: 'modules',
        code: 'WEIGHTS_MUST_SUM_TO_100',
        message: {
          zh: '各模块权重合计为 99.99，不是 100。',
          en: 'The module weights add up to 99.99, not 100.',
        },
      },
    ]);
  });

  const cases: [string, (s: Mutable) => void, string, string][] = [
    ['weights off', (s) => (s.modules[0]!.weight = 31), 'WEIGHTS_MUST_SUM_TO_100', 'modules'],
    ['weight with 3 decimals', (s) => (s.modules[0]!.weight = 30.001), 'INVALID_WEIGHT', 'modules[0].weight'],
    ['zero weight', (s) => (s.modules[0]!.weight = 0), 'INVALID_WEIGHT', 'modules[0].weight'],
    ['duplicate module', (s) => (s.modules[1]!.code = 'T'), 'DUPLICATE_CODE', 'modules[1].code'],
    [
      'duplicate criterion across modules',
      (s) => ((s.modules[1]!.criteria as { code: string }[])[0]!.code = 'T1'),
      'DUPLICATE_CODE',
      'modules[1].criteria[0].code',
    ],
    [
      'duplicate aspect',
      (s) => (firstAspect(s, 1, 1).code = 'P1.1'),
      'DUPLICATE_CODE',
      'modules[1].criteria[0].aspects[1].code',
    ],
    [
      'zero max mark',
      (s) => (firstAspect(s).maxMark = 0),
      'INVALID_MAX_MARK',
      'modules[1].criteria[0].aspects[0].maxMark',
    ],
    [
      'negative max mark',
      (s) => (firstAspect(s).maxMark = -5),
      'INVALID_MAX_MARK',
      'modules[1].criteria[0].aspects[0].maxMark',
    ],
    [
      '3-decimal max mark',
      (s) => (firstAspect(s).maxMark = 1.005),
      'INVALID_MAX_MARK',
      'modules[1].criteria[0].aspects[0].maxMark',
    ],
    [
      'judgement without scale',
      (s) => delete firstAspect(s, 1, 2).scale,
      'MISSING_SCALE',
      'modules[1].criteria[0].aspects[2].scale',
    ],
    [
      'scale min ≥ max',
      (s) => (firstAspect(s, 1, 2).scale = { min: 3, max: 3, descriptors: { '3': 'x' } }),
      'INVALID_SCALE',
      'modules[1].criteria[0].aspects[2].scale',
    ],
    [
      'missing descriptor',
      (s) => delete (firstAspect(s, 1, 2).scale as { descriptors: Record<string, string> }).descriptors['2'],
      'INVALID_SCALE',
      'modules[1].criteria[0].aspects[2].scale.descriptors',
    ],
    [
      'descriptor off the scale',
      (s) => ((firstAspect(s, 1, 2).scale as { descriptors: Record<string, string> }).descriptors['4'] = 'x'),
      'INVALID_SCALE',
      'modules[1].criteria[0].aspects[2].scale.descriptors["4"]',
    ],
    [
      'scale on a measurement',
      (s) => (firstAspect(s).scale = { min: 0, max: 1, descriptors: { '0': 'a', '1': 'b' } }),
      'UNEXPECTED_SCALE',
      'modules[1].criteria[0].aspects[0].scale',
    ],
    [
      'trimmed mean with too few judges',
      (s) => (firstAspect(s).aggregation = { method: 'TRIMMED_MEAN', trim: 1, minJudges: 2 }),
      'INVALID_TRIM',
      'modules[1].criteria[0].aspects[0].aggregation.minJudges',
    ],
    [
      'trim 0',
      (s) => (firstAspect(s).aggregation = { method: 'TRIMMED_MEAN', trim: 0, minJudges: 3 }),
      'INVALID_TRIM',
      'modules[1].criteria[0].aspects[0].aggregation.trim',
    ],
    [
      'negative tolerance',
      (s) => (firstAspect(s).tolerance = -1),
      'INVALID_TOLERANCE',
      'modules[1].criteria[0].aspects[0].tolerance',
    ],
    [
      'judgement average on a measurement',
      (s) => (firstAspect(s).aggregation = { method: 'JUDGEMENT_AVERAGE' }),
      'INVALID_AGGREGATION',
      'modules[1].criteria[0].aspects[0].aggregation.method',
    ],
    [
      'judgement with a plain mean',
      (s) => (firstAspect(s, 1, 2).aggregation = { method: 'MEAN' }),
      'INVALID_AGGREGATION',
      'modules[1].criteria[0].aspects[2].aggregation.method',
    ],
    [
      'module of deductions only',
      (s) => (firstAspect(s, 0).kind = 'DEDUCTION'),
      'MODULE_WITHOUT_MARKS',
      'modules[0].criteria',
    ],
    [
      'max mark as text',
      (s) => (firstAspect(s).maxMark = '20'),
      'WRONG_TYPE',
      'modules[1].criteria[0].aspects[0].maxMark',
    ],
    [
      'unknown kind',
      (s) => (firstAspect(s).kind = 'BONUS'),
      'INVALID_VALUE',
      'modules[1].criteria[0].aspects[0].kind',
    ],
    [
      'unknown key',
      (s) => (firstAspect(s).maxmark = 3),
      'UNKNOWN_FIELD',
      'modules[1].criteria[0].aspects[0]',
    ],
    ['empty name', (s) => (s.modules[0]!.name = '   '), 'REQUIRED', 'modules[0].name'],
    ['code with a space', (s) => (s.modules[0]!.code = 'T 1'), 'INVALID_CODE', 'modules[0].code'],
    ['lone surrogate', (s) => (s.modules[0]!.name = 'a\ud800'), 'INVALID_TEXT', 'modules[0].name'],
    ['no modules', (s) => (s.modules = []), 'REQUIRED', 'modules'],
    ['missing weight', (s) => delete s.modules[0]!.weight, 'REQUIRED', 'modules[0].weight'],
    [
      'unknown aggregation',
      (s) => (firstAspect(s).aggregation = { method: 'MODE' }),
      'INVALID_VALUE',
      'modules[1].criteria[0].aspects[0].aggregation.method',
    ],
    ['name too long', (s) => (s.modules[0]!.name = 'x'.repeat(201)), 'TOO_LONG', 'modules[0].name'],
  ];
  test.each(cases.map(([name, mutate, code, path]) => ({ name, mutate, code, path })))(
    '$name → $code',
    ({ mutate, code, path }) => {
      const s = baseScheme() as unknown as Mutable;
      mutate(s);
      const { scheme, errors } = validateScheme(s);
      expect(scheme).toBeNull();
      expect(errors).toContainEqual(expect.objectContaining({ code, path }));
    },
  );

  test('not an object → WRONG_TYPE; every independent problem is reported', () => {
    expect(validateScheme(null).errors).toEqual([expect.objectContaining({ code: 'WRONG_TYPE', path: '' })]);
    const s = baseScheme() as unknown as Mutable;
    firstAspect(s).maxMark = 0;
    firstAspect(s).tolerance = -2;
    s.modules[0]!.weight = 20;
    expect(
      validateScheme(s)
        .errors.map((e) => e.code)
        .sort(),
    ).toEqual(['INVALID_MAX_MARK', 'INVALID_TOLERANCE', 'WEIGHTS_MUST_SUM_TO_100']);
  });

  test('trims text, defaults the tolerance to null, puts keys in a canonical order', () => {
    const s = baseScheme() as unknown as Mutable;
    s.modules[0]!.name = '  理论知识 ';
    delete firstAspect(s, 0).tolerance;
    const { scheme } = validateScheme(JSON.parse(JSON.stringify(s)));
    expect(scheme).toStrictEqual(baseScheme());
  });
});

// Random valid schemes, with text that stresses CSV and descriptor encoding.
const textArb = fc
  .tuple(
    fc.constantFrom('焊', 'A', 'x', '电', '"'),
    fc.oneof(
      fc.string({
        unit: fc.constantFrom(
          'a',
          'Z',
          ' ',
          ',',
          '"',
          '\n',
          '\r\n',
          '\r',
          '|',
          '=',
          '\\',
          '，',
          '工',
          "'",
          '\t',
          '0',
        ),
        maxLength: 12,
      }),
      fc.string({ unit: 'grapheme', maxLength: 8 }),
    ),
    fc.constantFrom('', ' ', '\n', '|', '\\'),
  )
  .map(([a, b, c]) => a + b + c);
const codePrefixArb = fc.constantFrom('A', 'M', '焊', 'T.1-', 'x_/', '9');
const toleranceArb = fc.option(
  fc.oneof(
    fc.integer({ min: 0, max: 1000 }).map((h) => h / 100),
    fc.double({ min: 0, max: 1e6, noNaN: true }),
  ),
  { nil: null },
);
const aspectArb = (code: string, allowDeduction: boolean): fc.Arbitrary<unknown> => {
  const common = {
    code: fc.constant(code),
    description: textArb,
    maxMark: fc.integer({ min: 1, max: 100000 }).map((h) => h / 100),
    tolerance: toleranceArb,
  };
  const points = (kind: 'MEASUREMENT' | 'DEDUCTION') =>
    fc.record({ ...common, kind: fc.constant(kind), aggregation: pointsAggregationArb });
  const judged = fc
    .tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 1, max: 5 }))
    .chain(([min, extra]) =>
      fc.record({
        ...common,
        kind: fc.constant('JUDGEMENT' as const),
        aggregation: fc.constant({ method: 'JUDGEMENT_AVERAGE' as const }),
        scale: fc.array(textArb, { minLength: extra + 1, maxLength: extra + 1 }).map((texts) => ({
          min,
          max: min + extra,
          descriptors: Object.fromEntries(texts.map((t, i) => [String(min + i), t])),
        })),
      }),
    );
  return allowDeduction
    ? fc.oneof(points('MEASUREMENT'), judged, points('DEDUCTION'))
    : fc.oneof(points('MEASUREMENT'), judged);
};
const weightsArb = fc
  .integer({ min: 1, max: 4 })
  .chain((k) => fc.uniqueArray(fc.integer({ min: 1, max: 9999 }), { minLength: k - 1, maxLength: k - 1 }))
  .map((cuts) => {
    const points = [0, ...cuts.sort((a, b) => a - b), 10000];
    return points.slice(1).map((p, i) => (p - points[i]!) / 100);
  });
const schemeArb: fc.Arbitrary<MarkingScheme> = fc
  .tuple(weightsArb, codePrefixArb)
  .chain(([weights, prefix]) => {
    let aspectNo = 0;
    let criterionNo = 0;
    return fc.tuple(
      ...weights.map((weight, i) =>
        fc.record({
          code: fc.constant(`${prefix}${i}`),
          name: textArb,
          weight: fc.constant(weight),
          criteria: fc.integer({ min: 1, max: 3 }).chain((nc) =>
            fc.tuple(
              ...Array.from({ length: nc }, (_, j) =>
                fc.record({
                  code: fc.constant(`C${criterionNo++}`),
                  name: textArb,
                  aspects: fc
                    .integer({ min: 1, max: 3 })
                    .chain((na) =>
                      fc.tuple(
                        ...Array.from({ length: na }, (_, k) =>
                          aspectArb(`${prefix}a${aspectNo++}`, j + k > 0),
                        ),
                      ),
                    ),
                }),
              ),
            ),
          ),
        }),
      ),
    );
  })
  .map((modules) => {
    const { scheme, errors } = validateScheme({ modules });
    if (!scheme) throw new Error(`generator made an invalid scheme: ${JSON.stringify(errors)}`);
    return scheme;
  });

describe('scheme files', () => {
  test('property: JSON round-trip is lossless and stable', () => {
    fc.assert(
      fc.property(schemeArb, (s) => {
        const text = schemeToJson(s);
        const back = schemeFromJson(text);
        expect(back.errors).toEqual([]);
        expect(back.scheme).toStrictEqual(s);
        expect(schemeToJson(back.scheme!)).toBe(text);
      }),
    );
  });

  test('property: CSV round-trip is lossless', () => {
    fc.assert(
      fc.property(schemeArb, (s) => {
        const text = schemeToCsv(s);
        const back = schemeFromCsv(text);
        expect(back.errors).toEqual([]);
        expect(back.scheme).toStrictEqual(s);
        expect(schemeToCsv(back.scheme!)).toBe(text);
      }),
    );
  });

  test('CSV layout: one row per aspect, quoting and descriptor escaping', () => {
    const s = baseScheme();
    s.modules[1]!.criteria[0]!.aspects[2]!.scale!.descriptors['1'] = 'meets | "standard", a\\b';
    const text = schemeToCsv(s);
    const lines = text.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'module_code,module_name,module_weight,criterion_code,criterion_name,aspect_code,aspect_description,kind,max_mark,aggregation,trim,min_judges,tolerance,scale_min,scale_max,descriptors,extra_description,requirement,standard_section',
    );
    expect(lines).toHaveLength(6);
    expect(lines[2]).toBe(
      'P,实际操作,70,P1,Welding,P1.1,"Bead appearance, five judges, highest and lowest dropped",MEASUREMENT,20,TRIMMED_MEAN,1,5,4,,,,,,',
    );
    expect(lines[4]).toContain(',0,3,"0=below standard|1=meets \\| ""standard"", a\\\\b|2=good|3=excellent"');
    expect(schemeFromCsv(text).scheme).toStrictEqual(s);
    // As spreadsheets save it: a BOM, LF line ends, a trailing empty column.
    expect(schemeFromCsv(`\uFEFF${text}`).scheme).toStrictEqual(s);
    const trailing = text
      .split('\r\n')
      .map((l) => (l ? `${l},` : l))
      .join('\n');
    expect(schemeFromCsv(trailing).scheme).toStrictEqual(s);
    // Columns in another order read the same.
    const quote = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
    const reversed = parseCsv(text)
      .map((r) => [...r].reverse().map(quote).join(','))
      .join('\n');
    expect(schemeFromCsv(reversed).scheme).toStrictEqual(s);
  });

  test('CSV errors name the line', () => {
    const text = schemeToCsv(baseScheme());
    const lines = text.split('\r\n');
    expect(schemeFromCsv('').errors[0]!.code).toBe('CSV_FORMAT');
    expect(schemeFromCsv(text.replace('module_weight', 'weight')).errors[0]).toMatchObject({
      code: 'CSV_FORMAT',
    });
    expect(schemeFromCsv(text.replace('module_name,', '')).errors[0]!.code).toBe('CSV_FORMAT'); // column count
    const renamed = [...lines];
    renamed[3] = renamed[3]!.replace('实际操作', '实操');
    expect(schemeFromCsv(renamed.join('\r\n')).errors[0]).toMatchObject({
      code: 'CSV_INCONSISTENT',
      path: 'line 4',
    });
    const badMark = [...lines];
    badMark[3] = badMark[3]!.replace('MEDIAN', 'MEDIAN').replace(',50,', ',fifty,');
    expect(schemeFromCsv(badMark.join('\r\n')).errors[0]).toMatchObject({
      code: 'WRONG_TYPE',
      path: 'modules[1].criteria[0].aspects[1].maxMark',
      message: {
        zh: expect.stringContaining('（CSV 第 4 行）'),
        en: expect.stringContaining('(CSV line 4)'),
      },
    });
    const badDescriptor = text.replace('0=below standard|', 'below standard|');
    expect(schemeFromCsv(badDescriptor).errors[0]!.code).toBe('CSV_FORMAT');
    expect(schemeFromJson('{').errors[0]!.code).toBe('INVALID_JSON');
  });
});

// ---------------------------------------------------------------------------------------------
// Entrant results

describe('entrantResult', () => {
  test('worked example: theory 30% + practical 70%', () => {
    const scheme = validateScheme(baseScheme()).scheme!;
    const marks = new Map<string, Mark[]>([
      ['T1.1', marksOf([85])],
      ['P1.1', marksOf([16, 18, 14, 18, 20])], // drop 20 and 14 → (16 + 18 + 18) / 3 = 17.33
      ['P1.2', marksOf([45.5, 44, 46])], // median 45.5
      ['P1.3', marksOf([2, 3, 3])], // 8/3 / 3 × 30 = 26.67
      ['P2.1', marksOf([2, 2, 2])], // 2 deducted
    ]);
    const r = entrantResult(scheme, marks);
    expect(r.modules).toEqual([
      { code: 'T', score: 85, maxScore: 100, weighted: 25.5 },
      { code: 'P', score: 87.5, maxScore: 100, weighted: 61.25 },
    ]);
    expect(r.total).toBe(86.75);
    expect(r.explanation.formula).toBe('25.50 + 61.25 = 86.75');
    expect(r.explanation.modules[1]!.formula.en).toBe(
      'P: 17.33 + 45.50 + 26.67 − 2.00 = 87.50 of 100.00; 87.50 / 100.00 × 70 = 61.25',
    );
    expect(r.explanation.missingAspects).toEqual([]);
  });

  test('deductions floor the module at 0; missing and unknown aspects are reported', () => {
    const scheme = validateScheme(baseScheme()).scheme!;
    const r = entrantResult(
      scheme,
      new Map([
        ['P1.2', marksOf([3])],
        ['P2.1', marksOf([5])],
        ['X9', marksOf([1])],
      ]),
    );
    expect(r.modules[1]).toEqual({ code: 'P', score: 0, maxScore: 100, weighted: 0 });
    expect(r.explanation.modules[1]!.floored).toBe(true);
    expect(r.explanation.modules[1]!.formula.en).toContain('-2.00, floored at 0.00');
    expect(r.total).toBe(0);
    expect(r.explanation.missingAspects).toEqual(['T1.1', 'P1.1', 'P1.3']);
    expect(r.explanation.unknownAspects).toEqual(['X9']);
  });

  test('property: the total is within 0..100 and equals a recomputation from the aspect scores', () => {
    const withMarks = schemeArb.chain((scheme) => {
      const aspects = scheme.modules.flatMap((m) => m.criteria.flatMap((c) => c.aspects));
      return fc
        .tuple(
          ...aspects.map((a) => {
            const top = a.kind === 'JUDGEMENT' ? a.scale!.max * 100 : Math.round(a.maxMark * 100);
            const step = a.kind === 'JUDGEMENT' ? 100 : 1;
            return fc.option(
              fc
                .array(fc.integer({ min: 0, max: top / step }), { minLength: 1, maxLength: 6 })
                .map((vs) => marksOf(vs.map((v) => (v * step) / 100))),
              { nil: undefined, freq: 5 },
            );
          }),
        )
        .map((lists) => ({
          scheme,
          marks: new Map(aspects.flatMap((a, i) => (lists[i] ? [[a.code, lists[i]!]] : []))),
        }));
    });
    fc.assert(
      fc.property(withMarks, ({ scheme, marks }) => {
        const r = entrantResult(scheme, marks);
        let totalH = 0;
        scheme.modules.forEach((m, i) => {
          let sH = 0;
          let maxH = 0;
          for (const a of m.criteria.flatMap((c) => c.aspects)) {
            const score = aggregate(a, marks.get(a.code) ?? []).score ?? 0;
            if (a.kind === 'DEDUCTION') sH -= Math.round(score * 100);
            else {
              sH += Math.round(score * 100);
              maxH += Math.round(a.maxMark * 100);
            }
          }
          sH = Math.max(0, sH);
          const wH = roundDiv(sH * Math.round(m.weight * 100), maxH);
          expect(r.modules[i]).toEqual({
            code: m.code,
            score: sH / 100,
            maxScore: maxH / 100,
            weighted: wH / 100,
          });
          expect(wH).toBeLessThanOrEqual(Math.round(m.weight * 100));
          totalH += wH;
        });
        expect(r.total).toBe(totalH / 100);
        expect(r.total).toBeGreaterThanOrEqual(0);
        expect(r.total).toBeLessThanOrEqual(100);
      }),
      { numRuns: 60 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Ranks, awards, re-check sample

const entriesArb = fc
  .tuple(
    fc.integer({ min: 0, max: 2 }),
    fc.uniqueArray(fc.string({ minLength: 1, maxLength: 3 }), { maxLength: 25 }),
  )
  .chain(([tieBreaks, ids]) =>
    fc.tuple(
      ...ids.map((id) =>
        fc.record({
          id: fc.constant(id),
          total: fc.integer({ min: 0, max: 6 }).map((t) => t * 12.5),
          tieBreak: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: tieBreaks, maxLength: tieBreaks }),
        }),
      ),
    ),
  );

const strictlyBetter = (a: RankInput, b: RankInput): boolean => {
  const ka = [a.total, ...a.tieBreak];
  const kb = [b.total, ...b.tieBreak];
  const i = ka.findIndex((v, j) => v !== kb[j]);
  return i >= 0 && ka[i]! > kb[i]!;
};

describe('rank', () => {
  test('competition ranking: 1, 1, 3; tie-breaks decide first', () => {
    expect(
      rank([
        { id: 'c', total: 80, tieBreak: [50] },
        { id: 'a', total: 90, tieBreak: [60] },
        { id: 'b', total: 90, tieBreak: [60] },
        { id: 'd', total: 80, tieBreak: [55] },
      ]),
    ).toEqual([
      { id: 'a', rank: 1, total: 90 },
      { id: 'b', rank: 1, total: 90 },
      { id: 'd', rank: 3, total: 80 },
      { id: 'c', rank: 4, total: 80 },
    ]);
    expect(() =>
      rank([
        { id: 'a', total: 1, tieBreak: [] },
        { id: 'a', total: 2, tieBreak: [] },
      ]),
    ).toThrow(RangeError);
  });

  test('property: rank = 1 + entries strictly better; ties share; permutation invariant', () => {
    fc.assert(
      fc.property(
        entriesArb.chain((es) =>
          fc.tuple(fc.constant(es), fc.shuffledSubarray(es, { minLength: es.length, maxLength: es.length })),
        ),
        ([entries, shuffled]) => {
          const ranked = rank(entries);
          const byId = new Map(ranked.map((r) => [r.id, r.rank]));
          expect(ranked).toHaveLength(entries.length);
          for (const e of entries) {
            expect(byId.get(e.id)).toBe(1 + entries.filter((o) => strictlyBetter(o, e)).length);
            for (const o of entries) {
              if (!strictlyBetter(o, e) && !strictlyBetter(e, o)) expect(byId.get(o.id)).toBe(byId.get(e.id));
            }
          }
          expect(rank(shuffled)).toEqual(ranked);
        },
      ),
    );
  });
});

const tierIndex = (t: string | null) =>
  t === null ? 99 : ['FIRST', 'SECOND', 'THIRD', 'HONORABLE'].indexOf(t);

describe('awardTiers', () => {
  const ranked = rank([
    { id: 'a', total: 95, tieBreak: [] },
    { id: 'b', total: 95, tieBreak: [] },
    { id: 'c', total: 90, tieBreak: [] },
    { id: 'd', total: 85, tieBreak: [] },
    { id: 'e', total: 85, tieBreak: [] },
    { id: 'f', total: 60, tieBreak: [] },
  ]);

  test('a tie at a boundary gets the better tier; the tiers below shrink by as much', () => {
    const { entries, tiers } = awardTiers(ranked, {
      by: 'COUNT',
      tiers: [
        { tier: 'FIRST', count: 1 },
        { tier: 'SECOND', count: 1 },
        { tier: 'THIRD', count: 2 },
      ],
    });
    expect(entries.map((e) => [e.id, e.tier])).toEqual([
      ['a', 'FIRST'],
      ['b', 'FIRST'],
      ['c', 'THIRD'],
      ['d', 'THIRD'],
      ['e', 'THIRD'],
      ['f', null],
    ]);
    expect(tiers.map((t) => [t.tier, t.quota, t.cutoffRank, t.awarded])).toEqual([
      ['FIRST', 1, 1, 2],
      ['SECOND', 1, 2, 0],
      ['THIRD', 2, 4, 3],
    ]);
  });

  test('percent quotas round down but a tier with a percentage gets at least one place', () => {
    const { entries, tiers } = awardTiers(ranked, {
      by: 'PERCENT',
      tiers: [
        { tier: 'FIRST', percent: 10 }, // 0.6 → at least 1
        { tier: 'SECOND', percent: 20 }, // 1.2 → 1
        { tier: 'THIRD', percent: 30 }, // 1.8 → 1
      ],
    });
    expect(tiers.map((t) => t.quota)).toEqual([1, 1, 1]);
    expect(entries.map((e) => e.tier)).toEqual(['FIRST', 'FIRST', 'THIRD', null, null, null]);
  });

  test('thresholds: the best tier whose minimum the total reaches', () => {
    const { entries } = awardTiers(ranked, {
      by: 'THRESHOLD',
      tiers: [
        { tier: 'FIRST', minTotal: 95 },
        { tier: 'SECOND', minTotal: 88 },
        { tier: 'HONORABLE', minTotal: 60 },
      ],
    });
    expect(entries.map((e) => e.tier)).toEqual([
      'FIRST',
      'FIRST',
      'SECOND',
      'HONORABLE',
      'HONORABLE',
      'HONORABLE',
    ]);
    expect(() =>
      awardTiers(ranked, {
        by: 'COUNT',
        tiers: [
          { tier: 'SECOND', count: 1 },
          { tier: 'FIRST', count: 1 },
        ],
      }),
    ).toThrow(RangeError);
  });

  const ruleArb = fc.oneof(
    fc.tuple(fc.nat(4), fc.nat(4), fc.nat(6), fc.nat(6)).map(([a, b, c, d]) => ({
      by: 'COUNT' as const,
      tiers: [
        { tier: 'FIRST' as const, count: a },
        { tier: 'SECOND' as const, count: b },
        { tier: 'THIRD' as const, count: c },
        { tier: 'HONORABLE' as const, count: d },
      ],
    })),
    fc
      .tuple(
        fc.integer({ min: 0, max: 2500 }),
        fc.integer({ min: 0, max: 2500 }),
        fc.integer({ min: 0, max: 2500 }),
        fc.integer({ min: 0, max: 2500 }),
      )
      .map(([a, b, c, d]) => ({
        by: 'PERCENT' as const,
        tiers: [
          { tier: 'FIRST' as const, percent: a / 100 },
          { tier: 'SECOND' as const, percent: b / 100 },
          { tier: 'THIRD' as const, percent: c / 100 },
          { tier: 'HONORABLE' as const, percent: d / 100 },
        ],
      })),
  );

  test('property: ties never split; tier k goes exactly to ranks within the cumulative quota', () => {
    fc.assert(
      fc.property(entriesArb, ruleArb, (entries, rule) => {
        const ranked = rank(entries);
        const n = ranked.length;
        const { entries: awarded } = awardTiers(ranked, rule);
        const quotas =
          rule.by === 'COUNT'
            ? rule.tiers.map((t) => t.count)
            : rule.tiers.map((t) => {
                const h = Math.round(t.percent * 100);
                return h > 0 ? Math.max(1, Math.floor((h * n) / 10000)) : 0;
              });
        let c = 0;
        const cutoffs = quotas.map((q) => (c = Math.min(n, c + q)));
        for (const e of awarded) {
          const k = cutoffs.findIndex((cut) => e.rank <= cut);
          expect(tierIndex(e.tier)).toBe(k < 0 ? 99 : k);
          for (const o of awarded) if (o.rank === e.rank) expect(o.tier).toBe(e.tier);
        }
        cutoffs.forEach((cut, k) => {
          const through = awarded.filter((e) => tierIndex(e.tier) <= k);
          // At least the quota (when there are enough entrants), more only through a tie at the cutoff.
          expect(through.length).toBeGreaterThanOrEqual(cut);
          const atCut = awarded.filter((e) => e.rank === Math.max(...through.map((t) => t.rank)));
          expect(through.length).toBeLessThanOrEqual(cut + Math.max(0, atCut.length - 1));
        });
      }),
    );
  });
});

describe('recheckSample', () => {
  const ids = Array.from({ length: 200 }, (_, i) => `E${String(i + 1).padStart(3, '0')}`);

  test('top N plus ceil(percent) of the rest, in rank order, reproducible', () => {
    const s = recheckSample(ids, 3, 10, 20240501);
    expect(s.top).toEqual(['E001', 'E002', 'E003']);
    expect(s.sample).toHaveLength(Math.ceil(0.1 * 197));
    expect(s.sample).toEqual([...s.sample].sort());
    expect(recheckSample(ids, 3, 10, 20240501)).toEqual(s);
    expect(recheckSample(ids, 3, 10, '公证-2024-05-01').sample).toHaveLength(20);
    expect(recheckSample(ids.slice(0, 4), 2, 1, 1).sample).toHaveLength(1); // 1% of 2 → 1
    expect(recheckSample(ids.slice(0, 4), 10, 50, 1)).toEqual({ top: ids.slice(0, 4), sample: [] });
  });

  test('different seeds draw different samples', () => {
    const samples = new Set(
      Array.from({ length: 50 }, (_, seed) => recheckSample(ids, 5, 10, seed).sample.join()),
    );
    expect(samples.size).toBe(50);
  });

  test('property: contains the top N, at least percent% of the rest, nothing twice, reproducible', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 120 }),
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 0, max: 100 }),
        fc.oneof(fc.integer(), fc.string()),
        (n, topN, percent, seed) => {
          const list = ids.slice(0, n);
          const s = recheckSample(list, topN, percent, seed);
          const rest = list.slice(topN);
          expect(s.top).toEqual(list.slice(0, topN));
          expect(s.sample).toHaveLength(Math.ceil((percent * rest.length) / 100));
          expect(new Set(s.sample).size).toBe(s.sample.length);
          for (const id of s.sample) expect(rest).toContain(id);
          expect(recheckSample(list, topN, percent, seed)).toEqual(s);
        },
      ),
    );
  });
});
