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
