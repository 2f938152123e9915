import { Entity, Enum, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { Node } from '../../shared/graphql/relay';
import { Organization } from '../organization/organization.entity';
import { Person } from '../person/person.entity';

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
