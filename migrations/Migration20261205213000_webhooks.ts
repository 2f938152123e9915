import { Migration } from '@mikro-orm/migrations';

/**
 * Webhooks: endpoints registered for a union's subtree, one delivery row per (endpoint, event)
 * (the unique key makes the outbox's at-least-once redelivery harmless), and every attempt logged.
 * The worker claims due deliveries with FOR UPDATE SKIP LOCKED; no job library.
 */
export class Migration20261205213000_webhooks extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table webhook_endpoint (
        id serial primary key,
        organization_id int not null references organization(id),
        owner_account_id int references account(id),
        owner_api_key_id int references api_key(id),
        url text not null,
        description text not null default '',
        event_types text[] not null,
        secret text not null,
        previous_secret text,
        previous_secret_expires_at timestamptz,
        enabled boolean not null default true,
        disabled_reason text,
        consecutive_failures int not null default 0,
        created_at timestamptz not null default now(),
        constraint webhook_endpoint_owner check ((owner_account_id is null) <> (owner_api_key_id is null))
      );`);
    this.addSql('create index webhook_endpoint_organization_idx on webhook_endpoint (organization_id);');
    this.addSql(`
      create table webhook_delivery (
        id serial primary key,
        endpoint_id int not null references webhook_endpoint(id) on delete cascade,
        event_id uuid not null,
        event_type text not null,
        event jsonb not null,
        occurred_at timestamptz not null,
        status text not null default 'PENDING',
        attempts int not null default 0,
        next_attempt_at timestamptz not null,
        created_at timestamptz not null default now(),
        constraint webhook_delivery_once unique (endpoint_id, event_id)
      );`);
    this.addSql(
      `create index webhook_delivery_due_idx on webhook_delivery (next_attempt_at) where status = 'PENDING';`,
    );
    this.addSql(`
      create table webhook_attempt (
        id serial primary key,
        delivery_id int not null references webhook_delivery(id) on delete cascade,
        attempted_at timestamptz not null,
        status_code int,
        error text,
        duration_ms int not null
      );`);
    this.addSql('create index webhook_attempt_delivery_idx on webhook_attempt (delivery_id, id);');
  }

  override async down(): Promise<void> {
    this.addSql('drop table webhook_attempt; drop table webhook_delivery; drop table webhook_endpoint;');
  }
}
