import type { EntityManager } from '@mikro-orm/postgresql';
import { toGlobalId } from '../../shared/graphql/relay';
import { isAdmin } from '../../shared/access/viewer';
import type { Context } from '../../shared/graphql/context';
import {
  RESULTS_PUBLIC_STATUSES,
  type Entrant,
  EntrantStatus,
  type Trade,
} from '../competition/competition.entity';
import type { Mark } from './aggregation';
import { entrantResult, rank } from './ranking';
import type { MarkingScheme } from './scheme';
import type { EntrantResultType } from './results.types';

/** The jury (host organizers, the trade's chief judge, admins) always; the public once results are published. */
export async function maySeeResults(ctx: Context, trade: Trade): Promise<boolean> {
  const c = await ctx.loaders.competitionById.load(trade.competition.id);
  if (!c) return false;
  if (RESULTS_PUBLIC_STATUSES.includes(c.status) || isAdmin(ctx.viewer)) return true;
  const host = await ctx.loaders.organizationById.load(c.host.id);
  if (host && ctx.access.manages(host.path)) return true;
  const [chief] = await ctx.em.execute<{ n: string }[]>(
    `select count(*) as n from judge_assignment where trade_id = ? and account_id = ? and role = 'CHIEF_JUDGE'`,
    [trade.id, ctx.access.accountId ?? 0],
  );
  return chief!.n !== '0';
}

/**
 * Every checked-in entrant's result from the current marks: one statement for
 * the marks (no entity hydration), the engine for scores, ranks and explanations.
 * Ties on the total are broken by module scores, heaviest module first.
 */
export async function tradeResults(
  em: EntityManager,
  trade: Trade,
  scheme: MarkingScheme,
  entrants: Entrant[],
) {
  const rows = await em.execute<
    { entrant_id: number; aspect_code: string; judge_id: number; value: string }[]
  >('select entrant_id, aspect_code, judge_id, value from mark where trade_id = ?', [trade.id]);
  const byEntrant = new Map<number, Map<string, Mark[]>>();
  for (const r of rows) {
    const aspects = byEntrant.get(r.entrant_id) ?? new Map<string, Mark[]>();
    aspects.set(r.aspect_code, [
      ...(aspects.get(r.aspect_code) ?? []),
      { judgeId: String(r.judge_id), value: Number(r.value) },
    ]);
    byEntrant.set(r.entrant_id, aspects);
  }
  const order = scheme.modules.map((m, i) => ({ i, weight: m.weight })).sort((a, b) => b.weight - a.weight);
  const computed = entrants
    .filter((e) => e.status === EntrantStatus.CHECKED_IN)
    .map((e) => ({ entrant: e, result: entrantResult(scheme, byEntrant.get(e.id) ?? new Map()) }));
  const ranks = new Map(
    rank(
      computed.map((c) => ({
        id: String(c.entrant.id),
        total: c.result.total,
        tieBreak: order.map((o) => c.result.modules[o.i]!.weighted),
      })),
    ).map((r) => [r.id, r.rank]),
  );
  const results: EntrantResultType[] = computed.map(({ entrant, result }) => ({
    entrant,
    rank: ranks.get(String(entrant.id))!,
    total: result.total,
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
              dropped: dropped.get(mk.judgeId) ?? null,
            })),
          };
        }),
      };
    }),
  }));
  return results.sort((a, b) => a.rank - b.rank || a.entrant.id - b.entrant.id);
}
