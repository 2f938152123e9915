import type { DomainEventBus } from '../../shared/events/domain-events';
import type { PubSub } from '../../shared/graphql/pubsub';
import { type BoardChange, refreshBoard } from './board-write';

declare module '../../shared/events/domain-events' {
  interface DomainEvents {
    /** A trade's board rows changed up to `seq`. */
    BOARD_CHANGED: BoardChange;
  }
}

/**
 * The leaderboard follows the results: board rows are rewritten in the transaction that changed
 * what they are computed from (so rows, seq and marks commit together, in the same lock order as
 * before), and the instances holding the board hear of it once that transaction has committed.
 */
export function leaderboardSubscriptions(events: DomainEventBus, pubsub: PubSub): void {
  events.project('RESULT_INPUTS_CHANGED', async (em, { tradeId, entrantIds }, unit) => {
    const change = await refreshBoard(em, tradeId, entrantIds);
    if (change) await unit.record(em, 'BOARD_CHANGED', change);
  });
  events.on('BOARD_CHANGED', (change) => pubsub.publish('BOARD_CHANGED', change.tradeId, change));
}
