import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { UserError } from '../../shared/errors';
import { Connection, OrderByInput, type OrderColumn } from '../../shared/graphql/relay';
import { Organization } from '../organization/organization.entity';
import { HonorKind } from '../person/person.entity';
import { StudioEventKind } from './studio-life.enums';
import {
  AchievementKind,
  Alliance,
  AssessmentResult,
  MemberRole,
  PatentStatus,
  PatentType,
  Studio,
  StudioLevel,
  StudioStatus,
} from './studio.entity';
import { DateScalar, DecimalScalar } from '../../shared/graphql/scalars';

export const StudioConnection = Connection(Studio, 'Studio');
export const AllianceConnection = Connection(Alliance, 'Alliance');

export enum StudioOrderField {
  ID = 'ID',
  NAME = 'NAME',
  CREATED_AT = 'CREATED_AT',
}
registerEnumType(StudioOrderField, {
  name: 'StudioOrderField',
  description: 'Fields studios can be ordered by.',
  valuesConfig: {
    ID: { description: 'Creation order (the id).' },
    NAME: { description: 'The name, in the database collation.' },
    CREATED_AT: { description: 'When the studio was created.' },
  },
});
export const StudioOrder = OrderByInput('Studio', StudioOrderField, 'studios');
export const STUDIO_ORDER: Record<StudioOrderField, OrderColumn<Studio> | null> = {
  ID: null,
  NAME: { column: 'name', cast: 'text', value: (x) => x.name },
  CREATED_AT: { column: 'created_at', cast: 'timestamptz', value: (x) => x.createdAt },
};

@ObjectType({ description: 'A member of a studio.' })
export class StudioMember {
  @Field(() => ID, { description: 'The person.' })
  personId!: string;

  @Field({ description: 'Name.' })
  name!: string;

  @Field(() => MemberRole, { description: 'Role in the studio.' })
  role!: MemberRole;

  @Field(() => DateScalar, { description: 'Date joined.' })
  joinedOn!: string;
}

@ObjectType({ description: 'One step of a studio’s history: lifecycle moves, assessments, members.' })
export class StudioEvent {
  @Field(() => StudioEventKind, { description: 'What happened.' })
  kind!: StudioEventKind;

  @Field(() => StudioStatus, { nullable: true, description: 'State before (lifecycle moves).' })
  fromStatus!: StudioStatus | null;

  @Field(() => StudioStatus, { nullable: true, description: 'State after (lifecycle moves).' })
  toStatus!: StudioStatus | null;

  @Field({ description: 'Details as JSON text (reason, document number, assessment result…).' })
  details!: string;

  @Field({ description: 'When.' })
  at!: Date;

  /** Who acted (an account), and the union they acted for; resolved with visibility in StudioEventResolver. */
  actorId?: number | null;
  actingUnionId?: number | null;
  studioId?: number;
}

@InputType({ description: 'Filters for the studio registry; all given ones must match.' })
export class StudioFilter {
  @Field(() => ID, {
    nullable: true,
    description: 'Only studios hosted under this union (its whole subtree).',
  })
  unionId?: string | null;

  @Field(() => [StudioLevel], { nullable: true, description: 'Only these levels.' })
  levels?: StudioLevel[] | null;

  @Field(() => [StudioStatus], { nullable: true, description: 'Only these states.' })
  statuses?: StudioStatus[] | null;

  @Field(() => String, { nullable: true, description: 'Field of work contains this text.' })
  field?: string | null;

  @Field(() => [HonorKind], {
    nullable: true,
    description: 'Only studios whose leader holds one of these honors.',
  })
  leaderHonorKinds?: HonorKind[] | null;

  @Field(() => String, { nullable: true, description: 'Name contains this text.' })
  search?: string | null;
}

@InputType({ description: 'A studio application.' })
export class ApplyStudioInput {
  @Field({ description: 'Name, 1–200 characters.' })
  name!: string;

  @Field(() => ID, { description: 'The host enterprise (or unit) you manage.' })
  hostId!: string;

  @Field(() => StudioLevel, { description: 'The level applied for.' })
  level!: StudioLevel;

  @Field({ description: 'Field of work, 1–100 characters.' })
  field!: string;

  @Field(() => ID, { description: 'The leader (领办人), a person employed under the host.' })
  leaderId!: string;
}

@InputType({ description: 'Moves a studio along its lifecycle.' })
export class TransitionStudioInput {
  @Field(() => ID, { description: 'The studio.' })
  studioId!: string;

  @Field(() => StudioStatus, { description: 'Target state.' })
  to!: StudioStatus;

  @Field(() => String, { nullable: true, description: 'Why; required to reject or revoke.' })
  reason?: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'NAMED: date named.' })
  namedOn?: string | null;

  @Field(() => ID, {
    nullable: true,
    description: 'NAMED: the naming union (the host or a union above it, of the level’s rank).',
  })
  namingUnionId?: string | null;

  @Field(() => String, { nullable: true, description: 'NAMED: the naming document’s number (文号).' })
  documentNumber?: string | null;
}

@InputType({ description: 'An annual assessment of a named studio.' })
export class AssessStudioInput {
  @Field(() => ID, { description: 'The studio.' })
  studioId!: string;

  @Field(() => Int, { description: 'The year assessed; once per year.' })
  year!: number;

  @Field(() => AssessmentResult, { description: 'Pass, needs improvement or fail.' })
  result!: AssessmentResult;

  @Field(() => String, { nullable: true, description: 'Notes, up to 1000 characters.' })
  notes?: string | null;
}

@InputType({ description: 'Adds a person to a studio, or changes their role.' })
export class StudioMemberInput {
  @Field(() => ID, { description: 'The studio.' })
  studioId!: string;

  @Field(() => ID, { description: 'The person.' })
  personId!: string;

  @Field(() => MemberRole, { description: 'Role; LEADER is the studio’s leader only.' })
  role!: MemberRole;
}

@InputType({ description: 'An alliance of studios.' })
export class CreateAllianceInput {
  @Field({ description: 'Name, 1–200 characters, unique.' })
  name!: string;

  @Field(() => ID, { description: 'The lead studio (named).' })
  leadStudioId!: string;

  @Field(() => [ID], { description: 'Other member studios (named), at most 500.' })
  studioIds!: string[];

  @Field(() => DateScalar, { nullable: true, description: 'Founding date.' })
  foundedOn?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Whether joins wait for the approval of the lead studio’s organizers; false when not given.',
  })
  joinRequiresApproval?: boolean | null;
}

@InputType({ description: 'An achievement of a studio.' })
export class RecordAchievementInput {
  @Field(() => ID, { description: 'The studio.' })
  studioId!: string;

  @Field(() => AchievementKind, { description: 'Kind.' })
  kind!: AchievementKind;

  @Field({ description: 'Title, 1–300 characters.' })
  title!: string;

  @Field(() => DateScalar, { description: 'Date.' })
  achievedOn!: string;

  @Field(() => String, { nullable: true, description: 'PATENT: number.' })
  patentNumber?: string | null;

  @Field(() => PatentType, { nullable: true, description: 'PATENT: type.' })
  patentType?: PatentType | null;

  @Field(() => PatentStatus, { nullable: true, description: 'PATENT: status.' })
  patentStatus?: PatentStatus | null;

  @Field(() => DecimalScalar, {
    nullable: true,
    description: 'ECONOMIC_BENEFIT: yuan, ≥ 0, at most 2 decimals, e.g. "1250000.50".',
  })
  benefitYuan?: string | null;

  @Field(() => Int, { nullable: true, description: 'APPRENTICES: how many.' })
  apprentices?: number | null;

  @Field(() => [ID], { nullable: true, description: 'Members it is attributed to (must be members).' })
  personIds?: string[] | null;
}

@ObjectType({ description: 'Studios of one level and state.' })
export class StudioCount {
  @Field(() => StudioLevel, { description: 'Level.' })
  level!: StudioLevel;

  @Field(() => StudioStatus, { description: 'State.' })
  status!: StudioStatus;

  @Field(() => Int, { description: 'How many.' })
  count!: number;
}

@ObjectType({ description: 'Achievements of one kind, summed.' })
export class AchievementSum {
  @Field(() => AchievementKind, { description: 'Kind.' })
  kind!: AchievementKind;

  @Field(() => Int, { description: 'How many recorded.' })
  count!: number;

  @Field(() => DecimalScalar, { description: 'Economic benefit in yuan (ECONOMIC_BENEFIT), exact.' })
  benefitYuan!: string;

  @Field(() => Int, { description: 'Apprentices trained (APPRENTICES).' })
  apprentices!: number;

  @Field(() => Int, { description: 'Granted patents (PATENT).' })
  patentsGranted!: number;
}

@ObjectType({
  description: 'Studio rollups over a union and everything under it; each list is one SQL statement.',
})
export class StudioStatistics {
  @Field(() => Organization, { description: 'The union at the root.' })
  union!: Organization;

  @Field(() => [StudioCount], { description: 'Studios hosted under the union, by level and state.' })
  studios!: StudioCount[];

  @Field(() => Int, { description: 'Alliances whose lead studio is hosted under the union.' })
  alliances!: number;

  @Field(() => [AchievementSum], { description: 'Achievements of studios under the union, by kind.' })
  achievements!: AchievementSum[];
}

@ObjectType({ description: 'Result of a mutation on a studio.' })
export class StudioPayload {
  @Field(() => Studio, { nullable: true, description: 'The studio as it is now; null on failure.' })
  studio!: Studio | null;

  @Field(() => [UserError], { description: 'Expected failures; empty on success.' })
  errors!: UserError[];
}

@ObjectType({ description: 'Result of creating an alliance.' })
export class AlliancePayload {
  @Field(() => Alliance, { nullable: true, description: 'The alliance; null on failure.' })
  alliance!: Alliance | null;

  @Field(() => [UserError], { description: 'Expected failures; empty on success.' })
  errors!: UserError[];
}
