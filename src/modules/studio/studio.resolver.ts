import { ResultsFile, ResultsFileFormat } from '../scoring/results.types';
import { studioRegistryFile } from './studio-export';
import {
  Arg,
  Args,
  Ctx,
  Field,
  FieldResolver,
  ID,
  Mutation,
  ObjectType,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { UserError } from '../../shared/errors';
import type { Context } from '../../shared/graphql/context';
import { runMutation } from '../../shared/graphql/mutation';
import {
  ConnectionArgs,
  fromGlobalId,
  pageRequest,
  sortOrder,
  toConnection,
  toGlobalId,
} from '../../shared/graphql/relay';
import { Organization } from '../organization/organization.entity';
import { Person } from '../person/person.entity';
import { canSeePerson } from '../person/person.service';
import { Achievement, Alliance, Studio } from './studio.entity';
import type { StudioEventKind } from './studio-life.enums';
import { recordAchievement } from './achievement.service';
import { createAlliance } from './alliance.service';
import { addStudioMember, applyStudio, assessStudio, transitionStudio } from './studio-lifecycle.service';
import { listStudios, studioStatistics } from './studio-queries.service';
import {
  AlliancePayload,
  ApplyStudioInput,
  AssessStudioInput,
  CreateAllianceInput,
  RecordAchievementInput,
  StudioConnection,
  StudioEvent,
  StudioFilter,
  StudioMember,
  StudioMemberInput,
  StudioPayload,
  StudioStatistics,
  TransitionStudioInput,
  STUDIO_ORDER,
  StudioOrder,
} from './studio.types';
import { fetchStudio } from './studio.nodes';

@ObjectType({ description: 'Result of recording an achievement.' })
export class AchievementPayload {
  @Field(() => Achievement, { nullable: true, description: 'The achievement; null on failure.' })
  achievement!: Achievement | null;

  @Field(() => [UserError], { description: 'Expected failures; empty on success.' })
  errors!: UserError[];
}

@Resolver(() => Studio)
export class StudioResolver {
  @Query(() => Studio, { nullable: true, description: 'One studio, if you may see it.' })
  async studio(
    @Arg('id', () => ID, { description: 'Global ID of the object.' }) id: string,
    @Ctx() ctx: Context,
  ): Promise<Studio | null> {
    const d = fromGlobalId(id);
    if (!d || d.type !== 'Studio') return null;
    return fetchStudio(ctx, d.id);
  }

  @Query(() => StudioConnection, {
    description:
      'The studio registry: named (and revoked) studios for everyone; applications also for the host’s organizers.',
  })
  async studios(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('filter', () => StudioFilter, { nullable: true, description: 'Filters; all given must match.' })
    filter: StudioFilter | null,
    @Arg('orderBy', () => StudioOrder, {
      nullable: true,
      description: 'The order (default: by id, ascending).',
    })
    orderBy: InstanceType<typeof StudioOrder> | null,
    @Ctx() ctx: Context,
  ) {
    const req = pageRequest(args, sortOrder(orderBy, STUDIO_ORDER));
    return toConnection(await listStudios(ctx, filter, req));
  }

  @Query(() => ResultsFile, {
    description:
      'The studio registry as a CSV or XLSX file (headings in Chinese and English): the studios `studios` lists ' +
      'for you with the same filter.',
  })
  async studioRegistryFile(
    @Arg('filter', () => StudioFilter, { nullable: true, description: 'Filters; all given must match.' })
    filter: StudioFilter | null,
    @Arg('format', () => ResultsFileFormat, { description: 'File format.' }) format: ResultsFileFormat,
    @Ctx() ctx: Context,
  ): Promise<ResultsFile> {
    return studioRegistryFile(ctx, filter, format === ResultsFileFormat.CSV ? 'CSV' : 'XLSX');
  }

  @Query(() => StudioStatistics, {
    nullable: true,
    description: 'Studio rollups over a union you manage and everything under it; null for an unknown union.',
  })
  async studioStatistics(
    @Arg('unionId', () => ID, { description: 'Global ID of the union at the root of the rollup.' })
    unionId: string,
    @Ctx() ctx: Context,
  ): Promise<StudioStatistics | null> {
    const d = fromGlobalId(unionId);
    const union = d?.type === 'Organization' ? await ctx.loaders.organizationById.load(d.id) : null;
    return union ? studioStatistics(ctx, union) : null;
  }

  @FieldResolver(() => Organization, { description: 'The host enterprise.' })
  async host(@Root() s: Studio, @Ctx() ctx: Context): Promise<Organization | null> {
    return ctx.loaders.organizationById.load(s.host.id);
  }

  @FieldResolver(() => Organization, { nullable: true, description: 'The union that named it.' })
  async namingUnion(@Root() s: Studio, @Ctx() ctx: Context): Promise<Organization | null> {
    return s.namingUnion ? ctx.loaders.organizationById.load(s.namingUnion.id) : null;
  }

  @FieldResolver(() => String, { description: 'The leader’s name (领办人).' })
  async leaderName(@Root() s: Studio, @Ctx() ctx: Context): Promise<string> {
    return (await ctx.loaders.personById.load(s.leader.id))?.name ?? '';
  }

  @FieldResolver(() => Person, {
    nullable: true,
    description: 'The leader’s record (with honors), for those who may see people of the host.',
  })
  async leader(@Root() s: Studio, @Ctx() ctx: Context): Promise<Person | null> {
    const p = await ctx.loaders.personById.load(s.leader.id);
    return p && (await canSeePerson(ctx, p)) ? p : null;
  }

  @FieldResolver(() => [StudioMember], { description: 'Members with their roles, leader first.' })
  async members(@Root() s: Studio, @Ctx() ctx: Context): Promise<StudioMember[]> {
    const rows = await ctx.em.execute<{ person_id: number; name: string; role: string; joined_on: string }[]>(
      `select m.person_id, p.name, m.role, m.joined_on::text as joined_on from studio_member m
         join person p on p.id = m.person_id where m.studio_id = ?
        order by case m.role when 'LEADER' then 0 when 'CORE' then 1 when 'MEMBER' then 2 else 3 end, p.id`,
      [s.id],
    );
    return rows.map((r) => ({
      personId: toGlobalId('Person', r.person_id),
      name: r.name,
      role: r.role as never,
      joinedOn: r.joined_on,
    }));
  }

  @FieldResolver(() => [StudioEvent], {
    description: 'The history: every lifecycle move, assessment and member change.',
  })
  async history(@Root() s: Studio, @Ctx() ctx: Context): Promise<StudioEvent[]> {
    const rows = await ctx.em.execute<
      {
        kind: StudioEventKind;
        from_status: string | null;
        to_status: string | null;
        details: unknown;
        at: string;
        actor_id: number | null;
        actor_union_id: number | null;
      }[]
    >(
      'select kind, from_status, to_status, details, at, actor_id, actor_union_id from studio_event where studio_id = ? order by id',
      [s.id],
    );
    return rows.map((r) => ({
      kind: r.kind,
      fromStatus: r.from_status as never,
      toStatus: r.to_status as never,
      details: JSON.stringify(r.details),
      at: new Date(r.at),
      actorId: r.actor_id,
      actingUnionId: r.actor_union_id,
      studioId: s.id,
    }));
  }

  @FieldResolver(() => [Achievement], { description: 'Achievements, newest first.' })
  async achievements(@Root() s: Studio, @Ctx() ctx: Context): Promise<Achievement[]> {
    return ctx.em.find(Achievement, { studio: s.id }, { orderBy: { achievedOn: 'desc', id: 'desc' } });
  }

  @FieldResolver(() => [Alliance], { description: 'Alliances the studio belongs to.' })
  async alliances(@Root() s: Studio, @Ctx() ctx: Context): Promise<Alliance[]> {
    const rows = await ctx.em.execute<{ alliance_id: number }[]>(
      'select alliance_id from alliance_member where studio_id = ? order by alliance_id',
      [s.id],
    );
    return rows.length ? ctx.em.find(Alliance, { id: { $in: rows.map((r) => r.alliance_id) } }) : [];
  }

  @Mutation(() => StudioPayload, { description: 'Files a studio application for an enterprise you manage.' })
  async applyStudio(
    @Arg('input', { description: 'What to do; see the input type.' }) input: ApplyStudioInput,
    @Ctx() ctx: Context,
  ): Promise<StudioPayload> {
    const r = await runMutation(ctx, (em) => applyStudio(ctx, em, input));
    return { studio: r.value, errors: r.errors };
  }

  @Mutation(() => StudioPayload, {
    description:
      'Moves a studio along its lifecycle: review, name (by a union of the level’s rank above the host), reject or revoke.',
  })
  async transitionStudio(
    @Arg('input', { description: 'What to do; see the input type.' }) input: TransitionStudioInput,
    @Ctx() ctx: Context,
  ): Promise<StudioPayload> {
    const r = await runMutation(ctx, (em) => transitionStudio(ctx, em, input));
    return { studio: r.value, errors: r.errors };
  }

  @Mutation(() => StudioPayload, {
    description: 'Records a named studio’s annual assessment (by the naming union).',
  })
  async assessStudio(
    @Arg('input', { description: 'What to do; see the input type.' }) input: AssessStudioInput,
    @Ctx() ctx: Context,
  ): Promise<StudioPayload> {
    const r = await runMutation(ctx, (em) => assessStudio(ctx, em, input));
    return { studio: r.value, errors: r.errors };
  }

  @Mutation(() => StudioPayload, {
    description: 'Adds a member to a studio you manage, or changes their role.',
  })
  async setStudioMember(
    @Arg('input', { description: 'What to do; see the input type.' }) input: StudioMemberInput,
    @Ctx() ctx: Context,
  ): Promise<StudioPayload> {
    const r = await runMutation(ctx, (em) => addStudioMember(ctx, em, input));
    return { studio: r.value, errors: r.errors };
  }

  @Mutation(() => AlliancePayload, {
    description: 'Creates an alliance (联盟) of named studios with a lead studio.',
  })
  async createAlliance(
    @Arg('input', { description: 'What to do; see the input type.' }) input: CreateAllianceInput,
    @Ctx() ctx: Context,
  ): Promise<AlliancePayload> {
    const r = await runMutation(ctx, (em) => createAlliance(ctx, em, input));
    return { alliance: r.value, errors: r.errors };
  }

  @Mutation(() => AchievementPayload, { description: 'Records an achievement of a named studio you manage.' })
  async recordAchievement(
    @Arg('input', { description: 'What to do; see the input type.' }) input: RecordAchievementInput,
    @Ctx() ctx: Context,
  ): Promise<AchievementPayload> {
    const r = await runMutation(ctx, (em) => recordAchievement(ctx, em, input));
    return { achievement: r.value, errors: r.errors };
  }
}

@Resolver(() => Alliance)
export class AllianceResolver {
  @FieldResolver(() => Studio, { description: 'The lead studio.' })
  async leadStudio(@Root() a: Alliance, @Ctx() ctx: Context): Promise<Studio | null> {
    return ctx.em.findOne(Studio, { id: a.leadStudio.id });
  }

  @FieldResolver(() => [Studio], { description: 'Member studios, the lead first.' })
  async studios(@Root() a: Alliance, @Ctx() ctx: Context): Promise<Studio[]> {
    const rows = await ctx.em.execute<{ studio_id: number }[]>(
      'select studio_id from alliance_member where alliance_id = ? order by (studio_id = ?) desc, studio_id',
      [a.id, a.leadStudio.id],
    );
    const studios = await ctx.em.find(Studio, { id: { $in: rows.map((r) => r.studio_id) } });
    const byId = new Map(studios.map((s) => [s.id, s]));
    return rows.map((r) => byId.get(r.studio_id)!).filter(Boolean);
  }
}

@Resolver(() => Achievement)
export class AchievementResolver {
  @FieldResolver(() => [String], { description: 'Names of the members it is attributed to.' })
  async people(@Root() a: Achievement, @Ctx() ctx: Context): Promise<string[]> {
    const rows = await ctx.em.execute<{ name: string }[]>(
      'select p.name from achievement_person ap join person p on p.id = ap.person_id where ap.achievement_id = ? order by p.id',
      [a.id],
    );
    return rows.map((r) => r.name);
  }
}
