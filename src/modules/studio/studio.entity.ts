import { Entity, Enum, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Node } from '../../shared/graphql/relay';
import { Organization } from '../organization/organization.entity';
import { Person } from '../person/person.entity';
import { DateScalar, DecimalScalar } from '../../shared/graphql/scalars';
import { ReviewOutcome } from './studio-life.enums';

export enum StudioLevel {
  NATIONAL_MODEL = 'NATIONAL_MODEL',
  PROVINCIAL = 'PROVINCIAL',
  MUNICIPAL = 'MUNICIPAL',
  ENTERPRISE = 'ENTERPRISE',
}
registerEnumType(StudioLevel, {
  name: 'StudioLevel',
  description: 'Who named the studio.',
  valuesConfig: {
    NATIONAL_MODEL: { description: '全国示范性劳模和工匠人才创新工作室.' },
    PROVINCIAL: { description: 'Named by a provincial federation (省级).' },
    MUNICIPAL: { description: 'Named by a city federation (市级).' },
    ENTERPRISE: { description: 'Named by the enterprise (企业级).' },
  },
});

export enum StudioStatus {
  APPLIED = 'APPLIED',
  UNDER_REVIEW = 'UNDER_REVIEW',
  NAMED = 'NAMED',
  REJECTED = 'REJECTED',
  REVOKED = 'REVOKED',
}
registerEnumType(StudioStatus, {
  name: 'StudioStatus',
  description: 'Lifecycle: applied → under review → named (or rejected); a named studio may be revoked.',
  valuesConfig: {
    APPLIED: { description: 'Application filed.' },
    UNDER_REVIEW: { description: 'Being reviewed by the naming union.' },
    NAMED: { description: 'Named (命名), with date, naming union and document number.' },
    REJECTED: { description: 'Application rejected.' },
    REVOKED: { description: 'Name withdrawn (撤销), e.g. after a failed assessment.' },
  },
});

/** Allowed lifecycle moves; everything else is refused. */
export const STUDIO_TRANSITIONS: Record<StudioStatus, StudioStatus[]> = {
  APPLIED: [StudioStatus.UNDER_REVIEW, StudioStatus.REJECTED],
  UNDER_REVIEW: [StudioStatus.NAMED, StudioStatus.REJECTED],
  NAMED: [StudioStatus.REVOKED],
  REJECTED: [],
  REVOKED: [],
};

export enum AssessmentResult {
  PASS = 'PASS',
  NEEDS_IMPROVEMENT = 'NEEDS_IMPROVEMENT',
  FAIL = 'FAIL',
}
registerEnumType(AssessmentResult, {
  name: 'AssessmentResult',
  description: 'Annual assessment (年度考核) of a named studio.',
  valuesConfig: {
    PASS: { description: 'Passed the assessment.' },
    NEEDS_IMPROVEMENT: { description: 'Passed with a demand to improve (a warning).' },
    FAIL: { description: 'Failed the assessment.' },
  },
});

export enum MemberRole {
  LEADER = 'LEADER',
  CORE = 'CORE',
  MEMBER = 'MEMBER',
  APPRENTICE = 'APPRENTICE',
}
registerEnumType(MemberRole, {
  name: 'StudioMemberRole',
  description: 'Role in a studio: leader (领办人), core member, member, apprentice (徒弟).',
  valuesConfig: {
    LEADER: { description: 'The leader (领办人).' },
    CORE: { description: 'A core member.' },
    MEMBER: { description: 'A member.' },
    APPRENTICE: { description: 'An apprentice (徒弟).' },
  },
});

export enum AchievementKind {
  PATENT = 'PATENT',
  OPERATION_METHOD = 'OPERATION_METHOD',
  TECHNICAL_INNOVATION = 'TECHNICAL_INNOVATION',
  ECONOMIC_BENEFIT = 'ECONOMIC_BENEFIT',
  APPRENTICES = 'APPRENTICES',
  AWARD = 'AWARD',
}
registerEnumType(AchievementKind, {
  name: 'AchievementKind',
  description: 'Kind of studio achievement.',
  valuesConfig: {
    PATENT: { description: 'A patent (number, type, status).' },
    OPERATION_METHOD: { description: 'An advanced operation method (先进操作法).' },
    TECHNICAL_INNOVATION: { description: 'A technical innovation (技术革新).' },
    ECONOMIC_BENEFIT: { description: 'Economic benefit created, in yuan.' },
    APPRENTICES: { description: 'Apprentices trained (师带徒).' },
    AWARD: { description: 'An award won.' },
  },
});

export enum PatentType {
  INVENTION = 'INVENTION',
  UTILITY_MODEL = 'UTILITY_MODEL',
  DESIGN = 'DESIGN',
}
registerEnumType(PatentType, {
  name: 'PatentType',
  description: '发明 / 实用新型 / 外观设计.',
  valuesConfig: {
    INVENTION: { description: 'Invention patent (发明).' },
    UTILITY_MODEL: { description: 'Utility model (实用新型).' },
    DESIGN: { description: 'Design patent (外观设计).' },
  },
});

export enum PatentStatus {
  FILED = 'FILED',
  GRANTED = 'GRANTED',
  LAPSED = 'LAPSED',
}
registerEnumType(PatentStatus, {
  name: 'PatentStatus',
  description: 'Filed, granted or lapsed.',
  valuesConfig: {
    FILED: { description: 'Filed, not granted yet.' },
    GRANTED: { description: 'Granted.' },
    LAPSED: { description: 'Lapsed or withdrawn.' },
  },
});

@ObjectType({
  implements: Node,
  description: 'A model-worker and craftsman innovation studio (劳模和工匠人才创新工作室).',
})
@Entity({ tableName: 'studio' })
export class Studio {
  [OptionalProps]?:
    | 'status'
    | 'createdAt'
    | 'updatedAt'
    | 'namedOn'
    | 'namingUnion'
    | 'documentNumber'
    | 'lastAssessment'
    | 'lastAssessmentYear'
    | 'lastReview'
    | 'lastReviewedOn';

  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Field({ description: 'Name, e.g. 王进喜劳模创新工作室.' })
  @Property({ type: 'string', length: 200 })
  name!: string;

  @ManyToOne(() => Organization, { ref: true, fieldName: 'host_id' })
  host!: Ref<Organization>;

  @Field(() => StudioLevel, { description: 'Level of the name.' })
  @Enum({ items: () => StudioLevel })
  level!: StudioLevel;

  @Field({ description: 'Field of work, e.g. 焊接 or 电力检修.' })
  @Property({ type: 'string', length: 100 })
  field!: string;

  @ManyToOne(() => Person, { ref: true, fieldName: 'leader_id' })
  leader!: Ref<Person>;

  @Field(() => StudioStatus, { description: 'Lifecycle state.' })
  @Enum({ items: () => StudioStatus, default: StudioStatus.APPLIED })
  status: StudioStatus = StudioStatus.APPLIED;

  @Field(() => DateScalar, { nullable: true, description: 'Date named.' })
  @Property({ type: 'date', nullable: true })
  namedOn?: string | null;

  @ManyToOne(() => Organization, { ref: true, nullable: true, fieldName: 'naming_union_id' })
  namingUnion?: Ref<Organization> | null;

  @Field(() => String, { nullable: true, description: 'Number of the naming document (文号).' })
  @Property({ type: 'string', length: 100, nullable: true })
  documentNumber?: string | null;

  @Field(() => AssessmentResult, { nullable: true, description: 'Result of the latest annual assessment.' })
  @Enum({ items: () => AssessmentResult, nullable: true })
  lastAssessment?: AssessmentResult | null;

  @Field(() => Int, { nullable: true, description: 'Year of the latest annual assessment.' })
  @Property({ type: 'integer', nullable: true })
  lastAssessmentYear?: number | null;

  @Field(() => ReviewOutcome, {
    nullable: true,
    description: 'Outcome of the latest periodic review (复核/复评); null before the first.',
  })
  @Enum({ items: () => ReviewOutcome, nullable: true })
  lastReview?: ReviewOutcome | null;

  @Field(() => DateScalar, {
    nullable: true,
    description: 'Date of the latest periodic review (YYYY-MM-DD).',
  })
  @Property({ type: 'date', nullable: true })
  lastReviewedOn?: string | null;

  @Field({ description: 'When the record was created.' })
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt!: Date;

  @Field({ description: 'When the record last changed.' })
  @Property({ type: 'datetime', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt!: Date;
}

@ObjectType({
  implements: Node,
  description: 'An alliance (联盟) of studios across enterprises, with a lead studio.',
})
@Entity({ tableName: 'alliance' })
export class Alliance {
  [OptionalProps]?: 'createdAt' | 'foundedOn' | 'joinRequiresApproval';

  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Field({ description: 'Name, e.g. 焊接技术创新工作室联盟.' })
  @Property({ type: 'string', length: 200 })
  name!: string;

  @ManyToOne(() => Studio, { ref: true, fieldName: 'lead_studio_id' })
  leadStudio!: Ref<Studio>;

  @Field(() => DateScalar, { nullable: true, description: 'Founding date.' })
  @Property({ type: 'date', nullable: true })
  foundedOn?: string | null;

  @Field({
    description:
      'Whether a studio’s join waits for the approval of an organizer of the lead studio’s host (a join by that organizer needs none).',
  })
  @Property({ type: 'boolean', default: false })
  joinRequiresApproval: boolean = false;

  @Field({ description: 'When the record was created.' })
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt!: Date;
}

@ObjectType({
  implements: Node,
  description: 'An achievement of a studio, dated and attributable to members.',
})
@Entity({ tableName: 'achievement' })
export class Achievement {
  [OptionalProps]?:
    'createdAt' | 'patentNumber' | 'patentType' | 'patentStatus' | 'benefitYuan' | 'apprentices';

  @PrimaryKey({ type: 'integer' })
  id!: number;

  @ManyToOne(() => Studio, { ref: true, fieldName: 'studio_id', deleteRule: 'cascade' })
  studio!: Ref<Studio>;

  @Field(() => AchievementKind, { description: 'Kind.' })
  @Enum({ items: () => AchievementKind })
  kind!: AchievementKind;

  @Field({ description: 'Title, e.g. the patent’s or the method’s name.' })
  @Property({ type: 'string', length: 300 })
  title!: string;

  @Field(() => DateScalar, { description: 'Date.' })
  @Property({ type: 'date' })
  achievedOn!: string;

  @Field(() => String, { nullable: true, description: 'Patent number (patents).' })
  @Property({ type: 'string', length: 50, nullable: true })
  patentNumber?: string | null;

  @Field(() => PatentType, { nullable: true, description: 'Patent type (patents).' })
  @Enum({ items: () => PatentType, nullable: true })
  patentType?: PatentType | null;

  @Field(() => PatentStatus, { nullable: true, description: 'Patent status (patents).' })
  @Enum({ items: () => PatentStatus, nullable: true })
  patentStatus?: PatentStatus | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'Economic benefit in yuan, exact to the fen.' })
  // numeric(16,2) read as a string: an amount never passes through a float.
  @Property({ type: 'decimal', precision: 16, scale: 2, nullable: true, fieldName: 'benefit_yuan' })
  benefitYuan?: string | null;

  @Field(() => Int, { nullable: true, description: 'Apprentices trained.' })
  @Property({ type: 'integer', nullable: true })
  apprentices?: number | null;

  @Field({ description: 'When the record was created.' })
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt!: Date;
}
