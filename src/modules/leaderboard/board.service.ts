/** The leaderboard's service: boards in memory (board.ts), their subscribers (board-hub.ts). */
export * from './board';
export { BoardHub } from './board-hub';
