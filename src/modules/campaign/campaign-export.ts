import type { Context } from '../../shared/graphql/context';
import { tabularFile, type TabularFile } from '../../shared/spreadsheet';
import type { Competition } from '../competition/competition.entity';
import { canSeeEntrants } from '../competition/competition.service';
import { RoundKind, Trade } from '../competition/trade.entity';
import { identity } from '../scoring/results-export';
import { maySeeResults, tradeResults } from '../scoring/results.service';

export const CAMPAIGN_RESULTS_HEADINGS = [
  '类别 Category',
  '名次 Rank',
  '编号 No.',
  '项目名称 Entry',
  '申报者 Entrant',
  '单位 Unit',
  '总分 Total',
  '奖项 Award',
];

/**
 * A campaign's results as a file: each category's final round, ranked; the entry and who entered
 * it only for those who may see identities (as `Competition.submissions`). Null when the caller may see no final round's
 * results, as `Trade.results` would answer.
 */
export async function campaignResultsFile(
  ctx: Context,
  campaign: Competition,
  format: 'CSV' | 'XLSX',
): Promise<TabularFile | null> {
  const finals = await ctx.em.find(
    Trade,
    { competition: campaign.id, roundKind: RoundKind.FINAL },
    { orderBy: { id: 'asc' } },
  );
  const identities = await canSeeEntrants(ctx, campaign);
  const rows: (string | number | null)[][] = [CAMPAIGN_RESULTS_HEADINGS];
  let visible = false;
  for (const trade of finals) {
    const scheme = await ctx.loaders.markingSchemeByTrade.load(trade.id);
    if (!scheme || !(await maySeeResults(ctx, trade))) continue;
    visible = true;
    const [category] = await ctx.em.execute<{ name: string }[]>(
      'select k.name from campaign_category k join trade t on t.category_id = k.id where t.id = ?',
      [trade.id],
    );
    for (const r of (await tradeResults(ctx, trade, scheme)).entries) {
      const [entry] = await ctx.em.execute<{ title: string; studio: string | null }[]>(
        `select s.title, st.name as studio from entrant e join submission s on s.id = e.submission_id
           left join studio st on st.id = s.studio_id where e.id = ?`,
        [r.entrant.id],
      );
      const [who, unit] = !identities
        ? [null, null]
        : entry?.studio
          ? [entry.studio, null]
          : await identity(ctx, r.entrant);
      rows.push([
        category?.name ?? trade.name,
        r.rank,
        r.anonymousNumber,
        identities ? (entry?.title ?? null) : null,
        who,
        unit,
        r.total,
        r.awardLabel,
      ]);
    }
  }
  if (!visible) return null;
  return tabularFile(`${campaign.name}-results`, '评选结果 Results', rows, format);
}
