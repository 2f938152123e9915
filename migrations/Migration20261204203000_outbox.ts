import { Migration } from '@mikro-orm/migrations';

/**
 * The transactional outbox: every domain event is written here in the transaction that caused
 * it, with an event id. The instance that committed hands it to its consumers at once and marks
 * it delivered; a row still undelivered after a while (the process died) is delivered by the
 * dispatcher of any instance, after a restart too.
 */
export class Migration20261204203000_outbox extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table outbox_event (
        id uuid primary key,
        seq bigint generated always as identity unique,
        name text not null,
        payload jsonb not null,
        recorded_at timestamptz not null default now(),
        delivered_at timestamptz
      );`);
    this.addSql(
      `create index outbox_event_undelivered_idx on outbox_event (seq) where delivered_at is null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql('drop table outbox_event;');
  }
}
