import type { EntityManager } from '@mikro-orm/postgresql';
import { groupMarks, type StoredMark } from '../scoring/aggregation';
import { entrantResult } from '../scoring/ranking';
import { normalizeMarks } from '../scoring/normalization';
import { defaultRules, type ResultsRules, tieBreakValues } from '../scoring/results-rules';
import type { MarkingScheme } from '../scoring/scheme';
import { pgArray } from '../../shared/db/paging';
import { transactionSql } from '../../shared/db/transaction-sql';
import type { Context } from '../../shared/graphql/context';

/** What a board change tells the instances that hold the board (the rows themselves are in the database). */
export interface BoardChange {
  tradeId: number;
  seq: number;
}

declare module '../../shared/graphql/pubsub' {
  interface Topics {
    /** A trade's board rows changed up to `seq` (the rows are read from the database). */
    BOARD_CHANGED: [tradeId: number, payload: BoardChange];
  }
}

/**
 * Brings the board rows of these entrants (all of the trade's when null) in line with their
 * marks, inside the caller's transaction. Numbers the change with the trade's next board seq;
 * the public columns follow only until the trade's freeze moment. Locks the trade row (no key
 * update: a mark's foreign-key check on the trade must not wait for it, or a mark holding the
 * audit lock and this lock would deadlock), so board changes of one trade apply one at a time.
 */
export async function refreshBoard(
  em: EntityManager,
  tradeId: number,
  entrantIds: number[] | null,
): Promise<BoardChange | null> {
  const sql = await transactionSql(em);
  // The trade's lock, then its entrants and marks read after the lock is granted, in one round trip
  // (migration board_inputs). With normalisation it reads every entrant whatever was asked.
  const [trade] = await sql<{
    o_scheme: MarkingScheme;
    o_rules: ResultsRules | null;
    o_board_seq: string;
    o_entrants: { id: number; status: string; completion_seconds: string | null }[];
    o_marks: StoredMark[];
  }>('select o_scheme, o_rules, o_board_seq, o_entrants, o_marks from board_inputs($1, $2)', [
    tradeId,
    entrantIds ? pgArray(entrantIds) : null,
  ]);
  if (!trade) return null;
  const scheme = trade.o_scheme;
  const rules = trade.o_rules ?? defaultRules(scheme);
  const { o_entrants: entrants, o_marks: marks } = trade;
  if (entrants.length === 0) return null;
  const byEntrant = groupMarks(marks);
  const marksOf = rules.normalization === 'ZSCORE' ? normalizeMarks(scheme, byEntrant) : byEntrant;
  const seq = Number(trade.o_board_seq) + 1;
  const rowIds: number[] = [];
  const active: boolean[] = [];
  const totals: number[] = [];
  const tieBreaks: string[] = [];
  const modules: string[] = [];
  for (const e of entrants) {
    // An entrant is on the board once checked in and marked at least once.
    const on = e.status === 'CHECKED_IN' && byEntrant.has(e.id);
    const result = entrantResult(scheme, marksOf.get(e.id) ?? new Map());
    const seconds = e.completion_seconds === null ? null : Number(e.completion_seconds);
    rowIds.push(e.id);
    active.push(on);
    totals.push(result.total);
    tieBreaks.push(pgArray(tieBreakValues(rules, scheme, result, seconds)));
    modules.push(JSON.stringify(result.modules.map((m) => ({ code: m.code, weighted: m.weighted }))));
  }
  // A frozen board keeps what the public saw at the freeze: no new rows, no changed values, and
  // no public seq advance (the public stream must not betray that hidden marks arrived). The
  // trade's seqs and the rows in one statement.
  await sql(
    `with f as (
       update trade set board_seq = $2, public_seq = public_seq + case when frozen then 0 else 1 end
         from (select board_freeze_at is not null and board_freeze_at <= now() as frozen from trade where id = $1) fz
        where id = $1 returning fz.frozen
     )
     insert into board_entry (entrant_id, trade_id, total, tie_break, modules, active, seq,
                              public_total, public_tie_break, public_modules, public_active)
     select v.id, $1, v.total, v.tb::float8[], v.modules::jsonb, v.active, $2,
            case when f.frozen then null else v.total end,
            case when f.frozen then null else v.tb::float8[] end,
            case when f.frozen then null else v.modules::jsonb end,
            case when f.frozen then false else v.active end
       from unnest($3::int[], $4::numeric[], $5::text[], $6::text[], $7::boolean[]) as v(id, total, tb, modules, active),
            f
     on conflict (entrant_id) do update set
       total = excluded.total, tie_break = excluded.tie_break, modules = excluded.modules,
       active = excluded.active, seq = excluded.seq, updated_at = now(),
       public_total = case when (select frozen from f) then board_entry.public_total else excluded.total end,
       public_tie_break = case when (select frozen from f) then board_entry.public_tie_break else excluded.tie_break end,
       public_modules = case when (select frozen from f) then board_entry.public_modules else excluded.modules end,
       public_active = case when (select frozen from f) then board_entry.public_active else excluded.active end`,
    [
      tradeId,
      seq,
      pgArray(rowIds),
      pgArray(totals),
      pgArray(tieBreaks),
      pgArray(modules),
      pgArray(active.map(String)),
    ],
  );
  return { tradeId, seq };
}

/** Records a board change the caller wrote itself; the instances holding the board hear of it after the commit. */
export function announceBoard(ctx: Context, change: BoardChange | null): void {
  if (change) ctx.events.queue('BOARD_CHANGED', change);
}
