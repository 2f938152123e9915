import type { DomainEventBus } from '../../shared/events/domain-events';
import type { PubSub } from '../../shared/graphql/pubsub';
import type { EntityManager } from '@mikro-orm/postgresql';
import { HIDDEN, nextSeq, REVEAL_SET } from './board-admin';
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
  // From publication on the public board shows the published results: the freeze ends and
  // whatever it still hid is revealed, in the publishing transaction.
  events.project('COMPETITION_STATUS_CHANGED', async (em, { competitionId, to }, unit) => {
    if (to !== 'PUBLISHED') return;
    for (const change of await revealOnPublication(em, competitionId))
      await unit.record(em, 'BOARD_CHANGED', change);
  });
  events.on('BOARD_CHANGED', (change) => pubsub.publish('BOARD_CHANGED', change.tradeId, change));
}

/** Ends the freeze of every trade of the competition and reveals the rows it hid. */
async function revealOnPublication(em: EntityManager, competitionId: number): Promise<BoardChange[]> {
  const trades = await em.execute<{ id: number; hidden: boolean }[]>(
    `update trade t set board_freeze_at = null where competition_id = ?
     returning id, exists (select 1 from board_entry where trade_id = t.id and ${HIDDEN}) as hidden`,
    [competitionId],
  );
  const changes: BoardChange[] = [];
  for (const t of trades) {
    // Names and awards appear: the public seq moves even when nothing was hidden, so a screen
    // resuming from a seq before publication is not told it missed nothing.
    const seq = await nextSeq(em, t.id);
    if (t.hidden)
      await em.execute(`update board_entry set ${REVEAL_SET}, seq = ? where trade_id = ? and ${HIDDEN}`, [
        seq,
        t.id,
      ]);
    changes.push({ tradeId: t.id, seq });
  }
  return changes;
}
