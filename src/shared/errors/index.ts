import { GraphQLError } from 'graphql';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { text, type Text } from '../i18n';

/**
 * Stable codes for expected failures, returned in mutation payloads.
 * Clients switch on these; never rename one once released.
 */
export enum ErrorCode {
  VALIDATION = 'VALIDATION',
  REQUIRED = 'REQUIRED',
  TOO_LONG = 'TOO_LONG',
  OUT_OF_RANGE = 'OUT_OF_RANGE',
  INVALID_ID = 'INVALID_ID',
  NOT_FOUND = 'NOT_FOUND',
  DUPLICATE = 'DUPLICATE',
  INVALID_TRANSITION = 'INVALID_TRANSITION',
  INVALID_HIERARCHY = 'INVALID_HIERARCHY',
  WEIGHTS_MUST_SUM_TO_100 = 'WEIGHTS_MUST_SUM_TO_100',
  CAPACITY_EXCEEDED = 'CAPACITY_EXCEEDED',
  COMPETITION_CLOSED = 'COMPETITION_CLOSED',
  KIND_MISMATCH = 'KIND_MISMATCH',
  IMPORT_INVALID = 'IMPORT_INVALID',
  INVALID_CREDENTIALS = 'INVALID_CREDENTIALS',
  OUTSIDE_SCOPE = 'OUTSIDE_SCOPE',
  TOO_MANY_ATTEMPTS = 'TOO_MANY_ATTEMPTS',
  WRONG_STAGE = 'WRONG_STAGE',
  NOTHING_TO_DRAW = 'NOTHING_TO_DRAW',
  FREEZE_IN_PAST = 'FREEZE_IN_PAST',
  LOTS_NOT_DRAWN = 'LOTS_NOT_DRAWN',
  MARKS_LOCKED = 'MARKS_LOCKED',
  TRADE_NOT_SIGNED_OFF = 'TRADE_NOT_SIGNED_OFF',
  MARKS_REOPENED = 'MARKS_REOPENED',
  RECHECK_ALREADY_DRAWN = 'RECHECK_ALREADY_DRAWN',
  RECHECK_INCOMPLETE = 'RECHECK_INCOMPLETE',
  FULL_RECHECK_REQUIRED = 'FULL_RECHECK_REQUIRED',
  NOT_IN_RECHECK = 'NOT_IN_RECHECK',
  APPEAL_WINDOW_CLOSED = 'APPEAL_WINDOW_CLOSED',
  APPEAL_PENDING = 'APPEAL_PENDING',
  APPEAL_ALREADY_RESOLVED = 'APPEAL_ALREADY_RESOLVED',
  APPEALS_PENDING = 'APPEALS_PENDING',
  NOTICE_PERIOD_OPEN = 'NOTICE_PERIOD_OPEN',
  RESULTS_FROZEN = 'RESULTS_FROZEN',
  CONFLICT_OF_INTEREST = 'CONFLICT_OF_INTEREST',
  // Panels on the day
  NOT_ON_PANEL = 'NOT_ON_PANEL',
  ALREADY_ON_PANEL = 'ALREADY_ON_PANEL',
  JUDGE_STILL_ON_PANEL = 'JUDGE_STILL_ON_PANEL',
  NOTHING_TO_VOID = 'NOTHING_TO_VOID',
  // Marking schemes: one code per problem
  WRONG_TYPE = 'WRONG_TYPE',
  UNKNOWN_FIELD = 'UNKNOWN_FIELD',
  INVALID_VALUE = 'INVALID_VALUE',
  INVALID_CODE = 'INVALID_CODE',
  INVALID_TEXT = 'INVALID_TEXT',
  TOO_MANY = 'TOO_MANY',
  DUPLICATE_CODE = 'DUPLICATE_CODE',
  INVALID_WEIGHT = 'INVALID_WEIGHT',
  INVALID_MAX_MARK = 'INVALID_MAX_MARK',
  MODULE_WITHOUT_MARKS = 'MODULE_WITHOUT_MARKS',
  MISSING_SCALE = 'MISSING_SCALE',
  UNEXPECTED_SCALE = 'UNEXPECTED_SCALE',
  INVALID_SCALE = 'INVALID_SCALE',
  INVALID_AGGREGATION = 'INVALID_AGGREGATION',
  INVALID_TRIM = 'INVALID_TRIM',
  INVALID_TOLERANCE = 'INVALID_TOLERANCE',
  INVALID_JSON = 'INVALID_JSON',
  CSV_FORMAT = 'CSV_FORMAT',
  CSV_INCONSISTENT = 'CSV_INCONSISTENT',
  SHEET_FORMAT = 'SHEET_FORMAT',
  // Results rules
  UNEXPECTED_CODE = 'UNEXPECTED_CODE',
  INVALID_AWARDS = 'INVALID_AWARDS',
  AWARD_RULE_REQUIRED = 'AWARD_RULE_REQUIRED',
  // Studio registry
  STUDIO_NOT_NAMED = 'STUDIO_NOT_NAMED',
  NOT_A_PROMOTION = 'NOT_A_PROMOTION',
  REVIEW_ALREADY_RECORDED = 'REVIEW_ALREADY_RECORDED',
  ALREADY_IN_ALLIANCE = 'ALREADY_IN_ALLIANCE',
  NOT_IN_ALLIANCE = 'NOT_IN_ALLIANCE',
  JOIN_ALREADY_REQUESTED = 'JOIN_ALREADY_REQUESTED',
  JOIN_REQUEST_DECIDED = 'JOIN_REQUEST_DECIDED',
  LEAD_STUDIO_CANNOT_LEAVE = 'LEAD_STUDIO_CANNOT_LEAVE',
  // People matched on import
  NATIONAL_ID_INVALID = 'NATIONAL_ID_INVALID',
  PERSON_KEYS_CONFLICT = 'PERSON_KEYS_CONFLICT',
  PERSON_AMBIGUOUS = 'PERSON_AMBIGUOUS',
  // Webhooks
  WEBHOOK_URL_REFUSED = 'WEBHOOK_URL_REFUSED',
  WEBHOOK_ENDPOINT_DISABLED = 'WEBHOOK_ENDPOINT_DISABLED',
}

registerEnumType(ErrorCode, {
  name: 'ErrorCode',
  description: 'Stable machine-readable code of an expected failure.',
  valuesConfig: {
    STUDIO_NOT_NAMED: {
      description: 'Registry: the step needs a named studio (not applied, rejected or revoked).',
    },
    NOT_A_PROMOTION: { description: 'Registry: a promotion goes to a strictly higher level.' },
    REVIEW_ALREADY_RECORDED: { description: 'Registry: the studio already has a review on that date.' },
    ALREADY_IN_ALLIANCE: { description: 'Registry: the studio already belongs to the alliance.' },
    NOT_IN_ALLIANCE: { description: 'Registry: the studio does not belong to the alliance.' },
    JOIN_ALREADY_REQUESTED: { description: 'Registry: a request of the studio to join is already pending.' },
    JOIN_REQUEST_DECIDED: { description: 'Registry: the join request is already approved or rejected.' },
    LEAD_STUDIO_CANNOT_LEAVE: { description: 'Registry: the lead studio does not leave its own alliance.' },
    VALIDATION: { description: 'A value breaks a rule that has no more precise code.' },
    REQUIRED: { description: 'A value is missing or empty.' },
    TOO_LONG: { description: 'Text longer than allowed.' },
    OUT_OF_RANGE: { description: 'A number or count outside its allowed range.' },
    INVALID_ID: { description: 'Not a global ID of the expected type.' },
    NOT_FOUND: { description: 'No such record (or none you may see).' },
    DUPLICATE: { description: 'The record already exists.' },
    INVALID_TRANSITION: { description: 'The status cannot move that way.' },
    INVALID_HIERARCHY: { description: 'The union tree would break (a cycle, a wrong level).' },
    WEIGHTS_MUST_SUM_TO_100: { description: 'Marking scheme: the module weights do not add up to 100.' },
    CAPACITY_EXCEEDED: { description: 'The trade is full.' },
    COMPETITION_CLOSED: { description: 'The competition is past the stage where this may change.' },
    KIND_MISMATCH: {
      description: 'The record is of the wrong kind for this (a role, a competition kind, …).',
    },
    IMPORT_INVALID: { description: 'The file cannot be read or is too large.' },
    NATIONAL_ID_INVALID: {
      description:
        'A national ID that is not 18 characters with a real birth date and a matching ISO 7064 MOD 11-2 check character.',
    },
    PERSON_KEYS_CONFLICT: {
      description:
        'Import: the row’s national ID and employee number point at two different people, or at a person whose recorded key differs.',
    },
    PERSON_AMBIGUOUS: {
      description:
        'Import: several people of that name at that employer fit the row; give an employee number or national ID.',
    },
    INVALID_CREDENTIALS: { description: 'Wrong username or password.' },
    OUTSIDE_SCOPE: { description: 'Outside the union subtree or the scopes of the caller.' },
    TOO_MANY_ATTEMPTS: { description: 'Too many failed attempts; try again later.' },
    WRONG_STAGE: { description: 'The competition is not at the stage this needs.' },
    NOTHING_TO_DRAW: { description: 'No checked-in entrant is waiting for a number.' },
    FREEZE_IN_PAST: {
      description:
        'A board freeze moment already past: marks accepted since then are on the board; freeze from now on instead.',
    },
    LOTS_NOT_DRAWN: { description: 'Lots are not drawn yet.' },
    MARKS_LOCKED: { description: 'The marks concerned are locked by the chief judge.' },
    TRADE_NOT_SIGNED_OFF: { description: 'The chief judge has not locked the trade’s marks.' },
    MARKS_REOPENED: { description: 'Some entrant’s marks are reopened.' },
    RECHECK_ALREADY_DRAWN: { description: 'The re-check list is already drawn.' },
    RECHECK_INCOMPLETE: { description: 'The re-check is not complete.' },
    FULL_RECHECK_REQUIRED: { description: 'A full re-check is required and not complete.' },
    NOT_IN_RECHECK: { description: 'The entrant is not on the re-check list.' },
    APPEAL_WINDOW_CLOSED: { description: 'The appeal deadline has passed.' },
    APPEAL_PENDING: { description: 'An appeal is already pending for this entrant.' },
    APPEAL_ALREADY_RESOLVED: { description: 'The appeal is already resolved.' },
    APPEALS_PENDING: { description: 'Appeals are still pending.' },
    NOTICE_PERIOD_OPEN: { description: 'The public notice period is not over.' },
    RESULTS_FROZEN: { description: 'Results are published or final: this no longer changes.' },
    CONFLICT_OF_INTEREST: { description: 'A conflict of interest forbids this.' },
    NOT_ON_PANEL: { description: 'The account does not sit on the trade’s panel.' },
    ALREADY_ON_PANEL: { description: 'The account already sits on the trade’s panel.' },
    JUDGE_STILL_ON_PANEL: {
      description: 'Only the marks of a judge who left the panel (replaced or withdrawn) can be voided.',
    },
    NOTHING_TO_VOID: { description: 'The judge has no mark on the trade left to void.' },
    WRONG_TYPE: { description: 'Marking scheme: a value of the wrong type (text for a number, …).' },
    UNKNOWN_FIELD: { description: 'Marking scheme: a key the format does not have (a typo?).' },
    INVALID_VALUE: {
      description:
        'A value outside its list (an unknown aspect kind in a marking scheme, an unknown award tier, …).',
    },
    INVALID_CODE: {
      description:
        'Marking scheme: a module, criterion or aspect code with other than letters, digits, `. _ - /`.',
    },
    INVALID_TEXT: { description: 'Marking scheme: text that is not valid Unicode or holds NUL characters.' },
    TOO_MANY: { description: 'Marking scheme: a list longer than its limit (text too long is TOO_LONG).' },
    DUPLICATE_CODE: { description: 'Marking scheme: a module, criterion or aspect code used twice.' },
    INVALID_WEIGHT: {
      description: 'Marking scheme: a module weight not above 0 and at most 100 with at most 2 decimals.',
    },
    INVALID_MAX_MARK: { description: 'Marking scheme: a maximum mark not above 0 with at most 2 decimals.' },
    MODULE_WITHOUT_MARKS: { description: 'Marking scheme: a module with deductions only.' },
    MISSING_SCALE: { description: 'Marking scheme: a JUDGEMENT aspect without its scale.' },
    UNEXPECTED_SCALE: { description: 'Marking scheme: a scale on an aspect that is not a JUDGEMENT.' },
    INVALID_SCALE: {
      description: 'Marking scheme: bad scale bounds, too many points or a missing descriptor.',
    },
    INVALID_AGGREGATION: {
      description:
        'Marking scheme: an aggregation that does not fit the aspect kind (JUDGEMENT ⇔ JUDGEMENT_AVERAGE).',
    },
    INVALID_TRIM: {
      description:
        'Marking scheme: a trimmed mean whose trim is not ≥ 1 or whose minJudges is below 2 × trim + 1.',
    },
    INVALID_TOLERANCE: { description: 'Marking scheme: a tolerance that is negative or not a number.' },
    INVALID_JSON: { description: 'Marking scheme: the JSON file does not parse.' },
    CSV_FORMAT: { description: 'Marking scheme: the CSV file lacks a column or has a malformed cell.' },
    UNEXPECTED_CODE: {
      description: 'Results rules: a COMPLETION_TIME tie-break given a code (it takes none).',
    },
    INVALID_AWARDS: {
      description:
        'Results rules: award tiers out of order, repeated, or with an impossible count, percentage or threshold.',
    },
    AWARD_RULE_REQUIRED: { description: 'Results rules: a title by award tier without an award rule.' },
    WEBHOOK_URL_REFUSED: {
      description:
        'Webhooks: the URL is not http(s) or its host is a private, loopback or link-local address.',
    },
    WEBHOOK_ENDPOINT_DISABLED: { description: 'Webhooks: the endpoint is disabled; enable it first.' },
    CSV_INCONSISTENT: {
      description: 'Marking scheme: CSV rows of one module or criterion disagree on its name or weight.',
    },
    SHEET_FORMAT: {
      description:
        'Marking scheme: a spreadsheet that is not in the WorldSkills layout, or a cell that does not fit it.',
    },
  },
});

@ObjectType({ description: 'An expected failure of a mutation (validation or a business rule).' })
export class UserError {
  @Field(() => String, {
    nullable: true,
    description: 'Input field the error is about, as a path (e.g. `input.name`, `rows.3.employer`).',
  })
  field!: string | null;

  /** Rendered in the caller's language (`UserErrorResolver`). */
  @Field(() => String, { description: 'Human-readable explanation, in the caller’s language.' })
  message!: Text;

  @Field(() => ErrorCode, { description: 'Stable code to switch on.' })
  code!: ErrorCode;
}

/** Thrown by services for an expected failure; turned into payload `errors` by the mutation wrapper. */
export class DomainError extends Error {
  readonly errors: UserError[];
  constructor(code: ErrorCode, message: Text, field: string | null = null) {
    super(message.en);
    this.errors = [{ code, message, field }];
  }
  static many(errors: UserError[]): DomainError {
    const e = new DomainError(errors[0]!.code, errors[0]!.message, errors[0]!.field);
    e.errors.splice(0, 1, ...errors);
    return e;
  }
}

/** Codes of top-level GraphQL errors (`extensions.code`). */
export const TopLevelCode = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  DATABASE_UNAVAILABLE: 'DATABASE_UNAVAILABLE',
  STATEMENT_TIMEOUT: 'STATEMENT_TIMEOUT',
  REQUEST_TIMEOUT: 'REQUEST_TIMEOUT',
  RATE_LIMITED: 'RATE_LIMITED',
  SERVER_BUSY: 'SERVER_BUSY',
  TRUSTED_DOCUMENT_REQUIRED: 'TRUSTED_DOCUMENT_REQUIRED',
  TRUSTED_DOCUMENT_NOT_FOUND: 'TRUSTED_DOCUMENT_NOT_FOUND',
  TOO_MANY_SUBSCRIPTIONS: 'TOO_MANY_SUBSCRIPTIONS',
  BATCHING_DISABLED: 'BATCHING_DISABLED',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;

const TEXT = Symbol('text');

/**
 * A top-level GraphQL error whose message is a localized text: its `message` is the English,
 * and the error policy sends the caller's language (`textOf`).
 */
export function localizedError(
  code: string,
  message: Text,
  extra: Record<string, unknown> = {},
): GraphQLError {
  const error = new GraphQLError(message.en, { extensions: { code, ...extra } });
  Object.defineProperty(error, TEXT, { value: message, enumerable: false });
  return error;
}

/** The localized text of an error made by `localizedError` (or wrapping one), if any. */
export function textOf(error: unknown, depth = 0): Text | null {
  if (!error || typeof error !== 'object' || depth > 5) return null;
  const own = (error as { [TEXT]?: Text })[TEXT];
  if (own) return own;
  return textOf((error as { originalError?: unknown }).originalError, depth + 1);
}

export function forbidden(message: Text = text('无权执行此操作。', 'You may not do this.')): GraphQLError {
  return localizedError(TopLevelCode.FORBIDDEN, message);
}

export function unauthenticated(message: Text = text('请先登录。', 'Sign in first.')): GraphQLError {
  return localizedError(TopLevelCode.UNAUTHENTICATED, message);
}

/** Collects field errors so a service can report all of them at once. */
export class Problems {
  readonly list: UserError[] = [];
  add(code: ErrorCode, message: Text, field: string | null = null): this {
    this.list.push({ code, message, field });
    return this;
  }
  get any(): boolean {
    return this.list.length > 0;
  }
  throwIfAny(): void {
    if (this.any) throw DomainError.many(this.list);
  }
}
