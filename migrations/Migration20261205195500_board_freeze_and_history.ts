import { Migration } from '@mikro-orm/migrations';

/**
 * Honest freezes and resumable board subscriptions. `board_entry.public_active` is whether the row
 * is on the public board (an entrant first marked after the freeze is not, until the reveal);
 * `trade.public_seq` numbers the changes of the public board only, so the public stream does not
 * move while hidden marks arrive. `board_frame` keeps the last frames each window of a board was
 * sent (shared by every instance), so a screen that reconnects with the seq it holds gets what it
 * missed instead of a snapshot.
 */
export class Migration20261205195500_board_freeze_and_history extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table board_entry add column public_active boolean not null default false;`);
    this.addSql(`update board_entry set public_active = active where public_total is not null;`);
    this.addSql(`alter table trade add column public_seq bigint not null default 0;`);
    this.addSql(`update trade set public_seq = board_seq;`);
    this.addSql(`
      create table board_frame (
        trade_id integer not null references trade(id) on delete cascade,
        -- The window: view, what it shows (identities, awards) and its size.
        lens text not null,
        previous_seq bigint not null,
        seq bigint not null,
        frame jsonb not null,
        created_at timestamptz not null default now(),
        primary key (trade_id, lens, previous_seq, seq)
      );`);
  }
}
