import type { EntityManager } from '@mikro-orm/postgresql';
import type { BoardFrameView } from './board';

/**
 * The last frames each window of a board was sent, in PostgreSQL so that every instance reads the
 * same history: a screen that reconnects (to any instance) with the seq it holds gets the frames
 * it missed instead of a snapshot. A window is the board's view, what it shows (identities,
 * awards) and its size; instances that push the same window write the same frames (or frames
 * that coalesced differently: each is kept under its own previous seq, and a replay follows the
 * chain from the client's seq).
 */
export const HISTORY_SEQS = 500;

export function windowKey(view: string, identities: boolean, awards: boolean, first: number): string {
  return `${view}|${identities ? 1 : 0}|${awards ? 1 : 0}|${first}`;
}

/** Keeps a DELTA pushed to a window; frames older than the last HISTORY_SEQS seqs are dropped. */
export async function recordFrame(em: EntityManager, tradeId: number, lens: string, frame: BoardFrameView) {
  if (frame.kind !== 'DELTA' || frame.previousSeq === null || frame.previousSeq === frame.seq) return;
  await em.execute(
    `with kept as (
       insert into board_frame (trade_id, lens, previous_seq, seq, frame) values (?, ?, ?, ?, ?::jsonb)
       on conflict do nothing)
     delete from board_frame where trade_id = ? and lens = ? and previous_seq < ?`,
    [
      tradeId,
      lens,
      frame.previousSeq,
      frame.seq,
      JSON.stringify(frame),
      tradeId,
      lens,
      frame.seq - HISTORY_SEQS,
    ],
  );
}

/**
 * The frames that take a window from `after` to `to`, in order, or null when the history no
 * longer has (or never had) them all: the client then needs a snapshot.
 */
export async function replayFrames(
  em: EntityManager,
  tradeId: number,
  lens: string,
  after: number,
  to: number,
): Promise<BoardFrameView[] | null> {
  if (after === to) return [];
  if (after > to) return null;
  const rows = await em.execute<{ previous_seq: string; seq: string; frame: BoardFrameView }[]>(
    `select previous_seq, seq, frame from board_frame
      where trade_id = ? and lens = ? and previous_seq >= ? and seq <= ? order by previous_seq, seq desc`,
    [tradeId, lens, after, to],
  );
  // The longest step from each seq (instances that coalesced more took bigger steps).
  const from = new Map<number, BoardFrameView>();
  for (const r of rows) if (!from.has(Number(r.previous_seq))) from.set(Number(r.previous_seq), r.frame);
  const out: BoardFrameView[] = [];
  for (let at = after; at !== to;) {
    const f = from.get(at);
    if (!f) return null;
    out.push(f);
    at = f.seq;
  }
  return out;
}
