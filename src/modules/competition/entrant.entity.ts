import { Entity, Enum, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { Node } from '../../shared/graphql/relay';
import { Organization } from '../organization/organization.entity';
import { Person } from '../person/person.entity';
import { Team } from './team.entity';
import { Trade } from './trade.entity';

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
  valuesConfig: {
    INDIVIDUAL: { description: 'One person.' },
    TEAM: { description: 'A team or crew of an enterprise.' },
    ENTERPRISE: { description: 'A whole enterprise.' },
  },
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
