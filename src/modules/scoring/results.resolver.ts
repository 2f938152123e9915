import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { Context } from '../../shared/graphql/context';
import { runMutation } from '../../shared/graphql/mutation';
import { Trade } from '../competition/trade.entity';
import { judgeAnalysisFile, judgeAnalysisOf } from './analysis-export';
import { toleranceAlert } from './marks.resolver';
import { ToleranceAlert } from './marks.types';
import { AWARD_TIER_LABELS } from './ranking';
import { defaultRules } from './results-rules';
import { resultsFile } from './results-export';
import * as results from './results.service';
import {
  RecordCompletionTimeInput,
  RecordCompletionTimePayload,
  ResultsRulesType,
  SetResultsRulesInput,
  SetResultsRulesPayload,
} from './results-rules.types';
import {
  AwardTierSummaryType,
  EntrantResultType,
  JudgeAnalysis,
  ResultsFile,
  ResultsFileFormat,
} from './results.types';

@Resolver(() => Trade)
export class ResultsResolver {
  @FieldResolver(() => [EntrantResultType], {
    nullable: true,
    description:
      'Results of the checked-in entrants from the current marks, ranked (with the trade’s tie-breaks), awarded ' +
      'and explained. The jury sees them live; the public once results are published. Null when not visible or ' +
      'no scheme is set.',
  })
  async results(@Root() trade: Trade, @Ctx() ctx: Context): Promise<EntrantResultType[] | null> {
    const scheme = await ctx.loaders.markingSchemeByTrade.load(trade.id);
    if (!scheme || !(await results.maySeeResults(ctx, trade))) return null;
    return (await results.tradeResults(ctx, trade, scheme)).entries;
  }

  @FieldResolver(() => [AwardTierSummaryType], {
    nullable: true,
    description:
      'How many entrants each award tier went to; visible with the results. Empty without an award rule.',
  })
  async awardSummary(@Root() trade: Trade, @Ctx() ctx: Context): Promise<AwardTierSummaryType[] | null> {
    const scheme = await ctx.loaders.markingSchemeByTrade.load(trade.id);
    if (!scheme || !(await results.maySeeResults(ctx, trade))) return null;
    const r = await results.tradeResults(ctx, trade, scheme);
    return r.tiers.map((t) => ({ ...t, tier: t.tier as never, label: AWARD_TIER_LABELS[t.tier] }));
  }

  @FieldResolver(() => ResultsRulesType, {
    nullable: true,
    description: 'How results are ranked and awarded (public with the trade); null until a scheme is set.',
  })
  async resultsRules(@Root() trade: Trade, @Ctx() ctx: Context): Promise<ResultsRulesType | null> {
    const scheme = await ctx.loaders.markingSchemeByTrade.load(trade.id);
    if (!scheme) return null;
    const stored = await results.loadRules(ctx.em, trade.id);
    return results.rulesView(stored ?? defaultRules(scheme), !stored);
  }

  @FieldResolver(() => ResultsFile, {
    nullable: true,
    description: 'The results table as a CSV or XLSX file, for those who may see the results.',
  })
  async resultsFile(
    @Root() trade: Trade,
    @Arg('format', () => ResultsFileFormat, { description: 'File format.' }) format: ResultsFileFormat,
    @Ctx() ctx: Context,
  ): Promise<ResultsFile | null> {
    const scheme = await ctx.loaders.markingSchemeByTrade.load(trade.id);
    if (!scheme || !(await results.maySeeResults(ctx, trade))) return null;
    const competition = (await ctx.loaders.competitionById.load(trade.competition.id))!;
    return resultsFile(
      ctx,
      competition,
      trade,
      scheme,
      await results.tradeResults(ctx, trade, scheme),
      format,
    );
  }

  @FieldResolver(() => [JudgeAnalysis], {
    nullable: true,
    description:
      'Per judge: marks given, deviation from the other judges, how often dropped as highest or lowest. ' +
      'For the trade’s chief judge and the host’s organizers; null for anyone else.',
  })
  async judgeAnalysis(@Root() trade: Trade, @Ctx() ctx: Context): Promise<JudgeAnalysis[] | null> {
    const scheme = await ctx.loaders.markingSchemeByTrade.load(trade.id);
    if (!scheme || !(await results.isJury(ctx, trade))) return null;
    return judgeAnalysisOf(ctx, trade, scheme);
  }

  @FieldResolver(() => ResultsFile, {
    nullable: true,
    description:
      'The judge analysis as a CSV or XLSX file (headings in Chinese and English), for those who may see it.',
  })
  async judgeAnalysisFile(
    @Root() trade: Trade,
    @Arg('format', () => ResultsFileFormat, { description: 'File format.' }) format: ResultsFileFormat,
    @Ctx() ctx: Context,
  ): Promise<ResultsFile | null> {
    const scheme = await ctx.loaders.markingSchemeByTrade.load(trade.id);
    if (!scheme || !(await results.isJury(ctx, trade))) return null;
    const competition = (await ctx.loaders.competitionById.load(trade.competition.id))!;
    return judgeAnalysisFile(competition, trade, await judgeAnalysisOf(ctx, trade, scheme), format);
  }

  @FieldResolver(() => [ToleranceAlert], {
    nullable: true,
    description:
      'Aspects whose panel disagrees beyond the tolerance right now, computed from the current marks: what ' +
      '`toleranceBreached` pushed, for a chief judge who reconnects. For the jury; null for others.',
  })
  async openToleranceBreaches(@Root() trade: Trade, @Ctx() ctx: Context): Promise<ToleranceAlert[] | null> {
    const scheme = await ctx.loaders.markingSchemeByTrade.load(trade.id);
    if (!scheme || !(await results.isJury(ctx, trade))) return null;
    return (await results.openToleranceBreaches(ctx.em, trade.id, scheme)).map(toleranceAlert);
  }

  @Mutation(() => SetResultsRulesPayload, {
    description: 'Sets a trade’s tie-breaks, award tiers and titles; until results are published.',
  })
  async setResultsRules(
    @Arg('input', { description: 'What to do; see the input type.' }) input: SetResultsRulesInput,
    @Ctx() ctx: Context,
  ): Promise<SetResultsRulesPayload> {
    const r = await runMutation(ctx, (em) => results.setResultsRules(ctx, em, input));
    return { rules: r.value, errors: r.errors };
  }

  @Mutation(() => RecordCompletionTimePayload, {
    description: 'The chief judge records an entrant’s completion time (for the time tie-break); audited.',
  })
  async recordCompletionTime(
    @Arg('input', { description: 'What to do; see the input type.' }) input: RecordCompletionTimeInput,
    @Ctx() ctx: Context,
  ): Promise<RecordCompletionTimePayload> {
    const r = await runMutation(ctx, (em) => results.recordCompletionTime(ctx, em, input));
    return { seconds: r.value, errors: r.errors };
  }
}
