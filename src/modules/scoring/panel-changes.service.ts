import type { EntityManager } from '@mikro-orm/postgresql';
import { checkReference } from '../../shared/access/references';
import { DomainError, ErrorCode, Problems } from '../../shared/errors';
import type { Context } from '../../shared/graphql/context';
import { toGlobalId } from '../../shared/graphql/relay';
import { decodeId, requiredText } from '../../shared/validation';
import { Role } from '../account/account.entity';
import { appendAudit } from '../audit/audit.service';
import { type Competition, CompetitionStatus } from '../competition/competition.entity';
import { Trade } from '../competition/trade.entity';
import { loadManagedTradeById } from '../competition/competition.service';
import { PanelRole, type PanelSeat } from './marks.types';
import {
  type PanelChange,
  PanelChangeKind,
  type ReplaceJudgeInput,
  type ResultsSignatory,
  type WithdrawJudgeInput,
} from './panel.types';
import { text } from '../../shared/i18n';

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
      text(
        `竞赛当前状态为 ${competition.status}：裁判组只能在比赛结束（RUNNING）前调整。`,
        `The competition is ${competition.status}: its panels change only until the contest ends (RUNNING).`,
      ),
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
      text(
        '裁判长已锁定该工种的评分：裁判组不能再调整。',
        'The chief judge has locked this trade’s marks: its panel no longer changes.',
      ),
      field,
    );
  }
  return true;
}

/** A judge or chief-judge account, fit for the seat. */
async function assertPanelAccount(em: EntityManager, accountId: number, role: PanelRole, field: string) {
  const [account] = await em.execute<{ role: Role }[]>('select role from account where id = ?', [accountId]);
  if (!account) throw new DomainError(ErrorCode.NOT_FOUND, text('没有该账号。', 'No such account.'), field);
  if (account.role !== Role.JUDGE && account.role !== Role.CHIEF_JUDGE) {
    throw new DomainError(
      ErrorCode.KIND_MISMATCH,
      text('只有裁判和裁判长账号可以进入裁判组。', 'Only judge and chief-judge accounts sit on panels.'),
      field,
    );
  }
  if (role === PanelRole.CHIEF_JUDGE && account.role !== Role.CHIEF_JUDGE) {
    throw new DomainError(
      ErrorCode.KIND_MISMATCH,
      text('裁判长席位须使用裁判长账号。', 'A chief judge seat needs a chief-judge account.'),
      field,
    );
  }
}

export interface SeatRow {
  role: PanelRole;
  aspect_codes: string[] | null;
}

export async function seatOf(em: EntityManager, tradeId: number, accountId: number): Promise<SeatRow | null> {
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
  const given = requiredText(p, 'input.reason', reason, REASON_MAX);
  if (p.any) {
    p.list[0]!.message = text(
      '比赛进行中增补裁判须说明原因。',
      'A judge added while the contest runs needs a reason.',
    );
    p.throwIfAny();
  }
  if (await seatOf(em, tradeId, accountId)) {
    throw new DomainError(
      ErrorCode.ALREADY_ON_PANEL,
      text(
        '该裁判已在此裁判组中；比赛当天调整席位请替换或撤出该裁判。',
        'The judge already sits on this panel; to change a seat on the day, replace or withdraw the judge.',
      ),
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
        text(
          '该工种已有裁判长：请先替换或撤出现任裁判长。',
          'The trade already has a chief judge: replace or withdraw the chief judge first.',
        ),
        'input.role',
      );
    }
  }
  return given;
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
    p.add(
      ErrorCode.DUPLICATE,
      text('裁判不能替换自己。', 'A judge does not replace themselves.'),
      'input.replacementId',
    );
  p.throwIfAny();
  const { trade, competition } = await loadManagedTradeById(ctx, em, tradeId, 'input.tradeId', true);
  await checkReference(ctx.access, em, 'Account', 'input.accountId', accountId, 'manage');
  await checkReference(ctx.access, em, 'Account', 'input.replacementId', replacementId, 'manage');
  await assertPanelOpen(em, competition, tradeId, 'input.tradeId');
  const seat = await seatOf(em, tradeId, accountId);
  if (!seat)
    throw new DomainError(
      ErrorCode.NOT_ON_PANEL,
      text('该裁判不在此裁判组中。', 'That judge is not on this panel.'),
      'input.accountId',
    );
  await assertPanelAccount(em, replacementId, seat.role, 'input.replacementId');
  if (await seatOf(em, tradeId, replacementId)) {
    throw new DomainError(
      ErrorCode.ALREADY_ON_PANEL,
      text('替换人选已在此裁判组中。', 'The replacement already sits on this panel.'),
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
    throw new DomainError(
      ErrorCode.NOT_ON_PANEL,
      text('该裁判不在此裁判组中。', 'That judge is not on this panel.'),
      'input.accountId',
    );
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
