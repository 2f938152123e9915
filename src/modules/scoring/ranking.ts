import {
  aggregate,
  type AspectExplanation,
  divRoundHalfUp,
  formatHundredths,
  hundredthsToNumber,
  type Mark,
} from './aggregation';
import type { AspectKind, MarkingScheme } from './scheme';
import { text, type Text } from '../../shared/i18n';

// ---------------------------------------------------------------------------------------------
// One entrant's result

export interface ModuleResult {
  code: string;
  /** Aspect scores minus deductions, floored at 0; out of maxScore. */
  score: number;
  maxScore: number;
  /** score / maxScore × weight, 2 decimals: the module's share of the total out of 100. */
  weighted: number;
}

export interface AspectLine {
  code: string;
  kind: AspectKind;
  score: number | null;
  explanation: AspectExplanation;
}

export interface ModuleExplanation {
  code: string;
  weight: number;
  aspects: AspectLine[];
  /** Sum of the non-deduction aspect scores. */
  earned: number;
  deductions: number;
  /** True when the deductions exceeded what was earned and the score was raised to 0. */
  floored: boolean;
  formula: Text;
}

export interface EntrantExplanation {
  modules: ModuleExplanation[];
  formula: string;
  /** Non-deduction aspects without any mark (counted as 0): the result is not final yet. */
  missingAspects: string[];
  /** Marks under codes the scheme does not have: ignored, reported so nothing is lost silently. */
  unknownAspects: string[];
}

export interface EntrantResult {
  modules: ModuleResult[];
  total: number;
  explanation: EntrantExplanation;
}

const hundredths = (x: number): bigint => BigInt(Math.round(x * 100));

/**
 * An entrant's module scores and weighted total (out of 100).
 *
 * - Module score = Σ aspect scores − Σ deduction scores, floored at 0: a penalty can wipe out a
 *   module but not eat into another module's marks.
 * - A non-deduction aspect with no marks counts 0 and is listed in `missingAspects`; a
 *   deduction aspect with no marks is simply no deduction.
 * - weighted = score / maxScore × weight, rounded half-up to 2 decimals; the total is the sum of
 *   the rounded weighted scores, so the published score sheet adds up line by line. Since each
 *   weighted score ≤ its weight, the total stays within 0..100 (for marks within range).
 * All sums are in integer hundredths (aspect scores already have 2 decimals): no float drift.
 */
export function entrantResult(
  scheme: MarkingScheme,
  marksByAspect: ReadonlyMap<string, readonly Mark[]>,
): EntrantResult {
  const known = new Set<string>();
  const missingAspects: string[] = [];
  const modules: ModuleResult[] = [];
  const explained: ModuleExplanation[] = [];
  let totalH = 0n;
  for (const m of scheme.modules) {
    let earnedH = 0n;
    let deductionsH = 0n;
    let maxH = 0n;
    const aspects: AspectLine[] = [];
    for (const c of m.criteria) {
      for (const a of c.aspects) {
        known.add(a.code);
        const { score, explanation } = aggregate(a, marksByAspect.get(a.code) ?? []);
        aspects.push({ code: a.code, kind: a.kind, score, explanation });
        if (a.kind === 'DEDUCTION') {
          deductionsH += hundredths(score ?? 0);
        } else {
          maxH += hundredths(a.maxMark);
          earnedH += hundredths(score ?? 0);
          if (score === null) missingAspects.push(a.code);
        }
      }
    }
    const raw = earnedH - deductionsH;
    const scoreH = raw < 0n ? 0n : raw;
    const weightH = hundredths(m.weight);
    // (score / max) × weight, in hundredths: scoreH × weightH / maxH.
    const weightedH = maxH > 0n ? divRoundHalfUp(scoreH * weightH, maxH) : 0n;
    totalH += weightedH;
    const f = formatHundredths;
    const terms = [
      aspects
        .filter((a) => a.kind !== 'DEDUCTION')
        .map((a) => f(hundredths(a.score ?? 0)))
        .join(' + '),
      ...aspects.filter((a) => a.kind === 'DEDUCTION' && a.score).map((a) => `− ${f(hundredths(a.score!))}`),
    ].join(' ');
    const floorNote = raw < 0n ? `${f(raw)}, floored at 0.00` : f(scoreH);
    const floorNoteZh = raw < 0n ? `${f(raw)}，按 0.00 计` : f(scoreH);
    const weighting = `${f(scoreH)} / ${f(maxH)} × ${m.weight} = ${f(weightedH)}`;
    modules.push({
      code: m.code,
      score: hundredthsToNumber(scoreH),
      maxScore: hundredthsToNumber(maxH),
      weighted: hundredthsToNumber(weightedH),
    });
    explained.push({
      code: m.code,
      weight: m.weight,
      aspects,
      earned: hundredthsToNumber(earnedH),
      deductions: hundredthsToNumber(deductionsH),
      floored: raw < 0n,
      formula: text(
        `${m.code}：${terms} = ${floorNoteZh}（满分 ${f(maxH)}）；${weighting}`,
        `${m.code}: ${terms} = ${floorNote} of ${f(maxH)}; ${weighting}`,
      ),
    });
  }
  const unknownAspects = [...marksByAspect.keys()].filter((k) => !known.has(k)).sort();
  const formula = `${modules.map((m) => formatHundredths(hundredths(m.weighted))).join(' + ')} = ${formatHundredths(totalH)}`;
  return {
    modules,
    total: hundredthsToNumber(totalH),
    explanation: { modules: explained, formula, missingAspects, unknownAspects },
  };
}

// ---------------------------------------------------------------------------------------------
// Ranks

export interface RankInput {
  id: string;
  total: number;
  /** Compared in order, higher is better, after the total: e.g. practical score, a module score, −time. */
  tieBreak: readonly number[];
}

export interface RankedEntry {
  id: string;
  rank: number;
  total: number;
}

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const desc = (a: number, b: number): number => (a > b ? -1 : a < b ? 1 : 0);

function compareEntries(a: RankInput, b: RankInput): number {
  let c = desc(a.total, b.total);
  for (let i = 0; c === 0 && i < a.tieBreak.length; i++) c = desc(a.tieBreak[i]!, b.tieBreak[i]!);
  return c;
}

/**
 * Competition ranking ("1, 1, 3"): by total descending, then each tie-break descending; entries
 * equal on all of them share a rank, and the next rank skips. So rank = 1 + the number of
 * entries strictly better. Output is in rank order, tied entries by id, whatever the input order.
 * Throws on duplicate ids, non-finite numbers or tie-break lists of different lengths.
 */
export function rank(entries: readonly RankInput[]): RankedEntry[] {
  const ids = new Set<string>();
  const length = entries[0]?.tieBreak.length ?? 0;
  for (const e of entries) {
    if (ids.has(e.id)) throw new RangeError(`Entry ${e.id} appears twice.`);
    ids.add(e.id);
    if (![e.total, ...e.tieBreak].every(Number.isFinite))
      throw new RangeError(`Entry ${e.id} has a non-finite value.`);
    if (e.tieBreak.length !== length) throw new RangeError('Every entry needs the same tie-breaks.');
  }
  const sorted = [...entries].sort((a, b) => compareEntries(a, b) || byString(a.id, b.id));
  const out: RankedEntry[] = [];
  sorted.forEach((e, i) => {
    const shared = i > 0 && compareEntries(sorted[i - 1]!, e) === 0;
    out.push({ id: e.id, rank: shared ? out[i - 1]!.rank : i + 1, total: e.total });
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Award tiers

export type AwardTier = 'FIRST' | 'SECOND' | 'THIRD' | 'HONORABLE';

export const AWARD_TIERS: readonly AwardTier[] = ['FIRST', 'SECOND', 'THIRD', 'HONORABLE'];

export const AWARD_TIER_LABELS: Readonly<Record<AwardTier, string>> = {
  FIRST: '一等奖',
  SECOND: '二等奖',
  THIRD: '三等奖',
  HONORABLE: '优胜奖',
};

export type AwardRule =
  | { by: 'COUNT'; tiers: { tier: AwardTier; count: number }[] }
  | { by: 'PERCENT'; tiers: { tier: AwardTier; percent: number }[] }
  | { by: 'THRESHOLD'; tiers: { tier: AwardTier; minTotal: number }[] };

export interface AwardedEntry extends RankedEntry {
  tier: AwardTier | null;
}

export interface TierSummary {
  tier: AwardTier;
  /** Places the rule gives this tier (COUNT/PERCENT); null for THRESHOLD. */
  quota: number | null;
  /** Entrants ranked at or above this rank get this tier or better (COUNT/PERCENT). */
  cutoffRank: number | null;
  awarded: number;
}

export interface Awards {
  entries: AwardedEntry[];
  tiers: TierSummary[];
}

/**
 * Awards tiers in rank order (FIRST 一等奖, SECOND 二等奖, THIRD 三等奖, HONORABLE 优胜奖; a rule
 * may leave tiers out but must list them in that order).
 *
 * - COUNT / PERCENT: the quotas are cumulative: an entrant gets the best tier whose cumulative
 *   quota is ≥ their rank. Entrants sharing a rank are never split: a tie straddling a boundary
 *   all get the BETTER tier (nobody loses a prize to a shared rank), the tier then holds more
 *   than its quota and the tiers below shrink by as much, so only a tie at the very last
 *   boundary makes the number of prizes exceed the total quota.
 * - PERCENT: quota = floor(percent × entrants / 100) (exact, in hundredths of a percent), but at
 *   least 1 for a tier with percent > 0, so a small event still has a first prize; cumulative
 *   quotas never pass the number of entrants.
 * - THRESHOLD: the best tier whose minTotal the total reaches (thresholds must not increase down
 *   the tiers); equal totals always get the same tier.
 * Entries come back in the order given. Throws on a malformed rule.
 */
/** A malformed award rule, with a message the organizer sees. */
export class InvalidAwardRule extends RangeError {
  constructor(readonly text: Text) {
    super(text.en);
  }
}

export function awardTiers(ranked: readonly RankedEntry[], rule: AwardRule): Awards {
  const order = rule.tiers.map((t) => AWARD_TIERS.indexOf(t.tier));
  if (order.some((o, i) => o < 0 || (i > 0 && o <= order[i - 1]!))) {
    throw new InvalidAwardRule(
      text(
        '奖项等级须按 FIRST、SECOND、THIRD、HONORABLE 的顺序各列一次。',
        'Award tiers must be listed once each, in the order FIRST, SECOND, THIRD, HONORABLE.',
      ),
    );
  }
  if (rule.by === 'THRESHOLD') {
    const mins = rule.tiers.map((t) => t.minTotal);
    if (mins.some((m, i) => !Number.isFinite(m) || (i > 0 && m > mins[i - 1]!))) {
      throw new InvalidAwardRule(
        text(
          '分数线须为数字，且逐级不得升高。',
          'Thresholds must be numbers that do not increase from one tier to the next.',
        ),
      );
    }
    const tierOf = tierLookup(rule, ranked.length);
    const entries = ranked.map((e) => ({ ...e, tier: tierOf(e.rank, e.total) }));
    return {
      entries,
      tiers: rule.tiers.map((t) => ({
        tier: t.tier,
        quota: null,
        cutoffRank: null,
        awarded: entries.filter((e) => e.tier === t.tier).length,
      })),
    };
  }

  const n = ranked.length;
  const { quotas, cutoffs } = tierPlaces(rule, n);
  const tierOf = tierByRank(rule, cutoffs);
  const entries = ranked.map((e) => ({ ...e, tier: tierOf(e.rank) }));
  return {
    entries,
    tiers: rule.tiers.map((t, i) => ({
      tier: t.tier,
      quota: quotas[i]!,
      cutoffRank: cutoffs[i]!,
      awarded: entries.filter((e) => e.tier === t.tier).length,
    })),
  };
}

/** Places per tier of a COUNT or PERCENT rule, and the cumulative cut-off ranks, among n ranked entrants. */
function tierPlaces(
  rule: Exclude<AwardRule, { by: 'THRESHOLD' }>,
  n: number,
): { quotas: number[]; cutoffs: number[] } {
  let quotas: number[];
  if (rule.by === 'COUNT') {
    quotas = rule.tiers.map((t) => t.count);
    if (quotas.some((q) => !Number.isInteger(q) || q < 0))
      throw new InvalidAwardRule(text('名额须为 ≥ 0 的整数。', 'Counts must be whole numbers ≥ 0.'));
  } else {
    const hs = rule.tiers.map((t) => Math.round(t.percent * 100));
    if (
      rule.tiers.some((t, i) => hs[i]! / 100 !== t.percent || t.percent < 0) ||
      hs.reduce((a, b) => a + b, 0) > 10000
    ) {
      throw new InvalidAwardRule(
        text(
          '百分比须 ≥ 0，最多 2 位小数，合计不超过 100。',
          'Percentages must be ≥ 0 with at most 2 decimals, adding up to at most 100.',
        ),
      );
    }
    quotas = hs.map((h) => (h > 0 ? Math.max(1, Math.floor((h * n) / 10000)) : 0));
  }
  let cumulative = 0;
  const cutoffs = quotas.map((q) => (cumulative = Math.min(n, cumulative + q)));
  return { quotas, cutoffs };
}

/** The tier of a rank under cumulative cut-offs (the first cut-off the rank is within). */
function tierByRank(rule: Exclude<AwardRule, { by: 'THRESHOLD' }>, cutoffs: number[]) {
  return (rank: number): AwardTier | null => {
    const i = cutoffs.findIndex((c) => rank <= c);
    return i < 0 ? null : rule.tiers[i]!.tier;
  };
}

/**
 * An entrant's tier from its rank and total, as `awardTiers` gives it over a whole ranking of
 * n entrants (for callers that hold ranks, not the ranking: a board page). The cut-offs are
 * worked out once per call, not per entrant. The rule is assumed valid.
 */
export function tierLookup(rule: AwardRule, n: number): (rank: number, total: number) => AwardTier | null {
  if (rule.by === 'THRESHOLD') {
    return (_rank, total) => rule.tiers.find((t) => total >= t.minTotal)?.tier ?? null;
  }
  return tierByRank(rule, tierPlaces(rule, n).cutoffs);
}

// ---------------------------------------------------------------------------------------------
// Re-check (复核) sample

/** FNV-1a over the UTF-8 of the seed's text: any seed (a number, a notarised string) → 32 bits. */
function hashSeed(seed: number | string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(String(seed), 'utf8')) {
    h ^= byte;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: tiny, fast and good enough to pick a sample; fixed here so old draws replay. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface RecheckSample {
  /** The first topN entrants, always re-checked. */
  top: string[];
  /** ceil(percent % of the others), drawn with the seed; in rank order. */
  sample: string[];
}

/**
 * Which score sheets to re-check (复核) before the results are published: the top N plus a
 * reproducible random sample of ceil(percent% of the rest). The same ids, N, percent and seed
 * always give the same sample (publish the seed so anyone can replay the draw); the draw is a
 * partial Fisher–Yates shuffle driven by mulberry32(FNV-1a(String(seed))).
 */
export function recheckSample(
  entrantIdsInRankOrder: readonly string[],
  topN: number,
  percent: number,
  seed: number | string,
): RecheckSample {
  if (new Set(entrantIdsInRankOrder).size !== entrantIdsInRankOrder.length)
    throw new RangeError('Duplicate entrant id.');
  if (!Number.isInteger(topN) || topN < 0) throw new RangeError('topN must be a whole number ≥ 0.');
  if (!Number.isFinite(percent) || percent < 0 || percent > 100)
    throw new RangeError('percent must be from 0 to 100.');
  const top = entrantIdsInRankOrder.slice(0, topN);
  const rest = entrantIdsInRankOrder.slice(topN);
  // Exact ceil for percentages with up to 2 decimals; more decimals round up in the sample's favour.
  const h = Math.ceil(percent * 100 - 1e-9);
  const size = Math.min(rest.length, Math.ceil((h * rest.length) / 10000));
  const random = mulberry32(hashSeed(seed));
  const picks = rest.map((_, i) => i);
  for (let i = 0; i < size; i++) {
    const j = i + Math.floor(random() * (picks.length - i));
    [picks[i], picks[j]] = [picks[j]!, picks[i]!];
  }
  const sample = picks
    .slice(0, size)
    .sort((a, b) => a - b)
    .map((i) => rest[i]!);
  return { top, sample };
}
