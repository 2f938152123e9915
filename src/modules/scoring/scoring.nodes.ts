import type { Context } from '../../shared/graphql/context';
import type { NodeType } from '../../shared/graphql/nodes';
import { Mark } from './marks.types';
import { markView } from './marks.service';
import { isJury } from './results.service';
import { Appeal } from './review.types';
import { appealView } from './appeals.service';

/** As `Trade.appeals`: the jury's. */
async function fetchAppeal(ctx: Context, id: number): Promise<Appeal | null> {
  const rows = await ctx.em.execute<Parameters<typeof appealView>[1]>('select * from appeal where id = ?', [
    id,
  ]);
  const t = rows[0] && (await ctx.loaders.tradeById.load(rows[0].trade_id));
  return t && (await isJury(ctx, t)) ? ((await appealView(ctx.em, rows))[0] ?? null) : null;
}

/** The judge who gave it and the jury (the public sees totals, never single marks). */
async function fetchMark(ctx: Context, id: number): Promise<Mark | null> {
  const [m] = await ctx.em.execute<
    {
      entrant_id: number;
      trade_id: number;
      aspect_code: string;
      value: string;
      version: number;
      judge_id: number;
    }[]
  >('select entrant_id, trade_id, aspect_code, value, version, judge_id from mark where id = ?', [id]);
  if (!m) return null;
  const t = await ctx.loaders.tradeById.load(m.trade_id);
  const mine = ctx.access.accountId === m.judge_id;
  if (!t || (!mine && !(await isJury(ctx, t)))) return null;
  return markView(id, m.entrant_id, m.aspect_code, Number(m.value), m.version, m.judge_id);
}

export const scoringNodes: NodeType[] = [
  { name: 'Appeal', cls: Appeal, fetch: fetchAppeal },
  { name: 'Mark', cls: Mark, fetch: fetchMark },
];
