import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { UserError } from '../../shared/errors';
import { Entrant } from '../competition/entrant.entity';
import { AggregationMethodEnum } from './scheme.types';

export enum AwardTierEnum {
  FIRST = 'FIRST',
  SECOND = 'SECOND',
  THIRD = 'THIRD',
  HONORABLE = 'HONORABLE',
}
registerEnumType(AwardTierEnum, {
  name: 'AwardTier',
  description: 'Prize tiers, best first.',
  valuesConfig: {
    FIRST: { description: '一等奖.' },
    SECOND: { description: '二等奖.' },
    THIRD: { description: '三等奖.' },
    HONORABLE: { description: '优胜奖.' },
  },
});

export enum AwardBasis {
  COUNT = 'COUNT',
  PERCENT = 'PERCENT',
  THRESHOLD = 'THRESHOLD',
}
registerEnumType(AwardBasis, {
  name: 'AwardBasis',
  description: 'How award tiers are given.',
  valuesConfig: {
    COUNT: { description: 'A number of places per tier (cumulative down the ranking).' },
    PERCENT: { description: 'A percentage of the ranked entrants per tier (at least one place).' },
    THRESHOLD: { description: 'A minimum total per tier.' },
  },
});

export enum TieBreakKind {
  MODULE = 'MODULE',
  ASPECT = 'ASPECT',
  COMPLETION_TIME = 'COMPLETION_TIME',
}
registerEnumType(TieBreakKind, {
  name: 'TieBreakKind',
  description: 'What decides between equal totals.',
  valuesConfig: {
    MODULE: { description: 'A module’s weighted score, higher first.' },
    ASPECT: { description: 'An aspect’s score, higher first.' },
    COMPLETION_TIME: {
      description: 'The recorded completion time, shorter first; entrants without one last.',
    },
  },
});

export enum Normalization {
  NONE = 'NONE',
  ZSCORE = 'ZSCORE',
}
registerEnumType(Normalization, {
  name: 'Normalization',
  description: 'How each judge’s marks are treated before the panel’s marks combine.',
  valuesConfig: {
    NONE: { description: 'As given.' },
    ZSCORE: {
      description:
        'Per judge and aspect: z = (mark − judge’s mean) / judge’s standard deviation, mapped to the aspect’s ' +
        'midpoint + z × range / 6, so a harsh and a lenient judge count alike.',
    },
  },
});

export enum ResultsFileFormat {
  CSV = 'CSV',
  XLSX = 'XLSX',
}
registerEnumType(ResultsFileFormat, {
  name: 'ResultsFileFormat',
  description: 'Format of a results export.',
});

@InputType({ description: 'One tie-break, applied after the total and the tie-breaks before it.' })
export class TieBreakInput {
  @Field(() => TieBreakKind, { description: 'What is compared.' })
  kind!: TieBreakKind;

  @Field(() => String, { nullable: true, description: 'Module or aspect code; none for COMPLETION_TIME.' })
  code?: string | null;
}

@InputType({ description: 'One award tier’s place in the rule; give the field the basis needs.' })
export class AwardTierInput {
  @Field(() => AwardTierEnum, { description: 'The tier.' })
  tier!: AwardTierEnum;

  @Field(() => Int, { nullable: true, description: 'COUNT: places in this tier.' })
  count?: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'PERCENT: share of the ranked entrants, up to 2 decimals.',
  })
  percent?: number | null;

  @Field(() => Float, { nullable: true, description: 'THRESHOLD: lowest total that earns this tier.' })
  minTotal?: number | null;
}

@InputType({ description: 'How award tiers are given; tiers listed best first.' })
export class AwardRuleInput {
  @Field(() => AwardBasis, { description: 'Count, percentage or threshold.' })
  by!: AwardBasis;

  @Field(() => [AwardTierInput], { description: 'The tiers, best first, each at most once.' })
  tiers!: AwardTierInput[];
}

@InputType({ description: 'A title (e.g. 技术能手) flagged on winners.' })
export class TitleRuleInput {
  @Field({ description: 'The title, 1–50 characters.' })
  title!: string;

  @Field(() => [AwardTierEnum], {
    nullable: true,
    description: 'Awarded to entrants with one of these tiers.',
  })
  tiers?: AwardTierEnum[] | null;

  @Field(() => Int, { nullable: true, description: 'Awarded to entrants ranked at or above this.' })
  maxRank?: number | null;
}

@InputType({ description: 'Ranking and award rules of a trade.' })
export class SetResultsRulesInput {
  @Field(() => ID, { description: 'The trade.' })
  tradeId!: string;

  @Field(() => [TieBreakInput], { description: 'Tie-breaks in order; empty for none (ties share a rank).' })
  tieBreak!: TieBreakInput[];

  @Field(() => AwardRuleInput, { nullable: true, description: 'Award tiers; none when omitted.' })
  awards?: AwardRuleInput | null;

  @Field(() => [TitleRuleInput], { nullable: true, description: 'Titles flagged on winners.' })
  titles?: TitleRuleInput[] | null;

  @Field(() => Normalization, { nullable: true, description: 'Per-judge normalisation; NONE when omitted.' })
  normalization?: Normalization | null;
}

@ObjectType({ description: 'One tie-break of a trade’s rules.' })
export class TieBreakRuleType {
  @Field(() => TieBreakKind, { description: 'What is compared.' })
  kind!: TieBreakKind;

  @Field(() => String, { nullable: true, description: 'Module or aspect code.' })
  code!: string | null;
}

@ObjectType({ description: 'One tier of an award rule.' })
export class AwardTierRuleType {
  @Field(() => AwardTierEnum, { description: 'The tier.' })
  tier!: AwardTierEnum;

  @Field({ description: 'Its name, e.g. 一等奖.' })
  label!: string;

  @Field(() => Int, { nullable: true, description: 'COUNT: places.' })
  count!: number | null;

  @Field(() => Float, { nullable: true, description: 'PERCENT: share of the ranked entrants.' })
  percent!: number | null;

  @Field(() => Float, { nullable: true, description: 'THRESHOLD: lowest total.' })
  minTotal!: number | null;
}

@ObjectType({ description: 'How award tiers are given.' })
export class AwardRuleType {
  @Field(() => AwardBasis, { description: 'Count, percentage or threshold.' })
  by!: AwardBasis;

  @Field(() => [AwardTierRuleType], { description: 'The tiers, best first.' })
  tiers!: AwardTierRuleType[];
}

@ObjectType({ description: 'A title flagged on winners.' })
export class TitleRuleType {
  @Field({ description: 'The title.' })
  title!: string;

  @Field(() => [AwardTierEnum], { nullable: true, description: 'Tiers it goes to.' })
  tiers!: AwardTierEnum[] | null;

  @Field(() => Int, { nullable: true, description: 'Ranks it goes to (at or above).' })
  maxRank!: number | null;
}

@ObjectType({ description: 'How a trade’s results are ranked and awarded (part of its technical rules).' })
export class ResultsRulesType {
  @Field(() => [TieBreakRuleType], { description: 'Tie-breaks after the total, in order.' })
  tieBreak!: TieBreakRuleType[];

  @Field(() => AwardRuleType, { nullable: true, description: 'Award tiers; null for none.' })
  awards!: AwardRuleType | null;

  @Field(() => [TitleRuleType], { description: 'Titles flagged on winners.' })
  titles!: TitleRuleType[];

  @Field({ description: 'True when no rules were set and the defaults apply.' })
  isDefault!: boolean;

  @Field(() => Normalization, { description: 'Per-judge normalisation.' })
  normalization!: Normalization;
}

@ObjectType({ description: 'Result of setting a trade’s results rules.' })
export class SetResultsRulesPayload {
  @Field(() => ResultsRulesType, { nullable: true, description: 'The rules now in force; null on failure.' })
  rules!: ResultsRulesType | null;

  @Field(() => [UserError], { description: 'Expected failures; empty on success.' })
  errors!: UserError[];
}

@InputType({ description: 'An entrant’s completion time, for the time tie-break.' })
export class RecordCompletionTimeInput {
  @Field(() => ID, { description: 'The entrant.' })
  entrantId!: string;

  @Field(() => Float, { description: 'Seconds taken, ≥ 0, up to 2 decimals.' })
  seconds!: number;
}

@ObjectType({ description: 'Result of recording a completion time.' })
export class RecordCompletionTimePayload {
  @Field(() => Float, { nullable: true, description: 'The time now recorded; null on failure.' })
  seconds!: number | null;

  @Field(() => [UserError], { description: 'Expected failures; empty on success.' })
  errors!: UserError[];
}

@ObjectType({ description: 'How many entrants an award tier went to.' })
export class AwardTierSummaryType {
  @Field(() => AwardTierEnum, { description: 'The tier.' })
  tier!: AwardTierEnum;

  @Field({ description: 'Its name, e.g. 一等奖.' })
  label!: string;

  @Field(() => Int, { nullable: true, description: 'Places the rule gives it (COUNT, PERCENT).' })
  quota!: number | null;

  @Field(() => Int, { nullable: true, description: 'Ranks at or above this get this tier or better.' })
  cutoffRank!: number | null;

  @Field(() => Int, {
    description: 'Entrants who got it (more than the quota when a tie straddles the cut).',
  })
  awarded!: number;
}

@ObjectType({ description: 'A tie-break value of one entrant.' })
export class TieBreakValue {
  @Field(() => TieBreakKind, { description: 'What was compared.' })
  kind!: TieBreakKind;

  @Field(() => String, { nullable: true, description: 'Module or aspect code.' })
  code!: string | null;

  @Field(() => Float, { nullable: true, description: 'The value (seconds for a time); null when missing.' })
  value!: number | null;
}

@ObjectType({ description: 'A results table as a file.' })
export class ResultsFile {
  @Field({ description: 'Suggested file name.' })
  filename!: string;

  @Field({ description: 'MIME type.' })
  contentType!: string;

  @Field({ description: '`utf-8` for CSV (with a BOM, for spreadsheet programs), `base64` for XLSX.' })
  encoding!: string;

  @Field({ description: 'The file’s content in that encoding.' })
  content!: string;
}

@ObjectType({
  description: 'How one judge marks compared with the panels they sat on (for the chief judge).',
})
export class JudgeAnalysis {
  @Field(() => ID, { description: 'The judge’s account.' })
  judgeId!: string;

  @Field({ description: 'The judge’s display name.' })
  displayName!: string;

  @Field(() => Int, { description: 'Marks given.' })
  marksGiven!: number;

  @Field(() => Int, { description: 'Marks compared: those on an aspect at least one other judge marked.' })
  marksCompared!: number;

  @Field(() => Float, {
    nullable: true,
    description: 'Mean of (mark − mean of the other judges’ marks); negative for a harsh judge.',
  })
  meanDeviation!: number | null;

  @Field(() => Float, { nullable: true, description: 'Mean absolute deviation from the other judges.' })
  meanAbsoluteDeviation!: number | null;

  @Field(() => Int, { description: 'Marks dropped as the panel’s highest by a trimmed mean.' })
  droppedHigh!: number;

  @Field(() => Int, { description: 'Marks dropped as the panel’s lowest by a trimmed mean.' })
  droppedLow!: number;

  @Field(() => Int, { description: 'Marks on aspects whose panel was trimmed.' })
  marksTrimmable!: number;

  @Field(() => Float, {
    nullable: true,
    description: '(droppedHigh + droppedLow) / marksTrimmable; null when nothing was trimmed.',
  })
  droppedRate!: number | null;
}

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
  @Field(() => Entrant, { description: 'The entrant (identity fields only for those who may see them).' })
  entrant!: Entrant;

  @Field(() => String, { nullable: true, description: 'The anonymous number from the lot drawing.' })
  anonymousNumber!: string | null;

  @Field(() => AwardTierEnum, { nullable: true, description: 'Award tier under the trade’s rules.' })
  awardTier!: AwardTierEnum | null;

  @Field(() => String, { nullable: true, description: 'The award’s name, e.g. 一等奖.' })
  awardLabel!: string | null;

  @Field(() => [String], { description: 'Titles earned (e.g. 技术能手).' })
  titles!: string[];

  @Field(() => Float, { nullable: true, description: 'Recorded completion time in seconds.' })
  completionSeconds!: number | null;

  @Field(() => [TieBreakValue], {
    description: 'The values that decided between equal totals, in rule order.',
  })
  tieBreak!: TieBreakValue[];

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
