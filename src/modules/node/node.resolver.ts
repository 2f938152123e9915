import { Arg, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../shared/graphql/context';
import { nodeTypes } from '../../shared/graphql/nodes';
import { Node, toGlobalId } from '../../shared/graphql/relay';
import { localizedError } from '../../shared/errors';
import { text } from '../../shared/i18n';

/**
 * `node(id:)` for every type each module registered (`nodeTypes`), with the fetch its own query
 * uses; an object the caller may not see is indistinguishable from a missing one.
 */
@Resolver(() => Node)
export class NodeResolver {
  @Query(() => Node, { nullable: true, description: 'Any object by its global ID (Relay).' })
  async node(
    @Arg('id', () => ID, { description: 'Global ID of the object.' }) id: string,
    @Ctx() ctx: Context,
  ): Promise<object | null> {
    return nodeTypes.fetch(ctx, id);
  }

  @Query(() => [Node], {
    nullable: 'items',
    description: 'Several objects by global ID (at most 100), in order.',
  })
  async nodes(
    @Arg('ids', () => [ID], { description: 'Global IDs, at most 100.' }) ids: string[],
    @Ctx() ctx: Context,
  ): Promise<(object | null)[]> {
    if (ids.length > 100) {
      throw localizedError('BAD_USER_INPUT', text('一次最多 100 个 ID。', 'At most 100 IDs at once.'), {
        argumentName: 'ids',
      });
    }
    return Promise.all(ids.map((id) => nodeTypes.fetch(ctx, id)));
  }

  @FieldResolver(() => ID, { description: 'Globally unique, opaque identifier.' })
  id(@Root() node: { id: number | string }): string {
    // Views built from SQL rows (appeals, submissions, marks, categories) carry their global ID already.
    return typeof node.id === 'string' ? node.id : toGlobalId(nodeTypes.nameOf(node), node.id);
  }
}
