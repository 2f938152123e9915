import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { isAdmin, pathWithin } from '../../shared/access/viewer';
import { DomainError, ErrorCode, forbidden, Problems } from '../../shared/errors';
import type { Context } from '../../shared/graphql/context';
import { asDomainError } from '../../shared/graphql/mutation';
import { fromGlobalId, toGlobalId } from '../../shared/graphql/relay';
import { decodeId, requiredText } from '../../shared/validation';
import { Role } from '../account/account.entity';
import { appendAudit } from '../audit/audit.service';
import { CompetitionStatus, EntrantStatus } from '../competition/competition.entity';
import { assertConfigurable, loadManagedTradeById } from '../competition/competition.service';
import { toleranceBreach } from './aggregation';
import { isChiefJudge } from './jury';
import { type BoardChange, refreshBoard } from '../leaderboard/board-write';
import type { Aspect, MarkingScheme } from './scheme';
import {
  type AssignJudgeInput,
  type DeclareConflictInput,
  Mark,
  MarkRefusal,
  type MarkInput,
  type MarkOutcome,
  MarkStatus,
  type PanelSeat,
  type SubmitMarksInput,
} from './marks.types';

export const MAX_MARKS_PER_BATCH = 100;
// Advisory lock namespace: one idempotency key is processed by one transaction at a time.
const KEY_LOCK_CLASS = 7_002;

class Refused extends Error {
  constructor(
    readonly code: MarkRefusal,
    message: string,
  ) {
    super(message);
  }
}

// ---------------------------------------------------------------- panels

export async function assignJudge(
  ctx: Context,
  em: EntityManager,
  input: AssignJudgeInput,
): Promise<PanelSeat> {
  const p = new Problems();
  const tradeId = decodeId(p, 'input.tradeId', input.tradeId, 'Trade');
  const accountId = decodeId(p, 'input.accountId', input.accountId, 'Account');
  p.throwIfAny();
  const { competition } = await loadManagedTradeById(ctx, em, tradeId, 'input.tradeId', true);
  assertConfigurable(competition, 'input.tradeId');
  const [account] = await em.execute<{ role: Role; path: string | null }[]>(
    `select a.role, o.path::text as path from account a left join organization o on o.id = a.organization_id where a.id = ?`,
    [accountId],
  );
  if (!account) throw new DomainError(ErrorCode.NOT_FOUND, 'No such account.', 'input.accountId');
  if (account.role !== Role.JUDGE && account.role !== Role.CHIEF_JUDGE) {
    throw new DomainError(
      ErrorCode.KIND_MISMATCH,
      'Only judge and chief-judge accounts sit on panels.',
      'input.accountId',
    );
  }
  if (input.role === 'CHIEF_JUDGE' && account.role !== Role.CHIEF_JUDGE) {
    throw new DomainError(
      ErrorCode.KIND_MISMATCH,
      'A chief judge seat needs a chief-judge account.',
      'input.role',
    );
  }
  const codes = input.aspectCodes?.length ? [...new Set(input.aspectCodes)] : null;
  await em.execute(
    `insert into judge_assignment (trade_id, account_id, role, aspect_codes) values (?, ?, ?, ?::text[])
     on conflict (trade_id, account_id) do update set role = excluded.role, aspect_codes = excluded.aspect_codes`,
    [tradeId, accountId, input.role, codes ? `{${codes.map((c) => JSON.stringify(c)).join(',')}}` : null],
  );
  return { tradeId: input.tradeId, accountId: input.accountId, role: input.role, aspectCodes: codes };
}

export async function declareConflict(
  ctx: Context,
  em: EntityManager,
  input: DeclareConflictInput,
): Promise<boolean> {
  const p = new Problems();
  const accountId = decodeId(p, 'input.accountId', input.accountId, 'Account');
  const entrantId = decodeId(p, 'input.entrantId', input.entrantId, 'Entrant');
  const reason = requiredText(p, 'input.reason', input.reason, 500);
  p.throwIfAny();
  const self = ctx.viewer.kind === 'account' && ctx.viewer.accountId === accountId;
  const [entrant] = await em.execute<{ trade_id: number }[]>('select trade_id from entrant where id = ?', [
    entrantId,
  ]);
  if (!entrant) throw new DomainError(ErrorCode.NOT_FOUND, 'No such entrant.', 'input.entrantId');
  if (!self) await loadManagedTradeById(ctx, em, entrant.trade_id, 'input.entrantId');
  await em.execute(
    `insert into conflict_declaration (account_id, entrant_id, reason) values (?, ?, ?) on conflict (account_id, entrant_id) do nothing`,
    [accountId, entrantId, reason],
  );
  return true;
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
  message: string;
  marks: { judgeId: number; value: number }[];
  at: string;
}

declare module '../../shared/graphql/pubsub' {
  interface Topics {
    TOLERANCE_BREACHED: [tradeId: number, payload: ToleranceNotice];
  }
}

/**
 * Lock state of an entrant's marks: their own lock, or the trade's sign-off unless the chief
 * judge reopened this entrant after it (an upheld appeal, an error found by the re-check).
 */
export const ENTRANT_LOCKED_SQL = `(e.marks_locked_at is not null or (t.marks_locked_at is not null and
  (e.marks_unlocked_at is null or e.marks_unlocked_at < t.marks_locked_at)))`;

/**
 * The union an entrant belongs to (`e` is the entrant): a person's employer, a team's
 * organization, or the enterprise itself. Conflicts of interest and appeals go by it.
 */
export const ENTRANT_UNIT = {
  joins: `left join person eu_p on eu_p.id = e.person_id
       left join organization eu_po on eu_po.id = eu_p.employer_id
       left join team eu_t on eu_t.id = e.team_id
       left join organization eu_to on eu_to.id = eu_t.organization_id
       left join organization eu_eo on eu_eo.id = e.organization_id`,
  path: 'coalesce(eu_po.path, eu_to.path, eu_eo.path)::text',
  /** The entrant's name: the person's, the team's or the enterprise's. */
  name: 'coalesce(eu_p.name, eu_t.name, eu_eo.name)',
  /** The name of that unit. */
  unitName: 'coalesce(eu_po.name, eu_to.name, eu_eo.name)',
};

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
 * One mark, in its own transaction: replay check, then every rule at the
 * moment the mark arrives, then the write and its audit event together.
 */
async function submitOne(
  em: EntityManager,
  judgeId: number,
  deviceId: string,
  m: MarkInput,
  notices: ToleranceNotice[],
  boards: BoardChange[],
): Promise<MarkOutcome> {
  if (typeof m.idempotencyKey !== 'string' || m.idempotencyKey.length < 8 || m.idempotencyKey.length > 200) {
    throw new Refused(MarkRefusal.INVALID_KEY, 'The idempotency key must be 8–200 characters.');
  }
  const hash = requestHash(judgeId, m);
  await em.execute('select pg_advisory_xact_lock(?, hashtext(?))', [KEY_LOCK_CLASS, m.idempotencyKey]);
  const [seen] = await em.execute<{ judge_id: number; request_hash: string; outcome: MarkOutcome }[]>(
    'select judge_id, request_hash, outcome from mark_submission where idempotency_key = ?',
    [m.idempotencyKey],
  );
  if (seen) {
    if (seen.judge_id === judgeId && seen.request_hash === hash) return seen.outcome;
    throw new Refused(MarkRefusal.IDEMPOTENCY_KEY_REUSED, 'This key was already used for a different mark.');
  }

  const entrantId = fromGlobalId(m.entrantId);
  if (!entrantId || entrantId.type !== 'Entrant')
    throw new Refused(MarkRefusal.INVALID_ID, 'Not a valid entrant ID.');
  const [mc] = await em.execute<
    {
      trade_id: number;
      competition_id: number;
      competition_status: CompetitionStatus;
      entrant_status: EntrantStatus;
      locked: boolean;
      scheme: MarkingScheme | null;
      entrant_path: string | null;
      lot_code: string | null;
      per_entrant_panels: boolean;
    }[]
  >(
    `select t.id as trade_id, c.id as competition_id, c.status as competition_status, e.status as entrant_status,
            ${ENTRANT_LOCKED_SQL} as locked, e.lot_code, t.per_entrant_panels,
            t.marking_scheme as scheme,
            ${ENTRANT_UNIT.path} as entrant_path
       from entrant e
       join trade t on t.id = e.trade_id
       join competition c on c.id = t.competition_id
       ${ENTRANT_UNIT.joins}
      where e.id = ?
      for no key update of e`,
    [entrantId.id],
  );
  if (!mc) throw new Refused(MarkRefusal.INVALID_ID, 'No such entrant.');
  const c: MarkContext = {
    entrantId: entrantId.id,
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

  const [seat] = await em.execute<{ aspect_codes: string[] | null; employer_path: string | null }[]>(
    `select ja.aspect_codes, o.path::text as employer_path
       from judge_assignment ja
       join account a on a.id = ja.account_id
       left join person p on p.id = a.person_id
       left join organization o on o.id = p.employer_id
      where ja.trade_id = ? and ja.account_id = ?`,
    [c.tradeId, judgeId],
  );
  if (!seat) throw new Refused(MarkRefusal.NOT_ON_PANEL, 'You are not on this trade’s panel.');
  const correctable = m.correctsVersion != null && CORRECTION_STAGES.includes(c.competitionStatus);
  if (c.competitionStatus !== CompetitionStatus.RUNNING && !correctable) {
    throw new Refused(
      MarkRefusal.COMPETITION_NOT_RUNNING,
      CORRECTION_STAGES.includes(c.competitionStatus)
        ? `The competition is ${c.competitionStatus}: only corrections of reopened marks are taken.`
        : `The competition is ${c.competitionStatus}.`,
    );
  }
  if (!c.scheme) throw new Refused(MarkRefusal.NO_MARKING_SCHEME, 'The trade has no marking scheme.');
  const aspect = findAspect(c.scheme, m.aspectCode);
  if (!aspect)
    throw new Refused(MarkRefusal.UNKNOWN_ASPECT, `No aspect ${m.aspectCode} in the marking scheme.`);
  if (seat.aspect_codes && !seat.aspect_codes.includes(aspect.code)) {
    throw new Refused(MarkRefusal.ASPECT_NOT_ASSIGNED, `You are not assigned aspect ${aspect.code}.`);
  }
  if (c.entrantStatus !== EntrantStatus.CHECKED_IN) {
    throw new Refused(MarkRefusal.ENTRANT_NOT_CHECKED_IN, 'Only checked-in entrants are marked.');
  }
  if (c.perEntrantPanels) {
    const [assigned] = await em.execute<{ n: string }[]>(
      'select count(*) as n from review_assignment where entrant_id = ? and judge_id = ?',
      [c.entrantId, judgeId],
    );
    if (assigned!.n === '0')
      throw new Refused(MarkRefusal.NOT_ASSIGNED_TO_ENTRANT, 'This submission is not assigned to you.');
  }
  if (!c.lotCode) {
    throw new Refused(
      MarkRefusal.NOT_DRAWN,
      'The entrant has no anonymous number yet: lots must be drawn first.',
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
    throw new Refused(MarkRefusal.MARK_OUT_OF_RANGE, `The mark must be within ${range.min}–${range.max}.`);
  }
  if (c.locked) throw new Refused(MarkRefusal.MARKS_LOCKED, 'These marks are locked by the chief judge.');
  const conflict =
    (seat.employer_path && c.entrantPath && pathWithin(c.entrantPath, seat.employer_path)) ||
    (
      await em.execute<{ n: string }[]>(
        // Declared, or the judge belongs to the studio that submitted the entry.
        `select (select count(*) from conflict_declaration where account_id = ? and entrant_id = ?)
              + (select count(*) from entrant e join submission s on s.id = e.submission_id
                   join studio_member sm on sm.studio_id = s.studio_id
                   join account a on a.person_id = sm.person_id
                  where e.id = ? and a.id = ?) as n`,
        [judgeId, c.entrantId, c.entrantId, judgeId],
      )
    )[0]!.n !== '0';
  if (conflict)
    throw new Refused(
      MarkRefusal.CONFLICT_OF_INTEREST,
      'You may not mark this entrant (conflict of interest).',
    );

  const [current] = await em.execute<{ id: string; value: string; version: number }[]>(
    'select id, value, version from mark where entrant_id = ? and aspect_code = ? and judge_id = ? for update',
    [c.entrantId, aspect.code, judgeId],
  );
  let stored: { id: string; value: string; version: number };
  const subject = { entrantId: c.entrantId, tradeId: c.tradeId, aspectCode: aspect.code, judgeId };
  if (m.correctsVersion == null) {
    if (current)
      throw new Refused(
        MarkRefusal.MARK_EXISTS,
        'You already marked this; send a correction with its version.',
      );
    [stored] = (await em.execute(
      `insert into mark (trade_id, entrant_id, aspect_code, judge_id, value, device_id) values (?, ?, ?, ?, ?, ?)
       returning id, value, version`,
      [c.tradeId, c.entrantId, aspect.code, judgeId, m.value, deviceId],
    )) as [{ id: string; value: string; version: number }];
    await appendAudit(em, {
      competitionId: c.competitionId,
      kind: 'MARK_CREATED',
      actorId: judgeId,
      deviceId,
      idempotencyKey: m.idempotencyKey,
      subject,
      after: { value: m.value, version: 1 },
    });
  } else {
    if (!current) throw new Refused(MarkRefusal.NOTHING_TO_CORRECT, 'There is no mark to correct.');
    if (current.version !== m.correctsVersion) {
      throw new Refused(
        MarkRefusal.STALE_VERSION,
        `The mark is at version ${current.version}, not ${m.correctsVersion}.`,
      );
    }
    const reason = (m.reason ?? '').trim();
    if (!reason) throw new Refused(MarkRefusal.REASON_REQUIRED, 'A correction needs a reason.');
    [stored] = (await em.execute(
      `update mark set value = ?, version = version + 1, device_id = ?, updated_at = now() where id = ?
       returning id, value, version`,
      [m.value, deviceId, current.id],
    )) as [{ id: string; value: string; version: number }];
    await appendAudit(em, {
      competitionId: c.competitionId,
      kind: 'MARK_CORRECTED',
      actorId: judgeId,
      deviceId,
      idempotencyKey: m.idempotencyKey,
      subject: { ...subject, reason },
      before: { value: Number(current.value), version: current.version },
      after: { value: m.value, version: stored.version },
    });
  }

  const change = await refreshBoard(em, c.tradeId, [c.entrantId]);
  if (change) boards.push(change);

  const panel = await em.execute<{ judge_id: number; value: string }[]>(
    'select judge_id, value from mark where entrant_id = ? and aspect_code = ?',
    [c.entrantId, aspect.code],
  );
  const breach = toleranceBreach(
    aspect,
    panel.map((r) => ({ judgeId: String(r.judge_id), value: Number(r.value) })),
  );
  if (breach.breached) {
    notices.push({
      tradeId: c.tradeId,
      entrantId: c.entrantId,
      anonymousNumber: c.lotCode,
      aspectCode: aspect.code,
      spread: breach.spread,
      tolerance: aspect.tolerance!,
      message: breach.message,
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
  await em.execute(
    'insert into mark_submission (idempotency_key, judge_id, request_hash, outcome) values (?, ?, ?, ?::jsonb)',
    [m.idempotencyKey, judgeId, hash, JSON.stringify(outcome)],
  );
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

/** Each mark gets its own outcome; a refused mark writes nothing and does not hold back the others. */
export async function submitMarks(ctx: Context, input: SubmitMarksInput): Promise<MarkOutcome[]> {
  if (ctx.viewer.kind !== 'account') throw forbidden('Marks come from judges’ accounts.');
  const judgeId = ctx.viewer.accountId;
  const p = new Problems();
  const deviceId = requiredText(p, 'input.deviceId', input.deviceId, 100);
  if (input.marks.length > MAX_MARKS_PER_BATCH) {
    p.add(ErrorCode.OUT_OF_RANGE, `At most ${MAX_MARKS_PER_BATCH} marks per batch.`, 'input.marks');
  }
  p.throwIfAny();
  const outcomes: MarkOutcome[] = [];
  const publish = (notices: ToleranceNotice[], boards: BoardChange[]) => {
    ctx.recent?.forget();
    for (const n of notices) ctx.pubsub.publish('TOLERANCE_BREACHED', n.tradeId, n);
    for (const b of boards) ctx.pubsub.publish('BOARD_CHANGED', b.tradeId, b);
  };
  for (const m of input.marks) {
    // Told only after the commit, and only by the submission that wrote the mark (not by replays).
    const notices: ToleranceNotice[] = [];
    const boards: BoardChange[] = [];
    try {
      outcomes.push(
        await ctx.em.transactional((em) =>
          submitOne(em as EntityManager, judgeId, deviceId, m, notices, boards),
        ),
      );
      publish(notices, boards);
    } catch (err) {
      notices.length = 0;
      boards.length = 0;
      if (err instanceof Refused) {
        outcomes.push({
          idempotencyKey: m.idempotencyKey,
          status: MarkStatus.REFUSED,
          code: err.code,
          message: err.message,
          mark: null,
          toleranceBreached: false,
        });
      } else if (asDomainError(err)) {
        // A concurrent duplicate lost a race at the unique index: the replay path answers it.
        outcomes.push(
          await ctx.em.transactional((em) =>
            submitOne(em as EntityManager, judgeId, deviceId, m, notices, boards),
          ),
        );
        publish(notices, boards);
      } else throw err;
    }
  }
  return outcomes;
}

// ---------------------------------------------------------------- locks

/** Chief judge of the target's trade (or an admin) locks or unlocks its marks, with an audit event. */
export async function setMarksLock(
  ctx: Context,
  em: EntityManager,
  targetId: string,
  lock: boolean,
  reason: string | null,
) {
  const d = fromGlobalId(targetId);
  if (!d || (d.type !== 'Entrant' && d.type !== 'Trade')) {
    throw new DomainError(ErrorCode.INVALID_ID, 'Not a valid entrant or trade ID.', 'input.targetId');
  }
  const [t] = await em.execute<{ trade_id: number; competition_id: number }[]>(
    d.type === 'Trade'
      ? 'select t.id as trade_id, t.competition_id from trade t where t.id = ?'
      : 'select t.id as trade_id, t.competition_id from entrant e join trade t on t.id = e.trade_id where e.id = ?',
    [d.id],
  );
  if (!t) throw new DomainError(ErrorCode.NOT_FOUND, 'No such entrant or trade.', 'input.targetId');
  if (!isAdmin(ctx.viewer) && !(await isChiefJudge(em, t.trade_id, ctx.access.accountId)))
    throw forbidden('Only the trade’s chief judge locks and unlocks marks.');
  if (!lock && !reason?.trim())
    throw new DomainError(ErrorCode.REQUIRED, 'Unlocking needs a reason.', 'input.reason');
  const [stage] = await em.execute<{ status: CompetitionStatus }[]>(
    'select status from competition where id = ?',
    [t.competition_id],
  );
  if (!lock && [CompetitionStatus.FINAL, CompetitionStatus.ARCHIVED].includes(stage!.status)) {
    throw new DomainError(
      ErrorCode.RESULTS_FROZEN,
      `The competition is ${stage!.status}: marks can no longer be reopened.`,
      'input.targetId',
    );
  }
  if (d.type === 'Trade') {
    await em.execute(`update trade set marks_locked_at = ${lock ? 'now()' : 'null'} where id = ?`, [d.id]);
  } else {
    // Unlocking an entrant also reopens them under the trade's sign-off, until the trade is locked again.
    await em.execute(
      lock
        ? 'update entrant set marks_locked_at = now() where id = ?'
        : 'update entrant set marks_locked_at = null, marks_unlocked_at = clock_timestamp() where id = ?',
      [d.id],
    );
  }
  await appendAudit(em, {
    competitionId: t.competition_id,
    kind: `${d.type === 'Trade' ? 'TRADE' : 'ENTRANT'}_${lock ? 'LOCKED' : 'UNLOCKED'}` as never,
    actorId: ctx.access.accountId,
    subject: {
      [d.type === 'Trade' ? 'tradeId' : 'entrantId']: d.id,
      ...(reason ? { reason: reason.trim() } : {}),
    },
  });
  return lock;
}

/** An entrant's marks as they stood at `asOf`, replayed from the audit log. */
export async function marksAsOf(em: EntityManager, entrantId: number, asOf: Date) {
  const rows = await em.execute<
    { subject: { aspectCode: string; judgeId: number }; after: { value: number; version: number } }[]
  >(
    `select subject, after from audit_event
      where kind in ('MARK_CREATED', 'MARK_CORRECTED') and (subject->>'entrantId')::int = ? and created_at <= ?
      order by competition_id, seq`,
    [entrantId, asOf],
  );
  const latest = new Map<string, { aspectCode: string; judgeId: string; value: number; version: number }>();
  for (const r of rows) {
    latest.set(`${r.subject.aspectCode}|${r.subject.judgeId}`, {
      aspectCode: r.subject.aspectCode,
      judgeId: toGlobalId('Account', r.subject.judgeId),
      value: r.after.value,
      version: r.after.version,
    });
  }
  return [...latest.values()].sort((a, b) =>
    (a.aspectCode + a.judgeId).localeCompare(b.aspectCode + b.judgeId),
  );
}

/** Organizers of the host, chief judges of one of its trades, and admins may read the audit trail. */
export async function assertMayAudit(ctx: Context, competitionId: number): Promise<void> {
  if (isAdmin(ctx.viewer)) return;
  const [row] = await ctx.em.execute<{ path: string; chief: boolean }[]>(
    `select o.path::text as path,
            exists (select 1 from judge_assignment ja join trade t on t.id = ja.trade_id
                     where t.competition_id = c.id and ja.account_id = ? and ja.role = 'CHIEF_JUDGE') as chief
       from competition c join organization o on o.id = c.host_id where c.id = ?`,
    [ctx.access.accountId ?? 0, competitionId],
  );
  if (!row || !(row.chief || ctx.access.manages(row.path)))
    throw forbidden('You may not read this audit trail.');
}
