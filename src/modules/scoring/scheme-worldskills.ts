import { toHundredthsExact } from './scheme-validation';
import type { MarkingScheme } from './scheme';

/**
 * The marking-scheme spreadsheet layout of the WorldSkills Competition Information System
 * import, shared by the reader (`scheme-worldskills-read.ts`) and the writer
 * (`scheme-worldskills-write.ts`).
 *
 * First sheet, one header row, then:
 * - a criterion row (optional): `A` | criterion name — the criterion becomes a module;
 * - an aspect row: `A1` | sub-criterion name (on the sub-criterion's first row) | `M` or `J` |
 *   description | — | extra description | requirement (M only) | WSSS section | max mark;
 * - under a J aspect, one row per judgement score: score in "Judg Score", descriptor in
 *   "Extra Aspect Description".
 *
 * What the layout cannot hold (codes that are not WorldSkills ids, weights, deductions,
 * aggregation, tolerance) goes to a second sheet that WorldSkills tools ignore.
 */
export const WS_COLUMNS = [
  'Sub Criterion ID',
  'Sub Criterion Name or Description',
  'Aspect Type',
  'Aspect Description',
  'Judg Score',
  'Extra Aspect Description',
  'Requirement or Nominal Size',
  'WSSS Section',
  'Max Mark',
] as const;

export const WS_SHEET = 'Marking Scheme';
export const EXTRAS_SHEET = 'Jingsai';

/** Second sheet: one row per module (Ref `A`), criterion (`A1`) and aspect (`A1/2`, the 2nd of A1). */
export const EXTRAS_COLUMNS = [
  'Ref',
  'Code',
  'Weight',
  'Kind',
  'Aggregation',
  'Trim',
  'Min Judges',
  'Tolerance',
] as const;

export const COLUMN_LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

export const CRITERION_ID = /^[A-Z]$/;
export const SUB_CRITERION_ID = /^([A-Z])(\d{1,3})$/;

/** A spreadsheet is not a big thing; past this, a file is refused before it is read row by row. */
export const MAX_SHEET_ROWS = 20_000;

/**
 * Weights from the criterion totals: the totals themselves when they add up to 100 (as in
 * WorldSkills), else each criterion's share in percent, rounded to hundredths by largest
 * remainder so that the weights add up to exactly 100.
 */
export function weightsFromTotals(totals: readonly number[]): number[] {
  const hundredths = totals.map((t) => toHundredthsExact(t) ?? Math.round(t * 100));
  const sum = hundredths.reduce((a, b) => a + b, 0);
  if (sum === 10000 || sum <= 0) return hundredths.map((h) => h / 100);
  const exact = hundredths.map((h) => (h * 10000) / sum);
  const floors = exact.map(Math.floor);
  let left = 10000 - floors.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => [x - floors[i]!, i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left-- <= 0) break;
    floors[i]! += 1;
  }
  return floors.map((h) => h / 100);
}

/** Sum of a module's aspect maxima, in hundredths: what the layout says the criterion is worth. */
export function moduleTotals(scheme: MarkingScheme): number[] {
  return scheme.modules.map(
    (m) =>
      m.criteria.reduce((s, c) => s + c.aspects.reduce((t, a) => t + Math.round(a.maxMark * 100), 0), 0) /
      100,
  );
}

/**
 * The WorldSkills ids of a scheme: its own codes when they already are such ids (so a file
 * imported from WorldSkills exports with the ids it came with), else letters and numbers by
 * position.
 */
export function worldSkillsIds(scheme: MarkingScheme): { letters: string[]; subIds: string[][] } {
  const own = scheme.modules.every((m) => CRITERION_ID.test(m.code));
  const letters = scheme.modules.map((m, i) => (own ? m.code : COLUMN_LETTERS[i]!));
  const subIds = scheme.modules.map((m, i) => {
    const letter = letters[i]!;
    const fits = m.criteria.every((c) => SUB_CRITERION_ID.exec(c.code)?.[1] === letter);
    return m.criteria.map((c, j) => (fits ? c.code : `${letter}${j + 1}`));
  });
  return { letters, subIds };
}
