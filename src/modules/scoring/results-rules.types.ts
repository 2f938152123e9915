import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { UserError } from '../../shared/errors';

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
