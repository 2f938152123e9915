import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { pathWithin } from '../../shared/access/viewer';
import { ErrorCode, forbidden, Problems } from '../../shared/errors';
import type { Context } from '../../shared/graphql/context';
import type { EventUnit } from '../../shared/events/domain-events';
import { asDomainError, inTransaction } from '../../shared/graphql/mutation';
import { metrics } from '../../shared/observability';
import { fromGlobalId, toGlobalId } from '../../shared/graphql/relay';
import { requiredText } from '../../shared/validation';
import { transactionSql, writeAlong } from '../../shared/db/transaction-sql';
import { appendAudit, type AuditInput } from '../audit/audit.service';
import { CompetitionStatus } from '../competition/competition.entity';
import { EntrantStatus } from '../competition/entrant.entity';
import { toleranceBreach } from './aggregation';
import type { Aspect, MarkingScheme } from './scheme';
import {
  Mark,
  MarkRefusal,
  type MarkInput,
  type MarkOutcome,
  MarkStatus,
  type SubmitMarksInput,
} from './marks.types';
import { ENTRANT_LOCKED_SQL, ENTRANT_UNIT } from './entrant-sql';
import { type Text, text } from '../../shared/i18n';

// Shared SQL about entrants; re-exported for the module's other readers.
export { ENTRANT_LOCKED_SQL, ENTRANT_UNIT } from './entrant-sql';

export const MAX_MARKS_PER_BATCH = 100;
// Advisory lock namespace: one idempotency key is processed by one transaction at a time.
const KEY_LOCK_CLASS = 7_002;

class Refused extends Error {
  constructor(
    readonly code: MarkRefusal,
    readonly text: Text,
  ) {
    super(text.en);
  }
}

// ---------------------------------------------------------------- marks

/** After marking ends, until results are final, the audited path still takes corrections of unlocked marks (复核, 申诉). */
const CORRECTION_STAGES = [CompetitionStatus.SCORING_CLOSED, CompetitionStatus.PUBLISHED];

/** Told to the trade's chief judge (and the host's organizers) the moment a mark breaks a tolerance. */
export interface ToleranceNotice {
  tradeId: number;
  entrantId: number;
  anonymousNumber: string | null;
  aspectCode: string;
  spread: number;
  tolerance: number;
  message: Text;
  marks: { judgeId: number; value: number }[];
  at: string;
}

declare module '../../shared/graphql/pubsub' {
  interface Topics {
    TOLERANCE_BREACHED: [tradeId: number, payload: ToleranceNotice];
  }
}

interface MarkContext {
  entrantId: number;
  tradeId: number;
  competitionId: number;
  competitionStatus: CompetitionStatus;
  entrantStatus: EntrantStatus;
  locked: boolean;
  scheme: MarkingScheme | null;
  entrantPath: string | null;
  lotCode: string | null;
  perEntrantPanels: boolean;
}

function findAspect(scheme: MarkingScheme, code: string): Aspect | null {
  for (const m of scheme.modules)
    for (const c of m.criteria) for (const a of c.aspects) if (a.code === code) return a;
  return null;
}

function requestHash(judgeId: number, m: MarkInput): string {
  return createHash('sha256')
    .update(
      JSON.stringify([
        judgeId,
        m.entrantId,
        m.aspectCode,
        m.value,
        m.correctsVersion ?? null,
        m.reason ?? null,
      ]),
    )
    .digest('hex');
}

/**
 * One mark, in its own transaction or its batch's: replay check, then every rule at the moment the
 * mark arrives, then the write and its audit event together. Every refusal is thrown before the
 * mark's first write, so a batch can go on past it (`submitTogether`).
 */
async function submitOne(
  em: EntityManager,
  judgeId: number,
  deviceId: string,
  m: MarkInput,
  events: EventUnit,
  /** In a batch: the entrants whose board rows change, by trade, projected once at the batch's end. */
  changed: Map<number, Set<number>> | null = null,
): Promise<MarkOutcome> {
  if (typeof m.idempotencyKey !== 'string' || m.idempotencyKey.length < 8 || m.idempotencyKey.length > 200) {
    throw new Refused(
      MarkRefusal.INVALID_KEY,
      text('幂等键须为 8–200 个字符。', 'The idempotency key must be 8–200 characters.'),
    );
  }
  const hash = requestHash(judgeId, m);
  const sql = await transactionSql(em);
  const entrantId = fromGlobalId(m.entrantId);
  const entrant = entrantId?.type === 'Entrant' ? entrantId.id : null;
  // One round trip: the key's lock and what was stored under it (migration mark_key_claim), then,
  // unless the key was seen, the entrant (locked), its trade and competition, the judge's seat and
  // declared conflicts. The context depends on the claim, so it is read after the lock is held.
  const [row] = await sql<{
    seen: { judge_id: number; request_hash: string; outcome: MarkOutcome } | null;
    trade_id: number | null;
    competition_id: number;
    competition_status: CompetitionStatus;
    entrant_status: EntrantStatus;
    locked: boolean;
    scheme: MarkingScheme | null;
    entrant_path: string | null;
    lot_code: string | null;
    per_entrant_panels: boolean;
    seated: boolean;
    aspect_codes: string[] | null;
    judge_employer_path: string | null;
    declared_conflicts: string;
  }>(
    `with k as materialized (select judge_id, request_hash, outcome from mark_key_claim($1, $2))
     select (select to_json(k) from k) as seen, x.*
       from (select 1) one left join (
       select t.id as trade_id, c.id as competition_id, c.status as competition_status, e.status as entrant_status,
                ${ENTRANT_LOCKED_SQL} as locked, e.lot_code, t.per_entrant_panels,
                t.marking_scheme as scheme,
                ${ENTRANT_UNIT.path} as entrant_path,
                ja.account_id is not null as seated, ja.aspect_codes, ja_o.path::text as judge_employer_path,
                -- Declared, or the judge belongs to the studio that submitted the entry.
                (select count(*) from conflict_declaration where account_id = $4 and entrant_id = e.id)
                  + (select count(*) from submission s
                       join studio_member sm on sm.studio_id = s.studio_id
                       join account sa on sa.person_id = sm.person_id
                      where s.id = e.submission_id and sa.id = $4) as declared_conflicts
           from entrant e
           join trade t on t.id = e.trade_id
           join competition c on c.id = t.competition_id
           ${ENTRANT_UNIT.joins}
           left join judge_assignment ja on ja.trade_id = t.id and ja.account_id = $4
           left join account ja_a on ja_a.id = ja.account_id
           left join person ja_p on ja_p.id = ja_a.person_id
           left join organization ja_o on ja_o.id = ja_p.employer_id
          where e.id = $3 and not exists (select 1 from k)
        for no key update of e) x on true`,
    [KEY_LOCK_CLASS, m.idempotencyKey, entrant, judgeId],
  );
  const seen = row!.seen;
  if (seen) {
    if (seen.judge_id === judgeId && seen.request_hash === hash) return seen.outcome;
    throw new Refused(
      MarkRefusal.IDEMPOTENCY_KEY_REUSED,
      text('该键已用于另一条评分。', 'This key was already used for a different mark.'),
    );
  }
  if (entrant === null)
    throw new Refused(MarkRefusal.INVALID_ID, text('不是有效的参赛选手 ID。', 'Not a valid entrant ID.'));
  const mc = row!;
  if (mc.trade_id === null)
    throw new Refused(MarkRefusal.INVALID_ID, text('没有该参赛选手。', 'No such entrant.'));
  const c: MarkContext = {
    entrantId: entrant,
    tradeId: mc.trade_id,
    competitionId: mc.competition_id,
    competitionStatus: mc.competition_status,
    entrantStatus: mc.entrant_status,
    locked: mc.locked,
    scheme: mc.scheme,
    entrantPath: mc.entrant_path,
    lotCode: mc.lot_code,
    perEntrantPanels: mc.per_entrant_panels,
  };

  const seat = mc.seated ? { aspect_codes: mc.aspect_codes, employer_path: mc.judge_employer_path } : null;
  if (!seat)
    throw new Refused(
      MarkRefusal.NOT_ON_PANEL,
      text('您不在该工种的裁判组中。', 'You are not on this trade’s panel.'),
    );
  const correctable = m.correctsVersion != null && CORRECTION_STAGES.includes(c.competitionStatus);
  if (c.competitionStatus !== CompetitionStatus.RUNNING && !correctable) {
    throw new Refused(
      MarkRefusal.COMPETITION_NOT_RUNNING,
      CORRECTION_STAGES.includes(c.competitionStatus)
        ? text(
            `竞赛当前状态为 ${c.competitionStatus}：只受理对已重新开放评分的更正。`,
            `The competition is ${c.competitionStatus}: only corrections of reopened marks are taken.`,
          )
        : text(`竞赛当前状态为 ${c.competitionStatus}。`, `The competition is ${c.competitionStatus}.`),
    );
  }
  if (!c.scheme)
    throw new Refused(
      MarkRefusal.NO_MARKING_SCHEME,
      text('该工种没有评分标准。', 'The trade has no marking scheme.'),
    );
  const aspect = findAspect(c.scheme, m.aspectCode);
  if (!aspect)
    throw new Refused(
      MarkRefusal.UNKNOWN_ASPECT,
      text(`评分标准中没有评分要素 ${m.aspectCode}。`, `No aspect ${m.aspectCode} in the marking scheme.`),
    );
  if (seat.aspect_codes && !seat.aspect_codes.includes(aspect.code)) {
    throw new Refused(
      MarkRefusal.ASPECT_NOT_ASSIGNED,
      text(`您未被分配评分要素 ${aspect.code}。`, `You are not assigned aspect ${aspect.code}.`),
    );
  }
  if (c.entrantStatus !== EntrantStatus.CHECKED_IN) {
    throw new Refused(
      MarkRefusal.ENTRANT_NOT_CHECKED_IN,
      text('只能为已检录的参赛选手评分。', 'Only checked-in entrants are marked.'),
    );
  }
  if (c.perEntrantPanels) {
    const [assigned] = await sql<{ n: string }>(
      'select count(*) as n from review_assignment where entrant_id = $1 and judge_id = $2',
      [c.entrantId, judgeId],
    );
    if (assigned!.n === '0')
      throw new Refused(
        MarkRefusal.NOT_ASSIGNED_TO_ENTRANT,
        text('该参评项目未分配给您。', 'This submission is not assigned to you.'),
      );
  }
  if (!c.lotCode) {
    throw new Refused(
      MarkRefusal.NOT_DRAWN,
      text(
        '该参赛选手还没有抽签号：须先抽签。',
        'The entrant has no anonymous number yet: lots must be drawn first.',
      ),
    );
  }
  const range = aspect.kind === 'JUDGEMENT' && aspect.scale ? aspect.scale : { min: 0, max: aspect.maxMark };
  // Within float error of a whole number of hundredths: 0.29 × 100 is 28.999999999999996.
  const twoDecimals = Math.abs(m.value * 100 - Math.round(m.value * 100)) < 1e-6;
  const integerPoint = aspect.kind !== 'JUDGEMENT' || Number.isInteger(m.value);
  if (
    !Number.isFinite(m.value) ||
    m.value < range.min ||
    m.value > range.max ||
    !twoDecimals ||
    !integerPoint
  ) {
    throw new Refused(
      MarkRefusal.MARK_OUT_OF_RANGE,
      text(`评分须在 ${range.min}–${range.max} 之间。`, `The mark must be within ${range.min}–${range.max}.`),
    );
  }
  if (c.locked)
    throw new Refused(
      MarkRefusal.MARKS_LOCKED,
      text('这些评分已被裁判长锁定。', 'These marks are locked by the chief judge.'),
    );
  const conflict =
    (seat.employer_path && c.entrantPath && pathWithin(c.entrantPath, seat.employer_path)) ||
    mc.declared_conflicts !== '0';
  if (conflict)
    throw new Refused(
      MarkRefusal.CONFLICT_OF_INTEREST,
      text(
        '您不能为该参赛选手评分（存在利益冲突）。',
        'You may not mark this entrant (conflict of interest).',
      ),
    );

  let stored: { id: string; value: string; version: number } | undefined;
  let audit: AuditInput;
  // The other judges' marks of this aspect, when a tolerance compares them (null: not read).
  let panel: { judge_id: number; value: string }[] | null = null;
  const subject = { entrantId: c.entrantId, tradeId: c.tradeId, aspectCode: aspect.code, judgeId };
  if (m.correctsVersion == null) {
    // The unique key answers "already marked" in the same statement as the write; with a tolerance,
    // the panel's other marks come back with it (the new row is not visible to its own statement).
    const insert = `insert into mark (trade_id, entrant_id, aspect_code, judge_id, value, device_id) values ($1, $2, $3, $4, $5, $6)
       on conflict (entrant_id, aspect_code, judge_id) do nothing
       returning id, value, version`;
    const values = [c.tradeId, c.entrantId, aspect.code, judgeId, m.value, deviceId];
    if (aspect.tolerance == null)
      [stored] = await sql<{ id: string; value: string; version: number }>(insert, values);
    else {
      const [row] = await sql<{ id: string; value: string; version: number; others: typeof panel }>(
        `with added as (${insert})
         select added.*, (select coalesce(json_agg(json_build_object('judge_id', judge_id, 'value', value::text)), '[]')
                            from mark where entrant_id = $2 and aspect_code = $3) as others
           from added`,
        values,
      );
      stored = row;
      panel = row ? [...row.others!, { judge_id: judgeId, value: row.value }] : null;
    }
    if (!stored)
      throw new Refused(
        MarkRefusal.MARK_EXISTS,
        text(
          '您已评过此项；如需更正，请附上版本号提交更正。',
          'You already marked this; send a correction with its version.',
        ),
      );
    audit = {
      competitionId: c.competitionId,
      kind: 'MARK_CREATED',
      actorId: judgeId,
      deviceId,
      idempotencyKey: m.idempotencyKey,
      subject,
      after: { value: m.value, version: 1 },
    };
  } else {
    const [current] = await sql<{ id: string; value: string; version: number }>(
      'select id, value, version from mark where entrant_id = $1 and aspect_code = $2 and judge_id = $3 for update',
      [c.entrantId, aspect.code, judgeId],
    );
    if (!current)
      throw new Refused(
        MarkRefusal.NOTHING_TO_CORRECT,
        text('没有可更正的评分。', 'There is no mark to correct.'),
      );
    if (current.version !== m.correctsVersion) {
      throw new Refused(
        MarkRefusal.STALE_VERSION,
        text(
          `该评分的当前版本为 ${current.version}，不是 ${m.correctsVersion}。`,
          `The mark is at version ${current.version}, not ${m.correctsVersion}.`,
        ),
      );
    }
    const reason = (m.reason ?? '').trim();
    if (!reason)
      throw new Refused(
        MarkRefusal.REASON_REQUIRED,
        text('更正须说明原因。', 'A correction needs a reason.'),
      );
    [stored] = (await sql<{ id: string; value: string; version: number }>(
      `update mark set value = $1, version = version + 1, device_id = $2, updated_at = now() where id = $3
       returning id, value, version`,
      [m.value, deviceId, current.id],
    )) as [{ id: string; value: string; version: number }];
    if (aspect.tolerance != null)
      panel = await sql<{ judge_id: number; value: string }>(
        'select judge_id, value from mark where entrant_id = $1 and aspect_code = $2',
        [c.entrantId, aspect.code],
      );
    audit = {
      competitionId: c.competitionId,
      kind: 'MARK_CORRECTED',
      actorId: judgeId,
      deviceId,
      idempotencyKey: m.idempotencyKey,
      subject: { ...subject, reason },
      before: { value: Number(current.value), version: current.version },
      after: { value: m.value, version: stored.version },
    };
  }

  await events.record(em, 'MARK_ACCEPTED', {
    markId: Number(stored.id),
    tradeId: c.tradeId,
    entrantId: c.entrantId,
    aspectCode: aspect.code,
    version: stored.version,
  });
  if (changed) {
    const entrants = changed.get(c.tradeId) ?? new Set<number>();
    changed.set(c.tradeId, entrants.add(c.entrantId));
  } else await events.record(em, 'RESULT_INPUTS_CHANGED', { tradeId: c.tradeId, entrantIds: [c.entrantId] });

  // Without a tolerance there is nothing to compare: the panel's marks are not read.
  const breach =
    panel === null
      ? { breached: false }
      : toleranceBreach(
          aspect,
          panel.map((r) => ({ judgeId: String(r.judge_id), value: Number(r.value) })),
        );
  if (panel && breach.breached) {
    const b = breach as ReturnType<typeof toleranceBreach>;
    await events.record(em, 'TOLERANCE_BREACHED', {
      tradeId: c.tradeId,
      entrantId: c.entrantId,
      anonymousNumber: c.lotCode,
      aspectCode: aspect.code,
      spread: b.spread,
      tolerance: aspect.tolerance!,
      message: b.message,
      marks: panel.map((r) => ({ judgeId: r.judge_id, value: Number(r.value) })),
      at: new Date().toISOString(),
    });
  }
  const outcome: MarkOutcome = {
    idempotencyKey: m.idempotencyKey,
    status: MarkStatus.ACCEPTED,
    code: null,
    message: null,
    mark: markView(
      Number(stored.id),
      c.entrantId,
      aspect.code,
      Number(stored.value),
      stored.version,
      judgeId,
    ),
    toleranceBreached: breach.breached,
  };
  // Rides with the next statement: the audit append of a single mark, the next mark's key claim in a batch.
  await writeAlong(
    em,
    'insert into mark_submission (idempotency_key, judge_id, request_hash, outcome) values ($1, $2, $3, $4::jsonb)',
    [m.idempotencyKey, judgeId, hash, JSON.stringify(outcome)],
  );
  // Appended as the transaction's last step (see appendAudit).
  await appendAudit(em, audit);
  written.add(outcome);
  return outcome;
}

// Outcomes of marks this submission wrote (not replays): counted once their transaction commits.
const written = new WeakSet<MarkOutcome>();
function accepted(outcome: MarkOutcome): MarkOutcome {
  if (written.has(outcome)) metrics.marksAccepted.inc();
  return outcome;
}

export function markView(
  id: number,
  entrantId: number,
  aspectCode: string,
  value: number,
  version: number,
  judgeId: number,
): Mark {
  // An instance, not a literal: `node(id:)` tells the types apart by class.
  return Object.assign(new Mark(), {
    id: toGlobalId('Mark', id),
    entrantId: toGlobalId('Entrant', entrantId),
    aspectCode,
    value,
    version,
    judgeId: toGlobalId('Account', judgeId),
  });
}

function refusedOutcome(m: MarkInput, err: Refused): MarkOutcome {
  return {
    idempotencyKey: m.idempotencyKey,
    status: MarkStatus.REFUSED,
    code: err.code,
    message: err.text,
    mark: null,
    toleranceBreached: false,
  };
}

/**
 * A batch's marks in one transaction: one BEGIN, one COMMIT, one outbox write and one board
 * projection per trade for the batch, where each mark alone pays all of them. Each mark still gets
 * its own outcome, and a refused mark writes nothing (every refusal comes before the mark's first
 * write). Locks are taken in the order every mark transaction takes them, so batches cannot
 * deadlock with each other or with single marks: the marks' entrants in ascending id order, then
 * the trades' board rows (ascending), then the competition's audit chain (last steps). Null when
 * the transaction failed for any other reason (a race lost at a unique key, a deadlock with some
 * other writer): nothing of it was committed, and the caller submits the marks one by one.
 */
async function submitTogether(
  ctx: Context,
  judgeId: number,
  deviceId: string,
  marks: MarkInput[],
): Promise<MarkOutcome[] | null> {
  const entrantOf = (m: MarkInput) => {
    const d = typeof m.entrantId === 'string' ? fromGlobalId(m.entrantId) : null;
    return d?.type === 'Entrant' ? d.id : 0;
  };
  // Stable: two marks of one entrant keep their order (the first written wins a duplicate).
  const order = marks.map((m, i) => ({ i, entrant: entrantOf(m) })).sort((a, b) => a.entrant - b.entrant);
  try {
    const outcomes = await inTransaction(ctx, async (em) => {
      const out: MarkOutcome[] = new Array<MarkOutcome>(marks.length);
      const changed = new Map<number, Set<number>>();
      for (const { i } of order) {
        const m = marks[i]!;
        try {
          out[i] = await submitOne(em, judgeId, deviceId, m, ctx.events, changed);
        } catch (err) {
          if (err instanceof Refused) out[i] = refusedOutcome(m, err);
          else throw err;
        }
      }
      for (const tradeId of [...changed.keys()].sort((a, b) => a - b)) {
        const entrantIds = [...changed.get(tradeId)!].sort((a, b) => a - b);
        await ctx.events.record(em, 'RESULT_INPUTS_CHANGED', { tradeId, entrantIds });
      }
      return out;
    });
    return outcomes.map(accepted);
  } catch {
    metrics.markBatchesSplit.inc();
    return null;
  }
}

/** Each mark gets its own outcome; a refused mark writes nothing and does not hold back the others. */
export async function submitMarks(ctx: Context, input: SubmitMarksInput): Promise<MarkOutcome[]> {
  if (ctx.viewer.kind !== 'account')
    throw forbidden(text('评分须来自裁判账号。', 'Marks come from judges’ accounts.'));
  const judgeId = ctx.viewer.accountId;
  const p = new Problems();
  const deviceId = requiredText(p, 'input.deviceId', input.deviceId, 100);
  if (input.marks.length > MAX_MARKS_PER_BATCH) {
    p.add(
      ErrorCode.OUT_OF_RANGE,
      text(`每批最多 ${MAX_MARKS_PER_BATCH} 条评分。`, `At most ${MAX_MARKS_PER_BATCH} marks per batch.`),
      'input.marks',
    );
  }
  p.throwIfAny();
  if (input.marks.length > 1) {
    const together = await submitTogether(ctx, judgeId, deviceId, input.marks);
    if (together) return together;
  }
  const outcomes: MarkOutcome[] = [];
  // A single mark, or a batch whose one transaction failed: one transaction per mark, each through the one
  // commit path: its events (board change, tolerance alert) go out after it commits, and only from
  // the submission that wrote the mark (a replay records nothing).
  for (const m of input.marks) {
    try {
      outcomes.push(
        accepted(await inTransaction(ctx, (em) => submitOne(em, judgeId, deviceId, m, ctx.events))),
      );
    } catch (err) {
      if (err instanceof Refused) {
        outcomes.push(refusedOutcome(m, err));
      } else if (asDomainError(err)) {
        // A concurrent duplicate lost a race at the unique index: the replay path answers it.
        outcomes.push(
          accepted(await inTransaction(ctx, (em) => submitOne(em, judgeId, deviceId, m, ctx.events))),
        );
      } else throw err;
    }
  }
  return outcomes;
}
