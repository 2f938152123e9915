import type { EntityManager } from '@mikro-orm/postgresql';
import { type AuditRow, GENESIS_HASH, hashEvent } from '../src/modules/audit/audit.service';

/**
 * The demo registry is written in bulk (studio rows and their history by SQL), so its steps are
 * put on the registry audit chains afterwards, exactly as `recordStudioEvent` would have: one chain
 * per host enterprise, the events in history order, each hashed onto the previous one. Also fills
 * what the bulk rows leave out: the union each actor acted for, and the level step of each naming.
 */
export async function chainDemoRegistry(tx: EntityManager): Promise<{ events: number; chains: number }> {
  await tx.execute(
    `update studio_event e set actor_union_id = a.organization_id
       from account a where a.id = e.actor_id and e.actor_union_id is null`,
  );
  await tx.execute(
    `insert into studio_level_step (studio_id, level, named_on, naming_union_id, document_number, at)
     select s.id, s.level, s.named_on, s.naming_union_id, s.document_number, s.named_on::timestamptz
       from studio s
      where s.named_on is not null and s.naming_union_id is not null and s.document_number is not null
        and not exists (select 1 from studio_level_step l where l.studio_id = s.id)`,
  );
  const events = await tx.execute<
    {
      host_id: number;
      studio_id: number;
      kind: string;
      from_status: string | null;
      to_status: string | null;
      details: Record<string, unknown>;
      actor_id: number | null;
      actor_union_id: number | null;
      at: Date;
    }[]
  >(
    `select s.host_id, e.studio_id, e.kind, e.from_status, e.to_status, e.details, e.actor_id, e.actor_union_id, e.at
       from studio_event e join studio s on s.id = e.studio_id
      where not exists (select 1 from audit_event a where a.registry_id = s.host_id)
      order by s.host_id, e.at, e.id`,
  );
  const rows: Omit<AuditRow, 'id'>[] = [];
  const last = new Map<number, { seq: number; hash: string }>();
  for (const e of events) {
    const prev = last.get(e.host_id) ?? { seq: 0, hash: GENESIS_HASH };
    const row: Omit<AuditRow, 'id' | 'hash'> = {
      competition_id: null,
      registry_id: e.host_id,
      seq: prev.seq + 1,
      kind: `STUDIO_${e.kind}`,
      actor_id: e.actor_id,
      device_id: null,
      idempotency_key: null,
      subject: { studioId: e.studio_id, actingUnionId: e.actor_union_id },
      before: e.from_status ? { status: e.from_status } : null,
      after: { ...e.details, ...(e.to_status ? { status: e.to_status } : {}) },
      created_at: new Date(new Date(e.at).getTime()),
      prev_hash: prev.hash,
    };
    const hash = hashEvent(row);
    rows.push({ ...row, hash });
    last.set(e.host_id, { seq: row.seq, hash });
  }
  for (let i = 0; i < rows.length; i += 5000) {
    await tx.execute(
      `insert into audit_event (registry_id, seq, kind, actor_id, subject, before, after, created_at, prev_hash, hash)
       select registry_id, seq, kind, actor_id, subject, before, after, created_at, prev_hash, hash
         from jsonb_to_recordset(?::jsonb) as x(registry_id int, seq int, kind text, actor_id int, subject jsonb,
              before jsonb, after jsonb, created_at timestamptz, prev_hash text, hash text)`,
      [JSON.stringify(rows.slice(i, i + 5000))],
    );
  }
  return { events: rows.length, chains: last.size };
}
