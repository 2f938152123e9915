import { Arg, Args, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { Context } from '../../shared/graphql/context';
import { runMutation } from '../../shared/graphql/mutation';
import { ConnectionArgs, pageRequest, toConnection } from '../../shared/graphql/relay';
import { pageOf } from '../../shared/db/paging';
import { Entrant } from '../competition/entrant.entity';
import { Trade } from '../competition/trade.entity';
import { EntrantConnection } from '../competition/competition.types';
import { drawLots, type LotDrawRow, lotDrawView } from './lots.service';
import { DrawLotsInput, DrawLotsPayload, LotDraw } from './lots.types';

@Resolver(() => Trade)
export class LotsResolver {
  @FieldResolver(() => [LotDraw], {
    description: 'The trade’s lot drawings, oldest first; seeds once revealed.',
  })
  async lotDraws(@Root() trade: Trade, @Ctx() ctx: Context): Promise<LotDraw[]> {
    const rows = await ctx.em.execute<LotDrawRow[]>(
      'select * from lot_draw where trade_id = ? order by seq',
      [trade.id],
    );
    return rows.map(lotDrawView);
  }

  @FieldResolver(() => EntrantConnection, {
    description:
      'Entrants with an anonymous number (in registration order): what a judge’s tablet lists. Identity fields stay ' +
      'null for those who may not see them (judges, the public before publication).',
  })
  async drawnEntrants(
    @Root() trade: Trade,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Ctx() ctx: Context,
  ) {
    const where = ['trade_id = ?', 'lot_number is not null'];
    return toConnection(await pageOf(ctx.em, Entrant, 'entrant', where, [trade.id], pageRequest(args)));
  }

  @Mutation(() => DrawLotsPayload, {
    description:
      'Draws lots (抽签): every checked-in entrant of the trade without a number gets an unguessable anonymous ' +
      'number. For the host’s organizers and the trade’s chief judge; the commitment is audited.',
  })
  async drawLots(
    @Arg('input', { description: 'What to do; see the input type.' }) input: DrawLotsInput,
    @Ctx() ctx: Context,
  ): Promise<DrawLotsPayload> {
    const r = await runMutation(ctx, (em) => drawLots(ctx, em, input.tradeId));
    return { draw: r.value ? lotDrawView(r.value) : null, errors: r.errors };
  }
}
