import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { UserError } from '../../shared/errors';
import { Node } from '../../shared/graphql/relay';
import type { Text } from '../../shared/i18n';

export enum PanelRole {
  JUDGE = 'JUDGE',
  CHIEF_JUDGE = 'CHIEF_JUDGE',
}
registerEnumType(PanelRole, {
  name: 'PanelRole',
  description: 'Place on a trade’s panel (裁判 / 裁判长).',
  valuesConfig: {
    JUDGE: { description: 'A judge (裁判).' },
    CHIEF_JUDGE: { description: 'The chief judge (裁判长).' },
  },
});

export enum MarkStatus {
  ACCEPTED = 'ACCEPTED',
  REFUSED = 'REFUSED',
}
registerEnumType(MarkStatus, {
  name: 'MarkStatus',
  description: 'Outcome of one submitted mark. A replayed key answers with the original outcome.',
  valuesConfig: {
    ACCEPTED: { description: 'The mark was recorded.' },
    REFUSED: { description: 'The mark was refused; see the refusal.' },
  },
});

/** Why a mark was refused; stable, for tablets to act on. */
export enum MarkRefusal {
  NOT_ON_PANEL = 'NOT_ON_PANEL',
  ASPECT_NOT_ASSIGNED = 'ASPECT_NOT_ASSIGNED',
  UNKNOWN_ASPECT = 'UNKNOWN_ASPECT',
  NO_MARKING_SCHEME = 'NO_MARKING_SCHEME',
  MARK_OUT_OF_RANGE = 'MARK_OUT_OF_RANGE',
  CONFLICT_OF_INTEREST = 'CONFLICT_OF_INTEREST',
  MARKS_LOCKED = 'MARKS_LOCKED',
  COMPETITION_NOT_RUNNING = 'COMPETITION_NOT_RUNNING',
  ENTRANT_NOT_CHECKED_IN = 'ENTRANT_NOT_CHECKED_IN',
  NOT_DRAWN = 'NOT_DRAWN',
  NOT_ASSIGNED_TO_ENTRANT = 'NOT_ASSIGNED_TO_ENTRANT',
  MARK_EXISTS = 'MARK_EXISTS',
  STALE_VERSION = 'STALE_VERSION',
  NOTHING_TO_CORRECT = 'NOTHING_TO_CORRECT',
  REASON_REQUIRED = 'REASON_REQUIRED',
  IDEMPOTENCY_KEY_REUSED = 'IDEMPOTENCY_KEY_REUSED',
  INVALID_ID = 'INVALID_ID',
  INVALID_KEY = 'INVALID_KEY',
}
registerEnumType(MarkRefusal, {
  name: 'MarkRefusal',
  description: 'Why a mark was refused.',
  valuesConfig: {
    NOT_ON_PANEL: { description: 'The caller is not on this trade’s panel.' },
    ASPECT_NOT_ASSIGNED: { description: 'The aspect is not assigned to this judge.' },
    UNKNOWN_ASPECT: { description: 'The marking scheme has no such aspect.' },
    NO_MARKING_SCHEME: { description: 'The trade has no marking scheme yet.' },
    MARK_OUT_OF_RANGE: { description: 'The mark lies outside the aspect’s range or step.' },
    CONFLICT_OF_INTEREST: { description: 'The judge has declared a conflict with this entrant.' },
    MARKS_LOCKED: { description: 'The trade’s marks are locked.' },
    COMPETITION_NOT_RUNNING: { description: 'The competition is not running.' },
    ENTRANT_NOT_CHECKED_IN: { description: 'The entrant has not checked in.' },
    NOT_DRAWN: { description: 'The entrant has no anonymous number yet.' },
    NOT_ASSIGNED_TO_ENTRANT: { description: 'The judge is not assigned to this entrant.' },
    MARK_EXISTS: { description: 'A mark exists already; send a correction instead.' },
    STALE_VERSION: { description: 'The mark changed since the version given.' },
    NOTHING_TO_CORRECT: { description: 'There is no mark to correct.' },
    REASON_REQUIRED: { description: 'A correction needs a reason.' },
    IDEMPOTENCY_KEY_REUSED: { description: 'The idempotency key was used for a different mark.' },
    INVALID_ID: { description: 'An ID is malformed or names another type.' },
    INVALID_KEY: { description: 'The idempotency key is malformed.' },
  },
});

@ObjectType({ implements: Node, description: 'A judge’s current mark for one entrant on one aspect.' })
export class Mark implements Node {
  @Field(() => ID, { description: 'Global ID of the mark.' })
  id!: string;

  @Field(() => ID, { description: 'Global ID of the entrant marked.' })
  entrantId!: string;

  @Field({ description: 'Aspect code in the trade’s marking scheme.' })
  aspectCode!: string;

  @Field(() => Float, { description: 'The mark.' })
  value!: number;

  @Field(() => Int, { description: 'Version; a correction names the version it corrects.' })
  version!: number;

  @Field(() => ID, { description: 'Global ID of the judge’s account.' })
  judgeId!: string;
}

@InputType({ description: 'One mark from a tablet. Re-sending it with the same key is safe.' })
export class MarkInput {
  @Field({ description: 'Client-generated key, unique per mark event (8–200 characters).' })
  idempotencyKey!: string;

  @Field(() => ID, { description: 'The entrant.' })
  entrantId!: string;

  @Field({ description: 'The aspect code.' })
  aspectCode!: string;

  @Field(() => Float, { description: 'The mark: 0..maxMark, or a point of the judgement scale.' })
  value!: number;

  @Field(() => Int, { nullable: true, description: 'For a correction: the version being corrected.' })
  correctsVersion?: number | null;

  @Field(() => String, { nullable: true, description: 'For a correction: why (required).' })
  reason?: string | null;
}

@InputType({ description: 'A batch of marks from one tablet.' })
export class SubmitMarksInput {
  @Field({ description: 'The tablet’s identifier, for the audit log.' })
  deviceId!: string;

  @Field(() => [MarkInput], { description: 'The marks, at most 100; each gets its own outcome.' })
  marks!: MarkInput[];
}

@ObjectType({ description: 'The outcome of one submitted mark.' })
export class MarkOutcome {
  @Field({ description: 'The key it was sent with.' })
  idempotencyKey!: string;

  @Field(() => MarkStatus, { description: 'Accepted or refused.' })
  status!: MarkStatus;

  @Field(() => MarkRefusal, { nullable: true, description: 'Why it was refused.' })
  code!: MarkRefusal | null;

  /** Rendered in the caller's language (`MarkOutcomeResolver`). */
  @Field(() => String, { nullable: true, description: 'Explanation of a refusal.' })
  message!: Text | null;

  @Field(() => Mark, { nullable: true, description: 'The mark as stored, when accepted.' })
  mark!: Mark | null;

  @Field({
    description:
      'Whether the aspect’s marks now spread beyond its tolerance (re-mark; the chief judge is told).',
  })
  toleranceBreached!: boolean;
}

@ObjectType({ description: 'Outcomes of a batch of marks, one per mark, in order.' })
export class SubmitMarksPayload {
  @Field(() => [MarkOutcome], { description: 'One outcome per submitted mark.' })
  outcomes!: MarkOutcome[];

  @Field(() => [UserError], { description: 'Problems with the batch as a whole (e.g. too many marks).' })
  errors!: UserError[];
}

@InputType({ description: 'Puts an account on a trade’s panel.' })
export class AssignJudgeInput {
  @Field(() => ID, { description: 'The trade.' })
  tradeId!: string;

  @Field(() => ID, { description: 'The judge’s account (role JUDGE or CHIEF_JUDGE).' })
  accountId!: string;

  @Field(() => PanelRole, { description: 'Judge or chief judge; one chief judge per trade.' })
  role!: PanelRole;

  @Field(() => [String], { nullable: true, description: 'Aspects the judge marks; all when omitted.' })
  aspectCodes?: string[] | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Why the judge joins: required while the competition is RUNNING (the addition is then audited and listed ' +
      'in `Trade.panelChanges`); ignored before.',
  })
  reason?: string | null;
}

@ObjectType({ description: 'A place on a trade’s panel.' })
export class PanelSeat {
  @Field(() => ID, { description: 'The trade.' })
  tradeId!: string;

  @Field(() => ID, { description: 'The judge’s account.' })
  accountId!: string;

  @Field(() => PanelRole, { description: 'Judge or chief judge.' })
  role!: PanelRole;

  @Field(() => [String], { nullable: true, description: 'Aspects assigned; null for all.' })
  aspectCodes!: string[] | null;
}

@ObjectType({ description: 'Result of a panel change.' })
export class PanelPayload {
  @Field(() => PanelSeat, { nullable: true, description: 'The seat as it is now; null on failure.' })
  seat!: PanelSeat | null;

  @Field(() => [UserError], { description: 'Expected failures; empty on success.' })
  errors!: UserError[];
}

@InputType({ description: 'A declared conflict of interest between a judge and an entrant.' })
export class DeclareConflictInput {
  @Field(() => ID, { description: 'The judge’s account.' })
  accountId!: string;

  @Field(() => ID, { description: 'The entrant.' })
  entrantId!: string;

  @Field({ description: 'Why (1–500 characters).' })
  reason!: string;
}

@ObjectType({ description: 'Result of declaring a conflict of interest.' })
export class DeclareConflictPayload {
  @Field({ description: 'Whether the conflict is now on record.' })
  declared!: boolean;

  @Field(() => [UserError], { description: 'Expected failures; empty on success.' })
  errors!: UserError[];
}

@InputType({ description: 'Locks or unlocks marks: one entrant’s, or a whole trade’s.' })
export class MarksLockInput {
  @Field(() => ID, { description: 'An entrant or a trade.' })
  targetId!: string;

  @Field(() => String, { nullable: true, description: 'Why; required to unlock.' })
  reason?: string | null;
}

@ObjectType({ description: 'Result of a lock change.' })
export class MarksLockPayload {
  @Field(() => Boolean, { nullable: true, description: 'Whether the target is now locked; null on failure.' })
  locked!: boolean | null;

  @Field(() => [UserError], { description: 'Expected failures; empty on success.' })
  errors!: UserError[];
}

@ObjectType({ description: 'Result of recomputing a competition’s audit chain.' })
export class AuditVerdict {
  @Field({ description: 'Whether every event matches its hash and links to the one before.' })
  ok!: boolean;

  @Field(() => Int, { description: 'Events checked before the first break (all, when ok).' })
  checked!: number;

  @Field(() => Int, { nullable: true, description: 'Sequence number of the first broken event.' })
  firstBrokenSeq!: number | null;

  @Field(() => String, { nullable: true, description: 'What is wrong with it.' })
  reason!: string | null;
}

@ObjectType({ description: 'A mark as it stood at a past moment, rebuilt from the audit log.' })
export class MarkAsOf {
  @Field({ description: 'Aspect code.' })
  aspectCode!: string;

  @Field(() => ID, { description: 'The judge’s account.' })
  judgeId!: string;

  @Field(() => Float, { description: 'The value then.' })
  value!: number;

  @Field(() => Int, { description: 'Its version then.' })
  version!: number;
}

@ObjectType({ description: 'A judge’s mark on one aspect, as part of a tolerance alert.' })
export class PanelMark {
  @Field(() => ID, { description: 'The judge’s account.' })
  judgeId!: string;

  @Field(() => Float, { description: 'The mark.' })
  value!: number;
}

@ObjectType({
  description:
    'Pushed to the chief judge the moment a mark makes a panel disagree more than the aspect allows.',
})
export class ToleranceAlert {
  @Field(() => ID, { description: 'The trade.' })
  tradeId!: string;

  @Field(() => ID, { description: 'The entrant marked.' })
  entrantId!: string;

  @Field(() => String, { nullable: true, description: 'The entrant’s anonymous number.' })
  anonymousNumber!: string | null;

  @Field({ description: 'The aspect to re-mark.' })
  aspectCode!: string;

  @Field(() => Float, { description: 'Highest minus lowest counted mark.' })
  spread!: number;

  @Field(() => Float, { description: 'The aspect’s tolerance.' })
  tolerance!: number;

  /** Rendered in the caller's language (`ToleranceAlertResolver`). */
  @Field(() => String, { description: 'Explanation, e.g. which judges are furthest apart.' })
  message!: Text;

  @Field(() => [PanelMark], { description: 'The panel’s marks on the aspect now.' })
  marks!: PanelMark[];

  @Field({ description: 'When the breaching mark was accepted.' })
  at!: Date;
}
