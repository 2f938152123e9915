import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { Context } from '../../shared/graphql/context';
import { runMutation } from '../../shared/graphql/mutation';
import { Trade } from '../competition/trade.entity';
import { schemeToCsv, schemeToJson } from './scheme-formats';
import { schemeToWorldSkillsXlsx } from './scheme-worldskills-write';
import { schemeView, setMarkingScheme } from './scheme.service';
import {
  MarkingSchemeType,
  SchemeFormat,
  SetMarkingSchemeInput,
  SetMarkingSchemePayload,
} from './scheme.types';

@Resolver(() => Trade)
export class MarkingSchemeResolver {
  @FieldResolver(() => MarkingSchemeType, {
    nullable: true,
    description: 'How the trade is marked; null until a scheme is set. Public with the trade (技术规程).',
  })
  async markingScheme(@Root() trade: Trade, @Ctx() ctx: Context): Promise<MarkingSchemeType | null> {
    const scheme = await ctx.loaders.markingSchemeByTrade.load(trade.id);
    return scheme ? schemeView(scheme) : null;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description:
      'The scheme as a file to reuse across years: JSON, CSV with one row per aspect, or a WorldSkills-layout XLSX in base64.',
  })
  async markingSchemeFile(
    @Root() trade: Trade,
    @Arg('format', () => SchemeFormat, { description: 'File format.' }) format: SchemeFormat,
    @Ctx() ctx: Context,
  ): Promise<string | null> {
    const scheme = await ctx.loaders.markingSchemeByTrade.load(trade.id);
    if (!scheme) return null;
    if (format === SchemeFormat.WORLDSKILLS_XLSX)
      return (await schemeToWorldSkillsXlsx(scheme)).toString('base64');
    return format === SchemeFormat.JSON ? schemeToJson(scheme) : schemeToCsv(scheme);
  }

  @Mutation(() => SetMarkingSchemePayload, {
    description:
      'Sets a trade’s marking scheme from a JSON, CSV or WorldSkills-layout XLSX file, reporting every problem in it.',
  })
  async setMarkingScheme(
    @Arg('input', { description: 'What to do; see the input type.' }) input: SetMarkingSchemeInput,
    @Ctx() ctx: Context,
  ): Promise<SetMarkingSchemePayload> {
    const r = await runMutation(ctx, (em) => setMarkingScheme(ctx, em, input));
    return { trade: r.value, errors: r.errors };
  }
}
