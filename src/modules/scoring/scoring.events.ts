import type { DomainEventBus } from '../../shared/events/domain-events';
import type { PubSub } from '../../shared/graphql/pubsub';
import type { ToleranceNotice } from './marks.service';

declare module '../../shared/events/domain-events' {
  interface DomainEvents {
    /** A judge's panel disagrees on an aspect by more than its tolerance. */
    TOLERANCE_BREACHED: ToleranceNotice;
    /** A competition's results became final (after the notice period); `kind` is the competition's. */
    RESULTS_FINAL: { competitionId: number; kind: string; actorId: number | null };
  }
}

/** The chief judge's alert. */
export function scoringReactions(events: DomainEventBus, pubsub: PubSub): void {
  events.on('TOLERANCE_BREACHED', (n) => pubsub.publish('TOLERANCE_BREACHED', n.tradeId, n));
}
