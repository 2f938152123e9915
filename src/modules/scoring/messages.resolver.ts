import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Language } from '../../shared/i18n';
import { inLanguage } from '../../shared/graphql/user-error.resolver';
import { MarkOutcome, ToleranceAlert } from './marks.types';
import { AspectScore, ModuleScore } from './results.types';

/** A refused mark's explanation in the caller's language. */
@Resolver(() => MarkOutcome)
export class MarkOutcomeResolver {
  @FieldResolver(() => String, { nullable: true, description: 'Explanation of a refusal.' })
  message(@Root() outcome: MarkOutcome, @Ctx() ctx: { language?: Language }): string | null {
    return outcome.message === null ? null : inLanguage(outcome.message, ctx);
  }
}

/** A tolerance alert's explanation in each subscriber's language (one event, many screens). */
@Resolver(() => ToleranceAlert)
export class ToleranceAlertResolver {
  @FieldResolver(() => String, { description: 'Explanation, e.g. which judges are furthest apart.' })
  message(@Root() alert: ToleranceAlert, @Ctx() ctx: { language?: Language }): string {
    return inLanguage(alert.message, ctx);
  }
}

/** How an aspect's score came about, in the caller's language. */
@Resolver(() => AspectScore)
export class AspectScoreResolver {
  @FieldResolver(() => String, { description: 'The computation, e.g. "(8 + 9 + 9) / 3 = 8.67".' })
  formula(@Root() a: AspectScore, @Ctx() ctx: { language?: Language }): string {
    return inLanguage(a.formula, ctx);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'Anything else a reader needs (e.g. too few judges to trim).',
  })
  note(@Root() a: AspectScore, @Ctx() ctx: { language?: Language }): string | null {
    return a.note === null ? null : inLanguage(a.note, ctx);
  }
}

/** A module's computation, in the caller's language. */
@Resolver(() => ModuleScore)
export class ModuleScoreResolver {
  @FieldResolver(() => String, { description: 'The computation.' })
  formula(@Root() m: ModuleScore, @Ctx() ctx: { language?: Language }): string {
    return inLanguage(m.formula, ctx);
  }
}
