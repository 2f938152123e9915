import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { Context } from '../../shared/graphql/context';
import { runMutation } from '../../shared/graphql/mutation';
import { Trade } from '../competition/trade.entity';
import { PanelSeat } from './marks.types';
import * as panels from './panel-changes.service';
import { voidedMarks, voidJudgeMarks } from './void-marks.service';
import {
  PanelChange,
  PanelChangePayload,
  ReplaceJudgeInput,
  ResultsSignatory,
  VoidedMark,
  VoidJudgeMarksInput,
  VoidJudgeMarksPayload,
  WithdrawJudgeInput,
} from './panel.types';
import { isJury, maySeeResults } from './results.service';

/** Panel changes on the day, voided marks and the signatories of a trade's results. */
@Resolver(() => Trade)
export class PanelResolver {
  @Mutation(() => PanelChangePayload, {
    description:
      'A judge or the chief judge leaves a trade’s panel and another account takes the same seat (and aspects). ' +
      'Host organizers; until the competition ends RUNNING and before the trade’s marks are locked. The marks ' +
      'already given stay as given (see `voidJudgeMarks`). Audited.',
  })
  async replaceJudge(
    @Arg('input', { description: 'What to do; see the input type.' }) input: ReplaceJudgeInput,
    @Ctx() ctx: Context,
  ): Promise<PanelChangePayload> {
    const r = await runMutation(ctx, (em) => panels.replaceJudge(ctx, em, input));
    return {
      change: r.value?.change ?? null,
      seat: r.value?.seat ?? null,
      trade: r.value?.trade ?? null,
      errors: r.errors,
    };
  }

  @Mutation(() => PanelChangePayload, {
    description:
      'A judge or the chief judge leaves a trade’s panel; nobody takes the seat. Same rules as `replaceJudge`. ' +
      'A withdrawn chief judge is replaced by seating another with `assignJudge`.',
  })
  async withdrawJudge(
    @Arg('input', { description: 'What to do; see the input type.' }) input: WithdrawJudgeInput,
    @Ctx() ctx: Context,
  ): Promise<PanelChangePayload> {
    const r = await runMutation(ctx, (em) => panels.withdrawJudge(ctx, em, input));
    return { change: r.value?.change ?? null, seat: null, trade: r.value?.trade ?? null, errors: r.errors };
  }

  @Mutation(() => VoidJudgeMarksPayload, {
    description:
      'The chief judge voids every mark of a judge who left the panel, with a reason: they stop counting ' +
      '(results, board, analysis) and are kept in `Trade.voidedMarks`. While the competition runs or scoring ' +
      'is closed, before the marks concerned are locked. Each voided mark is audited (MARK_VOIDED).',
  })
  async voidJudgeMarks(
    @Arg('input', { description: 'What to do; see the input type.' }) input: VoidJudgeMarksInput,
    @Ctx() ctx: Context,
  ): Promise<VoidJudgeMarksPayload> {
    const r = await runMutation(ctx, (em) => voidJudgeMarks(ctx, em, input));
    return { voided: r.value?.voided ?? [], trade: r.value?.trade ?? null, errors: r.errors };
  }

  @FieldResolver(() => [PanelSeat], {
    nullable: true,
    description:
      'The panel as it sits now, chief judge first. For the jury (host organizers, the chief judge).',
  })
  async panel(@Root() trade: Trade, @Ctx() ctx: Context): Promise<PanelSeat[] | null> {
    return (await isJury(ctx, trade)) ? panels.panelSeats(ctx.em, trade.id) : null;
  }

  @FieldResolver(() => [PanelChange], {
    nullable: true,
    description:
      'Every replacement and withdrawal, and every judge added while the contest ran, oldest first, with ' +
      'reasons. For the jury.',
  })
  async panelChanges(@Root() trade: Trade, @Ctx() ctx: Context): Promise<PanelChange[] | null> {
    return (await isJury(ctx, trade)) ? panels.panelChanges(ctx.em, trade.id) : null;
  }

  @FieldResolver(() => [VoidedMark], {
    nullable: true,
    description: 'Marks the chief judge voided, as they stood, with the reason. For the jury.',
  })
  async voidedMarks(@Root() trade: Trade, @Ctx() ctx: Context): Promise<VoidedMark[] | null> {
    return (await isJury(ctx, trade)) ? voidedMarks(ctx.em, trade.id) : null;
  }

  @FieldResolver(() => [ResultsSignatory], {
    nullable: true,
    description:
      'Who signs the trade’s results summary: the chief judge seated now and every judge who gave a mark on the ' +
      'trade, withdrawn and replaced judges included. Visible with the results (the jury; the public once ' +
      'published).',
  })
  async resultsSignatories(@Root() trade: Trade, @Ctx() ctx: Context): Promise<ResultsSignatory[] | null> {
    return (await maySeeResults(ctx, trade)) ? panels.resultsSignatories(ctx.em, trade.id) : null;
  }
}
