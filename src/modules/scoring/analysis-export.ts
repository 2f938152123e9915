import { pgArray } from '../../shared/db/paging';
import type { Context } from '../../shared/graphql/context';
import { toGlobalId } from '../../shared/graphql/relay';
import { tabularFile } from '../../shared/spreadsheet';
import type { Competition } from '../competition/competition.entity';
import type { Trade } from '../competition/trade.entity';
import type { StoredMark } from './aggregation';
import { judgeAnalysis } from './analysis';
import type { MarkingScheme } from './scheme';
import { type JudgeAnalysis, type ResultsFile, ResultsFileFormat } from './results.types';

/** Per judge of the trade's panel: marks given, deviation from the others, how often trimmed. */
export async function judgeAnalysisOf(
  ctx: Context,
  trade: Trade,
  scheme: MarkingScheme,
): Promise<JudgeAnalysis[]> {
  const rows = await ctx.em.execute<StoredMark[]>(
    `select m.entrant_id, m.aspect_code, m.judge_id, m.value from mark m
       join entrant e on e.id = m.entrant_id and e.status = 'CHECKED_IN' where m.trade_id = ?`,
    [trade.id],
  );
  const stats = judgeAnalysis(
    scheme,
    rows.map((r) => ({
      entrantId: r.entrant_id,
      aspectCode: r.aspect_code,
      judgeId: r.judge_id,
      value: Number(r.value),
    })),
  );
  const names = new Map(
    (
      await ctx.em.execute<{ id: number; display_name: string }[]>(
        'select id, display_name from account where id = any(?::int[])',
        [pgArray(stats.map((s) => s.judgeId))],
      )
    ).map((r) => [r.id, r.display_name]),
  );
  return stats.map((s) => ({
    ...s,
    judgeId: toGlobalId('Account', s.judgeId),
    displayName: names.get(s.judgeId) ?? '',
  }));
}

export const JUDGE_ANALYSIS_HEADINGS = [
  '裁判 Judge',
  '评分数 Marks given',
  '可比较评分数 Marks compared',
  '平均偏差 Mean deviation',
  '平均绝对偏差 Mean absolute deviation',
  '作为最高分去掉 Dropped high',
  '作为最低分去掉 Dropped low',
  '可去分评分数 Marks trimmable',
  '去分率 Dropped rate',
];

export function judgeAnalysisFile(
  competition: Competition,
  trade: Trade,
  stats: JudgeAnalysis[],
  format: ResultsFileFormat,
): Promise<ResultsFile> {
  return tabularFile(
    `${competition.name}-${trade.name}-judge-analysis`,
    '裁判分析 Judge analysis',
    [
      JUDGE_ANALYSIS_HEADINGS,
      ...stats.map((s) => [
        s.displayName,
        s.marksGiven,
        s.marksCompared,
        s.meanDeviation,
        s.meanAbsoluteDeviation,
        s.droppedHigh,
        s.droppedLow,
        s.marksTrimmable,
        s.droppedRate,
      ]),
    ],
    format === ResultsFileFormat.CSV ? 'CSV' : 'XLSX',
  );
}
