import type { EntityManager } from '@mikro-orm/postgresql';
import { pgArray } from '../db/paging';
import { writeAlong } from '../db/transaction-sql';

/** An outbox row as written and read back: the event's id, name and JSON payload. */
export interface OutboxRow {
  id: string;
  name: string;
  payload: unknown;
}

/**
 * Writes events as outbox rows in the transaction `em` belongs to (one prepared statement for all),
 * riding with the transaction's next statement (nothing reads the outbox in the transaction).
 */
export async function writeOutbox(em: EntityManager, events: readonly OutboxRow[]): Promise<void> {
  if (!events.length) return;
  await writeAlong(
    em,
    'insert into outbox_event (id, name, payload) select * from unnest($1::uuid[], $2::text[], $3::jsonb[])',
    [
      pgArray(events.map((e) => e.id)),
      pgArray(events.map((e) => e.name)),
      pgArray(events.map((e) => JSON.stringify(e.payload))),
    ],
  );
}
