import { tabularFile } from '../../shared/spreadsheet';
import type { Context } from '../../shared/graphql/context';
import { canSeeEntrants } from '../competition/competition.service';
import type { Competition } from '../competition/competition.entity';
import type { Trade } from '../competition/trade.entity';
import type { MarkingScheme } from './scheme';
import type { TradeResults } from './results.service';
import { ResultsFileFormat, type ResultsFile } from './results.types';

/**
 * The results table as published: rank, anonymous number, the entrant and their unit (only
 * for those who may see identities), module scores, total, award and titles.
 */
export async function resultsFile(
  ctx: Context,
  competition: Competition,
  trade: Trade,
  scheme: MarkingScheme,
  results: TradeResults,
  format: ResultsFileFormat,
): Promise<ResultsFile> {
  const identities = await canSeeEntrants(ctx, competition);
  const header = [
    '名次 Rank',
    '抽签号 No.',
    ...(identities ? ['参赛者 Entrant', '单位 Unit'] : []),
    ...scheme.modules.map((m) => `${m.code} ${m.name} (${m.weight}%)`),
    '总分 Total',
    '奖项 Award',
    '称号 Titles',
    '用时(秒) Time (s)',
  ];
  const rows: (string | number | null)[][] = [];
  for (const r of results.entries) {
    const who = identities ? await identity(ctx, r.entrant) : [];
    rows.push([
      r.rank,
      r.anonymousNumber,
      ...who,
      ...r.modules.map((m) => m.weighted),
      r.total,
      r.awardLabel,
      r.titles.join('、') || null,
      r.completionSeconds,
    ]);
  }
  return tabularFile(
    `${competition.name}-${trade.name}-results`,
    trade.name || 'results',
    [header, ...rows],
    format === ResultsFileFormat.CSV ? 'CSV' : 'XLSX',
  );
}

export async function identity(
  ctx: Context,
  e: TradeResults['entries'][number]['entrant'],
): Promise<(string | null)[]> {
  if (e.person) {
    const p = await ctx.loaders.personById.load(e.person.id);
    const employer = p?.employer ? await ctx.loaders.organizationById.load(p.employer.id) : null;
    return [p?.name ?? null, employer?.name ?? null];
  }
  if (e.team) {
    const t = await ctx.loaders.teamById.load(e.team.id);
    const org = t ? await ctx.loaders.organizationById.load(t.organization.id) : null;
    return [t?.name ?? null, org?.name ?? null];
  }
  const org = e.enterprise ? await ctx.loaders.organizationById.load(e.enterprise.id) : null;
  return [org?.name ?? null, org?.name ?? null];
}
