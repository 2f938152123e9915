import type { Context } from '../../shared/graphql/context';
import { RESULTS_PUBLIC_STATUSES, type Competition } from '../competition/competition.entity';
import type { Trade } from '../competition/trade.entity';

/** The panel as it signs: judges in the order they were seated, then the chief judge. */
export async function panelSigners(ctx: Context, tradeId: number): Promise<{ role: string; name: string }[]> {
  const rows = await ctx.em.execute<{ display_name: string; role: string }[]>(
    `select a.display_name, j.role from judge_assignment j join account a on a.id = j.account_id
      where j.trade_id = ? order by (j.role = 'CHIEF_JUDGE'), j.id`,
    [tradeId],
  );
  return rows.map((r) => ({ role: r.role === 'CHIEF_JUDGE' ? '裁判长' : '裁判', name: r.display_name }));
}

/** When the chief judge locked the trade's marks; null while open. */
export async function marksLockedAt(ctx: Context, tradeId: number): Promise<Date | null> {
  const [row] = await ctx.em.execute<{ marks_locked_at: Date | null }[]>(
    'select marks_locked_at from trade where id = ?',
    [tradeId],
  );
  return row?.marks_locked_at ? new Date(row.marks_locked_at) : null;
}

/** The audit chain's hash at the publication event, to check the paper against the system. */
export async function publicationHash(ctx: Context, competitionId: number): Promise<string | null> {
  const [row] = await ctx.em.execute<{ hash: string }[]>(
    `select hash from audit_event where competition_id = ? and kind = 'RESULTS_PUBLISHED'
      order by seq desc limit 1`,
    [competitionId],
  );
  return row?.hash ?? null;
}

/** Names go on paper only once results are published, whoever prints. */
export function namesPublished(competition: Competition): boolean {
  return RESULTS_PUBLIC_STATUSES.includes(competition.status);
}

export async function tradeCompetition(ctx: Context, trade: Trade): Promise<Competition> {
  return (await ctx.loaders.competitionById.load(trade.competition.id))!;
}
