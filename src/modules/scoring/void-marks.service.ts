import type { EntityManager } from '@mikro-orm/postgresql';
import { isAdmin } from '../../shared/access/viewer';
import { DomainError, ErrorCode, forbidden, Problems } from '../../shared/errors';
import type { Context } from '../../shared/graphql/context';
import { toGlobalId } from '../../shared/graphql/relay';
import { decodeId, requiredText } from '../../shared/validation';
import { appendAudit } from '../audit/audit.service';
import { CompetitionStatus } from '../competition/competition.entity';
import { Trade } from '../competition/trade.entity';
import { isChiefJudge } from './jury';
import { seatOf } from './panel-changes.service';
import { ENTRANT_LOCKED_SQL } from './entrant-sql';
import { type VoidedMark, type VoidJudgeMarksInput } from './panel.types';
import { text } from '../../shared/i18n';

/**
 * Voiding the marks of a judge who left the panel (`voidJudgeMarks`, the chief judge, with a
 * reason): the marks move from `mark` to `voided_mark`, each audited (MARK_VOIDED), so results,
 * the board, the analysis and tolerance checks stop counting them. Rules in panel-changes.service.ts.
 */

const REASON_MAX = 500;

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
  if (!t) throw new DomainError(ErrorCode.NOT_FOUND, text('没有该工种。', 'No such trade.'), 'input.tradeId');
  if (!isAdmin(ctx.viewer) && !(await isChiefJudge(em, tradeId, ctx.access.accountId)))
    throw forbidden(text('只有该工种的裁判长可以作废评分。', 'Only the trade’s chief judge voids marks.'));
  if (![CompetitionStatus.RUNNING, CompetitionStatus.SCORING_CLOSED].includes(t.status)) {
    throw new DomainError(
      ErrorCode.WRONG_STAGE,
      text(
        `竞赛当前状态为 ${t.status}：只有在比赛进行中或评分结束期间才能作废评分。`,
        `The competition is ${t.status}: marks are voided only while it runs or scoring is closed.`,
      ),
      'input.tradeId',
    );
  }
  if (t.locked) {
    throw new DomainError(
      ErrorCode.MARKS_LOCKED,
      text('该工种的评分已锁定。', 'The trade’s marks are locked.'),
      'input.tradeId',
    );
  }
  if (await seatOf(em, tradeId, judgeId)) {
    throw new DomainError(
      ErrorCode.JUDGE_STILL_ON_PANEL,
      text(
        '该裁判仍在裁判组中：请先替换或撤出该裁判。',
        'The judge still sits on the panel: replace or withdraw the judge first.',
      ),
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
    throw new DomainError(
      ErrorCode.NOTHING_TO_VOID,
      text('该裁判在此工种没有评分。', 'The judge has no mark on this trade.'),
      'input.judgeId',
    );
  if (marks.some((m) => m.locked)) {
    throw new DomainError(
      ErrorCode.MARKS_LOCKED,
      text(
        '其中部分评分所属参赛选手的评分已锁定：请先解锁。',
        'Some of these marks belong to entrants whose marks are locked: unlock them first.',
      ),
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

export async function voidedMarks(em: EntityManager, tradeId: number): Promise<VoidedMark[]> {
  const rows = await em.execute<VoidedRow[]>(`${VOIDED_SELECT} where v.trade_id = ? order by v.id`, [
    tradeId,
  ]);
  return rows.map(voidedView);
}
