import type { Context } from '../../shared/graphql/context';
import type { Competition } from '../competition/competition.entity';
import { Trade } from '../competition/trade.entity';
import { identity } from '../scoring/results-export';
import { tradeResults } from '../scoring/results.service';
import { chineseDate, footer, heading, newPdf, table, toBuffer } from './pdf';
import { fileName, MAY_RENDER, type RenderedDocument } from './results-summary';
import { namesPublished, publicationHash } from './trade-data';

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(2).replace(/0$/, ''));

/**
 * 公示: the competition's results for the notice period, with its end, the appeal deadline and
 * where to appeal. It exists once results are published (then it is public); null before.
 */
export async function noticePdf(
  ctx: Context,
  competition: Competition,
  probe = false,
): Promise<RenderedDocument | null> {
  if (!namesPublished(competition)) return null;
  if (probe) return MAY_RENDER;
  const host = await ctx.loaders.organizationById.load(competition.host.id);
  const trades = await ctx.em.find(Trade, { competition: competition.id }, { orderBy: { id: 'asc' } });
  const hash = await publicationHash(ctx, competition.id);

  const doc = newPdf(`${competition.name} 成绩公示`);
  heading(doc, `关于${competition.name}成绩的公示`);
  doc
    .fontSize(11)
    .text(
      `${competition.name}各赛项成绩已经评定，现予公示。公示期自${chineseDate(competition.resultsPublishedAt)}起至` +
        `${chineseDate(competition.noticeEndsAt)}止。对公示结果有异议的，请于${chineseDate(competition.appealDeadline)}前` +
        `以书面形式向${host?.name ?? '主办单位'}（主办单位）提出申诉，并提供相关证明材料；逾期不予受理。`,
      { lineGap: 3 },
    )
    .moveDown(0.8);
  for (const trade of trades) {
    const scheme = await ctx.loaders.markingSchemeByTrade.load(trade.id);
    if (!scheme) continue;
    const results = await tradeResults(ctx, trade, scheme);
    doc.font('bold').fontSize(12).text(trade.name).font('regular').moveDown(0.3);
    const rows: string[][] = [];
    for (const r of results.entries) {
      const [name, unit] = await identity(ctx, r.entrant);
      rows.push([
        String(r.rank),
        r.anonymousNumber ?? '',
        name ?? '',
        unit ?? '',
        fmt(r.total),
        r.awardLabel ?? '',
      ]);
    }
    table(
      doc,
      [
        { title: '名次', width: 6, align: 'center' },
        { title: '抽签号', width: 8, align: 'center' },
        { title: '姓名', width: 12 },
        { title: '单位', width: 24 },
        { title: '总分', width: 8, align: 'right' },
        { title: '奖项', width: 8, align: 'center' },
      ],
      rows,
    );
  }
  doc.moveDown(1);
  doc.fontSize(11).text(host?.name ?? '', { align: 'right' });
  doc.text(chineseDate(competition.resultsPublishedAt, false), { align: 'right' });
  footer(doc, `${competition.name} · 成绩公示 · 审计链哈希 ${hash ?? '—'}`);
  return { filename: fileName(competition.name, '成绩公示'), content: await toBuffer(doc) };
}
