import { Migration } from '@mikro-orm/migrations';

/**
 * Leaderboards: one row per checked-in, scored entrant with what a board shows, kept in step
 * with the marks in the same transaction; the public columns stop moving after the trade's
 * freeze moment until the reveal. `trade.board_seq` numbers every change of a trade's board.
 */
export class Migration20261125050000_leaderboards extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      alter table trade
        add column board_seq bigint not null default 0,
        add column board_freeze_at timestamptz;`);
    this.addSql(`
      create table board_entry (
        entrant_id integer primary key references entrant(id) on delete cascade,
        trade_id integer not null references trade(id) on delete cascade,
        total numeric(7,2) not null,
        tie_break double precision[] not null default '{}',
        modules jsonb not null default '[]',
        public_total numeric(7,2),
        public_tie_break double precision[],
        public_modules jsonb,
        -- false once the entrant withdraws or is disqualified: kept, so boards catch up by seq.
        active boolean not null default true,
        seq bigint not null,
        updated_at timestamptz not null default now()
      );`);
    this.addSql(`create index board_entry_trade_seq_idx on board_entry (trade_id, seq);`);
  }
}
