import { Field, Int, ObjectType } from 'type-graphql';
import { CompetitionKind, CompetitionStatus } from '../competition/competition.entity';
import { EntrantStatus } from '../competition/entrant.entity';
import { Organization } from '../organization/organization.entity';
import { HonorKind } from '../person/person.entity';

@ObjectType({ description: 'Competitions of one kind in one state.' })
export class CompetitionCount {
  @Field(() => CompetitionKind, { description: 'Kind.' })
  kind!: CompetitionKind;

  @Field(() => CompetitionStatus, { description: 'State.' })
  status!: CompetitionStatus;

  @Field(() => Int, { description: 'How many.' })
  count!: number;
}

@ObjectType({ description: 'Entrants in one registration state.' })
export class EntrantCount {
  @Field(() => EntrantStatus, { description: 'State.' })
  status!: EntrantStatus;

  @Field(() => Int, { description: 'How many.' })
  count!: number;
}

@ObjectType({ description: 'People holding an honor of one kind.' })
export class HonorCount {
  @Field(() => HonorKind, { description: 'Kind of honor.' })
  kind!: HonorKind;

  @Field(() => Int, { description: 'Distinct people holding at least one honor of this kind.' })
  people!: number;

  @Field(() => Int, { description: 'Honors of this kind (a person may hold several).' })
  honors!: number;
}

@ObjectType({ description: 'Rollups over a union and everything under it.' })
export class UnionStatistics {
  @Field(() => Organization, { description: 'The union at the root of the rollup.' })
  union!: Organization;

  @Field(() => Int, { description: 'Organizations in the subtree, the union included.' })
  organizations!: number;

  @Field(() => [CompetitionCount], { description: 'Competitions hosted in the subtree, by kind and state.' })
  competitionsByKindAndStatus!: CompetitionCount[];

  @Field(() => Int, { description: 'Trades of competitions hosted in the subtree.' })
  trades!: number;

  @Field(() => [EntrantCount], { description: 'Entrants of those competitions, by state.' })
  entrantsByStatus!: EntrantCount[];

  @Field(() => Int, { description: 'People employed in the subtree.' })
  people!: number;

  @Field(() => [HonorCount], { description: 'People employed in the subtree with honors, by kind of honor.' })
  peopleWithHonorsByKind!: HonorCount[];
}
