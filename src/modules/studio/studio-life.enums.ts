import { registerEnumType } from 'type-graphql';

export enum ReviewOutcome {
  PASS = 'PASS',
  WARNING = 'WARNING',
  REVOKED = 'REVOKED',
}
registerEnumType(ReviewOutcome, {
  name: 'StudioReviewOutcome',
  description: 'Outcome of a periodic review (复核/复评) of a named studio.',
  valuesConfig: {
    PASS: { description: 'Passed: the name stands.' },
    WARNING: { description: 'A warning (警示, 限期整改): the name stands, with notes on what to put right.' },
    REVOKED: { description: 'Failed: the name is revoked (撤销) and the studio becomes REVOKED.' },
  },
});

export enum ReviewKind {
  RECHECK = 'RECHECK',
  REEVALUATION = 'REEVALUATION',
}
registerEnumType(ReviewKind, {
  name: 'StudioReviewKind',
  description: 'Kind of periodic review.',
  valuesConfig: {
    RECHECK: {
      description: 'A recheck (复核) of whether the studio still meets the conditions of its level.',
    },
    REEVALUATION: {
      description: 'A re-evaluation (复评) of the studio against its level, usually every few years.',
    },
  },
});

export enum JoinRequestStatus {
  PENDING = 'PENDING',
  APPROVED = 'APPROVED',
  REJECTED = 'REJECTED',
}
registerEnumType(JoinRequestStatus, {
  name: 'AllianceJoinRequestStatus',
  description: 'State of a request to join an alliance.',
  valuesConfig: {
    PENDING: { description: 'Waiting for an organizer of the lead studio’s host.' },
    APPROVED: { description: 'Approved: the studio joined.' },
    REJECTED: { description: 'Rejected, with the reason.' },
  },
});

/** Levels from lowest to highest: a promotion moves strictly up this list. */
export const LEVEL_ORDER = ['ENTERPRISE', 'MUNICIPAL', 'PROVINCIAL', 'NATIONAL_MODEL'] as const;

/** What a step in a studio's history was; the values are stored in `studio_event.kind`. */
export const StudioEventKind = {
  APPLIED: 'APPLIED',
  UNDER_REVIEW: 'UNDER_REVIEW',
  NAMED: 'NAMED',
  REJECTED: 'REJECTED',
  REVOKED: 'REVOKED',
  ASSESSED: 'ASSESSED',
  REVIEWED: 'REVIEWED',
  PROMOTED: 'PROMOTED',
  MEMBER_SET: 'MEMBER_SET',
  ACHIEVEMENT_RECORDED: 'ACHIEVEMENT_RECORDED',
  ALLIANCE_JOINED: 'ALLIANCE_JOINED',
  ALLIANCE_JOIN_REQUESTED: 'ALLIANCE_JOIN_REQUESTED',
  ALLIANCE_JOIN_REJECTED: 'ALLIANCE_JOIN_REJECTED',
  ALLIANCE_LEFT: 'ALLIANCE_LEFT',
  ALLIANCE_SETTINGS_CHANGED: 'ALLIANCE_SETTINGS_CHANGED',
} as const;
export type StudioEventKind = keyof typeof StudioEventKind;
registerEnumType(StudioEventKind, {
  name: 'StudioEventKind',
  description: 'What a step in a studio’s history was.',
  valuesConfig: {
    APPLIED: { description: 'The studio applied to be named (申报).' },
    UNDER_REVIEW: { description: 'The application went under review.' },
    NAMED: { description: 'The studio was named (命名).' },
    REJECTED: { description: 'The application was rejected.' },
    REVOKED: { description: 'The name was revoked (撤销).' },
    ASSESSED: { description: 'An annual assessment (年度考核) was recorded.' },
    REVIEWED: { description: 'A periodic review (复核/复评) was recorded.' },
    PROMOTED: { description: 'The studio was recognised at a higher level (晋级).' },
    MEMBER_SET: { description: 'A member was added or their role changed.' },
    ACHIEVEMENT_RECORDED: { description: 'An achievement (patent, method, benefit, award…) was recorded.' },
    ALLIANCE_JOINED: { description: 'The studio joined an alliance (创新工作室联盟).' },
    ALLIANCE_JOIN_REQUESTED: { description: 'The studio asked to join an alliance that approves members.' },
    ALLIANCE_JOIN_REJECTED: { description: 'The alliance’s lead studio turned a request to join down.' },
    ALLIANCE_LEFT: { description: 'The studio left an alliance.' },
    ALLIANCE_SETTINGS_CHANGED: { description: 'The lead studio changed how its alliance admits members.' },
  },
});
