import type { Context } from '../../shared/graphql/context';
import type { Trade } from '../competition/trade.entity';
import { identity } from '../scoring/results-export';
import { maySeeResults, tradeResults } from '../scoring/results.service';
import { chineseDate, facts, footer, heading, newPdf, signatureLines, table, toBuffer } from './pdf';
import { marksLockedAt, namesPublished, panelSigners, publicationHash, tradeCompetition } from './trade-data';

export interface RenderedDocument {
  filename: string;
  content: Buffer;
}

/** What a renderer returns with `probe`: the caller may have the document; nothing was drawn. */
export const MAY_RENDER: RenderedDocument = { filename: '', content: Buffer.alloc(0) };

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(2).replace(/0$/, ''));

export function fileName(...parts: string[]): string {
  return `${parts.join('-').replace(/[\\/:*?"<>|\s]+/g, '_')}.pdf`;
}

/**
 * 成绩汇总表: the trade's ranked results with a signature line per judge and the chief judge,
 * the lock time and the audit hash at publication. Null for a caller who may not see the results.
 */
export async function resultsSummaryPdf(
  ctx: Context,
  trade: Trade,
  probe = false,
): Promise<RenderedDocument | null> {
  const scheme = await ctx.loaders.markingSchemeByTrade.load(trade.id);
  if (!scheme || !(await maySeeResults(ctx, trade))) return null;
  if (probe) return MAY_RENDER;
  const competition = await tradeCompetition(ctx, trade);
  const results = await tradeResults(ctx, trade, scheme);
  const names = namesPublished(competition);
  const [signers, lockedAt, hash] = await Promise.all([
    panelSigners(ctx, trade.id),
    marksLockedAt(ctx, trade.id),
    publicationHash(ctx, competition.id),
  ]);

  const doc = newPdf(`${competition.name} ${trade.name} 成绩汇总表`, 'landscape');
  heading(doc, `${competition.name}`, 14);
  heading(doc, `${trade.name} 成绩汇总表`);
  facts(doc, [
    ['评分锁定时间', chineseDate(lockedAt)],
    ['成绩公布时间', chineseDate(competition.resultsPublishedAt)],
    ['公布时审计链哈希', hash ?? '尚未公布'],
  ]);
  const columns = [
    { title: '名次', width: 5, align: 'center' as const },
    { title: '抽签号', width: 7, align: 'center' as const },
    ...(names
      ? [
          { title: '姓名', width: 10 },
          { title: '单位', width: 16 },
        ]
      : []),
    ...scheme.modules.map((m) => ({ title: `${m.name}（${m.weight}%）`, width: 9, align: 'right' as const })),
    { title: '总分', width: 7, align: 'right' as const },
    { title: '奖项', width: 7, align: 'center' as const },
  ];
  const rows: string[][] = [];
  for (const r of results.entries) {
    const who = names ? (await identity(ctx, r.entrant)).map((v) => v ?? '') : [];
    rows.push([
      String(r.rank),
      r.anonymousNumber ?? '',
      ...who,
      ...r.modules.map((m) => fmt(m.weighted)),
      fmt(r.total),
      r.awardLabel ?? '',
    ]);
  }
  table(doc, columns, rows);
  if (!names) doc.fontSize(9).text('成绩公布前不显示选手姓名和单位。').moveDown(0.5);
  signatureLines(doc, signers);
  doc.moveDown(0.5).fontSize(10).text('日期：____________________');
  footer(doc, `${competition.name} · ${trade.name} · 成绩汇总表 · 打印于 ${chineseDate(new Date())}`);
  return {
    filename: fileName(competition.name, trade.name, '成绩汇总表'),
    content: await toBuffer(doc),
  };
}
