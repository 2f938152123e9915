import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { UserError } from '../../shared/errors';
import { Node } from '../../shared/graphql/relay';
import { Competition } from '../competition/competition.entity';
import { Entrant } from '../competition/entrant.entity';

export enum RecheckKind {
  SAMPLE = 'SAMPLE',
  FULL = 'FULL',
}
registerEnumType(RecheckKind, {
  name: 'RecheckKind',
  description: 'A re-check round (复核).',
  valuesConfig: {
    SAMPLE: { description: 'The top N and a seeded random sample of the rest.' },
    FULL: { description: 'Everyone not yet re-checked: required when the sample’s error rate exceeds 5 %.' },
  },
});

export enum RecheckReason {
  TOP = 'TOP',
  SAMPLE = 'SAMPLE',
  FULL = 'FULL',
}
registerEnumType(RecheckReason, {
  name: 'RecheckReason',
  description: 'Why a score sheet is on the re-check list.',
  valuesConfig: {
    TOP: { description: 'Among the top N.' },
    SAMPLE: { description: 'Drawn in the random sample.' },
    FULL: { description: 'Part of a full re-check.' },
  },
});

export enum AppealStatus {
  PENDING = 'PENDING',
  UPHELD = 'UPHELD',
  DISMISSED = 'DISMISSED',
}
registerEnumType(AppealStatus, {
  name: 'AppealStatus',
  description: 'State of an appeal (申诉).',
  valuesConfig: {
    PENDING: { description: 'Waiting for the chief judge.' },
    UPHELD: {
      description: 'Upheld: the entrant’s marks were reopened for correction through the audited path.',
    },
    DISMISSED: { description: 'Dismissed, with the chief judge’s response.' },
  },
});

export enum AppealDecision {
  UPHELD = 'UPHELD',
  DISMISSED = 'DISMISSED',
}
registerEnumType(AppealDecision, {
  name: 'AppealDecision',
  description: 'The chief judge’s decision on an appeal.',
  valuesConfig: {
    UPHELD: { description: 'The appeal is upheld: its grounds are accepted.' },
    DISMISSED: { description: 'The appeal is dismissed: the result stands.' },
  },
});

@ObjectType({ description: 'One score sheet on the re-check list.' })
export class RecheckItem {
  @Field(() => Entrant, { description: 'The entrant (identity fields only for those who may see them).' })
  entrant!: Entrant;

  @Field(() => String, { nullable: true, description: 'Their anonymous number.' })
  anonymousNumber!: string | null;

  @Field(() => RecheckReason, { description: 'Why it is on the list.' })
  reason!: RecheckReason;

  @Field(() => Int, { nullable: true, description: 'Errors found; null until re-checked.' })
  errorsFound!: number | null;

  @Field(() => String, { nullable: true, description: 'The re-checker’s note.' })
  note!: string | null;

  @Field(() => Date, { nullable: true, description: 'When it was re-checked.' })
  checkedAt!: Date | null;
}

@ObjectType({ description: 'A re-check round of a trade.' })
export class RecheckRound {
  @Field(() => RecheckKind, { description: 'Sample or full.' })
  kind!: RecheckKind;

  @Field(() => Int, { description: 'Top places always re-checked.' })
  topN!: number;

  @Field(() => Float, { description: 'Share of the rest drawn at random, in percent.' })
  percent!: number;

  @Field({ description: 'The draw’s seed: with the ranking it reproduces the sample.' })
  seed!: string;

  @Field({ description: 'When it was drawn.' })
  drawnAt!: Date;

  @Field(() => [RecheckItem], { description: 'The score sheets, top places first, then in rank order.' })
  items!: RecheckItem[];

  @Field(() => Int, { description: 'Sheets re-checked so far.' })
  checked!: number;

  @Field(() => Int, { description: 'Re-checked sheets with at least one error.' })
  withErrors!: number;

  @Field(() => Float, {
    nullable: true,
    description: 'Share of checked entrants with errors (withErrors / checked); null before any.',
  })
  errorRate!: number | null;
}

@ObjectType({ description: 'The re-check (复核) of a trade’s results before publication.' })
export class RecheckType {
  @Field(() => [RecheckRound], { description: 'Sample round, then the full round when one was required.' })
  rounds!: RecheckRound[];

  @Field({ description: 'The sample’s error rate exceeded 5 %: every sheet must be re-checked.' })
  fullRecheckRequired!: boolean;

  @Field({
    description:
      'A full re-check was required and every one of its sheets is now recorded. False while it is under ' +
      'way and when none was required (`fullRecheckRequired` keeps saying it was required).',
  })
  fullRecheckComplete!: boolean;

  @Field({ description: 'Every required sheet is re-checked: the trade may be published.' })
  complete!: boolean;
}

@InputType({ description: 'Draws a trade’s re-check list.' })
export class DrawRecheckInput {
  @Field(() => ID, { description: 'The trade (signed off by its chief judge).' })
  tradeId!: string;

  @Field(() => Int, { description: 'Top places always re-checked (0–100).' })
  topN!: number;

  @Field(() => Float, { description: 'Share of the rest drawn at random, in percent (15–100).' })
  percent!: number;

  @Field(() => String, {
    nullable: true,
    description: 'Seed for the draw (e.g. announced in public); random when omitted.',
  })
  seed?: string | null;
}

@InputType({ description: 'Records the re-check of one score sheet.' })
export class RecordRecheckInput {
  @Field(() => ID, { description: 'The entrant whose sheet was re-checked.' })
  entrantId!: string;

  @Field(() => Int, {
    description: 'Errors found (0 when the sheet was right); corrections go through submitMarks.',
  })
  errorsFound!: number;

  @Field(() => String, { nullable: true, description: 'Note, up to 500 characters.' })
  note?: string | null;
}

@ObjectType({ description: 'Result of a re-check step.' })
export class RecheckPayload {
  @Field(() => RecheckType, {
    nullable: true,
    description: 'The trade’s re-check as it is now; null on failure.',
  })
  recheck!: RecheckType | null;

  @Field(() => [UserError], { description: 'Expected failures; empty on success.' })
  errors!: UserError[];
}

@InputType({ description: 'Publishes a competition’s results and opens the notice period (公示).' })
export class PublishResultsInput {
  @Field(() => ID, { description: 'The competition, in SCORING_CLOSED.' })
  competitionId!: string;

  @Field({ description: 'End of the notice period; in the future.' })
  noticeEndsAt!: Date;

  @Field(() => Date, {
    nullable: true,
    description: 'Last moment for appeals; at most noticeEndsAt (the default).',
  })
  appealDeadline?: Date | null;
}

@InputType({ description: 'Makes a competition’s results final after the notice period.' })
export class FinalizeResultsInput {
  @Field(() => ID, { description: 'The competition, in PUBLISHED.' })
  competitionId!: string;
}

@ObjectType({ description: 'Result of publishing or finalizing results.' })
export class ResultsStepPayload {
  @Field(() => Competition, { nullable: true, description: 'The competition as it is now; null on failure.' })
  competition!: Competition | null;

  @Field(() => [UserError], { description: 'Expected failures, all of them; empty on success.' })
  errors!: UserError[];
}

@ObjectType({
  implements: Node,
  description: 'An appeal (申诉) against an entrant’s published result.',
})
export class Appeal implements Node {
  @Field(() => ID, { description: 'Global ID of the appeal.' })
  id!: string;

  @Field(() => Entrant, { description: 'The entrant appealed for.' })
  entrant!: Entrant;

  @Field({ description: 'The grounds.' })
  reason!: string;

  @Field({ description: 'When it was filed.' })
  filedAt!: Date;

  @Field(() => AppealStatus, { description: 'Pending, upheld or dismissed.' })
  status!: AppealStatus;

  @Field(() => String, { nullable: true, description: 'The chief judge’s response.' })
  response!: string | null;

  @Field(() => Date, { nullable: true, description: 'When it was resolved.' })
  resolvedAt!: Date | null;
}

@InputType({ description: 'Files an appeal for an entrant while the appeal window is open.' })
export class FileAppealInput {
  @Field(() => ID, { description: 'The entrant.' })
  entrantId!: string;

  @Field({ description: 'The grounds, 1–2000 characters.' })
  reason!: string;
}

@InputType({ description: 'The chief judge’s decision on an appeal.' })
export class ResolveAppealInput {
  @Field(() => ID, { description: 'The appeal.' })
  appealId!: string;

  @Field(() => AppealDecision, { description: 'Upheld (reopens the entrant’s marks) or dismissed.' })
  decision!: AppealDecision;

  @Field({ description: 'The response to the appellant, 1–2000 characters.' })
  response!: string;
}

@ObjectType({ description: 'Result of an appeal step.' })
export class AppealPayload {
  @Field(() => Appeal, { nullable: true, description: 'The appeal as it is now; null on failure.' })
  appeal!: Appeal | null;

  @Field(() => [UserError], { description: 'Expected failures; empty on success.' })
  errors!: UserError[];
}
