import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { Context } from '../../shared/graphql/context';
import { runMutation } from '../../shared/graphql/mutation';
import { Account } from '../account/account.entity';
import { Organization } from '../organization/organization.entity';
import { Alliance, Studio } from './studio.entity';
import { StudioEvent, StudioPayload } from './studio.types';
import {
  AllianceJoinRequest,
  AllianceMembershipPayload,
  DecideAllianceJoinInput,
  JoinAllianceInput,
  LeaveAllianceInput,
  PromoteStudioInput,
  ReviewStudioInput,
  SetAllianceJoinApprovalInput,
  StudioLevelStep,
  StudioReview,
} from './studio-life.types';
import { promoteStudio, reviewStudio } from './studio-promotion.service';
import {
  decideAllianceJoin,
  joinAlliance,
  leaveAlliance,
  type MembershipResult,
  setAllianceJoinApproval,
  toJoinRequest,
} from './alliance-membership.service';
import { fetchStudio } from './studio.nodes';

const membership = (r: { value: MembershipResult | null; errors: AllianceMembershipPayload['errors'] }) => ({
  alliance: r.value?.alliance ?? null,
  joinRequest: r.value?.joinRequest ?? null,
  errors: r.errors,
});

/** Whether the caller manages the host of the studio (the organizers who run it, and unions above). */
async function managesHost(ctx: Context, studioId: number): Promise<boolean> {
  const s = await ctx.em.findOne(Studio, { id: studioId });
  const host = s ? await ctx.loaders.organizationById.load(s.host.id) : null;
  return !!host && ctx.access.manages(host.path);
}

@Resolver(() => Studio)
export class StudioLifeResolver {
  @FieldResolver(() => [StudioLevelStep], {
    description:
      'The level history: the naming and every promotion, oldest first (at most one step per level).',
  })
  async levelHistory(@Root() s: Studio, @Ctx() ctx: Context): Promise<StudioLevelStep[]> {
    const rows = await ctx.em.execute<
      { level: string; named_on: string; document_number: string; at: string; naming_union_id: number }[]
    >(
      `select level, named_on::text as named_on, document_number, at, naming_union_id
         from studio_level_step where studio_id = ? order by named_on, id`,
      [s.id],
    );
    return rows.map((r) => ({
      level: r.level as never,
      namedOn: r.named_on,
      documentNumber: r.document_number,
      at: new Date(r.at),
      namingUnionId: r.naming_union_id,
    }));
  }

  @FieldResolver(() => [StudioReview], { description: 'Periodic reviews (复核/复评), oldest first.' })
  async reviews(@Root() s: Studio, @Ctx() ctx: Context): Promise<StudioReview[]> {
    const rows = await ctx.em.execute<
      {
        kind: string;
        outcome: string;
        reviewed_on: string;
        document_number: string | null;
        notes: string | null;
        reviewing_union_id: number;
      }[]
    >(
      `select kind, outcome, reviewed_on::text as reviewed_on, document_number, notes, reviewing_union_id
         from studio_review where studio_id = ? order by reviewed_on, id`,
      [s.id],
    );
    return rows.map((r) => ({
      kind: r.kind as never,
      outcome: r.outcome as never,
      reviewedOn: r.reviewed_on,
      documentNumber: r.document_number,
      notes: r.notes,
      reviewingUnionId: r.reviewing_union_id,
    }));
  }

  @Mutation(() => StudioPayload, {
    description:
      'Promotes a named studio to a higher level, keeping its history, members, achievements and alliances (by an organizer of the awarding union or above).',
  })
  async promoteStudio(
    @Arg('input', { description: 'What to do; see the input type.' }) input: PromoteStudioInput,
    @Ctx() ctx: Context,
  ): Promise<StudioPayload> {
    const r = await runMutation(ctx, (em) => promoteStudio(ctx, em, input));
    return { studio: r.value, errors: r.errors };
  }

  @Mutation(() => StudioPayload, {
    description:
      'Records a periodic review (复核/复评) of a named studio by its naming union: pass, warning or revocation.',
  })
  async reviewStudio(
    @Arg('input', { description: 'What to do; see the input type.' }) input: ReviewStudioInput,
    @Ctx() ctx: Context,
  ): Promise<StudioPayload> {
    const r = await runMutation(ctx, (em) => reviewStudio(ctx, em, input));
    return { studio: r.value, errors: r.errors };
  }

  @Mutation(() => AllianceMembershipPayload, {
    description:
      'A named studio you manage joins an alliance; where the alliance requires approval, this files a request instead.',
  })
  async joinAlliance(
    @Arg('input', { description: 'What to do; see the input type.' }) input: JoinAllianceInput,
    @Ctx() ctx: Context,
  ): Promise<AllianceMembershipPayload> {
    return membership(await runMutation(ctx, (em) => joinAlliance(ctx, em, input)));
  }

  @Mutation(() => AllianceMembershipPayload, {
    description: 'Approves or rejects a pending join request (organizers of the lead studio’s host).',
  })
  async decideAllianceJoin(
    @Arg('input', { description: 'What to do; see the input type.' }) input: DecideAllianceJoinInput,
    @Ctx() ctx: Context,
  ): Promise<AllianceMembershipPayload> {
    return membership(await runMutation(ctx, (em) => decideAllianceJoin(ctx, em, input)));
  }

  @Mutation(() => AllianceMembershipPayload, {
    description:
      'A studio leaves an alliance (its organizers), or is removed (the lead studio’s organizers).',
  })
  async leaveAlliance(
    @Arg('input', { description: 'What to do; see the input type.' }) input: LeaveAllianceInput,
    @Ctx() ctx: Context,
  ): Promise<AllianceMembershipPayload> {
    return membership(await runMutation(ctx, (em) => leaveAlliance(ctx, em, input)));
  }

  @Mutation(() => AllianceMembershipPayload, {
    description: 'Sets whether joins to an alliance need approval (organizers of the lead studio’s host).',
  })
  async setAllianceJoinApproval(
    @Arg('input', { description: 'What to do; see the input type.' }) input: SetAllianceJoinApprovalInput,
    @Ctx() ctx: Context,
  ): Promise<AllianceMembershipPayload> {
    return membership(await runMutation(ctx, (em) => setAllianceJoinApproval(ctx, em, input)));
  }
}

@Resolver(() => StudioEvent)
export class StudioEventResolver {
  @FieldResolver(() => Account, {
    nullable: true,
    description:
      'The account that took the step: shown to organizers who manage the studio’s host (and platform admins); null for everyone else.',
  })
  async actor(@Root() e: StudioEvent, @Ctx() ctx: Context): Promise<Account | null> {
    if (!e.actorId || !e.studioId || !(await managesHost(ctx, e.studioId))) return null;
    return ctx.loaders.accountById.load(e.actorId);
  }

  @FieldResolver(() => Organization, {
    nullable: true,
    description: 'The union the actor acted for, shown to everyone who may see the studio; null if unknown.',
  })
  async actingUnion(@Root() e: StudioEvent, @Ctx() ctx: Context): Promise<Organization | null> {
    return e.actingUnionId ? ctx.loaders.organizationById.load(e.actingUnionId) : null;
  }
}

@Resolver(() => StudioLevelStep)
export class StudioLevelStepResolver {
  @FieldResolver(() => Organization, { description: 'The awarding union of this step.' })
  async namingUnion(@Root() l: StudioLevelStep, @Ctx() ctx: Context): Promise<Organization | null> {
    return ctx.loaders.organizationById.load(l.namingUnionId);
  }
}

@Resolver(() => StudioReview)
export class StudioReviewResolver {
  @FieldResolver(() => Organization, { description: 'The union that reviewed the studio.' })
  async reviewingUnion(@Root() r: StudioReview, @Ctx() ctx: Context): Promise<Organization | null> {
    return ctx.loaders.organizationById.load(r.reviewingUnionId);
  }
}

@Resolver(() => AllianceJoinRequest)
export class AllianceJoinRequestResolver {
  @FieldResolver(() => Studio, { nullable: true, description: 'The studio asking to join.' })
  async studio(@Root() r: AllianceJoinRequest, @Ctx() ctx: Context): Promise<Studio | null> {
    return fetchStudio(ctx, r.studioId);
  }

  @FieldResolver(() => Alliance, { description: 'The alliance.' })
  async alliance(@Root() r: AllianceJoinRequest, @Ctx() ctx: Context): Promise<Alliance | null> {
    return ctx.em.findOne(Alliance, { id: r.allianceId });
  }
}

@Resolver(() => Alliance)
export class AllianceJoinRequestsResolver {
  @FieldResolver(() => [AllianceJoinRequest], {
    description:
      'Pending join requests, oldest first: for organizers of the lead studio’s host; empty for everyone else.',
  })
  async pendingJoinRequests(@Root() a: Alliance, @Ctx() ctx: Context): Promise<AllianceJoinRequest[]> {
    if (!(await managesHost(ctx, a.leadStudio.id))) return [];
    const rows = await ctx.em.execute<Parameters<typeof toJoinRequest>[0][]>(
      `select * from alliance_join_request where alliance_id = ? and status = 'PENDING' order by id`,
      [a.id],
    );
    return rows.map(toJoinRequest);
  }
}
