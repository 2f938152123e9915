import type { Text } from '../../shared/i18n';
/**
 * The marking scheme of a trade (工种/赛项): modules (e.g. theory 理论 and practical 实操), each
 * weighted in percent of the total, split into criteria, split into the aspects judges mark.
 *
 * Aspect kinds follow WorldSkills practice:
 * - MEASUREMENT: marks in points, 0..maxMark (objective checks, and also point-scored subjective
 *   items such as the five-judge "drop the highest and lowest" rule of Chinese rule books);
 * - JUDGEMENT: each judge scores on an integer scale (typically 0–3) with a descriptor per point;
 *   the panel mean is scaled to maxMark (`JUDGEMENT_AVERAGE`);
 * - DEDUCTION: penalty points 0..maxMark, subtracted from the module (which floors at 0, see
 *   `ranking.ts`); they do not count towards the module's maximum.
 */
export type AspectKind = 'MEASUREMENT' | 'JUDGEMENT' | 'DEDUCTION';

export type Aggregation =
  | { method: 'MEAN' }
  | { method: 'MEDIAN' }
  | { method: 'TRIMMED_MEAN'; trim: number; minJudges: number }
  | { method: 'JUDGEMENT_AVERAGE' };

export type AggregationMethod = Aggregation['method'];

export interface JudgementScale {
  min: number;
  max: number;
  /** One descriptor per integer point from min to max, keyed by the point ("0", "1", …). */
  descriptors: Record<string, string>;
}

export interface Aspect {
  code: string;
  description: string;
  kind: AspectKind;
  maxMark: number;
  aggregation: Aggregation;
  /** Largest acceptable spread between the counted marks (in marks, or scale points for JUDGEMENT). */
  tolerance: number | null;
  scale?: JudgementScale;
  /** How a measurement is taken, or a note on a judgement (WorldSkills "Extra Aspect Description"). */
  extraDescription?: string;
  /** The requirement or nominal size a measurement is checked against. */
  requirement?: string;
  /** The section of the standard specification (WorldSkills WSSS) the aspect assesses. */
  standardSection?: string;
}

export interface Criterion {
  code: string;
  name: string;
  aspects: Aspect[];
}

export interface Module {
  code: string;
  name: string;
  /** Percent of the total, at most 2 decimals; the modules' weights sum to exactly 100. */
  weight: number;
  criteria: Criterion[];
}

export interface MarkingScheme {
  modules: Module[];
}

/** One code per problem; the API's `ErrorCode` has each of them under the same name. */
export type SchemeErrorCode =
  | 'REQUIRED'
  | 'WRONG_TYPE'
  | 'UNKNOWN_FIELD'
  | 'INVALID_VALUE'
  | 'INVALID_CODE'
  | 'INVALID_TEXT'
  | 'TOO_LONG'
  | 'TOO_MANY'
  | 'WEIGHTS_MUST_SUM_TO_100'
  | 'INVALID_WEIGHT'
  | 'DUPLICATE_CODE'
  | 'INVALID_MAX_MARK'
  | 'MODULE_WITHOUT_MARKS'
  | 'MISSING_SCALE'
  | 'UNEXPECTED_SCALE'
  | 'INVALID_SCALE'
  | 'INVALID_AGGREGATION'
  | 'INVALID_TRIM'
  | 'INVALID_TOLERANCE'
  | 'INVALID_JSON'
  | 'CSV_FORMAT'
  | 'CSV_INCONSISTENT'
  | 'SHEET_FORMAT';

export interface SchemeError {
  /**
   * Where, e.g. `modules[0].criteria[1].aspects[2].maxMark`, or a spreadsheet cell such as
   * `'Marking Scheme'!E7`; '' for the whole input.
   */
  path: string;
  code: SchemeErrorCode;
  message: Text;
}

export interface SchemeValidation {
  scheme: MarkingScheme | null;
  errors: SchemeError[];
}

/** The most each module can score: the sum of its non-deduction aspects' maxMark (exact). */
export function moduleMaxMarks(scheme: MarkingScheme): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of scheme.modules) {
    let hundredths = 0;
    for (const c of m.criteria) {
      for (const a of c.aspects) if (a.kind !== 'DEDUCTION') hundredths += Math.round(a.maxMark * 100);
    }
    out.set(m.code, hundredths / 100);
  }
  return out;
}

declare module '../competition/trade.entity' {
  /** The stored scheme is a validated `MarkingScheme`. */
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface StoredMarkingScheme extends MarkingScheme {}
}
