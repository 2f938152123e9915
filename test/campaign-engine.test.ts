import fc from 'fast-check';
import type { Mark } from '../src/modules/scoring/aggregation';
import { assignReviewers, AssignmentImpossible } from '../src/modules/scoring/assignment';
import { normalizeMarks } from '../src/modules/scoring/normalization';
import { entrantResult, rank } from '../src/modules/scoring/ranking';
import type { MarkingScheme } from '../src/modules/scoring/scheme';
import { validateScheme } from '../src/modules/scoring/scheme-validation';

/** The campaign additions to the judging engine: per-judge normalisation and reviewer assignment. */
const SCHEME: MarkingScheme = validateScheme({
  modules: [
    {
      code: 'I',
      name: '创新性',
      weight: 40,
      criteria: [
        {
          code: 'I-1',
          name: '创新',
          aspects: [
            {
              code: 'I1',
              description: '创新程度',
              kind: 'MEASUREMENT',
              maxMark: 20,
              aggregation: { method: 'MEAN' },
              tolerance: null,
            },
          ],
        },
      ],
    },
    {
      code: 'P',
      name: '实用性',
      weight: 60,
      criteria: [
        {
          code: 'P-1',
          name: '实用',
          aspects: [
            {
              code: 'P1',
              description: '推广价值',
              kind: 'MEASUREMENT',
              maxMark: 20,
              aggregation: { method: 'MEAN' },
              tolerance: null,
            },
          ],
        },
      ],
    },
  ],
}).scheme!;

function ranking(byEntrant: Map<number, Map<string, Mark[]>>, normalize: boolean): [string, number][] {
  const marks = normalize ? normalizeMarks(SCHEME, byEntrant) : byEntrant;
  const results = [...marks].map(([id, m]) => ({
    id: String(id),
    total: entrantResult(SCHEME, m).total,
    tieBreak: [],
  }));
  return rank(results).map((r) => [r.id, r.rank]);
}

// Marks in whole hundredths between 2 and 20, so a judge 2 points harsher stays within range.
const matrixArb = fc
  .tuple(fc.integer({ min: 3, max: 5 }), fc.integer({ min: 3, max: 12 }))
  .chain(([judges, entrants]) =>
    fc.array(
      fc.array(fc.array(fc.integer({ min: 400, max: 2000 }), { minLength: judges, maxLength: judges }), {
        minLength: 2,
        maxLength: 2,
      }),
      { minLength: entrants, maxLength: entrants },
    ),
  );

function toMarks(matrix: number[][][], biasedJudge: number | null, bias: number) {
  const byEntrant = new Map<number, Map<string, Mark[]>>();
  matrix.forEach((aspects, e) => {
    const m = new Map<string, Mark[]>();
    ['I1', 'P1'].forEach((code, a) =>
      m.set(
        code,
        aspects[a]!.map((h, j) => ({
          judgeId: `j${j}`,
          value: (h - (j === biasedJudge ? bias * 100 : 0)) / 100,
        })),
      ),
    );
    byEntrant.set(e + 1, m);
  });
  return byEntrant;
}

test('property: with normalisation, a judge marking everything 2 points lower changes no rank', () => {
  fc.assert(
    fc.property(matrixArb, fc.nat(4), (matrix, j) => {
      const judge = j % matrix[0]![0]!.length;
      expect(ranking(toMarks(matrix, judge, 2), true)).toEqual(ranking(toMarks(matrix, null, 0), true));
    }),
    { numRuns: 300, seed: 11 },
  );
});

test('without normalisation the same bias can change ranks (the property above is not vacuous)', () => {
  // Judge 0 marks only entrant 1 of the two, harshly: without normalisation entrant 1 drops.
  const unbiased = new Map([
    [
      1,
      new Map([
        ['I1', [{ judgeId: 'a', value: 15 }]],
        ['P1', [{ judgeId: 'a', value: 15 }]],
      ]),
    ],
    [
      2,
      new Map([
        ['I1', [{ judgeId: 'b', value: 14 }]],
        ['P1', [{ judgeId: 'b', value: 14 }]],
      ]),
    ],
  ]);
  const harsh = new Map([
    [
      1,
      new Map([
        ['I1', [{ judgeId: 'a', value: 13 }]],
        ['P1', [{ judgeId: 'a', value: 13 }]],
      ]),
    ],
    [2, unbiased.get(2)!],
  ]);
  expect(ranking(unbiased, false)).not.toEqual(ranking(harsh, false));
});

const assignmentArb = fc
  .tuple(fc.integer({ min: 4, max: 9 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 40 }))
  .chain(([judges, k, items]) =>
    fc.record({
      judges: fc.constant(Array.from({ length: judges }, (_, i) => i + 1)),
      k: fc.constant(k),
      items: fc.array(
        // Each submission conflicts with at most one judge in four.
        fc.uniqueArray(fc.integer({ min: 1, max: judges }), { maxLength: Math.floor(judges / 4) }),
        { minLength: items, maxLength: items },
      ),
    }),
  );

test('property: automatic assignment never gives a conflicted submission and keeps loads within one', () => {
  fc.assert(
    fc.property(assignmentArb, ({ judges, k, items }) => {
      const input = {
        items: items.map((c, i) => ({ id: i + 1, conflicts: new Set(c) })),
        judges,
        perSubmission: k,
        maxPerJudge: Math.ceil((items.length * k) / judges.length) + 1,
      };
      const result = assignReviewers(input);
      const load = new Map(judges.map((j) => [j, 0]));
      for (const item of input.items) {
        const picked = result.get(item.id)!;
        expect(new Set(picked).size).toBe(k);
        for (const j of picked) {
          expect(item.conflicts.has(j)).toBe(false);
          load.set(j, load.get(j)! + 1);
        }
      }
      const loads = [...load.values()];
      expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(1);
      expect(Math.max(...loads)).toBeLessThanOrEqual(input.maxPerJudge);
    }),
    { numRuns: 500, seed: 5 },
  );
});

test('an impossible assignment is refused, not half made', () => {
  expect(() =>
    assignReviewers({
      items: [{ id: 1, conflicts: new Set([1, 2]) }],
      judges: [1, 2, 3],
      perSubmission: 2,
      maxPerJudge: 5,
    }),
  ).toThrow(AssignmentImpossible);
});
