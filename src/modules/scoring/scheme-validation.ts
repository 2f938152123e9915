import { z } from 'zod';
import { type Text, text } from '../../shared/i18n';
import type {
  Aggregation,
  Aspect,
  MarkingScheme,
  SchemeError,
  SchemeErrorCode,
  SchemeValidation,
} from './scheme';

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
function fail(ctx: z.RefinementCtx, code: SchemeErrorCode, path: (string | number)[], message: Text): void {
  ctx.addIssue({ code: z.ZodIssueCode.custom, path, message: message.en, params: { code, text: message } });
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
    extraDescription: textSchema(SCHEME_LIMITS.descriptionLength).optional(),
    requirement: textSchema(SCHEME_LIMITS.nameLength).optional(),
    standardSection: textSchema(SCHEME_LIMITS.nameLength).optional(),
  })
  .strict()
  .superRefine((a, ctx) => {
    const h = toHundredthsExact(a.maxMark);
    if (h === null || h <= 0) {
      fail(
        ctx,
        'INVALID_MAX_MARK',
        ['maxMark'],
        text('最高分须大于 0，最多 2 位小数。', 'The maximum mark must be above 0 with at most 2 decimals.'),
      );
    }
    if (a.tolerance !== null && !(Number.isFinite(a.tolerance) && a.tolerance >= 0)) {
      fail(
        ctx,
        'INVALID_TOLERANCE',
        ['tolerance'],
        text(
          '允许误差须为 ≥ 0 的数字，不设误差时为 null。',
          'The tolerance must be a number ≥ 0, or null for none.',
        ),
      );
    }
    const agg = a.aggregation;
    if (a.kind === 'JUDGEMENT' && agg.method !== 'JUDGEMENT_AVERAGE') {
      // Judgement scores are scale points; only JUDGEMENT_AVERAGE converts them into marks.
      fail(
        ctx,
        'INVALID_AGGREGATION',
        ['aggregation', 'method'],
        text('JUDGEMENT 评分要素须使用 JUDGEMENT_AVERAGE。', 'A JUDGEMENT aspect uses JUDGEMENT_AVERAGE.'),
      );
    }
    if (a.kind !== 'JUDGEMENT' && agg.method === 'JUDGEMENT_AVERAGE') {
      fail(
        ctx,
        'INVALID_AGGREGATION',
        ['aggregation', 'method'],
        text(
          'JUDGEMENT_AVERAGE 需要评价量表：只有 JUDGEMENT 评分要素可以使用。',
          'JUDGEMENT_AVERAGE needs a judgement scale: only JUDGEMENT aspects use it.',
        ),
      );
    }
    if (agg.method === 'TRIMMED_MEAN') {
      if (!Number.isInteger(agg.trim) || agg.trim < 1) {
        fail(
          ctx,
          'INVALID_TRIM',
          ['aggregation', 'trim'],
          text(
            'trim（两端各去掉的评分数）须为 ≥ 1 的整数。',
            'trim (marks dropped at each end) must be a whole number ≥ 1.',
          ),
        );
      } else if (!Number.isInteger(agg.minJudges) || agg.minJudges < 2 * agg.trim + 1) {
        fail(
          ctx,
          'INVALID_TRIM',
          ['aggregation', 'minJudges'],
          text(
            `minJudges 须为 ≥ 2 × trim + 1 = ${2 * agg.trim + 1} 的整数，以便去掉最高、最低分后仍有评分。`,
            `minJudges must be a whole number ≥ 2 × trim + 1 = ${2 * agg.trim + 1}, so a mark is left after trimming.`,
          ),
        );
      }
    }
    if (a.kind !== 'JUDGEMENT') {
      if (a.scale)
        fail(
          ctx,
          'UNEXPECTED_SCALE',
          ['scale'],
          text('只有 JUDGEMENT 评分要素才有量表。', 'Only JUDGEMENT aspects have a scale.'),
        );
      return;
    }
    if (!a.scale) {
      fail(
        ctx,
        'MISSING_SCALE',
        ['scale'],
        text(
          'JUDGEMENT 评分要素需要量表，且每个分值都有描述。',
          'A JUDGEMENT aspect needs a scale with a descriptor for each point.',
        ),
      );
      return;
    }
    const { min, max, descriptors } = a.scale;
    if (!Number.isInteger(min) || !Number.isInteger(max) || min < 0 || min >= max) {
      fail(
        ctx,
        'INVALID_SCALE',
        ['scale'],
        text('量表须为整数，且 0 ≤ min < max。', 'The scale needs whole numbers 0 ≤ min < max.'),
      );
      return;
    }
    if (max - min + 1 > SCHEME_LIMITS.scalePoints) {
      fail(
        ctx,
        'INVALID_SCALE',
        ['scale'],
        text(
          `量表最多 ${SCHEME_LIMITS.scalePoints} 个分值。`,
          `A scale has at most ${SCHEME_LIMITS.scalePoints} points.`,
        ),
      );
      return;
    }
    for (let p = min; p <= max; p++) {
      if (!Object.hasOwn(descriptors, String(p))) {
        fail(
          ctx,
          'INVALID_SCALE',
          ['scale', 'descriptors'],
          text(`分值 ${p} 没有描述。`, `Point ${p} has no descriptor.`),
        );
      }
    }
    for (const key of Object.keys(descriptors)) {
      const p = Number(key);
      if (String(p) !== key || !Number.isInteger(p) || p < min || p > max) {
        fail(
          ctx,
          'INVALID_SCALE',
          ['scale', 'descriptors', key],
          text(
            `“${key}”不是 ${min}–${max} 量表中的分值。`,
            `"${key}" is not a point of the ${min}–${max} scale.`,
          ),
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
        text(
          '权重须为大于 0、不超过 100 的百分数，最多 2 位小数。',
          'The weight is a percentage above 0 and at most 100, with at most 2 decimals.',
        ),
      );
    }
    const marked = m.criteria.some((c) => c.aspects.some((a) => a.kind !== 'DEDUCTION'));
    if (!marked) {
      // The module's maximum would be 0 and its weighted share undefined.
      fail(
        ctx,
        'MODULE_WITHOUT_MARKS',
        ['criteria'],
        text(
          '模块须至少有一个非扣分评分要素。',
          'A module needs at least one aspect that is not a deduction.',
        ),
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
          text(
            `各模块权重合计为 ${sum / 100}，不是 100。`,
            `The module weights add up to ${sum / 100}, not 100.`,
          ),
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
        const zh = { module: '模块', criterion: '评分项', aspect: '评分要素' }[level];
        fail(
          ctx,
          'DUPLICATE_CODE',
          path,
          text(
            `${zh}代码“${code}”已在 ${first} 使用。`,
            `The ${level} code "${code}" is already used at ${first}.`,
          ),
        );
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
  if (a.extraDescription !== undefined) out.extraDescription = a.extraDescription;
  if (a.requirement !== undefined) out.requirement = a.requirement;
  if (a.standardSection !== undefined) out.standardSection = a.standardSection;
  return out;
}

/** A copy with a fixed key order and normalized numbers: what export prints, what import returns. */
export function canonicalScheme(s: MarkingScheme): MarkingScheme {
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

/** An issue's message in both languages: ours carry it; zod's own are told by kind. */
function issueText(i: z.core.$ZodIssue): Text {
  const given = i.code === 'custom' ? (i.params?.text as Text | undefined) : undefined;
  if (given) return given;
  switch (i.code) {
    case 'invalid_type':
      return /received undefined$/.test(i.message)
        ? text('必填。', i.message)
        : text(`类型错误：应为 ${i.expected}。`, i.message);
    case 'too_small':
      return text('不能为空。', i.message);
    case 'too_big':
      return i.origin === 'string'
        ? text(`最多 ${String(i.maximum)} 个字符。`, i.message)
        : text(`最多 ${String(i.maximum)} 项。`, i.message);
    case 'invalid_format':
      return text('代码只能使用字母、数字和 . _ - /，并以字母或数字开头。', i.message);
    case 'unrecognized_keys':
      return text(`未知字段：${i.keys.join('、')}。`, i.message);
    case 'custom':
      return text('文本须为有效的 Unicode，且不含 NUL 字符。', i.message);
    case 'invalid_value':
      return text(`取值无效，应为 ${i.values.map(String).join('、')} 之一。`, i.message);
    default:
      return text('取值无效。', i.message);
  }
}

/** The code of a structural problem (what the shape of the input gets wrong), by zod issue. */
function structuralCode(i: z.core.$ZodIssue): SchemeErrorCode {
  switch (i.code) {
    case 'invalid_type':
      return /received undefined$/.test(i.message) ? 'REQUIRED' : 'WRONG_TYPE';
    case 'too_small':
      return 'REQUIRED'; // every minimum is 1: an empty name, code or list
    case 'too_big':
      return i.origin === 'string' ? 'TOO_LONG' : 'TOO_MANY';
    case 'invalid_format':
      return 'INVALID_CODE'; // the one pattern is the codes'
    case 'unrecognized_keys':
      return 'UNKNOWN_FIELD';
    case 'custom':
      return (i.params?.code as SchemeErrorCode | undefined) ?? 'INVALID_TEXT';
    default:
      return 'INVALID_VALUE';
  }
}

/**
 * Checks an untrusted scheme (from an API input or a file). Returns the scheme (trimmed text,
 * tolerance defaulted to null, canonical key order) when there are no errors, else null and
 * every error found, each with its own code (`SchemeErrorCode`).
 */
export function validateScheme(input: unknown): SchemeValidation {
  const parsed = schemeSchema.safeParse(input);
  if (parsed.success) return { scheme: canonicalScheme(parsed.data as MarkingScheme), errors: [] };
  const errors = parsed.error.issues.map((i): SchemeError => ({
    path: pathToString(i.path as (string | number)[]),
    code: structuralCode(i),
    message: issueText(i),
  }));
  return { scheme: null, errors };
}
