import { Entity, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Node } from '../../shared/graphql/relay';
import { Competition } from './competition.entity';

// A campaign round is a trade; its kind lives here so a trade can say what round it is.
export enum RoundKind {
  SCORING = 'SCORING',
  PRESENTATION = 'PRESENTATION',
  FINAL = 'FINAL',
}
registerEnumType(RoundKind, {
  name: 'RoundKind',
  description: 'A judged round of a campaign category (after the eligibility review).',
  valuesConfig: {
    SCORING: { description: 'Expert scoring (专家打分).' },
    PRESENTATION: { description: 'Presentation and Q&A (项目讲解、问题答疑).' },
    FINAL: { description: 'The final round: its ranking gives the awards.' },
  },
});

/**
 * A trade's marking scheme as stored (JSON). Its shape belongs to the scoring module, which fills
 * this interface in by declaration merging, so the competition module needs no import of it.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface StoredMarkingScheme {}

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

  @Field(() => RoundKind, {
    nullable: true,
    description: 'Campaigns: the kind of round; null for other trades.',
  })
  @Property({ type: 'string', nullable: true })
  roundKind?: RoundKind | null;

  @Field({ description: 'Judges see anonymous numbers only (blind review); true for every skills trade.' })
  @Property({ type: 'boolean', fieldName: 'blind', default: true })
  blindReview: boolean = true;

  /** Validated by `validateScheme` before it is stored; exposed through the scoring module. */
  @Property({ type: 'json', nullable: true, lazy: true })
  markingScheme?: StoredMarkingScheme | null;

  @Field({ description: 'When the record was created.' })
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt!: Date;

  @Field({ description: 'When the record last changed.' })
  @Property({ type: 'datetime', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt!: Date;
}
