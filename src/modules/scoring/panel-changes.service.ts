import type { EntityManager } from '@mikro-orm/postgresql';
import { checkReference } from '../../shared/access/references';
import { isAdmin } from '../../shared/access/viewer';
import { DomainError, ErrorCode, forbidden, Problems } from '../../shared/errors';
import type { Context } from '../../shared/graphql/context';
import { toGlobalId } from '../../shared/graphql/relay';
import { decodeId, requiredText } from '../../shared/validation';
import { Role } from '../account/account.entity';
import { appendAudit } from '../audit/audit.service';
import { type Competition, CompetitionStatus } from '../competition/competition.entity';
import { Trade } from '../competition/trade.entity';
import { loadManagedTradeById } from '../competition/competition.service';
import { isChiefJudge } from './jury';
import { ENTRANT_LOCKED_SQL } from './entrant-sql';
import { PanelRole, type PanelSeat } from './marks.types';
import {
  type PanelChange,
  PanelChangeKind,
  type ReplaceJudgeInput,
  type ResultsSignatory,
  type VoidedMark,
  type VoidJudgeMarksInput,
  type WithdrawJudgeInput,
} from './panel.types';

/**
 * Panel changes on the day (rule books: a judge who falls ill or turns out to be conflicted is
 * replaced or withdrawn by the organizing committee, with the reason on record).
 *
 * - While the competition is configured (DRAFT, REGISTRATION_OPEN) `assignJudge` seats judges
 *   freely; replacing and withdrawing work too, with a reason.
 * - While it is RUNNING, adding (`assignJudge` with a reason), replacing and withdrawing a judge
 *   or the chief judge are allowed until the chief judge locks the trade's marks; each needs a
 *   reason, is kept in `panel_change` and is audited.
 * - After RUNNING the panel is frozen (COMPETITION_CLOSED).
 *
 * A judge who leaves keeps the marks already given: they count as given. The chief judge may
 * void them with a reason (`voidJudgeMarks`): they then leave the `mark` table, so aggregation,
 * the board, the analysis and tolerance checks no longer see them, and are kept in
 * `voided_mark`; each voided mark is audited (MARK_VOIDED).
 */

const CONFIGURING = [CompetitionStatus.DRAFT, CompetitionStatus.REGISTRATION_OPEN];
const REASON_MAX = 500;

/**
 * Whether the trade's panel may change now; throws when it may not. Returns true on the day
 * (RUNNING), when a change needs a reason and is recorded and audited.
 */
export async function assertPanelOpen(
  em: EntityManager,
  competition: Competition,
  tradeId: number,
  field: string,
): Promise<boolean> {
  if (CONFIGURING.includes(competition.status)) return false;
  if (competition.status !== CompetitionStatus.RUNNING) {
    throw new DomainError(
      ErrorCode.COMPETITION_CLOSED,
      `The competition is ${competition.status}: its panels change only until the contest ends (RUNNING).`,
      field,
    );
  }
  const [row] = await em.execute<{ locked: boolean }[]>(
    'select marks_locked_at is not null as locked from trade where id = ?',
    [tradeId],
  );
  if (row?.locked) {
    throw new DomainError(
      ErrorCode.MARKS_LOCKED,
      'The chief judge has locked this trade’s marks: its panel no longer changes.',
      field,
    );
  }
  return true;
}

/** A judge or chief-judge account, fit for the seat. */
async function assertPanelAccount(em: EntityManager, accountId: number, role: PanelRole, field: string) {
  const [account] = await em.execute<{ role: Role }[]>('select role from account where id = ?', [accountId]);
  if (!account) throw new DomainError(ErrorCode.NOT_FOUND, 'No such account.', field);
  if (account.role !== Role.JUDGE && account.role !== Role.CHIEF_JUDGE) {
    throw new DomainError(
      ErrorCode.KIND_MISMATCH,
      'Only judge and chief-judge accounts sit on panels.',
      field,
    );
  }
  if (role === PanelRole.CHIEF_JUDGE && account.role !== Role.CHIEF_JUDGE) {
    throw new DomainError(ErrorCode.KIND_MISMATCH, 'A chief judge seat needs a chief-judge account.', field);
  }
}

interface SeatRow {
  role: PanelRole;
  aspect_codes: string[] | null;
}

async function seatOf(em: EntityManager, tradeId: number, accountId: number): Promise<SeatRow | null> {
  const [seat] = await em.execute<SeatRow[]>(
    'select role, aspect_codes from judge_assignment where trade_id = ? and account_id = ? for update',
    [tradeId, accountId],
  );
  return seat ?? null;
}

const textArray = (codes: string[] | null) =>
  codes ? `{${codes.map((c) => JSON.stringify(c)).join(',')}}` : null;

interface ChangeRow {
  kind: PanelChangeKind;
  account_id: number;
  display_name: string;
  replacement_id: number | null;
  replacement_name: string | null;
  role: PanelRole;
  reason: string;
  changed_by: number | null;
  changed_at: string | Date;
}

const CHANGE_SELECT = `
  select pc.kind, pc.account_id, a.display_name, pc.replacement_id, r.display_name as replacement_name,
         pc.role, pc.reason, pc.changed_by, pc.changed_at
    from panel_change pc
    join account a on a.id = pc.account_id
    left join account r on r.id = pc.replacement_id`;

function changeView(r: ChangeRow): PanelChange {
  return {
    kind: r.kind,
    accountId: toGlobalId('Account', r.account_id),
    displayName: r.display_name,
    replacementId: r.replacement_id === null ? null : toGlobalId('Account', r.replacement_id),
    replacementName: r.replacement_name,
    role: r.role,
    reason: r.reason,
    changedById: r.changed_by === null ? null : toGlobalId('Account', r.changed_by),
    changedAt: new Date(r.changed_at),
  };
}

/** Records a panel change and its audit event, in the caller's transaction. */
export async function recordPanelChange(
  ctx: Context,
  em: EntityManager,
  competitionId: number,
  change: {
    tradeId: number;
    kind: PanelChangeKind;
    accountId: number;
    replacementId?: number | null;
    role: PanelRole;
    aspectCodes?: string[] | null;
    reason: string;
  },
): Promise<PanelChange> {
  const [row] = await em.execute<{ id: number }[]>(
    `insert into panel_change (trade_id, kind, account_id, replacement_id, role, reason, changed_by)
     values (?, ?, ?, ?, ?, ?, ?) returning id`,
    [
      change.tradeId,
      change.kind,
      change.accountId,
      change.replacementId ?? null,
      change.role,
      change.reason,
      ctx.access.accountId,
    ],
  );
  await appendAudit(em, {
    competitionId,
    kind: `PANEL_JUDGE_${change.kind}`,
    actorId: ctx.access.accountId,
    subject: {
      tradeId: change.tradeId,
      accountId: change.accountId,
      ...(change.replacementId ? { replacementId: change.replacementId } : {}),
      role: change.role,
      reason: change.reason,
    },
    after: change.kind === PanelChangeKind.WITHDRAWN ? null : { aspectCodes: change.aspectCodes ?? null },
  });
  const [stored] = await em.execute<ChangeRow[]>(`${CHANGE_SELECT} where pc.id = ?`, [row!.id]);
  return changeView(stored!);
}

/** Checks of `assignJudge` on the day: a reason, and an account not on the panel yet. */
export async function assertMayAddOnTheDay(
  em: EntityManager,
  tradeId: number,
  accountId: number,
  role: PanelRole,
  reason: string | null | undefined,
): Promise<string> {
  const p = new Problems();
  const text = requiredText(p, 'input.reason', reason, REASON_MAX);
  if (p.any) {
    p.list[0]!.message = 'A judge added while the contest runs needs a reason.';
    p.throwIfAny();
  }
  if (await seatOf(em, tradeId, accountId)) {
    throw new DomainError(
      ErrorCode.ALREADY_ON_PANEL,
      'The judge already sits on this panel; to change a seat on the day, replace or withdraw the judge.',
      'input.accountId',
    );
  }
  if (role === PanelRole.CHIEF_JUDGE) {
    const [chief] = await em.execute<{ n: string }[]>(
      `select count(*) as n from judge_assignment where trade_id = ? and role = 'CHIEF_JUDGE'`,
      [tradeId],
    );
    if (chief!.n !== '0') {
      throw new DomainError(
        ErrorCode.DUPLICATE,
        'The trade already has a chief judge: replace or withdraw the chief judge first.',
        'input.role',
      );
    }
  }
  return text;
}

export interface PanelChangeResult {
  change: PanelChange;
  seat: PanelSeat | null;
  trade: Trade;
}

export async function replaceJudge(
  ctx: Context,
  em: EntityManager,
  input: ReplaceJudgeInput,
): Promise<PanelChangeResult> {
  const p = new Problems();
  const tradeId = decodeId(p, 'input.tradeId', input.tradeId, 'Trade');
  const accountId = decodeId(p, 'input.accountId', input.accountId, 'Account');
  const replacementId = decodeId(p, 'input.replacementId', input.replacementId, 'Account');
  const reason = requiredText(p, 'input.reason', input.reason, REASON_MAX);
  if (accountId && accountId === replacementId)
    p.add(ErrorCode.DUPLICATE, 'A judge does not replace themselves.', 'input.replacementId');
  p.throwIfAny();
  const { trade, competition } = await loadManagedTradeById(ctx, em, tradeId, 'input.tradeId', true);
  await checkReference(ctx.access, em, 'Account', 'input.accountId', accountId, 'manage');
  await checkReference(ctx.access, em, 'Account', 'input.replacementId', replacementId, 'manage');
  await assertPanelOpen(em, competition, tradeId, 'input.tradeId');
  const seat = await seatOf(em, tradeId, accountId);
  if (!seat)
    throw new DomainError(ErrorCode.NOT_ON_PANEL, 'That judge is not on this panel.', 'input.accountId');
  await assertPanelAccount(em, replacementId, seat.role, 'input.replacementId');
  if (await seatOf(em, tradeId, replacementId)) {
    throw new DomainError(
      ErrorCode.ALREADY_ON_PANEL,
      'The replacement already sits on this panel.',
      'input.replacementId',
    );
  }
  const codes = input.aspectCodes?.length ? [...new Set(input.aspectCodes)] : seat.aspect_codes;
  await em.execute('delete from judge_assignment where trade_id = ? and account_id = ?', [
    tradeId,
    accountId,
  ]);
  await em.execute(
    'insert into judge_assignment (trade_id, account_id, role, aspect_codes) values (?, ?, ?, ?::text[])',
    [tradeId, replacementId, seat.role, textArray(codes)],
  );
  // Per-entrant panels (campaign rounds): the replacement reviews what the judge had left to review.
  await em.execute(
    `update review_assignment ra set judge_id = ?
      where ra.trade_id = ? and ra.judge_id = ?
        and not exists (select 1 from mark m where m.entrant_id = ra.entrant_id and m.judge_id = ra.judge_id)
        and not exists (select 1 from review_assignment o where o.entrant_id = ra.entrant_id and o.judge_id = ?)`,
    [replacementId, tradeId, accountId, replacementId],
  );
  const change = await recordPanelChange(ctx, em, competition.id, {
    tradeId,
    kind: PanelChangeKind.REPLACED,
    accountId,
    replacementId,
    role: seat.role,
    aspectCodes: codes,
    reason,
  });
  return {
    change,
    seat: { tradeId: input.tradeId, accountId: input.replacementId, role: seat.role, aspectCodes: codes },
    trade,
  };
}

export async function withdrawJudge(
  ctx: Context,
  em: EntityManager,
  input: WithdrawJudgeInput,
): Promise<PanelChangeResult> {
  const p = new Problems();
  const tradeId = decodeId(p, 'input.tradeId', input.tradeId, 'Trade');
  const accountId = decodeId(p, 'input.accountId', input.accountId, 'Account');
  const reason = requiredText(p, 'input.reason', input.reason, REASON_MAX);
  p.throwIfAny();
  const { trade, competition } = await loadManagedTradeById(ctx, em, tradeId, 'input.tradeId', true);
  await checkReference(ctx.access, em, 'Account', 'input.accountId', accountId, 'manage');
  await assertPanelOpen(em, competition, tradeId, 'input.tradeId');
  const seat = await seatOf(em, tradeId, accountId);
  if (!seat)
    throw new DomainError(ErrorCode.NOT_ON_PANEL, 'That judge is not on this panel.', 'input.accountId');
  await em.execute('delete from judge_assignment where trade_id = ? and account_id = ?', [
    tradeId,
    accountId,
  ]);
  const change = await recordPanelChange(ctx, em, competition.id, {
    tradeId,
    kind: PanelChangeKind.WITHDRAWN,
    accountId,
    role: seat.role,
    reason,
  });
  return { change, seat: null, trade };
}

interface VoidedRow {
  id: string;
  entrant_id: number;
  lot_code: string | null;
  aspect_code: string;
  judge_id: number;
  value: string;
  version: number;
  reason: string;
  voided_by: number | null;
  voided_at: string | Date;
}

function voidedView(r: VoidedRow): VoidedMark {
  return {
    markId: toGlobalId('Mark', Number(r.id)),
    entrantId: toGlobalId('Entrant', r.entrant_id),
    anonymousNumber: r.lot_code,
    aspectCode: r.aspect_code,
    judgeId: toGlobalId('Account', r.judge_id),
    value: Number(r.value),
    version: r.version,
    reason: r.reason,
    voidedById: r.voided_by === null ? null : toGlobalId('Account', r.voided_by),
    voidedAt: new Date(r.voided_at),
  };
}

const VOIDED_SELECT = `
  select v.id, v.entrant_id, e.lot_code, v.aspect_code, v.judge_id, v.value, v.version, v.reason,
         v.voided_by, v.voided_at
    from voided_mark v join entrant e on e.id = v.entrant_id`;

/**
 * The chief judge voids every mark a judge who left the panel gave on the trade: while the
 * contest runs or scoring is closed, before the trade (or one of the entrants concerned) is locked.
 */
export async function voidJudgeMarks(
  ctx: Context,
  em: EntityManager,
  input: VoidJudgeMarksInput,
): Promise<{ voided: VoidedMark[]; trade: Trade }> {
  const p = new Problems();
  const tradeId = decodeId(p, 'input.tradeId', input.tradeId, 'Trade');
  const judgeId = decodeId(p, 'input.judgeId', input.judgeId, 'Account');
  const reason = requiredText(p, 'input.reason', input.reason, REASON_MAX);
  p.throwIfAny();
  await em.execute('select id from trade where id = ? for no key update', [tradeId]);
  const [t] = await em.execute<{ competition_id: number; status: CompetitionStatus; locked: boolean }[]>(
    `select t.competition_id, c.status, t.marks_locked_at is not null as locked
       from trade t join competition c on c.id = t.competition_id where t.id = ?`,
    [tradeId],
  );
  if (!t) throw new DomainError(ErrorCode.NOT_FOUND, 'No such trade.', 'input.tradeId');
  if (!isAdmin(ctx.viewer) && !(await isChiefJudge(em, tradeId, ctx.access.accountId)))
    throw forbidden('Only the trade’s chief judge voids marks.');
  if (![CompetitionStatus.RUNNING, CompetitionStatus.SCORING_CLOSED].includes(t.status)) {
    throw new DomainError(
      ErrorCode.WRONG_STAGE,
      `The competition is ${t.status}: marks are voided only while it runs or scoring is closed.`,
      'input.tradeId',
    );
  }
  if (t.locked) {
    throw new DomainError(ErrorCode.MARKS_LOCKED, 'The trade’s marks are locked.', 'input.tradeId');
  }
  if (await seatOf(em, tradeId, judgeId)) {
    throw new DomainError(
      ErrorCode.JUDGE_STILL_ON_PANEL,
      'The judge still sits on the panel: replace or withdraw the judge first.',
      'input.judgeId',
    );
  }
  const marks = await em.execute<
    {
      id: string;
      entrant_id: number;
      aspect_code: string;
      value: string;
      version: number;
      created_at: string;
      locked: boolean;
    }[]
  >(
    `select m.id, m.entrant_id, m.aspect_code, m.value, m.version, m.created_at, ${ENTRANT_LOCKED_SQL} as locked
       from mark m join entrant e on e.id = m.entrant_id join trade t on t.id = m.trade_id
      where m.trade_id = ? and m.judge_id = ? order by m.id for update of m`,
    [tradeId, judgeId],
  );
  if (marks.length === 0)
    throw new DomainError(ErrorCode.NOTHING_TO_VOID, 'The judge has no mark on this trade.', 'input.judgeId');
  if (marks.some((m) => m.locked)) {
    throw new DomainError(
      ErrorCode.MARKS_LOCKED,
      'Some of these marks belong to entrants whose marks are locked: unlock them first.',
      'input.judgeId',
    );
  }
  for (const m of marks) {
    await em.execute(
      `insert into voided_mark (id, trade_id, entrant_id, aspect_code, judge_id, value, version, marked_at, reason, voided_by)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        m.id,
        tradeId,
        m.entrant_id,
        m.aspect_code,
        judgeId,
        m.value,
        m.version,
        m.created_at,
        reason,
        ctx.access.accountId,
      ],
    );
    await em.execute('delete from mark where id = ?', [m.id]);
    await appendAudit(em, {
      competitionId: t.competition_id,
      kind: 'MARK_VOIDED',
      actorId: ctx.access.accountId,
      subject: { entrantId: m.entrant_id, tradeId, aspectCode: m.aspect_code, judgeId, reason },
      before: { value: Number(m.value), version: m.version },
    });
  }
  await ctx.events.record(em, 'RESULT_INPUTS_CHANGED', {
    tradeId,
    entrantIds: [...new Set(marks.map((m) => m.entrant_id))],
  });
  const voided = await em.execute<VoidedRow[]>(
    `${VOIDED_SELECT} where v.id = any(?::bigint[]) order by v.id`,
    [`{${marks.map((m) => m.id).join(',')}}`],
  );
  const trade = await em.findOneOrFail(Trade, { id: tradeId });
  return { voided: voided.map(voidedView), trade };
}

// ---------------------------------------------------------------- reads

export async function panelSeats(em: EntityManager, tradeId: number): Promise<PanelSeat[]> {
  const rows = await em.execute<{ account_id: number; role: PanelRole; aspect_codes: string[] | null }[]>(
    `select account_id, role, aspect_codes from judge_assignment where trade_id = ?
      order by case role when 'CHIEF_JUDGE' then 0 else 1 end, id`,
    [tradeId],
  );
  return rows.map((r) => ({
    tradeId: toGlobalId('Trade', tradeId),
    accountId: toGlobalId('Account', r.account_id),
    role: r.role,
    aspectCodes: r.aspect_codes,
  }));
}

export async function panelChanges(em: EntityManager, tradeId: number): Promise<PanelChange[]> {
  const rows = await em.execute<ChangeRow[]>(`${CHANGE_SELECT} where pc.trade_id = ? order by pc.id`, [
    tradeId,
  ]);
  return rows.map(changeView);
}

export async function voidedMarks(em: EntityManager, tradeId: number): Promise<VoidedMark[]> {
  const rows = await em.execute<VoidedRow[]>(`${VOIDED_SELECT} where v.trade_id = ? order by v.id`, [
    tradeId,
  ]);
  return rows.map(voidedView);
}

/**
 * Who signs the trade's results summary: the chief judge seated now, and every judge who gave a
 * mark on the trade (counted or voided), whether still on the panel or not. Chief judge first,
 * then by display name.
 */
export async function resultsSignatories(em: EntityManager, tradeId: number): Promise<ResultsSignatory[]> {
  const rows = await em.execute<
    {
      account_id: number;
      display_name: string;
      seat_role: PanelRole | null;
      last_role: PanelRole | null;
      counted: string;
      voided: string;
    }[]
  >(
    `with marked as (
       select judge_id as account_id from mark where trade_id = ?
       union select judge_id from voided_mark where trade_id = ?
       union select account_id from judge_assignment where trade_id = ? and role = 'CHIEF_JUDGE'
     )
     select a.id as account_id, a.display_name,
            (select ja.role from judge_assignment ja where ja.trade_id = ? and ja.account_id = a.id) as seat_role,
            (select pc.role from panel_change pc where pc.trade_id = ? and pc.account_id = a.id
              order by pc.id desc limit 1) as last_role,
            (select count(*) from mark m where m.trade_id = ? and m.judge_id = a.id) as counted,
            (select count(*) from voided_mark v where v.trade_id = ? and v.judge_id = a.id) as voided
       from marked k join account a on a.id = k.account_id`,
    [tradeId, tradeId, tradeId, tradeId, tradeId, tradeId, tradeId],
  );
  return rows
    .map((r) => ({
      accountId: toGlobalId('Account', r.account_id),
      displayName: r.display_name,
      role: r.seat_role ?? r.last_role ?? PanelRole.JUDGE,
      withdrawn: r.seat_role === null,
      marksCounted: Number(r.counted),
      marksVoided: Number(r.voided),
    }))
    .sort(
      (a, b) =>
        Number(b.role === PanelRole.CHIEF_JUDGE && !b.withdrawn) -
          Number(a.role === PanelRole.CHIEF_JUDGE && !a.withdrawn) ||
        (a.displayName < b.displayName ? -1 : a.displayName > b.displayName ? 1 : 0),
    );
}
