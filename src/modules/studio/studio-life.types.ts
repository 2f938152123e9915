import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { UserError } from '../../shared/errors';
import { Node } from '../../shared/graphql/relay';
import { DateScalar } from '../../shared/graphql/scalars';
import { Alliance, StudioLevel } from './studio.entity';
import { JoinRequestStatus, ReviewKind, ReviewOutcome } from './studio-life.enums';

@ObjectType({ description: 'One step of a studio’s level history: its naming or a promotion.' })
export class StudioLevelStep {
  @Field(() => StudioLevel, { description: 'The level named at this step.' })
  level!: StudioLevel;

  @Field(() => DateScalar, { description: 'Date named at this level (YYYY-MM-DD).' })
  namedOn!: string;

  @Field({ description: 'Number of the naming document (文号) of this step.' })
  documentNumber!: string;

  @Field({ description: 'When the step was recorded.' })
  at!: Date;

  namingUnionId!: number;
}

@ObjectType({ description: 'A periodic review (复核/复评) of a named studio.' })
export class StudioReview {
  @Field(() => ReviewKind, { description: 'Recheck or re-evaluation.' })
  kind!: ReviewKind;

  @Field(() => ReviewOutcome, { description: 'Pass, warning or revocation.' })
  outcome!: ReviewOutcome;

  @Field(() => DateScalar, { description: 'Date of the review (YYYY-MM-DD).' })
  reviewedOn!: string;

  @Field(() => String, { nullable: true, description: 'Number of the review document (文号), if any.' })
  documentNumber!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Notes: what to put right, or why the name is revoked.',
  })
  notes!: string | null;

  reviewingUnionId!: number;
}

@ObjectType({
  implements: Node,
  description: 'A studio’s request to join an alliance that requires approval.',
})
export class AllianceJoinRequest {
  @Field(() => ID, { description: 'Global ID of the request.' })
  id!: string;

  @Field(() => JoinRequestStatus, { description: 'Pending, approved or rejected.' })
  status!: JoinRequestStatus;

  @Field({ description: 'When the request was made.' })
  requestedAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When it was approved or rejected.' })
  decidedAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'Why it was rejected, if given.' })
  reason!: string | null;

  studioId!: number;
  allianceId!: number;
}

@InputType({ description: 'Promotes a named studio to a higher level (市级 → 省级 → 全国示范性).' })
export class PromoteStudioInput {
  @Field(() => ID, { description: 'The studio (named).' })
  studioId!: string;

  @Field(() => StudioLevel, { description: 'The new level, strictly higher than the current one.' })
  level!: StudioLevel;

  @Field(() => DateScalar, {
    description: 'Date named at the new level (YYYY-MM-DD), not before the current naming.',
  })
  namedOn!: string;

  @Field(() => ID, {
    description: 'The awarding union: of the new level’s rank, above the host, and managed by you.',
  })
  namingUnionId!: string;

  @Field({ description: 'Number of the awarding document (文号), 1–100 characters.' })
  documentNumber!: string;
}

@InputType({ description: 'Records a periodic review (复核/复评) of a named studio.' })
export class ReviewStudioInput {
  @Field(() => ID, { description: 'The studio (named).' })
  studioId!: string;

  @Field(() => ReviewKind, { description: 'Recheck or re-evaluation.' })
  kind!: ReviewKind;

  @Field(() => ReviewOutcome, { description: 'Pass, warning or revocation (REVOKED revokes the name).' })
  outcome!: ReviewOutcome;

  @Field(() => DateScalar, {
    description: 'Date of the review (YYYY-MM-DD); one review per studio and date.',
  })
  reviewedOn!: string;

  @Field(() => String, { nullable: true, description: 'Number of the review document (文号).' })
  documentNumber?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Notes, up to 1000 characters; required for a warning or a revocation.',
  })
  notes?: string | null;
}

@InputType({
  description: 'A studio joins an existing alliance (or asks to, where the alliance requires approval).',
})
export class JoinAllianceInput {
  @Field(() => ID, { description: 'The alliance.' })
  allianceId!: string;

  @Field(() => ID, { description: 'The joining studio (named), hosted under a union you manage.' })
  studioId!: string;
}

@InputType({ description: 'A studio leaves an alliance (or is removed by the lead studio’s organizers).' })
export class LeaveAllianceInput {
  @Field(() => ID, { description: 'The alliance.' })
  allianceId!: string;

  @Field(() => ID, { description: 'The leaving studio; not the lead studio.' })
  studioId!: string;

  @Field(() => String, { nullable: true, description: 'Why, up to 500 characters.' })
  reason?: string | null;
}

@InputType({ description: 'Approves or rejects a pending request to join an alliance.' })
export class DecideAllianceJoinInput {
  @Field(() => ID, { description: 'The join request.' })
  requestId!: string;

  @Field({ description: 'True approves (the studio joins); false rejects.' })
  approve!: boolean;

  @Field(() => String, { nullable: true, description: 'Why, up to 500 characters; required to reject.' })
  reason?: string | null;
}

@InputType({ description: 'Changes an alliance’s settings.' })
export class SetAllianceJoinApprovalInput {
  @Field(() => ID, { description: 'The alliance; its lead studio is hosted under a union you manage.' })
  allianceId!: string;

  @Field({ description: 'Whether joins wait for the approval of an organizer of the lead studio’s host.' })
  joinRequiresApproval!: boolean;
}

@ObjectType({ description: 'Result of a step on an alliance’s membership or settings.' })
export class AllianceMembershipPayload {
  @Field(() => Alliance, { nullable: true, description: 'The alliance as it is now; null on failure.' })
  alliance!: Alliance | null;

  @Field(() => AllianceJoinRequest, {
    nullable: true,
    description: 'The join request concerned: pending after a join that needs approval, or the one decided.',
  })
  joinRequest!: AllianceJoinRequest | null;

  @Field(() => [UserError], { description: 'Expected failures; empty on success.' })
  errors!: UserError[];
}
