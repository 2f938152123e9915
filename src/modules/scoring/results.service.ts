import type { EntityManager } from '@mikro-orm/postgresql';
import { toGlobalId } from '../../shared/graphql/relay';
import { isAdmin } from '../../shared/access/viewer';
import { DomainError, ErrorCode, Problems } from '../../shared/errors';
import type { Context } from '../../shared/graphql/context';
import { decodeId } from '../../shared/validation';
import { appendAudit } from '../audit/audit.service';
import { awardsWithinQuota } from './award-quota';
import { CompetitionStatus, RESULTS_PUBLIC_STATUSES } from '../competition/competition.entity';
import { Entrant, EntrantStatus } from '../competition/entrant.entity';
import type { Trade } from '../competition/trade.entity';
import { groupMarks, type StoredMark, toleranceBreach } from './aggregation';
import { isChiefJudge, loadTradeForJury } from './jury';
import { ENTRANT_LOCKED_SQL, type ToleranceNotice } from './marks.service';
import { AWARD_TIER_LABELS, awardTiers, entrantResult, rank, type TierSummary } from './ranking';
import { normalizeMarks } from './normalization';
import { defaultRules, type ResultsRules, tieBreakValues, titlesFor, validateRules } from './results-rules';
import type { MarkingScheme } from './scheme';
import type {
  AwardTierEnum,
  RecordCompletionTimeInput,
  ResultsRulesType,
  SetResultsRulesInput,
} from './results-rules.types';
import type { DroppedMarkReason, EntrantResultType } from './results.types';
import { text } from '../../shared/i18n';

/** The jury (host organizers, the trade's chief judge, admins) always; the public once results are published. */
export async function maySeeResults(ctx: Context, trade: Trade): Promise<boolean> {
  const c = await ctx.loaders.competitionById.load(trade.competition.id);
  if (!c) return false;
  if (RESULTS_PUBLIC_STATUSES.includes(c.status)) return true;
  return isJury(ctx, trade);
}

/**
 * Host organizers, the trade's chief judge, admins: people who follow the contest from the
 * inside. API keys never are: the apps they serve show the public what is public.
 */
export async function isJury(ctx: Context, trade: Trade): Promise<boolean> {
  if (ctx.viewer.kind !== 'account') return false;
  if (isAdmin(ctx.viewer)) return true;
  const c = await ctx.loaders.competitionById.load(trade.competition.id);
  const host = c && (await ctx.loaders.organizationById.load(c.host.id));
  if (host && ctx.access.manages(host.path)) return true;
  return isChiefJudge(ctx.em, trade.id, ctx.access.accountId);
}

export interface TradeResults {
  entries: EntrantResultType[];
  tiers: TierSummary[];
  rules: ResultsRules;
}

export async function loadRules(em: EntityManager, tradeId: number): Promise<ResultsRules | null> {
  const [row] = await em.execute<{ results_rules: ResultsRules | null }[]>(
    'select results_rules from trade where id = ?',
    [tradeId],
  );
  return row?.results_rules ?? null;
}

/**
 * Every checked-in entrant's result from the current marks: one statement for the marks (no
 * entity hydration), the engine for scores, ranks (with the trade's tie-breaks), award tiers,
 * titles and explanations.
 */
export async function computeTradeResults(
  em: EntityManager,
  tradeId: number,
  scheme: MarkingScheme,
): Promise<TradeResults> {
  // One after the other: inside a transaction they share one connection.
  const rows = await em.execute<StoredMark[]>(
    'select entrant_id, aspect_code, judge_id, value from mark where trade_id = ?',
    [tradeId],
  );
  const entrants = await em.find(Entrant, { trade: tradeId, status: EntrantStatus.CHECKED_IN });
  const times = await em.execute<{ id: number; completion_seconds: string | null }[]>(
    `select id, completion_seconds from entrant where trade_id = ? and status = 'CHECKED_IN'`,
    [tradeId],
  );
  const stored = await loadRules(em, tradeId);
  const rules = stored ?? defaultRules(scheme);
  const timeOf = new Map(
    times.map((r) => [r.id, r.completion_seconds === null ? null : Number(r.completion_seconds)]),
  );
  const byEntrant = groupMarks(rows);
  const marks = rules.normalization === 'ZSCORE' ? normalizeMarks(scheme, byEntrant) : byEntrant;
  const computed = entrants.map((e) => {
    const result = entrantResult(scheme, marks.get(e.id) ?? new Map());
    const seconds = timeOf.get(e.id) ?? null;
    return { entrant: e, result, seconds, tieBreak: tieBreakValues(rules, scheme, result, seconds) };
  });
  const ranked = rank(
    computed.map((c) => ({ id: String(c.entrant.id), total: c.result.total, tieBreak: c.tieBreak })),
  );
  const awards = rules.awards ? await awardsWithinQuota(em, tradeId, awardTiers(ranked, rules.awards)) : null;
  const placed = new Map(
    (awards?.entries ?? ranked.map((r) => ({ ...r, tier: null }))).map((r) => [Number(r.id), r]),
  );
  const entries: EntrantResultType[] = computed.map(({ entrant, result, seconds, tieBreak }) => {
    const place = placed.get(entrant.id)!;
    return {
      entrant,
      anonymousNumber: entrant.anonymousNumber ?? null,
      rank: place.rank,
      total: result.total,
      awardTier: place.tier as AwardTierEnum | null,
      awardLabel: place.tier ? AWARD_TIER_LABELS[place.tier] : null,
      titles: titlesFor(rules, place),
      completionSeconds: seconds,
      tieBreak: rules.tieBreak.map((t, i) => ({
        kind: t.kind as never,
        code: t.code,
        value: t.kind === 'COMPLETION_TIME' ? seconds : tieBreak[i]! <= -1e12 ? null : tieBreak[i]!,
      })),
      formula: result.explanation.formula,
      missingAspects: result.explanation.missingAspects,
      modules: result.modules.map((m, i) => {
        const ex = result.explanation.modules[i]!;
        return {
          ...m,
          formula: ex.formula,
          aspects: ex.aspects.map((a) => {
            const dropped = new Map(a.explanation.dropped.map((d) => [d.judgeId, d.reason]));
            return {
              code: a.code,
              score: a.score,
              method: a.explanation.method as never,
              formula: a.explanation.formula,
              note: a.explanation.note,
              marks: a.explanation.inputs.map((mk) => ({
                judgeId: toGlobalId('Account', Number(mk.judgeId)),
                value: mk.value,
                dropped: (dropped.get(mk.judgeId) as DroppedMarkReason | undefined) ?? null,
              })),
            };
          }),
        };
      }),
    };
  });
  entries.sort((a, b) => a.rank - b.rank || a.entrant.id - b.entrant.id);
  return { entries, tiers: awards?.tiers ?? [], rules };
}

const perRequest = new WeakMap<Context, Map<number, Promise<TradeResults>>>();

/** One computation per trade per request, however many fields (results, awards, export) ask. */
export function tradeResults(ctx: Context, trade: Trade, scheme: MarkingScheme): Promise<TradeResults> {
  let cache = perRequest.get(ctx);
  if (!cache) perRequest.set(ctx, (cache = new Map()));
  let p = cache.get(trade.id);
  if (!p) cache.set(trade.id, (p = computeTradeResults(ctx.em, trade.id, scheme)));
  return p;
}

export function rulesView(rules: ResultsRules, isDefault: boolean): ResultsRulesType {
  return {
    isDefault,
    normalization: (rules.normalization ?? 'NONE') as never,
    tieBreak: rules.tieBreak.map((t) => ({ kind: t.kind as never, code: t.code })),
    titles: rules.titles.map((t) => ({
      title: t.title,
      tiers: (t.tiers as AwardTierEnum[] | null) ?? null,
      maxRank: t.maxRank,
    })),
    awards: rules.awards
      ? {
          by: rules.awards.by as never,
          tiers: rules.awards.tiers.map((t) => ({
            tier: t.tier as AwardTierEnum,
            label: AWARD_TIER_LABELS[t.tier],
            count: 'count' in t ? t.count : null,
            percent: 'percent' in t ? t.percent : null,
            minTotal: 'minTotal' in t ? t.minTotal : null,
          })),
        }
      : null,
  };
}

/** Rules may change until publication; afterwards they are part of the published results. */
export async function setResultsRules(
  ctx: Context,
  em: EntityManager,
  input: SetResultsRulesInput,
): Promise<ResultsRulesType> {
  const p = new Problems();
  const tradeId = decodeId(p, 'input.tradeId', input.tradeId, 'Trade');
  p.throwIfAny();
  const { competition } = await loadTradeForJury(ctx, em, tradeId, 'input.tradeId', { manager: true }, true);
  if (RESULTS_PUBLIC_STATUSES.includes(competition.status)) {
    throw new DomainError(
      ErrorCode.RESULTS_FROZEN,
      text('成绩已公布：规则不能再更改。', 'Results are published: their rules no longer change.'),
      'input.tradeId',
    );
  }
  const [row] = await em.execute<{ marking_scheme: MarkingScheme | null }[]>(
    'select marking_scheme from trade where id = ?',
    [tradeId],
  );
  const a = input.awards;
  const rules: ResultsRules = {
    tieBreak: input.tieBreak.map((t) => ({ kind: t.kind, code: t.code?.trim() || null })),
    awards: a
      ? ({
          by: a.by,
          tiers: a.tiers.map((t) =>
            a.by === 'COUNT'
              ? { tier: t.tier, count: t.count }
              : a.by === 'PERCENT'
                ? { tier: t.tier, percent: t.percent }
                : { tier: t.tier, minTotal: t.minTotal },
          ),
        } as ResultsRules['awards'])
      : null,
    titles: (input.titles ?? []).map((t) => ({
      title: t.title.trim(),
      tiers: t.tiers?.length ? [...t.tiers] : null,
      maxRank: t.maxRank ?? null,
    })),
    normalization: input.normalization ?? 'NONE',
  };
  validateRules(p, rules, row?.marking_scheme ?? null);
  const [quota] = await em.execute<{ award_quota: number }[]>(
    'select k.award_quota from trade t join campaign_category k on k.id = t.category_id where t.id = ?',
    [tradeId],
  );
  if (quota && rules.awards?.by === 'COUNT') {
    const total = rules.awards.tiers.reduce((n, t) => n + ('count' in t ? t.count : 0), 0);
    if (total > quota.award_quota)
      p.add(
        ErrorCode.OUT_OF_RANGE,
        text(
          `该类别的获奖名额为 ${quota.award_quota}。`,
          `The category’s award quota is ${quota.award_quota}.`,
        ),
        'input.awards',
      );
  }
  p.throwIfAny();
  const [before] = await em.execute<{ results_rules: ResultsRules | null }[]>(
    'select results_rules from trade where id = ?',
    [tradeId],
  );
  await em.execute('update trade set results_rules = ?::jsonb where id = ?', [
    JSON.stringify(rules),
    tradeId,
  ]);
  await ctx.events.record(em, 'RESULT_INPUTS_CHANGED', { tradeId, entrantIds: null });
  await appendAudit(em, {
    competitionId: competition.id,
    kind: 'RESULTS_RULES_SET',
    actorId: ctx.access.accountId,
    subject: { tradeId },
    before: before?.results_rules ? { rules: before.results_rules } : null,
    after: { rules },
  });
  return rulesView(rules, false);
}

/** The chief judge records how long an entrant took (time tie-break); audited like a mark. */
export async function recordCompletionTime(
  ctx: Context,
  em: EntityManager,
  input: RecordCompletionTimeInput,
): Promise<number> {
  const p = new Problems();
  const entrantId = decodeId(p, 'input.entrantId', input.entrantId, 'Entrant');
  const hundredths = Math.round(input.seconds * 100);
  if (
    !Number.isFinite(input.seconds) ||
    input.seconds < 0 ||
    input.seconds > 1e7 ||
    Math.abs(input.seconds * 100 - hundredths) > 1e-6
  )
    p.add(
      ErrorCode.OUT_OF_RANGE,
      text('秒数须 ≥ 0，最多 2 位小数。', 'Seconds must be ≥ 0 with at most 2 decimals.'),
      'input.seconds',
    );
  p.throwIfAny();
  const [e] = await em.execute<
    { trade_id: number; status: EntrantStatus; locked: boolean; completion_seconds: string | null }[]
  >(
    `select e.trade_id, e.status, ${ENTRANT_LOCKED_SQL} as locked, e.completion_seconds
       from entrant e join trade t on t.id = e.trade_id where e.id = ? for no key update of e`,
    [entrantId],
  );
  if (!e)
    throw new DomainError(
      ErrorCode.NOT_FOUND,
      text('没有该参赛选手。', 'No such entrant.'),
      'input.entrantId',
    );
  const { competition } = await loadTradeForJury(ctx, em, e.trade_id, 'input.entrantId', { chief: true });
  const open = [CompetitionStatus.RUNNING, CompetitionStatus.SCORING_CLOSED, CompetitionStatus.PUBLISHED];
  if (!open.includes(competition.status))
    throw new DomainError(
      ErrorCode.WRONG_STAGE,
      text(`竞赛当前状态为 ${competition.status}。`, `The competition is ${competition.status}.`),
      'input.entrantId',
    );
  if (e.status !== EntrantStatus.CHECKED_IN)
    throw new DomainError(
      ErrorCode.VALIDATION,
      text('只有已检录的参赛选手有用时记录。', 'Only checked-in entrants have times.'),
      'input.entrantId',
    );
  if (e.locked)
    throw new DomainError(
      ErrorCode.MARKS_LOCKED,
      text('该参赛选手的成绩已锁定。', 'This entrant’s results are locked.'),
      'input.entrantId',
    );
  const seconds = hundredths / 100;
  await em.execute('update entrant set completion_seconds = ? where id = ?', [seconds, entrantId]);
  await ctx.events.record(em, 'RESULT_INPUTS_CHANGED', { tradeId: e.trade_id, entrantIds: [entrantId] });
  await appendAudit(em, {
    competitionId: competition.id,
    kind: 'COMPLETION_TIME_RECORDED',
    actorId: ctx.access.accountId,
    subject: { entrantId, tradeId: e.trade_id },
    before: e.completion_seconds === null ? null : { seconds: Number(e.completion_seconds) },
    after: { seconds },
  });
  return seconds;
}

/** Every (entrant, aspect) whose current marks break the aspect's tolerance; `at` is the latest mark's time. */
export async function openToleranceBreaches(
  em: EntityManager,
  tradeId: number,
  scheme: MarkingScheme,
): Promise<ToleranceNotice[]> {
  const aspects = new Map(
    scheme.modules.flatMap((m) =>
      m.criteria.flatMap((c) => c.aspects.filter((a) => a.tolerance !== null).map((a) => [a.code, a])),
    ),
  );
  if (aspects.size === 0) return [];
  const rows = await em.execute<
    {
      entrant_id: number;
      lot_code: string | null;
      aspect_code: string;
      judge_id: number;
      value: string;
      updated_at: string;
    }[]
  >(
    `select m.entrant_id, e.lot_code, m.aspect_code, m.judge_id, m.value, m.updated_at
       from mark m join entrant e on e.id = m.entrant_id and e.status = 'CHECKED_IN'
      where m.trade_id = ? order by m.entrant_id, m.aspect_code, m.judge_id`,
    [tradeId],
  );
  const panels = new Map<string, typeof rows>();
  for (const r of rows) {
    if (!aspects.has(r.aspect_code)) continue;
    const key = `${r.entrant_id}|${r.aspect_code}`;
    panels.set(key, [...(panels.get(key) ?? []), r]);
  }
  const out: ToleranceNotice[] = [];
  for (const panel of panels.values()) {
    const aspect = aspects.get(panel[0]!.aspect_code)!;
    const check = toleranceBreach(
      aspect,
      panel.map((r) => ({ judgeId: String(r.judge_id), value: Number(r.value) })),
    );
    if (!check.breached) continue;
    out.push({
      tradeId,
      entrantId: panel[0]!.entrant_id,
      anonymousNumber: panel[0]!.lot_code,
      aspectCode: aspect.code,
      spread: check.spread,
      tolerance: aspect.tolerance!,
      message: check.message,
      marks: panel.map((r) => ({ judgeId: r.judge_id, value: Number(r.value) })),
      at: new Date(Math.max(...panel.map((r) => new Date(r.updated_at).getTime()))).toISOString(),
    });
  }
  return out;
}
