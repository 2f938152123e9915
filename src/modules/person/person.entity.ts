import { Entity, Enum, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Node } from '../../shared/graphql/relay';
import { Organization, OrganizationLevel } from '../organization/organization.entity';

export enum Gender {
  FEMALE = 'FEMALE',
  MALE = 'MALE',
}
registerEnumType(Gender, {
  name: 'Gender',
  description: 'Gender as recorded by the union.',
  valuesConfig: {
    FEMALE: { description: 'Female.' },
    MALE: { description: 'Male.' },
  },
});

export enum HonorKind {
  MODEL_WORKER = 'MODEL_WORKER',
  MAY_DAY_LABOR_MEDAL = 'MAY_DAY_LABOR_MEDAL',
  SKILLS_CHAMPION = 'SKILLS_CHAMPION',
  CRAFTSMAN = 'CRAFTSMAN',
  TECHNICAL_EXPERT = 'TECHNICAL_EXPERT',
  COMPETITION_STANDARD_BEARER = 'COMPETITION_STANDARD_BEARER',
  GOLD_MEDAL_WORKER = 'GOLD_MEDAL_WORKER',
  OTHER = 'OTHER',
}
registerEnumType(HonorKind, {
  name: 'HonorKind',
  description: 'Kind of honor; the exact title (e.g. 齐鲁大工匠) is in `Honor.title`.',
  valuesConfig: {
    MODEL_WORKER: { description: 'Model worker (劳动模范), at a level.' },
    MAY_DAY_LABOR_MEDAL: { description: 'May Day Labor Medal (五一劳动奖章).' },
    SKILLS_CHAMPION: { description: 'Skills champion (技能状元).' },
    CRAFTSMAN: { description: 'Regional craftsman title (e.g. 齐鲁大工匠, 兴州工匠).' },
    TECHNICAL_EXPERT: { description: 'Technical expert (技术能手).' },
    COMPETITION_STANDARD_BEARER: { description: 'Competition standard-bearer (竞赛标兵).' },
    GOLD_MEDAL_WORKER: { description: 'Gold-medal worker (金牌工人).' },
    OTHER: { description: 'Any other honor.' },
  },
});

@ObjectType({ implements: Node, description: 'A worker: entrant, judge, model worker or craftsman.' })
@Entity({ tableName: 'person' })
export class Person {
  [OptionalProps]?: 'createdAt' | 'updatedAt';

  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Field({ description: 'Full name as written in Chinese.' })
  @Property({ type: 'string', length: 100 })
  name!: string;

  @Field(() => Gender, { nullable: true, description: 'Gender, when recorded.' })
  @Enum({ items: () => Gender, nullable: true })
  gender?: Gender | null;

  @Field(() => Int, { nullable: true, description: 'Year of birth, when recorded.' })
  @Property({ type: 'integer', nullable: true })
  birthYear?: number | null;

  @ManyToOne(() => Organization, { ref: true, fieldName: 'employer_id' })
  employer!: Ref<Organization>;

  @Field(() => String, {
    nullable: true,
    description: 'Employee number (工号) within the employer, unique there; a stable key for imports.',
  })
  @Property({ type: 'string', length: 50, nullable: true })
  employeeNumber?: string | null;

  /**
   * HMAC-SHA256 (hex) of the national resident ID under PERSON_ID_HMAC_KEY; the ID itself is
   * never stored. Not a GraphQL field and hidden from serialization.
   */
  @Property({ type: 'string', length: 64, nullable: true, hidden: true })
  nationalIdHash?: string | null;

  @Field(() => String, { nullable: true, description: 'Occupation or trade (工种), e.g. 焊工.' })
  @Property({ type: 'string', length: 100, nullable: true })
  occupation?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Code of the occupation in the national classification.',
  })
  @Property({ type: 'string', length: 20, nullable: true })
  occupationCode?: string | null;

  @Field({ description: 'When the record was created.' })
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt!: Date;

  @Field({ description: 'When the record last changed.' })
  @Property({ type: 'datetime', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt!: Date;
}

@ObjectType({ implements: Node, description: 'An honor held by a person (劳动模范, 五一劳动奖章, 工匠 …).' })
@Entity({ tableName: 'honor' })
export class Honor {
  [OptionalProps]?: 'createdAt' | 'level';

  @PrimaryKey({ type: 'integer' })
  id!: number;

  @ManyToOne(() => Person, { ref: true, fieldName: 'person_id', deleteRule: 'cascade' })
  person!: Ref<Person>;

  @Field(() => HonorKind, { description: 'Kind of honor.' })
  @Enum({ items: () => HonorKind })
  kind!: HonorKind;

  @Field(() => OrganizationLevel, { nullable: true, description: 'Level at which it was awarded.' })
  @Enum({ items: () => OrganizationLevel, nullable: true })
  level?: OrganizationLevel | null;

  @Field({ description: 'Exact title, e.g. 全国劳动模范 or 齐鲁大工匠.' })
  @Property({ type: 'string', length: 100 })
  title!: string;

  @Field(() => Int, { description: 'Year awarded.' })
  @Property({ type: 'integer' })
  year!: number;

  @Field({ description: 'Awarding body, e.g. 中华全国总工会.' })
  @Property({ type: 'string', length: 200 })
  awardingBody!: string;

  @Field({ description: 'When the record was created.' })
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt!: Date;
}
