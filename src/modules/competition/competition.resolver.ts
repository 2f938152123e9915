import {
  Arg,
  Args,
  Ctx,
  FieldResolver,
  ID,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
  Subscription,
  ObjectType,
  Field,
} from 'type-graphql';
import { guardSubscribe } from '../../shared/access/policy';
import type { Context } from '../../shared/graphql/context';
import { asPayload, runMutation } from '../../shared/graphql/mutation';
import {
  ConnectionArgs,
  fromGlobalId,
  pageRequest,
  sortOrder,
  toConnection,
  toGlobalId,
  toPage,
} from '../../shared/graphql/relay';
import { decodeId } from '../../shared/validation';
import { localizedError, Problems } from '../../shared/errors';
import { text } from '../../shared/i18n';
import { Organization } from '../organization/organization.entity';
import { Person } from '../person/person.entity';
import { Competition, COMPETITION_TRANSITIONS, CompetitionStatus } from './competition.entity';
import { Entrant, EntrantKind, EntrantStatus } from './entrant.entity';
import { Team } from './team.entity';
import { Trade } from './trade.entity';
import {
  COMPETITION_ORDER,
  CompetitionOrder,
  TRADE_ORDER,
  TradeOrder,
  CompetitionConnection,
  CompetitionFilter,
  CompetitionPayload,
  CreateCompetitionInput,
  CreateTeamInput,
  CreateTradeInput,
  EntrantConnection,
  EntrantPayload,
  ImportEntrantsInput,
  ImportEntrantsPayload,
  RegisterEntrantInput,
  SetEntrantStatusInput,
  TeamPayload,
  TradeConnection,
  TradePayload,
  TransitionCompetitionInput,
  UpdateCompetitionInput,
  UpdateTradeInput,
} from './competition.types';
import * as service from './competition.service';
import * as entrants from './entrant.service';
import * as trades from './trade.service';
import { isOnPanel } from './panel-membership';
import { importEntrants, parseEntrantFile } from './entrant-import';
import { fetchCompetition, fetchTeam, fetchTrade } from './competition.nodes';

@ObjectType({ description: 'A competition changed lifecycle state.' })
export class CompetitionStatusEvent {
  @Field(() => ID, { description: 'The competition’s ID.' })
  competitionId!: string;

  @Field(() => CompetitionStatus, { description: 'State before.' })
  from!: CompetitionStatus;

  @Field(() => CompetitionStatus, { description: 'State after.' })
  to!: CompetitionStatus;

  @Field({ description: 'When it changed.' })
  at!: Date;
}

@Resolver(() => Competition)
export class CompetitionResolver {
  @Query(() => Competition, { nullable: true, description: 'One competition, if you may see it.' })
  async competition(
    @Arg('id', () => ID, { description: 'Global ID of the object.' }) id: string,
    @Ctx() ctx: Context,
  ): Promise<Competition | null> {
    const d = fromGlobalId(id);
    if (!d || d.type !== 'Competition') return null;
    return fetchCompetition(ctx, d.id);
  }

  @Query(() => CompetitionConnection, {
    description:
      'Competitions you may see: the public sees all but drafts; organizers also their own drafts.',
  })
  async competitions(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('filter', () => CompetitionFilter, { nullable: true, description: 'Filters; all given must match.' })
    filter: CompetitionFilter | null,
    @Arg('orderBy', () => CompetitionOrder, {
      nullable: true,
      description: 'The order (default: by id, ascending).',
    })
    orderBy: InstanceType<typeof CompetitionOrder> | null,
    @Ctx() ctx: Context,
  ) {
    const req = pageRequest(args, sortOrder(orderBy, COMPETITION_ORDER));
    return toConnection(await service.listCompetitions(ctx, filter, req));
  }

  @FieldResolver(() => Organization, { description: 'The hosting union.' })
  async host(@Root() c: Competition, @Ctx() ctx: Context): Promise<Organization | null> {
    return ctx.loaders.organizationById.load(c.host.id);
  }

  @FieldResolver(() => [CompetitionStatus], { description: 'States the competition may move to next.' })
  allowedTransitions(@Root() c: Competition): CompetitionStatus[] {
    return COMPETITION_TRANSITIONS[c.status];
  }

  @FieldResolver(() => TradeConnection, {
    description: 'Trades and events, in the order asked (creation order by default).',
  })
  async trades(
    @Root() c: Competition,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('orderBy', () => TradeOrder, {
      nullable: true,
      description: 'The order (default: by id, ascending).',
    })
    orderBy: InstanceType<typeof TradeOrder> | null,
    @Ctx() ctx: Context,
  ) {
    const req = pageRequest(args, sortOrder(orderBy, TRADE_ORDER));
    const rows = await ctx.loaders.tradesByCompetition.load({ parentId: c.id, ...req });
    return toConnection(
      toPage(rows, req, () => ctx.loaders.tradeCountByCompetition.load({ parentId: c.id })),
    );
  }

  @Mutation(() => CompetitionPayload, {
    description: 'Creates a competition (DRAFT) hosted by a union you manage.',
  })
  async createCompetition(
    @Arg('input', { description: 'What to do; see the input type.' }) input: CreateCompetitionInput,
    @Ctx() ctx: Context,
  ) {
    return asPayload(
      CompetitionPayload,
      await runMutation(ctx, (em) => service.createCompetition(ctx, em, input)),
    );
  }

  @Mutation(() => CompetitionPayload, { description: 'Changes a competition’s name, description or dates.' })
  async updateCompetition(
    @Arg('input', { description: 'What to do; see the input type.' }) input: UpdateCompetitionInput,
    @Ctx() ctx: Context,
  ) {
    return asPayload(
      CompetitionPayload,
      await runMutation(ctx, (em) => service.updateCompetition(ctx, em, input)),
    );
  }

  @Mutation(() => CompetitionPayload, {
    description: 'Moves a competition along its lifecycle; refuses transitions that are not allowed.',
  })
  async transitionCompetition(
    @Arg('input', { description: 'What to do; see the input type.' }) input: TransitionCompetitionInput,
    @Ctx() ctx: Context,
  ) {
    const r = await runMutation(ctx, (em) => service.transitionCompetition(ctx, em, input));
    return asPayload(CompetitionPayload, { errors: r.errors, value: r.value?.competition ?? null });
  }

  @Subscription(() => CompetitionStatusEvent, {
    description: 'Lifecycle changes of one competition you may see.',
    subscribe: guardSubscribe('competitionStatusChanged', async (args, ctx) => {
      const d = fromGlobalId(args.competitionId as string);
      const c = d?.type === 'Competition' ? await ctx.loaders.competitionById.load(d.id) : null;
      if (!c || !(await service.canSeeCompetition(ctx, c))) {
        throw localizedError('NOT_FOUND', text('没有该竞赛。', 'No such competition.'));
      }
      return ctx.pubsub.subscribe('COMPETITION_STATUS_CHANGED', c.id);
    }),
  })
  competitionStatusChanged(
    @Arg('competitionId', () => ID, { description: 'Global ID of the competition.' }) _competitionId: string,
    @Root() event: { competitionId: number; from: CompetitionStatus; to: CompetitionStatus; at: string },
  ): CompetitionStatusEvent {
    return {
      competitionId: toGlobalId('Competition', event.competitionId),
      from: event.from,
      to: event.to,
      at: new Date(event.at),
    };
  }
}

@Resolver(() => Trade)
export class TradeResolver {
  @Query(() => Trade, { nullable: true, description: 'One trade, if you may see its competition.' })
  async trade(
    @Arg('id', () => ID, { description: 'Global ID of the object.' }) id: string,
    @Ctx() ctx: Context,
  ): Promise<Trade | null> {
    const d = fromGlobalId(id);
    if (!d || d.type !== 'Trade') return null;
    return fetchTrade(ctx, d.id);
  }

  @FieldResolver(() => Competition, { description: 'The competition.' })
  async competition(@Root() t: Trade, @Ctx() ctx: Context): Promise<Competition | null> {
    return ctx.loaders.competitionById.load(t.competition.id);
  }

  @FieldResolver(() => EntrantConnection, {
    description: 'Entrants, in registration order. Empty for the public until results are published.',
  })
  async entrants(
    @Root() t: Trade,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('statuses', () => [EntrantStatus], { nullable: true, description: 'Only these states.' })
    statuses: EntrantStatus[] | null,
    @Ctx() ctx: Context,
  ) {
    const req = pageRequest(args);
    const c = await ctx.loaders.competitionById.load(t.competition.id);
    if (!c || !(await service.canSeeEntrants(ctx, c))) {
      return toConnection(toPage<Entrant>([], req, async () => 0));
    }
    const filter = statuses?.length ? [...new Set(statuses)].sort() : null;
    const rows = await ctx.loaders.entrantsByTrade.load({ parentId: t.id, ...req, filter });
    return toConnection(
      toPage(rows, req, () => ctx.loaders.entrantCountByTrade.load({ parentId: t.id, filter })),
    );
  }

  @FieldResolver(() => Int, { description: 'Entrants holding a place (registered, approved or checked in).' })
  async activeEntrantCount(@Root() t: Trade, @Ctx() ctx: Context): Promise<number> {
    return ctx.loaders.entrantCountByTrade.load({
      parentId: t.id,
      filter: [EntrantStatus.APPROVED, EntrantStatus.CHECKED_IN, EntrantStatus.REGISTERED],
    });
  }

  @Mutation(() => TradePayload, { description: 'Adds a trade or event to a competition you manage.' })
  async createTrade(
    @Arg('input', { description: 'What to do; see the input type.' }) input: CreateTradeInput,
    @Ctx() ctx: Context,
  ) {
    return asPayload(TradePayload, await runMutation(ctx, (em) => trades.createTrade(ctx, em, input)));
  }

  @Mutation(() => TradePayload, { description: 'Changes a trade of a competition you manage.' })
  async updateTrade(
    @Arg('input', { description: 'What to do; see the input type.' }) input: UpdateTradeInput,
    @Ctx() ctx: Context,
  ) {
    return asPayload(TradePayload, await runMutation(ctx, (em) => trades.updateTrade(ctx, em, input)));
  }

  @Mutation(() => ImportEntrantsPayload, {
    description: 'Registers many individual entrants from a CSV or XLSX file: all rows, or none.',
  })
  async importEntrants(
    @Arg('input', { description: 'What to do; see the input type.' }) input: ImportEntrantsInput,
    @Ctx() ctx: Context,
  ): Promise<ImportEntrantsPayload> {
    const p = new Problems();
    const tradeId = decodeId(p, 'input.tradeId', input.tradeId, 'Trade');
    const r = await runMutation(ctx, async (em) => {
      p.throwIfAny();
      const bytes =
        input.format === 'CSV' ? Buffer.from(input.content, 'utf8') : Buffer.from(input.content, 'base64');
      const rows = await parseEntrantFile(input.format, bytes);
      return importEntrants(ctx, em, tradeId, rows);
    });
    return { imported: r.value?.imported ?? 0, peopleCreated: r.value?.peopleCreated ?? 0, errors: r.errors };
  }
}

@Resolver(() => Entrant)
export class EntrantResolver {
  @FieldResolver(() => EntrantKind, { description: 'Who competes: a person, a team or an enterprise.' })
  kind(@Root() e: Entrant): EntrantKind {
    if (e.person) return EntrantKind.INDIVIDUAL;
    if (e.team) return EntrantKind.TEAM;
    return EntrantKind.ENTERPRISE;
  }

  @FieldResolver(() => Trade, { description: 'The trade entered.' })
  async trade(@Root() e: Entrant, @Ctx() ctx: Context): Promise<Trade | null> {
    return ctx.loaders.tradeById.load(e.trade.id);
  }

  @FieldResolver(() => Person, {
    nullable: true,
    description: 'The person, for an individual entrant; null for judges and, until publication, the public.',
  })
  async person(@Root() e: Entrant, @Ctx() ctx: Context): Promise<Person | null> {
    return e.person && (await this.identityVisible(e, ctx)) ? ctx.loaders.personById.load(e.person.id) : null;
  }

  @FieldResolver(() => Team, {
    nullable: true,
    description: 'The team or crew, for a group entrant; hidden like `person`.',
  })
  async team(@Root() e: Entrant, @Ctx() ctx: Context): Promise<Team | null> {
    return e.team && (await this.identityVisible(e, ctx)) ? ctx.loaders.teamById.load(e.team.id) : null;
  }

  @FieldResolver(() => Organization, {
    nullable: true,
    description: 'The enterprise, for an enterprise entrant; hidden like `person`.',
  })
  async enterprise(@Root() e: Entrant, @Ctx() ctx: Context): Promise<Organization | null> {
    return e.enterprise && (await this.identityVisible(e, ctx))
      ? ctx.loaders.organizationById.load(e.enterprise.id)
      : null;
  }

  /**
   * Judges mark anonymous numbers: identities are for the host's organizers until publication,
   * and for the panel of a round that is not blind.
   */
  private async identityVisible(e: Entrant, ctx: Context): Promise<boolean> {
    const t = await ctx.loaders.tradeById.load(e.trade.id);
    const c = t && (await ctx.loaders.competitionById.load(t.competition.id));
    if (!t || !c) return false;
    if (await service.canSeeEntrants(ctx, c)) return true;
    return !t.blindReview && isOnPanel(ctx.em, t.id, ctx.access.accountId);
  }

  @Mutation(() => EntrantPayload, {
    description: 'Registers a person, team or enterprise into a trade; refuses when the trade is full.',
  })
  async registerEntrant(
    @Arg('input', { description: 'What to do; see the input type.' }) input: RegisterEntrantInput,
    @Ctx() ctx: Context,
  ) {
    return asPayload(
      EntrantPayload,
      await runMutation(ctx, (em) => entrants.registerEntrant(ctx, em, input)),
    );
  }

  @Mutation(() => EntrantPayload, {
    description: 'Approves, checks in, withdraws or disqualifies an entrant.',
  })
  async setEntrantStatus(
    @Arg('input', { description: 'What to do; see the input type.' }) input: SetEntrantStatusInput,
    @Ctx() ctx: Context,
  ) {
    return asPayload(
      EntrantPayload,
      await runMutation(ctx, (em) => entrants.setEntrantStatus(ctx, em, input)),
    );
  }
}

@Resolver(() => Team)
export class TeamResolver {
  @Query(() => Team, { nullable: true, description: 'One team of an enterprise you manage.' })
  async team(
    @Arg('id', () => ID, { description: 'Global ID of the object.' }) id: string,
    @Ctx() ctx: Context,
  ): Promise<Team | null> {
    const d = fromGlobalId(id);
    if (!d || d.type !== 'Team') return null;
    return fetchTeam(ctx, d.id);
  }

  @FieldResolver(() => Organization, { description: 'Its enterprise.' })
  async organization(@Root() t: Team, @Ctx() ctx: Context): Promise<Organization | null> {
    return ctx.loaders.organizationById.load(t.organization.id);
  }

  @FieldResolver(() => [Person], { description: 'Its members.' })
  async members(@Root() t: Team, @Ctx() ctx: Context): Promise<Person[]> {
    const ids = await ctx.loaders.teamMembers.load(t.id);
    const people = await ctx.loaders.personById.loadMany(ids);
    return people.filter((p): p is Person => p instanceof Person);
  }

  @Mutation(() => TeamPayload, { description: 'Creates a team or work crew of an enterprise you manage.' })
  async createTeam(
    @Arg('input', { description: 'What to do; see the input type.' }) input: CreateTeamInput,
    @Ctx() ctx: Context,
  ) {
    return asPayload(TeamPayload, await runMutation(ctx, (em) => trades.createTeam(ctx, em, input)));
  }
}
