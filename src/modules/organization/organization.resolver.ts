import { Arg, Args, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../shared/graphql/context';
import { asPayload, runMutation } from '../../shared/graphql/mutation';
import { ConnectionArgs, fromGlobalId, pageRequest, toConnection, toPage } from '../../shared/graphql/relay';
import { Organization } from './organization.entity';
import {
  CreateOrganizationInput,
  MoveOrganizationInput,
  OrganizationConnection,
  OrganizationFilter,
  OrganizationPayload,
  UpdateOrganizationInput,
} from './organization.types';
import * as service from './organization.service';
import { fetchOrganization } from './organization.nodes';

@Resolver(() => Organization)
export class OrganizationResolver {
  @Query(() => Organization, { nullable: true, description: 'One organization by ID. Unions are public.' })
  async organization(
    @Arg('id', () => ID, { description: 'Global ID of the object.' }) id: string,
    @Ctx() ctx: Context,
  ): Promise<Organization | null> {
    const d = fromGlobalId(id);
    if (!d || d.type !== 'Organization') return null;
    return fetchOrganization(ctx, d.id);
  }

  @Query(() => OrganizationConnection, {
    description: 'Unions and enterprises, filtered, in creation order.',
  })
  async organizations(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('filter', () => OrganizationFilter, {
      nullable: true,
      description: 'Filters; all given must match.',
    })
    filter: OrganizationFilter | null,
    @Ctx() ctx: Context,
  ) {
    return toConnection(await service.listOrganizations(ctx, filter, pageRequest(args)));
  }

  @FieldResolver(() => Organization, { nullable: true, description: 'The union directly above.' })
  async parent(@Root() org: Organization, @Ctx() ctx: Context): Promise<Organization | null> {
    return org.parent ? ctx.loaders.organizationById.load(org.parent.id) : null;
  }

  @FieldResolver(() => [Organization], {
    description: 'Every union above, from the root down to the parent.',
  })
  async ancestors(@Root() org: Organization, @Ctx() ctx: Context): Promise<Organization[]> {
    const ids = org.path.split('.').map(Number).slice(0, -1);
    const found = await ctx.loaders.organizationById.loadMany(ids);
    return found.filter((o): o is Organization => o instanceof Organization);
  }

  @FieldResolver(() => Int, { description: 'Depth in the tree; roots are 1.' })
  depth(@Root() org: Organization): number {
    return org.path.split('.').length;
  }

  @FieldResolver(() => OrganizationConnection, { description: 'Organizations directly under this one.' })
  async children(
    @Root() org: Organization,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Ctx() ctx: Context,
  ) {
    const req = pageRequest<Organization>(args);
    const rows = await ctx.loaders.organizationChildren.load({ parentId: org.id, ...req });
    return toConnection(
      toPage(rows, req, () => ctx.loaders.organizationChildCount.load({ parentId: org.id })),
    );
  }

  @Mutation(() => OrganizationPayload, { description: 'Creates a union or enterprise under one you manage.' })
  async createOrganization(
    @Arg('input', { description: 'What to do; see the input type.' }) input: CreateOrganizationInput,
    @Ctx() ctx: Context,
  ) {
    return asPayload(
      OrganizationPayload,
      await runMutation(ctx, (em) => service.createOrganization(ctx, em, input)),
    );
  }

  @Mutation(() => OrganizationPayload, { description: 'Renames an organization you manage.' })
  async updateOrganization(
    @Arg('input', { description: 'What to do; see the input type.' }) input: UpdateOrganizationInput,
    @Ctx() ctx: Context,
  ) {
    return asPayload(
      OrganizationPayload,
      await runMutation(ctx, (em) => service.updateOrganization(ctx, em, input)),
    );
  }

  @Mutation(() => OrganizationPayload, {
    description: 'Moves an organization, with its whole subtree, under a new parent you manage.',
  })
  async moveOrganization(
    @Arg('input', { description: 'What to do; see the input type.' }) input: MoveOrganizationInput,
    @Ctx() ctx: Context,
  ) {
    return asPayload(
      OrganizationPayload,
      await runMutation(ctx, (em) => service.moveOrganization(ctx, em, input)),
    );
  }
}
