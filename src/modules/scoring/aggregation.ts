import type { AggregationMethod, Aspect } from './scheme';
import { text, type Text } from '../../shared/i18n';

/**
 * Turns the panel's marks on one aspect into the aspect's score, with an explanation a chief
 * judge (裁判长) can check by hand and sign.
 *
 * Exactness: each mark is taken as the decimal it prints as (a judge's 8.7 is 87/10, not the
 * nearest double) and all arithmetic is on exact fractions (BigInt). Only the final score is
 * rounded: to 2 decimals, half-up (x.xx5 → up; scores are never negative). So (1 + 1.01) / 2 =
 * 1.005 gives 1.01, where floating point would give 1.00.
 */

export interface Mark {
  judgeId: string;
  value: number;
}

/** A stored mark as SQL returns it. */
export interface StoredMark {
  entrant_id: number;
  aspect_code: string;
  judge_id: number;
  value: string;
}

/** Stored marks grouped by entrant, then aspect: what `entrantResult` takes per entrant. */
export function groupMarks(rows: readonly StoredMark[]): Map<number, Map<string, Mark[]>> {
  const byEntrant = new Map<number, Map<string, Mark[]>>();
  for (const r of rows) {
    let aspects = byEntrant.get(r.entrant_id);
    if (!aspects) byEntrant.set(r.entrant_id, (aspects = new Map()));
    let marks = aspects.get(r.aspect_code);
    if (!marks) aspects.set(r.aspect_code, (marks = []));
    marks.push({ judgeId: String(r.judge_id), value: Number(r.value) });
  }
  return byEntrant;
}

export interface DroppedMark extends Mark {
  reason: 'HIGHEST' | 'LOWEST';
}

export interface AspectExplanation {
  method: AggregationMethod;
  /** Every mark received, ordered by judgeId. */
  inputs: Mark[];
  /** Trimmed-mean only: the marks left out, lowest first. */
  dropped: DroppedMark[];
  /** Human-readable computation, terms in ascending order, e.g. "(8 + 9 + 9) / 3 = 8.67". */
  formula: Text;
  result: number | null;
  /** What else a reader needs: trimming done, or why it was not (too few judges). */
  note: Text | null;
}

export interface AspectResult {
  /** Null while there are no marks. */
  score: number | null;
  explanation: AspectExplanation;
}

// ---------------------------------------------------------------------------------------------
// Exact fractions

export interface Fraction {
  readonly n: bigint;
  /** Always > 0. */
  readonly d: bigint;
}

const abs = (x: bigint): bigint => (x < 0n ? -x : x);

function gcd(a: bigint, b: bigint): bigint {
  a = abs(a);
  b = abs(b);
  while (b) [a, b] = [b, a % b];
  return a;
}

export function fraction(n: bigint, d = 1n): Fraction {
  if (d === 0n) throw new RangeError('Division by zero.');
  if (d < 0n) [n, d] = [-n, -d];
  const g = gcd(n, d) || 1n;
  return { n: n / g, d: d / g };
}

/** The exact value of the decimal a finite double prints as (String(x) round-trips). */
export function exact(x: number): Fraction {
  if (!Number.isFinite(x)) throw new RangeError(`Not a finite number: ${x}.`);
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(x));
  if (!m) throw new RangeError(`Unexpected number format: ${x}.`);
  const digits = BigInt(`${m[2]}${m[3] ?? ''}`);
  const exp = Number(m[4] ?? 0) - (m[3]?.length ?? 0);
  const n = m[1] ? -digits : digits;
  return exp >= 0 ? fraction(n * 10n ** BigInt(exp)) : fraction(n, 10n ** BigInt(-exp));
}

export const add = (a: Fraction, b: Fraction): Fraction => fraction(a.n * b.d + b.n * a.d, a.d * b.d);
export const sub = (a: Fraction, b: Fraction): Fraction => fraction(a.n * b.d - b.n * a.d, a.d * b.d);
export const mul = (a: Fraction, b: Fraction): Fraction => fraction(a.n * b.n, a.d * b.d);
export const div = (a: Fraction, b: Fraction): Fraction => fraction(a.n * b.d, a.d * b.n);
export const compare = (a: Fraction, b: Fraction): number => {
  const l = a.n * b.d;
  const r = b.n * a.d;
  return l < r ? -1 : l > r ? 1 : 0;
};

/** n / d rounded to an integer, halves away from zero (= half-up for the non-negative scores). */
export function divRoundHalfUp(n: bigint, d: bigint): bigint {
  if (d < 0n) [n, d] = [-n, -d];
  const q = (2n * abs(n) + d) / (2n * d);
  return n < 0n ? -q : q;
}

/** The value in hundredths, rounded half-up: the one rounding step of the engine. */
export const toHundredths = (q: Fraction): bigint => divRoundHalfUp(q.n * 100n, q.d);

/** Exact for |h| < 2^53: the double nearest h / 100, as Number("8.67") would give. */
export const hundredthsToNumber = (h: bigint): number => Number(h) / 100;

export function formatHundredths(h: bigint): string {
  const a = abs(h);
  return `${h < 0n ? '-' : ''}${a / 100n}.${String(a % 100n).padStart(2, '0')}`;
}

/** A terminating fraction as a plain decimal number (a difference of two marks always is). */
function toDecimalNumber(q: Fraction): number {
  let scale = 0n;
  let pow = 1n;
  while ((q.n * pow) % q.d !== 0n) {
    if (scale > 400n) return Number(q.n) / Number(q.d); // not terminating: cannot happen for marks
    scale++;
    pow *= 10n;
  }
  const digits = String(abs((q.n * pow) / q.d)).padStart(Number(scale) + 1, '0');
  const point = digits.length - Number(scale);
  const text = scale ? `${digits.slice(0, point)}.${digits.slice(point)}` : digits;
  return Number(`${q.n < 0n ? '-' : ''}${text}`);
}

// ---------------------------------------------------------------------------------------------

/** Code-unit order: the same everywhere, unlike localeCompare. */
const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const byJudge = (a: Mark, b: Mark): number => byString(a.judgeId, b.judgeId);
const ascending = (a: Mark, b: Mark): number => a.value - b.value || byJudge(a, b);
const descending = (a: Mark, b: Mark): number => b.value - a.value || byJudge(a, b);

function checkMarks(marks: readonly Mark[]): void {
  const judges = new Set<string>();
  for (const m of marks) {
    if (!Number.isFinite(m.value))
      throw new RangeError(`Judge ${m.judgeId} has a mark that is not a number.`);
    // A re-sent tablet mark must be de-duplicated before it gets here: never count it twice.
    if (judges.has(m.judgeId))
      throw new RangeError(`Judge ${m.judgeId} has more than one mark on this aspect.`);
    judges.add(m.judgeId);
  }
}

function sum(marks: readonly Mark[]): Fraction {
  return marks.reduce((s, m) => add(s, exact(m.value)), fraction(0n));
}

const meanOf = (marks: readonly Mark[]): Fraction => div(sum(marks), fraction(BigInt(marks.length)));

const meanText = (marks: readonly Mark[]): string =>
  marks.length === 1
    ? String(marks[0]!.value)
    : `(${marks.map((m) => m.value).join(' + ')}) / ${marks.length}`;

/**
 * Trimming: the `trim` lowest and `trim` highest marks are dropped. Among equal values the
 * judge with the smallest judgeId is the one reported as dropped (at either end); the score
 * does not depend on which equal mark is named.
 */
export function trimMarks(marks: readonly Mark[], trim: number): { kept: Mark[]; dropped: DroppedMark[] } {
  const sorted = [...marks].sort(ascending);
  const lowest = sorted.slice(0, trim);
  const highest = sorted.slice(trim).sort(descending).slice(0, trim);
  const gone = new Set([...lowest, ...highest]);
  return {
    kept: sorted.filter((m) => !gone.has(m)),
    dropped: [
      ...lowest.map((m) => ({ ...m, reason: 'LOWEST' as const })),
      ...highest.map((m) => ({ ...m, reason: 'HIGHEST' as const })),
    ],
  };
}

/** The marks that decide the score; for MEDIAN all of them (the panel's agreement is what matters). */
function countedMarks(
  aspect: Aspect,
  marks: readonly Mark[],
): { counted: Mark[]; dropped: DroppedMark[]; trimmed: boolean } {
  const agg = aspect.aggregation;
  if (agg.method === 'TRIMMED_MEAN' && marks.length >= agg.minJudges) {
    const { kept, dropped } = trimMarks(marks, agg.trim);
    return { counted: kept, dropped, trimmed: true };
  }
  return { counted: [...marks].sort(ascending), dropped: [], trimmed: false };
}

/**
 * Aggregates one aspect's marks. Methods:
 * - MEAN: the mean of all marks;
 * - MEDIAN: the middle mark, or the mean of the two middle marks;
 * - TRIMMED_MEAN: drop `trim` marks at each end, mean of the rest; with fewer marks than
 *   `minJudges` it falls back to the plain mean of all marks (and `note` says so);
 * - JUDGEMENT_AVERAGE: mean scale score / scale.max × maxMark.
 * Marks are assumed in range (checked where they are entered). Throws on a duplicate judge or
 * a non-finite mark rather than guess.
 */
export function aggregate(aspect: Aspect, marks: readonly Mark[]): AspectResult {
  checkMarks(marks);
  const method = aspect.aggregation.method;
  const inputs = marks.map((m) => ({ judgeId: m.judgeId, value: m.value })).sort(byJudge);
  if (inputs.length === 0) {
    return {
      score: null,
      explanation: {
        method,
        inputs,
        dropped: [],
        formula: text('无评分', 'no marks'),
        result: null,
        note: text('尚无评分。', 'No marks yet.'),
      },
    };
  }
  const { counted, dropped, trimmed } = countedMarks(aspect, inputs);
  let value: Fraction;
  let calc: Text;
  let note: Text | null = null;
  const agg = aspect.aggregation;
  switch (agg.method) {
    case 'MEAN':
      value = meanOf(counted);
      calc = text(meanText(counted), meanText(counted));
      break;
    case 'MEDIAN': {
      const mid = Math.floor(counted.length / 2);
      const values = counted.map((m) => m.value).join(', ');
      const list = text(`${values} 的中位数`, `median of ${values}`);
      if (counted.length % 2) {
        value = exact(counted[mid]!.value);
        calc = list;
      } else {
        const [a, b] = [counted[mid - 1]!, counted[mid]!];
        value = div(add(exact(a.value), exact(b.value)), fraction(2n));
        const half = ` = (${a.value} + ${b.value}) / 2`;
        calc = text(`${list.zh}${half}`, `${list.en}${half}`);
      }
      break;
    }
    case 'TRIMMED_MEAN':
      value = meanOf(counted);
      calc = text(meanText(counted), meanText(counted));
      note = trimmed
        ? text(
            `在 ${inputs.length} 个评分中去掉最高 ${agg.trim} 个、最低 ${agg.trim} 个：${dropped
              .map((d) => `${d.value}（${d.judgeId}，${d.reason === 'HIGHEST' ? '最高' : '最低'}）`)
              .join('、')}。`,
            `Dropped the ${agg.trim} highest and ${agg.trim} lowest of ${inputs.length} marks: ${dropped
              .map((d) => `${d.value} (${d.judgeId}, ${d.reason.toLowerCase()})`)
              .join(', ')}.`,
          )
        : text(
            `只有 ${inputs.length} 个评分，少于去掉最高、最低分所需的 ${agg.minJudges} 名裁判：取全部评分的算术平均。`,
            `Only ${inputs.length} mark${inputs.length === 1 ? '' : 's'}, fewer than the ${agg.minJudges} ` +
              `judges trimming needs: plain mean of all marks.`,
          );
      break;
    case 'JUDGEMENT_AVERAGE': {
      const scale = aspect.scale;
      if (!scale) throw new RangeError(`Aspect ${aspect.code} has no judgement scale.`);
      value = div(mul(meanOf(counted), exact(aspect.maxMark)), exact(scale.max));
      const judged = `(${meanText(counted)}) / ${scale.max} × ${aspect.maxMark}`;
      calc = text(judged, judged);
      note = text(
        `${scale.min}–${scale.max} 量表的平均评价分，折算为满分 ${aspect.maxMark} 分。`,
        `Mean judgement score on the ${scale.min}–${scale.max} scale, scaled to ${aspect.maxMark} marks.`,
      );
      break;
    }
  }
  const h = toHundredths(value);
  const score = hundredthsToNumber(h);
  return {
    score,
    explanation: {
      method,
      inputs,
      dropped,
      formula: text(`${calc.zh} = ${formatHundredths(h)}`, `${calc.en} = ${formatHundredths(h)}`),
      result: score,
      note,
    },
  };
}

export interface ToleranceCheck {
  breached: boolean;
  /** Highest minus lowest counted mark, exact. */
  spread: number;
  message: Text;
}

/**
 * Whether the judges disagree more than the aspect allows, so the chief judge has them
 * review. The spread is over the marks that count: after trimming for a trimmed mean (the
 * outliers are already neutralised), all marks otherwise (judgement, mean, median, and a
 * trimmed mean that fell back to the mean). A null tolerance never breaches.
 */
export function toleranceBreach(aspect: Aspect, marks: readonly Mark[]): ToleranceCheck {
  checkMarks(marks);
  const { counted, trimmed } = countedMarks(aspect, marks);
  const low = counted[0];
  const high = counted[counted.length - 1];
  const spreadExact = low && high ? sub(exact(high.value), exact(low.value)) : fraction(0n);
  const spread = toDecimalNumber(spreadExact);
  const over = trimmed ? ' after trimming' : '';
  const overZh = trimmed ? '（去掉最高、最低分后）' : '';
  const range = low && high ? ` (${high.value} by ${high.judgeId} − ${low.value} by ${low.judgeId})` : '';
  const rangeZh =
    low && high ? `（裁判 ${high.judgeId} 评 ${high.value} − 裁判 ${low.judgeId} 评 ${low.value}）` : '';
  if (aspect.tolerance === null) {
    return {
      breached: false,
      spread,
      message: text(
        `评分差${overZh}为 ${spread}${rangeZh}；未设允许误差。`,
        `Spread${over} ${spread}${range}; no tolerance set.`,
      ),
    };
  }
  const breached = compare(spreadExact, exact(aspect.tolerance)) > 0;
  const message = breached
    ? text(
        `评分差${overZh}为 ${spread}${rangeZh}，超出允许误差 ${aspect.tolerance}：裁判应复查评分。`,
        `Spread${over} ${spread}${range} exceeds the tolerance ${aspect.tolerance}: the judges should review their marks.`,
      )
    : text(
        `评分差${overZh}为 ${spread}${rangeZh}，在允许误差 ${aspect.tolerance} 以内。`,
        `Spread${over} ${spread}${range} is within the tolerance ${aspect.tolerance}.`,
      );
  return { breached, spread, message };
}
