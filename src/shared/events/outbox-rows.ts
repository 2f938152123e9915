import type { EntityManager } from '@mikro-orm/postgresql';

/** An outbox row as written and read back: the event's id, name and JSON payload. */
export interface OutboxRow {
  id: string;
  name: string;
  payload: unknown;
}

/** Writes events as outbox rows in the transaction `em` belongs to (one statement for all). */
export async function writeOutbox(em: EntityManager, events: readonly OutboxRow[]): Promise<void> {
  if (!events.length) return;
  const values = events.map(() => '(?::uuid, ?, ?::jsonb)').join(', ');
  await em.execute(
    `insert into outbox_event (id, name, payload) values ${values}`,
    events.flatMap((e) => [e.id, e.name, JSON.stringify(e.payload)]),
  );
}
