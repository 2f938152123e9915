import { ErrorCode, Problems } from '../../shared/errors';
import type { EntrantResult } from './ranking';
import {
  AWARD_TIERS,
  awardTiers,
  InvalidAwardRule,
  type AwardRule,
  type AwardTier,
  type RankedEntry,
} from './ranking';
import type { MarkingScheme } from './scheme';
import { text } from '../../shared/i18n';

/**
 * How a trade's results are ranked and awarded, as data the organizers set (and the public
 * reads: it is part of the technical rules, 技术规程).
 */
export type TieBreakKind = 'MODULE' | 'ASPECT' | 'COMPLETION_TIME';

export interface TieBreakRule {
  kind: TieBreakKind;
  /** Module or aspect code; null for COMPLETION_TIME. */
  code: string | null;
}

export interface TitleRule {
  /** e.g. 技术能手. */
  title: string;
  /** Only entrants with one of these award tiers (null: any tier, or none). */
  tiers: AwardTier[] | null;
  /** Only entrants ranked at or above this (null: any rank). */
  maxRank: number | null;
}

export interface ResultsRules {
  tieBreak: TieBreakRule[];
  awards: AwardRule | null;
  titles: TitleRule[];
  /** ZSCORE: each judge's marks are normalised before they combine (expert panels). */
  normalization?: 'NONE' | 'ZSCORE';
}

/** Without rules: ties on the total are broken by module scores, heaviest module first; no awards. */
export function defaultRules(scheme: MarkingScheme): ResultsRules {
  const modules = [...scheme.modules].sort((a, b) => b.weight - a.weight);
  return { tieBreak: modules.map((m) => ({ kind: 'MODULE', code: m.code })), awards: null, titles: [] };
}

/** Reports every problem; `scheme` null skips the code checks (they run again when a scheme is set). */
export function validateRules(p: Problems, rules: ResultsRules, scheme: MarkingScheme | null): void {
  const modules = new Set(scheme?.modules.map((m) => m.code));
  const aspects = new Set(
    scheme?.modules.flatMap((m) => m.criteria.flatMap((c) => c.aspects.map((a) => a.code))),
  );
  const seen = new Set<string>();
  if (rules.tieBreak.length > 10)
    p.add(
      ErrorCode.OUT_OF_RANGE,
      text('同分排序规则最多 10 条。', 'At most 10 tie-breaks.'),
      'input.tieBreak',
    );
  rules.tieBreak.forEach((t, i) => {
    const field = `input.tieBreak.${i}`;
    const key = `${t.kind}:${t.code ?? ''}`;
    if (seen.has(key)) p.add(ErrorCode.DUPLICATE, text('重复列出。', 'Listed twice.'), field);
    seen.add(key);
    if (t.kind === 'COMPLETION_TIME') {
      if (t.code)
        p.add(
          ErrorCode.UNEXPECTED_CODE,
          text('COMPLETION_TIME 不需要代码。', 'COMPLETION_TIME takes no code.'),
          `${field}.code`,
        );
    } else if (!t.code) {
      p.add(ErrorCode.REQUIRED, text(`${t.kind} 需要代码。`, `${t.kind} needs a code.`), `${field}.code`);
    } else if (scheme && !(t.kind === 'MODULE' ? modules : aspects).has(t.code)) {
      p.add(
        ErrorCode.NOT_FOUND,
        text(
          `评分标准中没有 ${t.kind.toLowerCase()} ${t.code}。`,
          `No ${t.kind.toLowerCase()} ${t.code} in the marking scheme.`,
        ),
        `${field}.code`,
      );
    }
  });
  if (rules.awards) {
    try {
      awardTiers([], rules.awards);
    } catch (err) {
      if (!(err instanceof InvalidAwardRule)) throw err;
      p.add(ErrorCode.INVALID_AWARDS, err.text, 'input.awards');
    }
    rules.awards.tiers.forEach((t, i) => {
      const need = { COUNT: 'count', PERCENT: 'percent', THRESHOLD: 'minTotal' }[rules.awards!.by];
      if ((t as Record<string, unknown>)[need] == null) {
        p.add(
          ErrorCode.REQUIRED,
          text(
            `${rules.awards!.by} 规则的每个奖项等级都须填写 ${need}。`,
            `A ${rules.awards!.by} rule needs ${need} on every tier.`,
          ),
          `input.awards.tiers.${i}`,
        );
      }
    });
  }
  if (rules.titles.length > 10)
    p.add(ErrorCode.OUT_OF_RANGE, text('称号最多 10 个。', 'At most 10 titles.'), 'input.titles');
  rules.titles.forEach((t, i) => {
    const field = `input.titles.${i}`;
    if (!t.title.trim())
      p.add(
        ErrorCode.REQUIRED,
        text('称号须为 1–50 个字符。', 'A title has 1–50 characters.'),
        `${field}.title`,
      );
    else if (t.title.length > 50)
      p.add(
        ErrorCode.TOO_LONG,
        text('称号须为 1–50 个字符。', 'A title has 1–50 characters.'),
        `${field}.title`,
      );
    if (!t.tiers?.length && t.maxRank == null)
      p.add(
        ErrorCode.REQUIRED,
        text('请指定称号授予的奖项等级或名次。', 'Give the award tiers or the ranks the title goes to.'),
        field,
      );
    if (t.maxRank != null && (!Number.isInteger(t.maxRank) || t.maxRank < 1))
      p.add(
        ErrorCode.OUT_OF_RANGE,
        text('maxRank 须为 ≥ 1 的整数。', 'maxRank is a whole number ≥ 1.'),
        `${field}.maxRank`,
      );
    if (t.tiers?.length && !rules.awards)
      p.add(
        ErrorCode.AWARD_RULE_REQUIRED,
        text('按奖项等级授予称号须先设置获奖规则。', 'Titles by award tier need an award rule.'),
        `${field}.tiers`,
      );
    if (t.tiers?.some((x) => !AWARD_TIERS.includes(x)))
      p.add(ErrorCode.INVALID_VALUE, text('未知的奖项等级。', 'Unknown award tier.'), `${field}.tiers`);
  });
}

// Far below any real value: entrants without a value rank after those with one.
const MISSING = -1e12;

/** The values compared after the total, in rule order; higher is better (times are negated). */
export function tieBreakValues(
  rules: ResultsRules,
  scheme: MarkingScheme,
  result: EntrantResult,
  completionSeconds: number | null,
): number[] {
  return rules.tieBreak.map((t) => {
    if (t.kind === 'COMPLETION_TIME') return completionSeconds === null ? MISSING : -completionSeconds;
    if (t.kind === 'MODULE') {
      const i = scheme.modules.findIndex((m) => m.code === t.code);
      return i < 0 ? MISSING : result.modules[i]!.weighted;
    }
    for (const m of result.explanation.modules)
      for (const a of m.aspects) if (a.code === t.code) return a.score ?? MISSING;
    return MISSING;
  });
}

export function titlesFor(rules: ResultsRules, entry: RankedEntry & { tier: AwardTier | null }): string[] {
  return rules.titles
    .filter(
      (t) =>
        (!t.tiers?.length || (entry.tier !== null && t.tiers.includes(entry.tier))) &&
        (t.maxRank == null || entry.rank <= t.maxRank),
    )
    .map((t) => t.title);
}
