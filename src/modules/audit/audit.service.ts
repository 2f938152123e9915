import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { deferToLast } from '../../shared/db/last-steps';
import { transactionSql } from '../../shared/db/transaction-sql';

/**
 * The audit log: append-only (the database refuses updates and deletes) and
 * hash-chained, so any edit of a stored row breaks the chain at that row. A
 * chain is either a competition's (marks, results, campaign steps) or a host
 * enterprise's studio registry (every step on its studios, their alliances and
 * achievements). Every event goes through `appendAudit` inside the transaction
 * that makes the change.
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
  | 'HONORS_RECORDED'
  | 'CAMPAIGN_CREATED'
  | 'ROUND_ADDED'
  | 'ENTRY_SUBMITTED'
  | 'ELIGIBILITY_REVIEWED'
  | 'REVIEWERS_ASSIGNED'
  | 'REVIEWERS_SET'
  | RegistryAuditKind;

/** Registry steps: the studio event's kind, prefixed, e.g. STUDIO_NAMED, STUDIO_PROMOTED, STUDIO_ALLIANCE_JOINED. */
export type RegistryAuditKind = `STUDIO_${string}`;

/** Which chain: a competition's, or the studio registry of one host enterprise. */
export type AuditChain = { competitionId: number } | { registryId: number };

export interface AuditInput {
  /** The competition's chain; or give `registryId`. */
  competitionId?: number;
  /** The registry chain of this host enterprise (organization id). */
  registryId?: number;
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
  competition_id: number | null;
  registry_id?: number | null;
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
export const AUDIT_LOCK_CLASS = 7_001;
// Advisory lock namespace for "append to this host's registry chain" (7_002 is the marks'
// idempotency keys: sharing it made a registry step and a mark wait for each other by chance).
const REGISTRY_LOCK_CLASS = 7_003;

function chainOf(input: AuditChain | AuditInput): { column: 'competition_id' | 'registry_id'; id: number } {
  const c = input as { competitionId?: number; registryId?: number };
  if (c.registryId !== undefined && c.competitionId === undefined)
    return { column: 'registry_id', id: c.registryId };
  if (c.competitionId !== undefined && c.registryId === undefined)
    return { column: 'competition_id', id: c.competitionId };
  throw new Error('An audit event belongs to exactly one chain.');
}

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

/** The hashed body of an event, as its canonical JSON split around the value of `seq`. */
function bodyAroundSeq(e: Omit<AuditRow, 'id' | 'hash' | 'seq' | 'prev_hash'>): [string, string] {
  const body: Record<string, unknown> = {
    competitionId: e.competition_id,
    // Absent on competition rows, so their hashes are those computed before registry chains existed.
    registryId: e.registry_id ?? undefined,
    seq: 0,
    kind: e.kind,
    actorId: e.actor_id,
    deviceId: e.device_id,
    idempotencyKey: e.idempotency_key,
    subject: e.subject,
    before: e.before,
    after: e.after,
    createdAt: new Date(e.created_at).toISOString(),
  };
  // canonical(body), built entry by entry so it can be cut at the top-level seq's value.
  const keys = Object.keys(body)
    .filter((k) => body[k] !== undefined)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const at = keys.indexOf('seq');
  const entries = (ks: string[]) => ks.map((k) => `${JSON.stringify(k)}:${canonical(body[k])}`).join(',');
  const head = entries(keys.slice(0, at));
  const tail = entries(keys.slice(at + 1));
  return [`{${head}${head ? ',' : ''}"seq":`, `${tail ? ',' : ''}${tail}}`];
}

export function hashEvent(e: Omit<AuditRow, 'id' | 'hash'>): string {
  const [before, after] = bodyAroundSeq(e);
  return createHash('sha256').update(`${e.prev_hash}\n${before}${e.seq}${after}`).digest('hex');
}

/**
 * Appends an event to its chain. Inside a mutation (`inTransaction`) the append is the
 * transaction's last step before its commit: the chain's lock is then taken after every other lock
 * the transaction needs, and held for the shortest time (every mark of a competition queues for it).
 */
export async function appendAudit(em: EntityManager, input: AuditInput): Promise<void> {
  const chain = chainOf(input); // a wrong chain fails here, where it was asked for
  if (!deferToLast(em, () => append(em, input, chain))) await append(em, input, chain);
}

async function append(
  em: EntityManager,
  input: AuditInput,
  chain: { column: 'competition_id' | 'registry_id'; id: number },
): Promise<void> {
  const lockClass = chain.column === 'registry_id' ? REGISTRY_LOCK_CLASS : AUDIT_LOCK_CLASS;
  const sql = await transactionSql(em);
  const row: Omit<AuditRow, 'id' | 'hash' | 'seq' | 'prev_hash'> = {
    competition_id: chain.column === 'competition_id' ? chain.id : null,
    registry_id: chain.column === 'registry_id' ? chain.id : null,
    kind: input.kind,
    actor_id: input.actorId,
    device_id: input.deviceId ?? null,
    idempotency_key: input.idempotencyKey ?? null,
    subject: input.subject,
    before: input.before ?? null,
    after: input.after ?? null,
    // Millisecond precision, so the stored timestamp hashes the same when read back.
    created_at: new Date(Math.floor(Date.now())),
  };
  const [bodyHead, bodyTail] = bodyAroundSeq(row);
  // The chain's lock, its last event and the append in one call (migration audit_append): the lock
  // serialises every mark of a competition, so it is held for this call and the commit only. It
  // reads only the audit chain, so the transaction's waiting writes (outbox rows) ride with it.
  const [stored] = await sql.carrying<{ seq: number; prev_hash: string; hash: string }>(
    `select o_seq as seq, o_prev_hash as prev_hash, o_hash as hash
       from audit_append($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb, $10::jsonb, $11, $12, $13)`,
    [
      row.competition_id,
      row.registry_id,
      lockClass,
      row.kind,
      row.actor_id,
      row.device_id,
      row.idempotency_key,
      JSON.stringify(row.subject),
      row.before === null ? null : JSON.stringify(row.before),
      row.after === null ? null : JSON.stringify(row.after),
      row.created_at,
      bodyHead,
      bodyTail,
    ],
  );
  // The database's hash must be the one verifyChain recomputes; a difference is a bug, never a log.
  const expected = hashEvent({ ...row, seq: stored!.seq, prev_hash: stored!.prev_hash });
  if (stored!.hash !== expected)
    throw new Error('audit hash computed by the database differs from hashEvent');
}

export interface ChainVerdict {
  ok: boolean;
  checked: number;
  /** Sequence number of the first event whose stored hash or link does not hold. */
  firstBrokenSeq: number | null;
  reason: string | null;
}

/**
 * Recomputes a chain from the first event; reads in pages so long logs stay cheap in memory.
 * A number is a competition's chain (as before registry chains existed).
 */
export async function verifyChain(em: EntityManager, which: number | AuditChain): Promise<ChainVerdict> {
  const chain = chainOf(typeof which === 'number' ? { competitionId: which } : which);
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  let checked = 0;
  for (;;) {
    const rows = await em.execute<AuditRow[]>(
      `select * from audit_event where ${chain.column} = ? and seq >= ? order by seq limit 1000`,
      [chain.id, expectedSeq],
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
