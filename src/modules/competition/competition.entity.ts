import { Entity, Enum, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Node } from '../../shared/graphql/relay';
import { Account } from '../account/account.entity';
import { Organization } from '../organization/organization.entity';
import { DateScalar } from '../../shared/graphql/scalars';

export enum CompetitionKind {
  SKILLS = 'SKILLS',
  LABOR = 'LABOR',
  INNOVATION = 'INNOVATION',
}
registerEnumType(CompetitionKind, {
  name: 'CompetitionKind',
  description: 'Family of competition.',
  valuesConfig: {
    SKILLS: { description: 'Skills competition (职业技能竞赛): individuals compete in trades.' },
    LABOR: {
      description: 'Labor competition (劳动竞赛): teams, crews or enterprises compete on indicators.',
    },
    INNOVATION: {
      description:
        'Innovation campaign (e.g. 职工科技节): submissions in categories, judged by experts in chained rounds.',
    },
  },
});

export enum CompetitionStatus {
  DRAFT = 'DRAFT',
  REGISTRATION_OPEN = 'REGISTRATION_OPEN',
  RUNNING = 'RUNNING',
  SCORING_CLOSED = 'SCORING_CLOSED',
  PUBLISHED = 'PUBLISHED',
  FINAL = 'FINAL',
  ARCHIVED = 'ARCHIVED',
}
registerEnumType(CompetitionStatus, {
  name: 'CompetitionStatus',
  description: 'Lifecycle state; moves only along allowed transitions (see `allowedTransitions`).',
  valuesConfig: {
    DRAFT: { description: 'Being configured; visible to organizers only.' },
    REGISTRATION_OPEN: { description: 'Entrants may register.' },
    RUNNING: { description: 'The contest is under way.' },
    SCORING_CLOSED: { description: 'Scoring finished; results being checked.' },
    PUBLISHED: {
      description:
        'Results published: identities revealed, the notice period (公示) runs and appeals (申诉) may be filed.',
    },
    FINAL: { description: 'Notice period over, appeals resolved: results are final.' },
    ARCHIVED: { description: 'Closed for good.' },
  },
});

/** The lifecycle graph. DRAFT may be abandoned straight to ARCHIVED; otherwise it only moves forward. */
export const COMPETITION_TRANSITIONS: Record<CompetitionStatus, CompetitionStatus[]> = {
  DRAFT: [CompetitionStatus.REGISTRATION_OPEN, CompetitionStatus.ARCHIVED],
  REGISTRATION_OPEN: [CompetitionStatus.RUNNING],
  RUNNING: [CompetitionStatus.SCORING_CLOSED],
  SCORING_CLOSED: [CompetitionStatus.PUBLISHED],
  PUBLISHED: [CompetitionStatus.FINAL],
  FINAL: [CompetitionStatus.ARCHIVED],
  ARCHIVED: [],
};

/** States in which the public may see a competition. */
export const PUBLIC_COMPETITION_STATUSES = [
  CompetitionStatus.REGISTRATION_OPEN,
  CompetitionStatus.RUNNING,
  CompetitionStatus.SCORING_CLOSED,
  CompetitionStatus.PUBLISHED,
  CompetitionStatus.FINAL,
  CompetitionStatus.ARCHIVED,
];

/** States in which entrant identities are public (results published). */
export const RESULTS_PUBLIC_STATUSES = [
  CompetitionStatus.PUBLISHED,
  CompetitionStatus.FINAL,
  CompetitionStatus.ARCHIVED,
];

@ObjectType({ implements: Node, description: 'A labor or skills competition (竞赛) hosted by a union.' })
@Entity({ tableName: 'competition' })
export class Competition {
  [OptionalProps]?:
    | 'status'
    | 'createdAt'
    | 'updatedAt'
    | 'description'
    | 'startsOn'
    | 'endsOn'
    | 'resultsPublishedAt'
    | 'noticeEndsAt'
    | 'appealDeadline'
    | 'resultsFinalAt'
    | 'submissionsOpenAt'
    | 'submissionsCloseAt';

  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Field({ description: 'Name, e.g. 2024年石家庄市职工职业技能大赛.' })
  @Property({ type: 'string', length: 200 })
  name!: string;

  @Field(() => CompetitionKind, { description: 'Skills or labor competition.' })
  @Enum({ items: () => CompetitionKind })
  kind!: CompetitionKind;

  @Field(() => Int, { description: 'Year the competition belongs to.' })
  @Property({ type: 'integer' })
  year!: number;

  @ManyToOne(() => Organization, { ref: true, fieldName: 'host_id' })
  host!: Ref<Organization>;

  @Field(() => CompetitionStatus, { description: 'Lifecycle state.' })
  @Enum({ items: () => CompetitionStatus, default: CompetitionStatus.DRAFT })
  status: CompetitionStatus = CompetitionStatus.DRAFT;

  @Field(() => String, { nullable: true, description: 'Free description: rules, aspects scored, prizes.' })
  @Property({ type: 'text', nullable: true })
  description?: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'First day.' })
  @Property({ type: 'date', nullable: true })
  startsOn?: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'Last day.' })
  @Property({ type: 'date', nullable: true })
  endsOn?: string | null;

  @Field(() => Date, {
    nullable: true,
    description: 'When the results were published (identities revealed).',
  })
  @Property({ type: 'datetime', nullable: true })
  resultsPublishedAt?: Date | null;

  @Field(() => Date, {
    nullable: true,
    description: 'End of the notice period (公示期); then results may be made final.',
  })
  @Property({ type: 'datetime', nullable: true })
  noticeEndsAt?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Last moment an appeal (申诉) may be filed.' })
  @Property({ type: 'datetime', nullable: true })
  appealDeadline?: Date | null;

  @Field(() => Date, { nullable: true, description: 'When the results became final.' })
  @Property({ type: 'datetime', nullable: true })
  resultsFinalAt?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Campaigns: submissions are taken from this moment.' })
  @Property({ type: 'datetime', nullable: true })
  submissionsOpenAt?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Campaigns: the last moment for submissions.' })
  @Property({ type: 'datetime', nullable: true })
  submissionsCloseAt?: Date | null;

  @Field({ description: 'When the record was created.' })
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt!: Date;

  @Field({ description: 'When the record last changed.' })
  @Property({ type: 'datetime', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt!: Date;
}

@Entity({ tableName: 'competition_status_change' })
export class CompetitionStatusChange {
  [OptionalProps]?: 'createdAt' | 'reason' | 'actor';

  @PrimaryKey({ type: 'integer' })
  id!: number;

  @ManyToOne(() => Competition, { ref: true, fieldName: 'competition_id', deleteRule: 'cascade' })
  competition!: Ref<Competition>;

  @Enum({ items: () => CompetitionStatus })
  fromStatus!: CompetitionStatus;

  @Enum({ items: () => CompetitionStatus })
  toStatus!: CompetitionStatus;

  @ManyToOne(() => Account, { ref: true, nullable: true, fieldName: 'actor_id' })
  actor?: Ref<Account> | null;

  @Property({ type: 'text', nullable: true })
  reason?: string | null;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt!: Date;
}
