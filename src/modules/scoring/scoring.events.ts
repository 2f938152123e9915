import type { DomainEventBus } from '../../shared/events/domain-events';
import type { PubSub } from '../../shared/graphql/pubsub';
import type { ToleranceNotice } from './marks.service';

declare module '../../shared/events/domain-events' {
  interface DomainEvents {
    /** A judge's panel disagrees on an aspect by more than its tolerance. */
    TOLERANCE_BREACHED: ToleranceNotice;
    /** A judge's mark was accepted: a first mark at version 1, a correction at a higher version. */
    MARK_ACCEPTED: {
      markId: number;
      tradeId: number;
      entrantId: number;
      aspectCode: string;
      version: number;
    };
    /** A trade's or an entrant's marks were locked (signed off) or unlocked. */
    MARKS_LOCK_CHANGED: { tradeId: number; entrantId: number | null; locked: boolean };
    /** A competition's results were published; appeals are taken until `appealDeadline`. */
    RESULTS_PUBLISHED: { competitionId: number; noticeEndsAt: string; appealDeadline: string };
    /** An appeal was filed for an entrant. */
    APPEAL_FILED: { appealId: number; tradeId: number; entrantId: number };
    /** The chief judge decided an appeal (`decision` is UPHELD or REJECTED). */
    APPEAL_DECIDED: { appealId: number; tradeId: number; entrantId: number; decision: string };
    /** A competition's results became final (after the notice period); `kind` is the competition's. */
    RESULTS_FINAL: { competitionId: number; kind: string; actorId: number | null };
  }
}

/** The chief judge's alert. */
export function scoringReactions(events: DomainEventBus, pubsub: PubSub): void {
  events.on('TOLERANCE_BREACHED', (n) => pubsub.publish('TOLERANCE_BREACHED', n.tradeId, n));
}
