import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { UserError } from '../../shared/errors';
import { Trade } from '../competition/trade.entity';

export enum AspectKindEnum {
  MEASUREMENT = 'MEASUREMENT',
  JUDGEMENT = 'JUDGEMENT',
  DEDUCTION = 'DEDUCTION',
}
registerEnumType(AspectKindEnum, {
  name: 'AspectKind',
  description: 'How an aspect is marked.',
  valuesConfig: {
    MEASUREMENT: { description: 'Measured: a value or pass/fail recorded by a judge.' },
    JUDGEMENT: { description: 'Judged on a scale with written descriptors (e.g. 0–3) by a panel.' },
    DEDUCTION: { description: 'A penalty (e.g. safety) subtracted from the module.' },
  },
});

export enum AggregationMethodEnum {
  MEAN = 'MEAN',
  MEDIAN = 'MEDIAN',
  TRIMMED_MEAN = 'TRIMMED_MEAN',
  JUDGEMENT_AVERAGE = 'JUDGEMENT_AVERAGE',
}
registerEnumType(AggregationMethodEnum, {
  name: 'AggregationMethod',
  description: 'How a panel’s marks on one aspect combine.',
  valuesConfig: {
    MEAN: { description: 'Arithmetic mean.' },
    MEDIAN: { description: 'Median.' },
    TRIMMED_MEAN: {
      description: 'Mean after dropping the highest and lowest `trim` marks, given `minJudges` judges.',
    },
    JUDGEMENT_AVERAGE: { description: 'Mean judgement score on the scale, scaled to the aspect’s maximum.' },
  },
});

export enum SchemeFormat {
  JSON = 'JSON',
  CSV = 'CSV',
  WORLDSKILLS_XLSX = 'WORLDSKILLS_XLSX',
}
registerEnumType(SchemeFormat, {
  name: 'SchemeFormat',
  description: 'File format of a marking scheme.',
  valuesConfig: {
    JSON: { description: 'This project’s JSON, UTF-8 text.' },
    CSV: { description: 'This project’s CSV with one row per aspect, UTF-8 text.' },
    WORLDSKILLS_XLSX: {
      description:
        'An XLSX workbook in the WorldSkills marking-scheme import layout, base64-encoded; a second sheet holds what the layout cannot.',
    },
  },
});

@ObjectType({ description: 'The text written for one point of a judgement scale.' })
export class ScaleDescriptor {
  @Field(() => Int, { description: 'The point on the scale.' })
  point!: number;

  @Field({ description: 'What earns it.' })
  text!: string;
}

@ObjectType({ description: 'A judgement scale with a descriptor for each point.' })
export class JudgementScaleType {
  @Field(() => Int, { description: 'Lowest point.' })
  min!: number;

  @Field(() => Int, { description: 'Highest point.' })
  max!: number;

  @Field(() => [ScaleDescriptor], { description: 'Descriptors, from the lowest point up.' })
  descriptors!: ScaleDescriptor[];
}

@ObjectType('SchemeAspect', { description: 'A marked aspect of a criterion.' })
export class SchemeAspectType {
  @Field({ description: 'Code, unique in the scheme (e.g. A1.3).' })
  code!: string;

  @Field({ description: 'What the judges look at.' })
  description!: string;

  @Field(() => AspectKindEnum, { description: 'Measurement, judgement or deduction.' })
  kind!: AspectKindEnum;

  @Field(() => Float, { description: 'Most marks the aspect gives (or takes, for a deduction).' })
  maxMark!: number;

  @Field(() => AggregationMethodEnum, { description: 'How the panel’s marks combine.' })
  aggregation!: AggregationMethodEnum;

  @Field(() => Int, { nullable: true, description: 'Marks dropped at each end (trimmed mean).' })
  trim!: number | null;

  @Field(() => Int, { nullable: true, description: 'Judges needed before trimming applies (trimmed mean).' })
  minJudges!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Largest acceptable spread of the counted marks; beyond it, re-mark.',
  })
  tolerance!: number | null;

  @Field(() => String, {
    nullable: true,
    description:
      'How a measurement is taken, or a note on a judgement (WorldSkills extra aspect description).',
  })
  extraDescription!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'The requirement or nominal size a measurement is checked against.',
  })
  requirement!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'The section of the standard specification (WorldSkills WSSS) the aspect assesses.',
  })
  standardSection!: string | null;

  @Field(() => JudgementScaleType, { nullable: true, description: 'The scale, for judgement aspects.' })
  scale!: JudgementScaleType | null;
}

@ObjectType('SchemeCriterion', { description: 'A criterion of a module, grouping aspects.' })
export class SchemeCriterionType {
  @Field({ description: 'Code, unique in the scheme.' })
  code!: string;

  @Field({ description: 'Name.' })
  name!: string;

  @Field(() => [SchemeAspectType], { description: 'Its aspects.' })
  aspects!: SchemeAspectType[];
}

@ObjectType('SchemeModule', { description: 'A module of the scheme (e.g. theory, practical, oral defence).' })
export class SchemeModuleType {
  @Field({ description: 'Code, unique in the scheme.' })
  code!: string;

  @Field({ description: 'Name, e.g. 理论知识 or 实际操作.' })
  name!: string;

  @Field(() => Float, { description: 'Weight in percent; the modules sum to 100.' })
  weight!: number;

  @Field(() => Float, { description: 'Sum of the maximum marks of its non-deduction aspects.' })
  maxMarks!: number;

  @Field(() => [SchemeCriterionType], { description: 'Its criteria.' })
  criteria!: SchemeCriterionType[];
}

@ObjectType('MarkingScheme', { description: 'How a trade is marked: modules → criteria → aspects.' })
export class MarkingSchemeType {
  @Field(() => [SchemeModuleType], { description: 'The modules.' })
  modules!: SchemeModuleType[];
}

@InputType({ description: 'A marking scheme file for a trade; replaces the trade’s scheme.' })
export class SetMarkingSchemeInput {
  @Field(() => ID, { description: 'The trade.' })
  tradeId!: string;

  @Field(() => SchemeFormat, {
    description: 'JSON or CSV (UTF-8 text), or a WorldSkills-layout XLSX (base64).',
  })
  format!: SchemeFormat;

  @Field({
    description: 'The file’s text (base64 for XLSX), at most 1 MB; as exported by `Trade.markingSchemeFile`.',
  })
  content!: string;
}

@ObjectType({ description: 'Result of setting a marking scheme.' })
export class SetMarkingSchemePayload {
  @Field(() => Trade, { nullable: true, description: 'The trade with its new scheme; null on failure.' })
  trade!: Trade | null;

  @Field(() => [UserError], { description: 'Every problem found in the file; empty on success.' })
  errors!: UserError[];
}
