import { registerEnumType } from 'type-graphql';
import type { DomainEvents } from '../../shared/events/domain-events';
import { toGlobalId } from '../../shared/graphql/relay';

/** The domain events a webhook endpoint may subscribe to (the outbox's names). */
export enum WebhookEventType {
  MARK_ACCEPTED = 'MARK_ACCEPTED',
  TOLERANCE_BREACHED = 'TOLERANCE_BREACHED',
  MARKS_LOCK_CHANGED = 'MARKS_LOCK_CHANGED',
  BOARD_CHANGED = 'BOARD_CHANGED',
  COMPETITION_STATUS_CHANGED = 'COMPETITION_STATUS_CHANGED',
  RESULTS_PUBLISHED = 'RESULTS_PUBLISHED',
  RESULTS_FINAL = 'RESULTS_FINAL',
  APPEAL_FILED = 'APPEAL_FILED',
  APPEAL_DECIDED = 'APPEAL_DECIDED',
  CAMPAIGN_AWARDS_RECORDED = 'CAMPAIGN_AWARDS_RECORDED',
}
registerEnumType(WebhookEventType, {
  name: 'WebhookEventType',
  description: 'A kind of event a webhook endpoint may receive.',
  valuesConfig: {
    MARK_ACCEPTED: { description: 'A judge’s mark was accepted (a first mark or a correction).' },
    TOLERANCE_BREACHED: { description: 'A panel disagrees on an aspect by more than its tolerance.' },
    MARKS_LOCK_CHANGED: { description: 'A trade’s or an entrant’s marks were locked or unlocked.' },
    BOARD_CHANGED: { description: 'A trade’s leaderboard changed (with its new board seq).' },
    COMPETITION_STATUS_CHANGED: { description: 'A competition moved to another stage.' },
    RESULTS_PUBLISHED: { description: 'A competition’s results were published.' },
    RESULTS_FINAL: { description: 'A competition’s results became final.' },
    APPEAL_FILED: { description: 'An appeal was filed for an entrant.' },
    APPEAL_DECIDED: { description: 'The chief judge decided an appeal.' },
    CAMPAIGN_AWARDS_RECORDED: {
      description: 'A campaign’s awards were recorded as its results became final.',
    },
  },
});

export const WEBHOOK_EVENT_TYPES = Object.values(WebhookEventType);

/** What a webhook event concerns: the trade or the competition whose host union scopes it. */
export type EventSubject = { tradeId: number } | { competitionId: number };

/** The subject of a stored event, by which its union (and so who may receive it) is found. */
export function subjectOf(type: WebhookEventType, payload: Record<string, unknown>): EventSubject {
  const p = payload as { tradeId?: number; competitionId?: number };
  if (typeof p.tradeId === 'number') return { tradeId: p.tradeId };
  if (typeof p.competitionId === 'number') return { competitionId: p.competitionId };
  throw new Error(`${type} carries neither a trade nor a competition`);
}

const trade = (id: number) => toGlobalId('Trade', id);
const entrant = (id: number | null) => (id === null ? null : toGlobalId('Entrant', id));
const competition = (id: number) => toGlobalId('Competition', id);

/**
 * The `data` of a webhook payload (version 1): Relay global ids, stages, seqs and counts only.
 * Names are never sent, so a receiver learns no more than its registering account could read.
 */
export const PAYLOAD_DATA: {
  [K in WebhookEventType]: (p: DomainEvents[K]) => Record<string, unknown>;
} = {
  MARK_ACCEPTED: (p) => ({
    markId: toGlobalId('Mark', p.markId),
    tradeId: trade(p.tradeId),
    entrantId: entrant(p.entrantId),
    aspectCode: p.aspectCode,
    version: p.version,
  }),
  TOLERANCE_BREACHED: (p) => ({
    tradeId: trade(p.tradeId),
    entrantId: entrant(p.entrantId),
    aspectCode: p.aspectCode,
    spread: p.spread,
    tolerance: p.tolerance,
    markCount: p.marks.length,
  }),
  MARKS_LOCK_CHANGED: (p) => ({
    tradeId: trade(p.tradeId),
    entrantId: entrant(p.entrantId),
    locked: p.locked,
  }),
  BOARD_CHANGED: (p) => ({ tradeId: trade(p.tradeId), seq: p.seq }),
  COMPETITION_STATUS_CHANGED: (p) => ({
    competitionId: competition(p.competitionId),
    from: p.from,
    to: p.to,
  }),
  RESULTS_PUBLISHED: (p) => ({
    competitionId: competition(p.competitionId),
    noticeEndsAt: p.noticeEndsAt,
    appealDeadline: p.appealDeadline,
  }),
  RESULTS_FINAL: (p) => ({ competitionId: competition(p.competitionId) }),
  APPEAL_FILED: (p) => ({
    appealId: toGlobalId('Appeal', p.appealId),
    tradeId: trade(p.tradeId),
    entrantId: entrant(p.entrantId),
  }),
  APPEAL_DECIDED: (p) => ({
    appealId: toGlobalId('Appeal', p.appealId),
    tradeId: trade(p.tradeId),
    entrantId: entrant(p.entrantId),
    decision: p.decision,
  }),
  CAMPAIGN_AWARDS_RECORDED: (p) => ({ competitionId: competition(p.competitionId) }),
};

/** The versioned JSON body sent to a receiver. */
export function webhookBody(
  type: WebhookEventType,
  eventId: string,
  occurredAt: Date,
  payload: unknown,
): string {
  const data = (PAYLOAD_DATA[type] as (p: unknown) => Record<string, unknown>)(payload);
  return JSON.stringify({ type, version: 1, id: eventId, timestamp: occurredAt.toISOString(), data });
}
