import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Context } from '../../shared/graphql/context';
import { runMutation } from '../../shared/graphql/mutation';
import { Trade } from '../competition/trade.entity';
import { isJury } from './results.service';
import { fileAppeal, resolveAppeal, tradeAppeals } from './appeals.service';
import { finalizeResults, publishResults } from './publication.service';
import { drawRecheck, recheckView, recordRecheck } from './recheck.service';
import {
  Appeal,
  AppealPayload,
  DrawRecheckInput,
  FileAppealInput,
  FinalizeResultsInput,
  PublishResultsInput,
  RecheckPayload,
  RecheckType,
  RecordRecheckInput,
  ResolveAppealInput,
  ResultsStepPayload,
} from './review.types';

@Resolver(() => Trade)
export class ReviewResolver {
  @FieldResolver(() => RecheckType, {
    nullable: true,
    description:
      'The re-check (复核) of the trade’s results: for the jury; null before it is drawn or for others.',
  })
  async recheck(@Root() trade: Trade, @Ctx() ctx: Context): Promise<RecheckType | null> {
    return (await isJury(ctx, trade)) ? recheckView(ctx.em, trade.id) : null;
  }

  @FieldResolver(() => [Appeal], {
    nullable: true,
    description: 'Appeals (申诉) on the trade’s results, oldest first: for the jury; null for others.',
  })
  async appeals(@Root() trade: Trade, @Ctx() ctx: Context): Promise<Appeal[] | null> {
    return (await isJury(ctx, trade)) ? tradeAppeals(ctx.em, trade.id) : null;
  }

  @Mutation(() => RecheckPayload, {
    description:
      'The chief judge draws the re-check list of a signed-off trade: the top N and a seeded sample (≥ 15 %) of the rest.',
  })
  async drawRecheck(
    @Arg('input', { description: 'What to do; see the input type.' }) input: DrawRecheckInput,
    @Ctx() ctx: Context,
  ): Promise<RecheckPayload> {
    const r = await runMutation(ctx, (em) => drawRecheck(ctx, em, input));
    return { recheck: r.value, errors: r.errors };
  }

  @Mutation(() => RecheckPayload, {
    description:
      'The chief judge records one re-checked sheet; above a 5 % error rate in the sample a full re-check opens.',
  })
  async recordRecheck(
    @Arg('input', { description: 'What to do; see the input type.' }) input: RecordRecheckInput,
    @Ctx() ctx: Context,
  ): Promise<RecheckPayload> {
    const r = await runMutation(ctx, (em) => recordRecheck(ctx, em, input));
    return { recheck: r.value, errors: r.errors };
  }

  @Mutation(() => ResultsStepPayload, {
    description:
      'Publishes the results once every trade is drawn, signed off and re-checked: reveals identities (audited) ' +
      'and opens the notice period (公示) and the appeal window.',
  })
  async publishResults(
    @Arg('input', { description: 'What to do; see the input type.' }) input: PublishResultsInput,
    @Ctx() ctx: Context,
  ): Promise<ResultsStepPayload> {
    const r = await runMutation(ctx, async (em) => {
      const c = await publishResults(ctx, em, input);
      await announce(ctx, em, c.id, 'SCORING_CLOSED', 'PUBLISHED');
      return c;
    });
    return { competition: r.value, errors: r.errors };
  }

  @Mutation(() => ResultsStepPayload, {
    description: 'Makes the results final once the notice period is over and every appeal is resolved.',
  })
  async finalizeResults(
    @Arg('input', { description: 'What to do; see the input type.' }) input: FinalizeResultsInput,
    @Ctx() ctx: Context,
  ): Promise<ResultsStepPayload> {
    const r = await runMutation(ctx, async (em) => {
      const c = await finalizeResults(ctx, em, input.competitionId);
      await announce(ctx, em, c.id, 'PUBLISHED', 'FINAL');
      return c;
    });
    return { competition: r.value, errors: r.errors };
  }

  @Mutation(() => AppealPayload, {
    description:
      'Files an appeal (申诉) for an entrant: by organizers of the entrant’s unit or of the host, before the deadline.',
  })
  async fileAppeal(
    @Arg('input', { description: 'What to do; see the input type.' }) input: FileAppealInput,
    @Ctx() ctx: Context,
  ): Promise<AppealPayload> {
    const r = await runMutation(ctx, (em) => fileAppeal(ctx, em, input));
    return { appeal: r.value, errors: r.errors };
  }

  @Mutation(() => AppealPayload, {
    description: 'The chief judge upholds (reopening the entrant’s marks) or dismisses an appeal.',
  })
  async resolveAppeal(
    @Arg('input', { description: 'What to do; see the input type.' }) input: ResolveAppealInput,
    @Ctx() ctx: Context,
  ): Promise<AppealPayload> {
    const r = await runMutation(ctx, (em) => resolveAppeal(ctx, em, input));
    return { appeal: r.value, errors: r.errors };
  }
}

/** Publication and finality are lifecycle changes like any other: their subscribers hear of them after the commit. */
function announce(ctx: Context, em: EntityManager, competitionId: number, from: string, to: string) {
  return ctx.events.record(em, 'COMPETITION_STATUS_CHANGED', {
    competitionId,
    from,
    to,
    at: new Date().toISOString(),
  });
}
