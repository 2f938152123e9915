import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { forbidden } from '../../shared/errors';
import type { Context } from '../../shared/graphql/context';
import { fromGlobalId } from '../../shared/graphql/relay';
import { unionStatistics } from './statistics.service';
import { UnionStatistics } from './statistics.types';
import { text } from '../../shared/i18n';

@Resolver()
export class StatisticsResolver {
  @Query(() => UnionStatistics, {
    nullable: true,
    description: 'Rollups over a union you manage and everything under it; null for an unknown union.',
  })
  async unionStatistics(
    @Arg('unionId', () => ID, { description: 'Global ID of the union at the root of the rollup.' })
    unionId: string,
    @Ctx() ctx: Context,
  ): Promise<UnionStatistics | null> {
    const d = fromGlobalId(unionId);
    const union = d?.type === 'Organization' ? await ctx.loaders.organizationById.load(d.id) : null;
    if (!union) return null;
    if (!ctx.access.manages(union.path))
      throw forbidden(text('您不管理该工会。', 'You do not manage that union.'));
    return unionStatistics(ctx, union);
  }
}
