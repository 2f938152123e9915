import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { UserError } from '../../shared/errors';
import { Trade } from '../competition/trade.entity';
import { PanelRole, PanelSeat } from './marks.types';

export enum PanelChangeKind {
  ADDED = 'ADDED',
  REPLACED = 'REPLACED',
  WITHDRAWN = 'WITHDRAWN',
}
registerEnumType(PanelChangeKind, {
  name: 'PanelChangeKind',
  description: 'What a change of a trade’s panel did.',
  valuesConfig: {
    ADDED: { description: 'A judge joined the panel while the contest was running (`assignJudge`).' },
    REPLACED: { description: 'A judge left the panel and another took the same seat (`replaceJudge`).' },
    WITHDRAWN: { description: 'A judge left the panel and nobody took the seat (`withdrawJudge`).' },
  },
});

@ObjectType({ description: 'One change of a trade’s panel, with its reason; each is also in the audit log.' })
export class PanelChange {
  @Field(() => PanelChangeKind, { description: 'Added, replaced or withdrawn.' })
  kind!: PanelChangeKind;

  @Field(() => ID, {
    description: 'The judge’s account: the one added, or the one who left (replaced or withdrawn).',
  })
  accountId!: string;

  @Field({ description: 'That judge’s display name.' })
  displayName!: string;

  @Field(() => ID, { nullable: true, description: 'For a replacement: the account that took the seat.' })
  replacementId!: string | null;

  @Field(() => String, { nullable: true, description: 'For a replacement: that account’s display name.' })
  replacementName!: string | null;

  @Field(() => PanelRole, { description: 'The seat concerned: judge or chief judge.' })
  role!: PanelRole;

  @Field({ description: 'Why the panel changed.' })
  reason!: string;

  @Field(() => ID, { nullable: true, description: 'The account that made the change.' })
  changedById!: string | null;

  @Field(() => Date, { description: 'When.' })
  changedAt!: Date;
}

@InputType({ description: 'A judge (or the chief judge) leaves a trade’s panel and another takes the seat.' })
export class ReplaceJudgeInput {
  @Field(() => ID, { description: 'The trade.' })
  tradeId!: string;

  @Field(() => ID, { description: 'The account leaving the panel.' })
  accountId!: string;

  @Field(() => ID, {
    description:
      'The account taking the seat: not on the panel yet; a chief-judge account for the chief’s seat.',
  })
  replacementId!: string;

  @Field(() => [String], {
    nullable: true,
    description: 'Aspects the replacement marks; when omitted, those of the judge being replaced.',
  })
  aspectCodes?: string[] | null;

  @Field({ description: 'Why (illness, a conflict discovered on the day, …); 1–500 characters.' })
  reason!: string;
}

@InputType({ description: 'A judge (or the chief judge) leaves a trade’s panel; nobody takes the seat.' })
export class WithdrawJudgeInput {
  @Field(() => ID, { description: 'The trade.' })
  tradeId!: string;

  @Field(() => ID, { description: 'The account leaving the panel.' })
  accountId!: string;

  @Field({ description: 'Why; 1–500 characters.' })
  reason!: string;
}

@ObjectType({ description: 'Result of replacing or withdrawing a judge.' })
export class PanelChangePayload {
  @Field(() => PanelChange, { nullable: true, description: 'The change as recorded; null on failure.' })
  change!: PanelChange | null;

  @Field(() => PanelSeat, {
    nullable: true,
    description: 'For a replacement, the seat as the replacement now holds it; otherwise null.',
  })
  seat!: PanelSeat | null;

  @Field(() => Trade, {
    nullable: true,
    description: 'The trade, as it is after the change; null on failure.',
  })
  trade!: Trade | null;

  @Field(() => [UserError], { description: 'Expected failures; empty on success.' })
  errors!: UserError[];
}

@InputType({ description: 'The chief judge voids every mark a judge who left the panel gave on a trade.' })
export class VoidJudgeMarksInput {
  @Field(() => ID, { description: 'The trade.' })
  tradeId!: string;

  @Field(() => ID, { description: 'The judge who left the panel (replaced or withdrawn).' })
  judgeId!: string;

  @Field({ description: 'Why the marks must not count; 1–500 characters.' })
  reason!: string;
}

@ObjectType({
  description: 'A mark the chief judge voided: no longer counted anywhere, kept here as it stood.',
})
export class VoidedMark {
  @Field(() => ID, { description: 'Global ID the mark had (a `Mark` ID; `node` no longer finds it).' })
  markId!: string;

  @Field(() => ID, { description: 'The entrant marked.' })
  entrantId!: string;

  @Field(() => String, { nullable: true, description: 'The entrant’s anonymous number.' })
  anonymousNumber!: string | null;

  @Field({ description: 'Aspect code.' })
  aspectCode!: string;

  @Field(() => ID, { description: 'The judge who gave it.' })
  judgeId!: string;

  @Field(() => Float, { description: 'The mark as given.' })
  value!: number;

  @Field(() => Int, { description: 'Its version when voided.' })
  version!: number;

  @Field({ description: 'Why it was voided.' })
  reason!: string;

  @Field(() => ID, { nullable: true, description: 'Who voided it (the chief judge).' })
  voidedById!: string | null;

  @Field(() => Date, { description: 'When it was voided.' })
  voidedAt!: Date;
}

@ObjectType({ description: 'Result of voiding a judge’s marks.' })
export class VoidJudgeMarksPayload {
  @Field(() => [VoidedMark], { description: 'The marks voided by this call; empty on failure.' })
  voided!: VoidedMark[];

  @Field(() => Trade, {
    nullable: true,
    description: 'The trade, as it is after the change; null on failure.',
  })
  trade!: Trade | null;

  @Field(() => [UserError], { description: 'Expected failures; empty on success.' })
  errors!: UserError[];
}

@ObjectType({
  description:
    'One signature the trade’s results summary needs: the chief judge, and every judge who gave a mark on ' +
    'the trade, withdrawn or replaced ones included (their marks, counted or voided, are part of the record).',
})
export class ResultsSignatory {
  @Field(() => ID, { description: 'The judge’s account.' })
  accountId!: string;

  @Field({ description: 'The judge’s display name, as printed under the signature.' })
  displayName!: string;

  @Field(() => PanelRole, {
    description: 'The seat held: now, or last for a judge who left the panel.',
  })
  role!: PanelRole;

  @Field({ description: 'Whether the judge left the panel (replaced or withdrawn).' })
  withdrawn!: boolean;

  @Field(() => Int, { description: 'The judge’s marks that count.' })
  marksCounted!: number;

  @Field(() => Int, { description: 'The judge’s marks the chief judge voided.' })
  marksVoided!: number;
}
