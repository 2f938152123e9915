import ExcelJS from 'exceljs';
import type { Context } from '../../shared/graphql/context';
import { canSeeEntrants } from '../competition/competition.service';
import type { Competition } from '../competition/competition.entity';
import type { Trade } from '../competition/trade.entity';
import type { MarkingScheme } from './scheme';
import type { TradeResults } from './results.service';
import { ResultsFileFormat, type ResultsFile } from './results.types';

/** A spreadsheet would run a cell starting with one of these as a formula (CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

function safeText(v: string): string {
  return FORMULA_START.test(v) ? `'${v}` : v;
}

function csvCell(v: string | number | null): string {
  if (v === null) return '';
  const s = typeof v === 'number' ? String(v) : safeText(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

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
  const base = `${competition.name}-${trade.name}-results`.replace(/[\\/:*?"<>|\s]+/g, '_');
  if (format === ResultsFileFormat.CSV) {
    const lines = [header, ...rows].map((line) => line.map(csvCell).join(','));
    return {
      filename: `${base}.csv`,
      contentType: 'text/csv; charset=utf-8',
      encoding: 'utf-8',
      content: `\uFEFF${lines.join('\r\n')}\r\n`,
    };
  }
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(trade.name.slice(0, 31) || 'results');
  sheet.addRow(header).font = { bold: true };
  for (const row of rows) sheet.addRow(row.map((v) => (typeof v === 'string' ? safeText(v) : v)));
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
  const buffer = Buffer.from(await workbook.xlsx.writeBuffer());
  return {
    filename: `${base}.xlsx`,
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    encoding: 'base64',
    content: buffer.toString('base64'),
  };
}

async function identity(
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
