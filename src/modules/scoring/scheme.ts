import { parse as parseCsv } from 'csv-parse/sync';
import { z } from 'zod';

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

export type SchemeErrorCode =
  | 'VALIDATION'
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
  | 'CSV_INCONSISTENT';

export interface SchemeError {
  /** Where, e.g. `modules[0].criteria[1].aspects[2].maxMark`; '' for the whole input. */
  path: string;
  code: SchemeErrorCode;
  message: string;
}

export interface SchemeValidation {
  scheme: MarkingScheme | null;
  errors: SchemeError[];
}

export const SCHEME_LIMITS = {
  modules: 50,
  criteriaPerModule: 100,
  aspectsPerCriterion: 200,
  codeLength: 32,
  nameLength: 200,
  descriptionLength: 2000,
  descriptorLength: 1000,
  /** A descriptor is needed for every point, so scales stay short. */
  scalePoints: 11,
} as const;

/** Letters (any script), digits, and `. _ - /`: safe in file names, CSV cells and URLs. */
const CODE_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N}._\-/]*$/u;

/** Integer hundredths when `x` has at most 2 decimals, else null. */
export function toHundredthsExact(x: number): number | null {
  if (!Number.isFinite(x)) return null;
  const h = Math.round(x * 100);
  // Both sides are the double nearest the same decimal, so equality means "≤ 2 decimals".
  return Number.isSafeInteger(h) && h / 100 === x ? h : null;
}

const codeSchema = z
  .string()
  .trim()
  .min(1)
  .max(SCHEME_LIMITS.codeLength)
  .regex(CODE_PATTERN, 'Codes use letters, digits and . _ - / only, starting with a letter or digit.');
const textSchema = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    // Lone surrogates and NUL cannot be stored as PostgreSQL text nor survive a UTF-8 file.
    .refine(
      (s) => !/\p{Cs}/u.test(s) && !s.includes('\u0000'),
      'Text must be valid Unicode without NUL characters.',
    );

const aggregationSchema = z.discriminatedUnion('method', [
  z.object({ method: z.literal('MEAN') }).strict(),
  z.object({ method: z.literal('MEDIAN') }).strict(),
  z.object({ method: z.literal('TRIMMED_MEAN'), trim: z.number(), minJudges: z.number() }).strict(),
  z.object({ method: z.literal('JUDGEMENT_AVERAGE') }).strict(),
]);

const scaleSchema = z
  .object({
    min: z.number(),
    max: z.number(),
    descriptors: z.record(z.string(), textSchema(SCHEME_LIMITS.descriptorLength)),
  })
  .strict();

/** A domain-rule issue; its stable code travels in `params`. */
function fail(ctx: z.RefinementCtx, code: SchemeErrorCode, path: (string | number)[], message: string): void {
  ctx.addIssue({ code: z.ZodIssueCode.custom, path, message, params: { code } });
}

const aspectSchema = z
  .object({
    code: codeSchema,
    description: textSchema(SCHEME_LIMITS.descriptionLength),
    kind: z.enum(['MEASUREMENT', 'JUDGEMENT', 'DEDUCTION']),
    maxMark: z.number(),
    aggregation: aggregationSchema,
    // Optional on input (most aspects have none); always present on output.
    tolerance: z.number().nullable().default(null),
    scale: scaleSchema.optional(),
  })
  .strict()
  .superRefine((a, ctx) => {
    const h = toHundredthsExact(a.maxMark);
    if (h === null || h <= 0) {
      fail(ctx, 'INVALID_MAX_MARK', ['maxMark'], 'The maximum mark must be above 0 with at most 2 decimals.');
    }
    if (a.tolerance !== null && !(Number.isFinite(a.tolerance) && a.tolerance >= 0)) {
      fail(ctx, 'INVALID_TOLERANCE', ['tolerance'], 'The tolerance must be a number ≥ 0, or null for none.');
    }
    const agg = a.aggregation;
    if (a.kind === 'JUDGEMENT' && agg.method !== 'JUDGEMENT_AVERAGE') {
      // Judgement scores are scale points; only JUDGEMENT_AVERAGE converts them into marks.
      fail(
        ctx,
        'INVALID_AGGREGATION',
        ['aggregation', 'method'],
        'A JUDGEMENT aspect uses JUDGEMENT_AVERAGE.',
      );
    }
    if (a.kind !== 'JUDGEMENT' && agg.method === 'JUDGEMENT_AVERAGE') {
      fail(
        ctx,
        'INVALID_AGGREGATION',
        ['aggregation', 'method'],
        'JUDGEMENT_AVERAGE needs a judgement scale: only JUDGEMENT aspects use it.',
      );
    }
    if (agg.method === 'TRIMMED_MEAN') {
      if (!Number.isInteger(agg.trim) || agg.trim < 1) {
        fail(
          ctx,
          'INVALID_TRIM',
          ['aggregation', 'trim'],
          'trim (marks dropped at each end) must be a whole number ≥ 1.',
        );
      } else if (!Number.isInteger(agg.minJudges) || agg.minJudges < 2 * agg.trim + 1) {
        fail(
          ctx,
          'INVALID_TRIM',
          ['aggregation', 'minJudges'],
          `minJudges must be a whole number ≥ 2 × trim + 1 = ${2 * agg.trim + 1}, so a mark is left after trimming.`,
        );
      }
    }
    if (a.kind !== 'JUDGEMENT') {
      if (a.scale) fail(ctx, 'UNEXPECTED_SCALE', ['scale'], 'Only JUDGEMENT aspects have a scale.');
      return;
    }
    if (!a.scale) {
      fail(
        ctx,
        'MISSING_SCALE',
        ['scale'],
        'A JUDGEMENT aspect needs a scale with a descriptor for each point.',
      );
      return;
    }
    const { min, max, descriptors } = a.scale;
    if (!Number.isInteger(min) || !Number.isInteger(max) || min < 0 || min >= max) {
      fail(ctx, 'INVALID_SCALE', ['scale'], 'The scale needs whole numbers 0 ≤ min < max.');
      return;
    }
    if (max - min + 1 > SCHEME_LIMITS.scalePoints) {
      fail(ctx, 'INVALID_SCALE', ['scale'], `A scale has at most ${SCHEME_LIMITS.scalePoints} points.`);
      return;
    }
    for (let p = min; p <= max; p++) {
      if (!Object.hasOwn(descriptors, String(p))) {
        fail(ctx, 'INVALID_SCALE', ['scale', 'descriptors'], `Point ${p} has no descriptor.`);
      }
    }
    for (const key of Object.keys(descriptors)) {
      const p = Number(key);
      if (String(p) !== key || !Number.isInteger(p) || p < min || p > max) {
        fail(
          ctx,
          'INVALID_SCALE',
          ['scale', 'descriptors', key],
          `"${key}" is not a point of the ${min}–${max} scale.`,
        );
      }
    }
  });

const criterionSchema = z
  .object({
    code: codeSchema,
    name: textSchema(SCHEME_LIMITS.nameLength),
    aspects: z.array(aspectSchema).min(1).max(SCHEME_LIMITS.aspectsPerCriterion),
  })
  .strict();

const moduleSchema = z
  .object({
    code: codeSchema,
    name: textSchema(SCHEME_LIMITS.nameLength),
    weight: z.number(),
    criteria: z.array(criterionSchema).min(1).max(SCHEME_LIMITS.criteriaPerModule),
  })
  .strict()
  .superRefine((m, ctx) => {
    const h = toHundredthsExact(m.weight);
    if (h === null || h <= 0 || h > 10000) {
      fail(
        ctx,
        'INVALID_WEIGHT',
        ['weight'],
        'The weight is a percentage above 0 and at most 100, with at most 2 decimals.',
      );
    }
    const marked = m.criteria.some((c) => c.aspects.some((a) => a.kind !== 'DEDUCTION'));
    if (!marked) {
      // The module's maximum would be 0 and its weighted share undefined.
      fail(
        ctx,
        'MODULE_WITHOUT_MARKS',
        ['criteria'],
        'A module needs at least one aspect that is not a deduction.',
      );
    }
  });

const schemeSchema = z
  .object({ modules: z.array(moduleSchema).min(1).max(SCHEME_LIMITS.modules) })
  .strict()
  .superRefine((s, ctx) => {
    const weights = s.modules.map((m) => toHundredthsExact(m.weight));
    // Only meaningful once every weight is itself valid (reported per module otherwise).
    if (weights.every((w): w is number => w !== null && w > 0)) {
      const sum = weights.reduce((a, b) => a + b, 0);
      if (sum !== 10000) {
        fail(
          ctx,
          'WEIGHTS_MUST_SUM_TO_100',
          ['modules'],
          `The module weights add up to ${sum / 100}, not 100.`,
        );
      }
    }
    // Aspect codes key the marks, criterion codes name lines of the score sheet: each is
    // unique across the whole scheme, each level in its own namespace.
    const seen = {
      module: new Map<string, string>(),
      criterion: new Map<string, string>(),
      aspect: new Map<string, string>(),
    };
    const check = (level: keyof typeof seen, code: string, path: (string | number)[]) => {
      const where = pathToString(path.slice(0, -1));
      const first = seen[level].get(code);
      if (first !== undefined) {
        fail(ctx, 'DUPLICATE_CODE', path, `The ${level} code "${code}" is already used at ${first}.`);
      } else {
        seen[level].set(code, where);
      }
    };
    s.modules.forEach((m, i) => {
      check('module', m.code, ['modules', i, 'code']);
      m.criteria.forEach((c, j) => {
        check('criterion', c.code, ['modules', i, 'criteria', j, 'code']);
        c.aspects.forEach((a, k) =>
          check('aspect', a.code, ['modules', i, 'criteria', j, 'aspects', k, 'code']),
        );
      });
    });
  });

function pathToString(path: readonly (string | number)[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(p)) out += out ? `.${p}` : p;
    else out += `[${JSON.stringify(p)}]`;
  }
  return out;
}

/** -0 → 0, so that equal schemes are deep-equal and print the same. */
const n0 = (x: number): number => (x === 0 ? 0 : x);

function canonicalAggregation(a: Aggregation): Aggregation {
  return a.method === 'TRIMMED_MEAN'
    ? { method: a.method, trim: a.trim, minJudges: a.minJudges }
    : { method: a.method };
}

function canonicalAspect(a: Aspect): Aspect {
  const out: Aspect = {
    code: a.code,
    description: a.description,
    kind: a.kind,
    maxMark: a.maxMark,
    aggregation: canonicalAggregation(a.aggregation),
    tolerance: a.tolerance === null ? null : n0(a.tolerance),
  };
  if (a.scale) {
    const descriptors: Record<string, string> = {};
    for (let p = a.scale.min; p <= a.scale.max; p++) descriptors[String(p)] = a.scale.descriptors[String(p)]!;
    out.scale = { min: n0(a.scale.min), max: a.scale.max, descriptors };
  }
  return out;
}

/** A copy with a fixed key order and normalized numbers: what export prints, what import returns. */
function canonicalScheme(s: MarkingScheme): MarkingScheme {
  return {
    modules: s.modules.map((m) => ({
      code: m.code,
      name: m.name,
      weight: m.weight,
      criteria: m.criteria.map((c) => ({
        code: c.code,
        name: c.name,
        aspects: c.aspects.map(canonicalAspect),
      })),
    })),
  };
}

/**
 * Checks an untrusted scheme (from an API input or a file). Returns the scheme (trimmed text,
 * tolerance defaulted to null, canonical key order) when there are no errors, else null and
 * every error found: structural errors are `VALIDATION`; the domain rules have their own codes.
 */
export function validateScheme(input: unknown): SchemeValidation {
  const parsed = schemeSchema.safeParse(input);
  if (parsed.success) return { scheme: canonicalScheme(parsed.data as MarkingScheme), errors: [] };
  const errors = parsed.error.issues.map((i): SchemeError => {
    const code =
      i.code === z.ZodIssueCode.custom ? (i.params?.code as SchemeErrorCode | undefined) : undefined;
    return {
      path: pathToString(i.path as (string | number)[]),
      code: code ?? 'VALIDATION',
      message: i.message,
    };
  });
  return { scheme: null, errors };
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

// ---------------------------------------------------------------------------------------------
// JSON

/** Pretty JSON with a fixed key order, so the same scheme always prints the same text. */
export function schemeToJson(scheme: MarkingScheme): string {
  return `${JSON.stringify(canonicalScheme(scheme), null, 2)}\n`;
}

export function schemeFromJson(text: string): SchemeValidation {
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    return {
      scheme: null,
      errors: [{ path: '', code: 'INVALID_JSON', message: `Not valid JSON: ${(e as Error).message}` }],
    };
  }
  return validateScheme(data);
}

// ---------------------------------------------------------------------------------------------
// CSV: one row per aspect; module and criterion columns repeat on each of their rows.

export const SCHEME_CSV_COLUMNS = [
  'module_code',
  'module_name',
  'module_weight',
  'criterion_code',
  'criterion_name',
  'aspect_code',
  'aspect_description',
  'kind',
  'max_mark',
  'aggregation',
  'trim',
  'min_judges',
  'tolerance',
  'scale_min',
  'scale_max',
  'descriptors',
] as const;

type CsvColumn = (typeof SCHEME_CSV_COLUMNS)[number];

/** RFC 4180 quoting: only when needed, inner quotes doubled. */
function csvCell(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** `0=text|1=text`; a `|` or `\` inside a descriptor is escaped with `\`. */
function encodeDescriptors(d: Record<string, string>): string {
  return Object.entries(d)
    .map(([k, v]) => `${k}=${v.replace(/\\/g, '\\\\').replace(/\|/g, '\\|')}`)
    .join('|');
}

function decodeDescriptors(cell: string): Record<string, string> | string {
  const entries: string[] = [];
  let cur = '';
  for (let i = 0; i < cell.length; i++) {
    const ch = cell[i]!;
    if (ch === '\\' && i + 1 < cell.length) cur += cell[++i];
    else if (ch === '|') {
      entries.push(cur);
      cur = '';
    } else cur += ch;
  }
  entries.push(cur);
  const out: Record<string, string> = {};
  for (const e of entries) {
    const eq = e.indexOf('=');
    if (eq < 0) return `Descriptor "${e}" is not written point=text.`;
    const key = e.slice(0, eq).trim();
    if (Object.hasOwn(out, key)) return `Point ${key} has two descriptors.`;
    out[key] = e.slice(eq + 1);
  }
  return out;
}

export function schemeToCsv(scheme: MarkingScheme): string {
  const rows: string[][] = [[...SCHEME_CSV_COLUMNS]];
  for (const m of canonicalScheme(scheme).modules) {
    for (const c of m.criteria) {
      for (const a of c.aspects) {
        const agg = a.aggregation;
        const row: Record<CsvColumn, string> = {
          module_code: m.code,
          module_name: m.name,
          module_weight: String(m.weight),
          criterion_code: c.code,
          criterion_name: c.name,
          aspect_code: a.code,
          aspect_description: a.description,
          kind: a.kind,
          max_mark: String(a.maxMark),
          aggregation: agg.method,
          trim: agg.method === 'TRIMMED_MEAN' ? String(agg.trim) : '',
          min_judges: agg.method === 'TRIMMED_MEAN' ? String(agg.minJudges) : '',
          // String(number) is the shortest text that reads back as the same double: lossless.
          tolerance: a.tolerance === null ? '' : String(a.tolerance),
          scale_min: a.scale ? String(a.scale.min) : '',
          scale_max: a.scale ? String(a.scale.max) : '',
          descriptors: a.scale ? encodeDescriptors(a.scale.descriptors) : '',
        };
        rows.push(SCHEME_CSV_COLUMNS.map((col) => row[col]));
      }
    }
  }
  return rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

const NUMBER_TEXT = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

/** A number when the cell reads as one; otherwise the text, so validation names the field. */
function numberCell(cell: string): number | string {
  return NUMBER_TEXT.test(cell) ? Number(cell) : cell;
}

function csvError(path: string, code: SchemeErrorCode, message: string): SchemeValidation {
  return { scheme: null, errors: [{ path, code, message }] };
}

/**
 * Reads the format `schemeToCsv` writes (header names in any order, an optional UTF-8 BOM as
 * Excel saves it). Rows of one module (or criterion) need not be adjacent but must repeat the
 * same name and weight. Validation errors keep their object path and name the CSV line.
 */
export function schemeFromCsv(text: string): SchemeValidation {
  let parsed: { record: string[]; info: { lines: number } }[];
  try {
    parsed = parseCsv(text, { bom: true, skip_empty_lines: true, info: true }) as unknown as typeof parsed;
  } catch (e) {
    return csvError('', 'CSV_FORMAT', `Not a readable CSV file: ${(e as Error).message}`);
  }
  if (parsed.length === 0) return csvError('', 'CSV_FORMAT', 'The file is empty.');
  const header = parsed[0]!.record.map((h) => h.trim().toLowerCase());
  const index = new Map<string, number>();
  for (const [i, h] of header.entries()) {
    if (h === '') continue; // a trailing empty column, as spreadsheets sometimes save
    if (!(SCHEME_CSV_COLUMNS as readonly string[]).includes(h)) {
      return csvError('line 1', 'CSV_FORMAT', `Unknown column "${parsed[0]!.record[i]}".`);
    }
    if (index.has(h)) return csvError('line 1', 'CSV_FORMAT', `The column "${h}" appears twice.`);
    index.set(h, i);
  }
  const missing = SCHEME_CSV_COLUMNS.filter((c) => !index.has(c));
  if (missing.length) return csvError('line 1', 'CSV_FORMAT', `Missing column(s): ${missing.join(', ')}.`);

  interface RawCriterion {
    code: string;
    name: string;
    aspects: unknown[];
    line: number;
    aspectLines: number[];
  }
  interface RawModule {
    code: string;
    name: string;
    weight: number | string;
    criteria: Map<string, RawCriterion>;
    line: number;
  }
  const modules = new Map<string, RawModule>();
  for (const { record, info } of parsed.slice(1)) {
    const line = info.lines;
    const cell = (c: CsvColumn) => record[index.get(c)!] ?? '';
    const moduleCode = cell('module_code').trim();
    let m = modules.get(moduleCode);
    if (!m) {
      m = {
        code: moduleCode,
        name: cell('module_name'),
        weight: numberCell(cell('module_weight')),
        criteria: new Map(),
        line,
      };
      modules.set(moduleCode, m);
    } else if (m.name !== cell('module_name') || m.weight !== numberCell(cell('module_weight'))) {
      return csvError(
        `line ${line}`,
        'CSV_INCONSISTENT',
        `Module "${moduleCode}" has a different name or weight here than on line ${m.line}.`,
      );
    }
    const criterionCode = cell('criterion_code').trim();
    let c = m.criteria.get(criterionCode);
    if (!c) {
      c = { code: criterionCode, name: cell('criterion_name'), aspects: [], line, aspectLines: [] };
      m.criteria.set(criterionCode, c);
    } else if (c.name !== cell('criterion_name')) {
      return csvError(
        `line ${line}`,
        'CSV_INCONSISTENT',
        `Criterion "${criterionCode}" has a different name here than on line ${c.line}.`,
      );
    }
    const method = cell('aggregation').trim();
    const aggregation: Record<string, unknown> = { method };
    if (cell('trim').trim()) aggregation.trim = numberCell(cell('trim'));
    if (cell('min_judges').trim()) aggregation.minJudges = numberCell(cell('min_judges'));
    const aspect: Record<string, unknown> = {
      code: cell('aspect_code'),
      description: cell('aspect_description'),
      kind: cell('kind').trim(),
      maxMark: numberCell(cell('max_mark')),
      aggregation,
      tolerance: cell('tolerance').trim() ? numberCell(cell('tolerance')) : null,
    };
    if (cell('scale_min').trim() || cell('scale_max').trim() || cell('descriptors').trim()) {
      const descriptors = decodeDescriptors(cell('descriptors'));
      if (typeof descriptors === 'string') return csvError(`line ${line}`, 'CSV_FORMAT', descriptors);
      aspect.scale = {
        min: cell('scale_min').trim() ? numberCell(cell('scale_min')) : undefined,
        max: cell('scale_max').trim() ? numberCell(cell('scale_max')) : undefined,
        descriptors,
      };
    }
    c.aspects.push(aspect);
    c.aspectLines.push(line);
  }

  const lines = new Map<string, number>();
  const raw = {
    modules: [...modules.values()].map((m, i) => {
      lines.set(`modules[${i}]`, m.line);
      return {
        code: m.code,
        name: m.name,
        weight: m.weight,
        criteria: [...m.criteria.values()].map((c, j) => {
          lines.set(`modules[${i}].criteria[${j}]`, c.line);
          c.aspectLines.forEach((l, k) => lines.set(`modules[${i}].criteria[${j}].aspects[${k}]`, l));
          return { code: c.code, name: c.name, aspects: c.aspects };
        }),
      };
    }),
  };
  const result = validateScheme(raw);
  // Point at the row, so an organizer can fix the spreadsheet.
  for (const e of result.errors) {
    const prefix = /^modules\[\d+\](\.criteria\[\d+\](\.aspects\[\d+\])?)?/.exec(e.path)?.[0];
    const line = prefix ? lines.get(prefix) : undefined;
    if (line !== undefined) e.message += ` (CSV line ${line})`;
  }
  return result;
}
