import type { DomainEventBus } from '../../shared/events/domain-events';
import type { PubSub } from '../../shared/graphql/pubsub';

declare module '../../shared/events/domain-events' {
  interface DomainEvents {
    /**
     * Something the results of these entrants (all of the trade's when null) are computed from
     * changed: a mark, an entrant's status or completion time, the trade's rules or round.
     */
    RESULT_INPUTS_CHANGED: { tradeId: number; entrantIds: number[] | null };
    COMPETITION_STATUS_CHANGED: { competitionId: number; from: string; to: string; at: string };
  }
}

/** Lifecycle changes reach their subscribers (and, through the event bus, the other instances). */
export function competitionReactions(events: DomainEventBus, pubsub: PubSub): void {
  events.on('COMPETITION_STATUS_CHANGED', (e) =>
    pubsub.publish('COMPETITION_STATUS_CHANGED', e.competitionId, e),
  );
}
