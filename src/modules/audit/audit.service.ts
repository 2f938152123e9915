import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * The audit log: append-only (the database refuses updates and deletes) and
 * hash-chained per competition, so any edit of a stored row breaks the chain
 * at that row. Every mark event goes through `appendAudit` inside the
 * transaction that makes the change.
 */
export type AuditKind =
  | 'MARK_CREATED'
  | 'MARK_CORRECTED'
  | 'MARK_VOIDED'
  | 'PANEL_JUDGE_ADDED'
  | 'PANEL_JUDGE_REPLACED'
  | 'PANEL_JUDGE_WITHDRAWN'
  | 'ENTRANT_LOCKED'
  | 'ENTRANT_UNLOCKED'
  | 'TRADE_LOCKED'
  | 'TRADE_UNLOCKED'
  | 'LOTS_DRAWN'
  | 'IDENTITIES_REVEALED'
  | 'RESULTS_RULES_SET'
  | 'COMPLETION_TIME_RECORDED'
  | 'RECHECK_DRAWN'
  | 'RECHECK_RECORDED'
  | 'RESULTS_PUBLISHED'
  | 'APPEAL_FILED'
  | 'APPEAL_RESOLVED'
  | 'RESULTS_FINAL'
  | 'ROUND_ADVANCED'
  | 'HONORS_RECORDED';

export interface AuditInput {
  competitionId: number;
  kind: AuditKind;
  actorId: number | null;
  deviceId?: string | null;
  idempotencyKey?: string | null;
  subject: Record<string, unknown>;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

export interface AuditRow {
  id: string;
  competition_id: number;
  seq: number;
  kind: AuditKind;
  actor_id: number | null;
  device_id: string | null;
  idempotency_key: string | null;
  subject: Record<string, unknown>;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  created_at: Date;
  prev_hash: string;
  hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);
// Advisory lock namespace for "append to this competition's chain".
const AUDIT_LOCK_CLASS = 7_001;

/** JSON with keys sorted at every level, so a value hashes the same after a jsonb round trip. */
export function canonical(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function hashEvent(e: Omit<AuditRow, 'id' | 'hash'>): string {
  const body = canonical({
    competitionId: e.competition_id,
    seq: e.seq,
    kind: e.kind,
    actorId: e.actor_id,
    deviceId: e.device_id,
    idempotencyKey: e.idempotency_key,
    subject: e.subject,
    before: e.before,
    after: e.after,
    createdAt: new Date(e.created_at).toISOString(),
  });
  return createHash('sha256').update(`${e.prev_hash}\n${body}`).digest('hex');
}

export async function appendAudit(
  em: EntityManager,
  input: AuditInput,
): Promise<{ seq: number; hash: string }> {
  await em.execute('select pg_advisory_xact_lock(?, ?)', [AUDIT_LOCK_CLASS, input.competitionId]);
  const [last] = await em.execute<{ seq: number; hash: string }[]>(
    'select seq, hash from audit_event where competition_id = ? order by seq desc limit 1',
    [input.competitionId],
  );
  const row: Omit<AuditRow, 'id' | 'hash'> = {
    competition_id: input.competitionId,
    seq: (last?.seq ?? 0) + 1,
    kind: input.kind,
    actor_id: input.actorId,
    device_id: input.deviceId ?? null,
    idempotency_key: input.idempotencyKey ?? null,
    subject: input.subject,
    before: input.before ?? null,
    after: input.after ?? null,
    // Millisecond precision, so the stored timestamp hashes the same when read back.
    created_at: new Date(Math.floor(Date.now())),
    prev_hash: last?.hash ?? GENESIS_HASH,
  };
  const hash = hashEvent(row);
  await em.execute(
    `insert into audit_event (competition_id, seq, kind, actor_id, device_id, idempotency_key, subject, before, after, created_at, prev_hash, hash)
     values (?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?::jsonb, ?, ?, ?)`,
    [
      row.competition_id,
      row.seq,
      row.kind,
      row.actor_id,
      row.device_id,
      row.idempotency_key,
      JSON.stringify(row.subject),
      row.before === null ? null : JSON.stringify(row.before),
      row.after === null ? null : JSON.stringify(row.after),
      row.created_at,
      row.prev_hash,
      hash,
    ],
  );
  return { seq: row.seq, hash };
}

export interface ChainVerdict {
  ok: boolean;
  checked: number;
  /** Sequence number of the first event whose stored hash or link does not hold. */
  firstBrokenSeq: number | null;
  reason: string | null;
}

/** Recomputes the chain from the first event; reads in pages so long logs stay cheap in memory. */
export async function verifyChain(em: EntityManager, competitionId: number): Promise<ChainVerdict> {
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  let checked = 0;
  for (;;) {
    const rows = await em.execute<AuditRow[]>(
      'select * from audit_event where competition_id = ? and seq >= ? order by seq limit 1000',
      [competitionId, expectedSeq],
    );
    for (const r of rows) {
      if (r.seq !== expectedSeq) {
        return { ok: false, checked, firstBrokenSeq: expectedSeq, reason: `event ${expectedSeq} is missing` };
      }
      if (r.prev_hash !== prev) {
        return {
          ok: false,
          checked,
          firstBrokenSeq: r.seq,
          reason: 'its link to the previous event does not match',
        };
      }
      if (hashEvent(r) !== r.hash) {
        return { ok: false, checked, firstBrokenSeq: r.seq, reason: 'its content does not match its hash' };
      }
      prev = r.hash;
      expectedSeq += 1;
      checked += 1;
    }
    if (rows.length < 1000) return { ok: true, checked, firstBrokenSeq: null, reason: null };
  }
}
