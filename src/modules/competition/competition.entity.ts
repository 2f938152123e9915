import { Entity, Enum, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Node } from '../../shared/graphql/relay';
import { Account } from '../account/account.entity';
import { Organization } from '../organization/organization.entity';
import { Person } from '../person/person.entity';
import type { MarkingScheme } from '../scoring/scheme';

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

  @Field(() => String, { nullable: true, description: 'First day (YYYY-MM-DD).' })
  @Property({ type: 'date', nullable: true })
  startsOn?: string | null;

  @Field(() => String, { nullable: true, description: 'Last day (YYYY-MM-DD).' })
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

@ObjectType({ implements: Node, description: 'A trade or event (工种/赛项) of a competition.' })
@Entity({ tableName: 'trade' })
export class Trade {
  [OptionalProps]?:
    | 'createdAt'
    | 'updatedAt'
    | 'venue'
    | 'startsAt'
    | 'endsAt'
    | 'occupationCode'
    | 'markingScheme'
    | 'categoryId'
    | 'roundNo'
    | 'roundKind'
    | 'blindReview';

  @PrimaryKey({ type: 'integer' })
  id!: number;

  @ManyToOne(() => Competition, { ref: true, fieldName: 'competition_id', deleteRule: 'cascade' })
  competition!: Ref<Competition>;

  @Field({ description: 'Name, e.g. 焊工 or 电工.' })
  @Property({ type: 'string', length: 100 })
  name!: string;

  @Field(() => String, { nullable: true, description: 'Occupation code in the national classification.' })
  @Property({ type: 'string', length: 20, nullable: true })
  occupationCode?: string | null;

  @Field(() => Int, { description: 'Weight of the theory part in percent (理论).' })
  @Property({ type: 'integer' })
  theoryWeight!: number;

  @Field(() => Int, {
    description: 'Weight of the practical part in percent (实操); theory + practical = 100.',
  })
  @Property({ type: 'integer' })
  practicalWeight!: number;

  @Field(() => Int, { description: 'Most active entrants the trade accepts.' })
  @Property({ type: 'integer' })
  capacity!: number;

  @Field(() => String, { nullable: true, description: 'Venue (赛场).' })
  @Property({ type: 'string', length: 200, nullable: true })
  venue?: string | null;

  @Field(() => Date, { nullable: true, description: 'Scheduled start.' })
  @Property({ type: 'datetime', nullable: true })
  startsAt?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Scheduled end.' })
  @Property({ type: 'datetime', nullable: true })
  endsAt?: Date | null;

  /** Campaigns: the category this round judges (null for skills and labor trades). */
  @Property({ type: 'integer', nullable: true, fieldName: 'category_id' })
  categoryId?: number | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Campaigns: the round’s place in its category (1, 2, …).',
  })
  @Property({ type: 'integer', nullable: true })
  roundNo?: number | null;

  @Field(() => String, { nullable: true, description: 'Campaigns: SCORING, PRESENTATION or FINAL.' })
  @Property({ type: 'string', nullable: true })
  roundKind?: string | null;

  @Field({ description: 'Judges see anonymous numbers only (blind review); true for every skills trade.' })
  @Property({ type: 'boolean', fieldName: 'blind', default: true })
  blindReview: boolean = true;

  /** Validated by `validateScheme` before it is stored; exposed through the scoring module. */
  @Property({ type: 'json', nullable: true, lazy: true })
  markingScheme?: MarkingScheme | null;

  @Field({ description: 'When the record was created.' })
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt!: Date;

  @Field({ description: 'When the record last changed.' })
  @Property({ type: 'datetime', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt!: Date;
}

export enum TeamKind {
  TEAM = 'TEAM',
  CREW = 'CREW',
}
registerEnumType(TeamKind, {
  name: 'TeamKind',
  description: 'Kind of group entrant.',
  valuesConfig: {
    TEAM: { description: 'A team (团队).' },
    CREW: { description: 'A work crew (班组).' },
  },
});

@ObjectType({ implements: Node, description: 'A team or work crew (班组) of an enterprise.' })
@Entity({ tableName: 'team' })
export class Team {
  [OptionalProps]?: 'createdAt';

  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Field({ description: 'Name, e.g. 秦岭隧道掘进班组.' })
  @Property({ type: 'string', length: 200 })
  name!: string;

  @Field(() => TeamKind, { description: 'Team or crew.' })
  @Enum({ items: () => TeamKind })
  kind!: TeamKind;

  @ManyToOne(() => Organization, { ref: true, fieldName: 'organization_id' })
  organization!: Ref<Organization>;

  @Field({ description: 'When the record was created.' })
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt!: Date;
}

@Entity({ tableName: 'team_member' })
export class TeamMember {
  @ManyToOne(() => Team, { ref: true, primary: true, fieldName: 'team_id', deleteRule: 'cascade' })
  team!: Ref<Team>;

  @ManyToOne(() => Person, { ref: true, primary: true, fieldName: 'person_id' })
  person!: Ref<Person>;
}

export enum EntrantStatus {
  REGISTERED = 'REGISTERED',
  APPROVED = 'APPROVED',
  CHECKED_IN = 'CHECKED_IN',
  WITHDRAWN = 'WITHDRAWN',
  DISQUALIFIED = 'DISQUALIFIED',
}
registerEnumType(EntrantStatus, {
  name: 'EntrantStatus',
  description: 'Registration state of an entrant.',
  valuesConfig: {
    REGISTERED: { description: 'Registered, awaiting approval (报名).' },
    APPROVED: { description: 'Approved to compete (资格审核通过).' },
    CHECKED_IN: { description: 'Checked in at the venue (检录).' },
    WITHDRAWN: { description: 'Withdrew; frees a place.' },
    DISQUALIFIED: { description: 'Disqualified; frees a place.' },
  },
});

export const ENTRANT_TRANSITIONS: Record<EntrantStatus, EntrantStatus[]> = {
  REGISTERED: [EntrantStatus.APPROVED, EntrantStatus.WITHDRAWN, EntrantStatus.DISQUALIFIED],
  APPROVED: [EntrantStatus.CHECKED_IN, EntrantStatus.WITHDRAWN, EntrantStatus.DISQUALIFIED],
  CHECKED_IN: [EntrantStatus.WITHDRAWN, EntrantStatus.DISQUALIFIED],
  WITHDRAWN: [EntrantStatus.REGISTERED],
  DISQUALIFIED: [],
};

/** Statuses that hold a place against the trade's capacity. */
export const ACTIVE_ENTRANT_STATUSES = [
  EntrantStatus.REGISTERED,
  EntrantStatus.APPROVED,
  EntrantStatus.CHECKED_IN,
];

export enum EntrantKind {
  INDIVIDUAL = 'INDIVIDUAL',
  TEAM = 'TEAM',
  ENTERPRISE = 'ENTERPRISE',
}
registerEnumType(EntrantKind, {
  name: 'EntrantKind',
  description: 'Who competes: a person, a team/crew, or a whole enterprise.',
});

@ObjectType({ implements: Node, description: 'An entrant (选手/参赛者) registered in a trade.' })
@Entity({ tableName: 'entrant' })
export class Entrant {
  [OptionalProps]?:
    | 'status'
    | 'createdAt'
    | 'updatedAt'
    | 'person'
    | 'team'
    | 'enterprise'
    | 'anonymousNumber'
    | 'submissionId';

  @PrimaryKey({ type: 'integer' })
  id!: number;

  @ManyToOne(() => Trade, { ref: true, fieldName: 'trade_id', deleteRule: 'cascade' })
  trade!: Ref<Trade>;

  @ManyToOne(() => Person, { ref: true, nullable: true, fieldName: 'person_id' })
  person?: Ref<Person> | null;

  @ManyToOne(() => Team, { ref: true, nullable: true, fieldName: 'team_id' })
  team?: Ref<Team> | null;

  @ManyToOne(() => Organization, { ref: true, nullable: true, fieldName: 'organization_id' })
  enterprise?: Ref<Organization> | null;

  @Field(() => EntrantStatus, { description: 'Registration state.' })
  @Enum({ items: () => EntrantStatus, default: EntrantStatus.REGISTERED })
  status: EntrantStatus = EntrantStatus.REGISTERED;

  @Field(() => String, {
    nullable: true,
    description:
      'Anonymous number from the lot drawing (抽签); the only identity judges see. Null until drawn.',
  })
  @Property({ type: 'string', fieldName: 'lot_code', nullable: true })
  anonymousNumber?: string | null;

  /** The innovation submission this entrant stands for, in a campaign's round; null in a contest. */
  @Property({ type: 'integer', fieldName: 'submission_id', nullable: true })
  submissionId?: number | null;

  @Field({ description: 'When the entrant registered.' })
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt!: Date;

  @Field({ description: 'When the record last changed.' })
  @Property({ type: 'datetime', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt!: Date;
}
