import type { Context } from '../../shared/graphql/context';
import { isOnPanel } from '../competition/panel-membership';
import type { Trade } from '../competition/trade.entity';
import { isJury } from '../scoring/results.service';
import { chineseDate, facts, footer, heading, newPdf, signatureLines, table, toBuffer } from './pdf';
import { fileName, MAY_RENDER, type RenderedDocument } from './results-summary';
import { marksLockedAt, tradeCompetition } from './trade-data';

const KIND_LABEL = { MEASUREMENT: '测量', JUDGEMENT: '评价', DEDUCTION: '扣分' } as const;

/**
 * 评分表: a judge's marking sheet for a trade, by anonymous number. Blank (`judgeId` null) for
 * the jury and the panel; filled with one judge's accepted marks (value and version) for that
 * judge and the jury. Null for anyone else.
 */
export async function markingSheetPdf(
  ctx: Context,
  trade: Trade,
  judgeId: number | null,
  probe = false,
): Promise<RenderedDocument | null> {
  const scheme = await ctx.loaders.markingSchemeByTrade.load(trade.id);
  if (!scheme) return null;
  const me = ctx.access.accountId;
  const jury = await isJury(ctx, trade);
  const allowed =
    judgeId === null
      ? jury || (await isOnPanel(ctx.em, trade.id, me))
      : jury || (me !== null && me === judgeId);
  if (!allowed) return null;
  let judgeName = '';
  if (judgeId !== null) {
    const [row] = await ctx.em.execute<{ display_name: string }[]>(
      'select a.display_name from judge_assignment j join account a on a.id = j.account_id where j.trade_id = ? and j.account_id = ?',
      [trade.id, judgeId],
    );
    if (!row) return null; // not on this trade's panel
    judgeName = row.display_name;
  }
  if (probe) return MAY_RENDER;
  const competition = await tradeCompetition(ctx, trade);
  const entrants = await ctx.em.execute<{ id: number; lot_code: string | null }[]>(
    `select id, lot_code from entrant where trade_id = ? and status = 'CHECKED_IN'
      order by lot_code nulls last, id`,
    [trade.id],
  );
  const marks = new Map<string, { value: string; version: number; updated_at: Date }>();
  if (judgeId !== null) {
    const rows = await ctx.em.execute<
      { entrant_id: number; aspect_code: string; value: string; version: number; updated_at: Date }[]
    >(
      'select entrant_id, aspect_code, value, version, updated_at from mark where trade_id = ? and judge_id = ?',
      [trade.id, judgeId],
    );
    for (const r of rows) marks.set(`${r.entrant_id}/${r.aspect_code}`, r);
  }
  const lockedAt = await marksLockedAt(ctx, trade.id);
  const aspects = scheme.modules.flatMap((m) => m.criteria.flatMap((c) => c.aspects));

  const doc = newPdf(`${competition.name} ${trade.name} 评分表`);
  heading(doc, competition.name, 14);
  heading(doc, `${trade.name} 裁判评分表${judgeId === null ? '' : '（已评分）'}`);
  facts(doc, [
    ['裁判', judgeName || '____________'],
    ['评分锁定时间', chineseDate(lockedAt)],
  ]);
  const rows: string[][] = [];
  for (const e of entrants) {
    for (const a of aspects) {
      const m = marks.get(`${e.id}/${a.code}`);
      const range = a.scale ? `${a.scale.min}–${a.scale.max} 档` : `0–${a.maxMark}`;
      rows.push([
        e.lot_code ?? '（未抽签）',
        a.code,
        `${a.description}（${KIND_LABEL[a.kind]}）`,
        range,
        m ? String(Number(m.value)) : '',
        m ? `v${m.version} ${chineseDate(new Date(m.updated_at))}` : '',
      ]);
    }
  }
  table(
    doc,
    [
      { title: '抽签号', width: 8, align: 'center' },
      { title: '评分项', width: 7 },
      { title: '评分内容', width: 30 },
      { title: '分值', width: 9, align: 'center' },
      { title: '评分', width: 8, align: 'center' },
      { title: '版本 / 时间', width: 16 },
    ],
    rows,
  );
  signatureLines(doc, [{ role: '裁判', name: judgeName }]);
  footer(doc, `${competition.name} · ${trade.name} · 评分表 · 打印于 ${chineseDate(new Date())}`);
  return {
    filename: fileName(competition.name, trade.name, '评分表', judgeName || '空白'),
    content: await toBuffer(doc),
  };
}
