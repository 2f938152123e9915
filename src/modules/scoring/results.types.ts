import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { Entrant } from '../competition/competition.entity';
import { AggregationMethodEnum } from './scheme.types';

@ObjectType({ description: 'One judge’s mark as it entered a computation.' })
export class JudgeMarkLine {
  @Field(() => ID, { description: 'The judge’s account.' })
  judgeId!: string;

  @Field(() => Float, { description: 'The mark.' })
  value!: number;

  @Field(() => String, { nullable: true, description: 'HIGHEST or LOWEST when the mark was dropped.' })
  dropped!: string | null;
}

@ObjectType({ description: 'How one aspect’s score came about: inputs, dropped marks, formula, result.' })
export class AspectScore {
  @Field({ description: 'Aspect code.' })
  code!: string;

  @Field(() => Float, { nullable: true, description: 'The score; null while unmarked.' })
  score!: number | null;

  @Field(() => AggregationMethodEnum, { description: 'How the panel’s marks combined.' })
  method!: AggregationMethodEnum;

  @Field(() => [JudgeMarkLine], { description: 'Every mark, with the dropped ones flagged.' })
  marks!: JudgeMarkLine[];

  @Field({ description: 'The computation, e.g. "(8 + 9 + 9) / 3 = 8.67".' })
  formula!: string;

  @Field(() => String, {
    nullable: true,
    description: 'Anything else a reader needs (e.g. too few judges to trim).',
  })
  note!: string | null;
}

@ObjectType({ description: 'A module’s score within an entrant’s result.' })
export class ModuleScore {
  @Field({ description: 'Module code.' })
  code!: string;

  @Field(() => Float, { description: 'Aspect scores minus deductions, floored at 0.' })
  score!: number;

  @Field(() => Float, { description: 'Most the module gives.' })
  maxScore!: number;

  @Field(() => Float, { description: 'Share of the total: score / maxScore × weight.' })
  weighted!: number;

  @Field({ description: 'The computation.' })
  formula!: string;

  @Field(() => [AspectScore], { description: 'Its aspects, each explained.' })
  aspects!: AspectScore[];
}

@ObjectType({ description: 'An entrant’s result in a trade, computed from the current marks and explained.' })
export class EntrantResultType {
  @Field(() => Entrant, { description: 'The entrant.' })
  entrant!: Entrant;

  @Field(() => Int, { description: 'Rank; true ties share it (1, 1, 3).' })
  rank!: number;

  @Field(() => Float, { description: 'Weighted total out of 100.' })
  total!: number;

  @Field({ description: 'The total’s computation.' })
  formula!: string;

  @Field(() => [ModuleScore], { description: 'Module scores, in scheme order.' })
  modules!: ModuleScore[];

  @Field(() => [String], { description: 'Aspects not marked yet (counted 0): the result is not final.' })
  missingAspects!: string[];
}
