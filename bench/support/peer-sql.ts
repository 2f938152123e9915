import type { Client } from 'pg';

/**
 * What the SQL peers get, so they are not handicapped: an index in board order over the public
 * columns (what a PostGraphile deployment, or anyone ranking in SQL, would create). It lives in
 * the bench database only and stays for the next run.
 */
export async function ensurePeerIndex(client: Client): Promise<void> {
  await client.query(`create index if not exists board_entry_bench_peer_top_idx
    on board_entry (trade_id, public_total desc, public_tie_break desc, entrant_id)
    where active and public_total is not null`);
  await client.query('analyze board_entry');
}

/**
 * Schema `bench_peer` with `board_top(trade_id, n)`: the public board's top n, best first
 * (total, tie-breaks, id), with competition ranks (1, 1, 3), anonymous numbers and totals —
 * what `Trade.board` answers anonymously. PostGraphile exposes only this schema.
 */
export async function installPeerFunction(client: Client): Promise<void> {
  await ensurePeerIndex(client);
  await client.query('create schema if not exists bench_peer');
  await client.query(`do $$ begin
      create type bench_peer.board_row as (rank int, entrant_id int, anonymous_number text, total numeric);
    exception when duplicate_object then null; end $$`);
  await client.query(`create or replace function bench_peer.board_top(trade_id int, n int)
    returns setof bench_peer.board_row language sql stable as $$
      select (rank() over w)::int, b.entrant_id, e.lot_code, b.public_total
        from public.board_entry b join public.entrant e on e.id = b.entrant_id
       where b.trade_id = board_top.trade_id and b.active and b.public_total is not null
      window w as (order by b.public_total desc, b.public_tie_break desc)
      order by b.public_total desc, b.public_tie_break desc, b.entrant_id
      limit n
    $$`);
}

/** The naive rank: 1 + the rows strictly above the entrant on the public board. */
export const COUNT_ABOVE_SQL = `select count(*) + 1 as rank
   from board_entry me, board_entry b
  where me.entrant_id = $2 and b.trade_id = $1 and b.active and b.public_total is not null
    and (b.public_total, b.public_tie_break) > (me.public_total, me.public_tie_break)`;
