import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Entrant } from '../competition/entrant.entity';
import { AggregationMethodEnum } from './scheme.types';
import { AwardTierEnum, TieBreakKind } from './results-rules.types';
import type { Text } from '../../shared/i18n';

export enum DroppedMarkReason {
  HIGHEST = 'HIGHEST',
  LOWEST = 'LOWEST',
}
registerEnumType(DroppedMarkReason, {
  name: 'DroppedMarkReason',
  description: 'Why a trimmed mean left a mark out.',
  valuesConfig: {
    HIGHEST: { description: 'It was among the highest marks trimmed.' },
    LOWEST: { description: 'It was among the lowest marks trimmed.' },
  },
});

export enum ResultsFileFormat {
  CSV = 'CSV',
  XLSX = 'XLSX',
}
registerEnumType(ResultsFileFormat, {
  name: 'ResultsFileFormat',
  description: 'Format of a results export.',
  valuesConfig: {
    CSV: { description: 'Comma-separated text with a BOM, for spreadsheet programs.' },
    XLSX: { description: 'An Excel workbook.' },
  },
});

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

  @Field(() => DroppedMarkReason, {
    nullable: true,
    description: 'Why the mark was dropped; null when it counted.',
  })
  dropped!: DroppedMarkReason | null;
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

  /** Rendered in the caller's language (`AspectScoreResolver`), as is `note`. */
  @Field(() => String, { description: 'The computation, e.g. "(8 + 9 + 9) / 3 = 8.67".' })
  formula!: Text;

  @Field(() => String, {
    nullable: true,
    description: 'Anything else a reader needs (e.g. too few judges to trim).',
  })
  note!: Text | null;
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

  /** Rendered in the caller's language (`ModuleScoreResolver`). */
  @Field(() => String, { description: 'The computation.' })
  formula!: Text;

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
