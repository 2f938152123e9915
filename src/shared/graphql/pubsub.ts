import { createPubSub } from '@graphql-yoga/subscription';
import type { ToleranceNotice } from '../../modules/scoring/marks.service';
import type { BoardChange } from '../../modules/leaderboard/board-write';

/** Topics and their payloads. In-process for now; a Redis event target plugs in here for several instances. */
export type Topics = {
  /** An account was disabled or an API key revoked: its live connections must close. */
  VIEWER_REVOKED: [payload: { accountId?: number; apiKeyId?: number; shutdown?: boolean }];
  TOLERANCE_BREACHED: [tradeId: number, payload: ToleranceNotice];
  /** A trade's board rows changed up to `seq` (the rows are read from the database). */
  BOARD_CHANGED: [tradeId: number, payload: BoardChange];
  COMPETITION_STATUS_CHANGED: [
    competitionId: number,
    payload: { competitionId: number; from: string; to: string; at: string },
  ];
};

export function createEventBus() {
  return createPubSub<Topics>();
}

export type PubSub = ReturnType<typeof createEventBus>;
