import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../shared/graphql/context';
import { asPayload, runMutation } from '../../shared/graphql/mutation';
import {
  ConnectionArgs,
  fromGlobalId,
  pageRequest,
  sortOrder,
  toConnection,
} from '../../shared/graphql/relay';
import { Organization } from '../organization/organization.entity';
import { Honor, Person } from './person.entity';
import {
  AddHonorInput,
  CreatePersonInput,
  HonorPayload,
  PersonConnection,
  PersonFilter,
  PersonPayload,
  UpdatePersonInput,
  PERSON_ORDER,
  PersonOrder,
} from './person.types';
import * as service from './person.service';
import { fetchPerson } from './person.nodes';

@Resolver(() => Person)
export class PersonResolver {
  @Query(() => Person, { nullable: true, description: 'One person employed under a union you manage.' })
  async person(
    @Arg('id', () => ID, { description: 'Global ID of the object.' }) id: string,
    @Ctx() ctx: Context,
  ): Promise<Person | null> {
    const d = fromGlobalId(id);
    if (!d || d.type !== 'Person') return null;
    return fetchPerson(ctx, d.id);
  }

  @Query(() => PersonConnection, { description: 'People employed under the union you manage, filtered.' })
  async people(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('filter', () => PersonFilter, { nullable: true, description: 'Filters; all given must match.' })
    filter: PersonFilter | null,
    @Arg('orderBy', () => PersonOrder, {
      nullable: true,
      description: 'The order (default: by id, ascending).',
    })
    orderBy: InstanceType<typeof PersonOrder> | null,
    @Ctx() ctx: Context,
  ) {
    const req = pageRequest(args, sortOrder(orderBy, PERSON_ORDER));
    return toConnection(await service.listPeople(ctx, filter, req));
  }

  @FieldResolver(() => Organization, { description: 'Employer (an enterprise or union).' })
  async employer(@Root() person: Person, @Ctx() ctx: Context): Promise<Organization | null> {
    return ctx.loaders.organizationById.load(person.employer.id);
  }

  @FieldResolver(() => Boolean, {
    description:
      'Whether a national ID is on record; the ID itself is never stored in the clear nor returned.',
  })
  hasNationalId(@Root() person: Person): boolean {
    return !!person.nationalIdHash;
  }

  @FieldResolver(() => [Honor], { description: 'Honors held, newest first.' })
  async honors(@Root() person: Person, @Ctx() ctx: Context): Promise<Honor[]> {
    return ctx.loaders.honorsByPerson.load(person.id);
  }

  @Mutation(() => PersonPayload, { description: 'Records a person employed under a union you manage.' })
  async createPerson(
    @Arg('input', { description: 'What to do; see the input type.' }) input: CreatePersonInput,
    @Ctx() ctx: Context,
  ) {
    return asPayload(PersonPayload, await runMutation(ctx, (em) => service.createPerson(ctx, em, input)));
  }

  @Mutation(() => PersonPayload, { description: 'Changes a person you manage.' })
  async updatePerson(
    @Arg('input', { description: 'What to do; see the input type.' }) input: UpdatePersonInput,
    @Ctx() ctx: Context,
  ) {
    return asPayload(PersonPayload, await runMutation(ctx, (em) => service.updatePerson(ctx, em, input)));
  }

  @Mutation(() => HonorPayload, { description: 'Records an honor on a person you manage.' })
  async addHonor(
    @Arg('input', { description: 'What to do; see the input type.' }) input: AddHonorInput,
    @Ctx() ctx: Context,
  ) {
    return asPayload(HonorPayload, await runMutation(ctx, (em) => service.addHonor(ctx, em, input)));
  }

  @Mutation(() => HonorPayload, { description: 'Removes an honor recorded in error.' })
  async removeHonor(
    @Arg('id', () => ID, { description: 'Global ID of the object.' }) id: string,
    @Ctx() ctx: Context,
  ) {
    return asPayload(HonorPayload, await runMutation(ctx, (em) => service.removeHonor(ctx, em, id)));
  }
}

@Resolver(() => Honor)
export class HonorResolver {
  @FieldResolver(() => Person, { description: 'The holder.' })
  async person(@Root() honor: Honor, @Ctx() ctx: Context): Promise<Person | null> {
    return ctx.loaders.personById.load(honor.person.id);
  }
}
