import type { EntityManager } from '@mikro-orm/postgresql';
import { isAdmin } from '../../shared/access/viewer';
import { DomainError, ErrorCode, forbidden } from '../../shared/errors';
import type { Context } from '../../shared/graphql/context';
import { fromGlobalId } from '../../shared/graphql/relay';
import { appendAudit } from '../audit/audit.service';
import { CompetitionStatus } from '../competition/competition.entity';
import { isChiefJudge } from './jury';
import { text } from '../../shared/i18n';

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
    throw new DomainError(
      ErrorCode.INVALID_ID,
      text('不是有效的参赛选手或工种 ID。', 'Not a valid entrant or trade ID.'),
      'input.targetId',
    );
  }
  const [t] = await em.execute<{ trade_id: number; competition_id: number }[]>(
    d.type === 'Trade'
      ? 'select t.id as trade_id, t.competition_id from trade t where t.id = ?'
      : 'select t.id as trade_id, t.competition_id from entrant e join trade t on t.id = e.trade_id where e.id = ?',
    [d.id],
  );
  if (!t)
    throw new DomainError(
      ErrorCode.NOT_FOUND,
      text('没有该参赛选手或工种。', 'No such entrant or trade.'),
      'input.targetId',
    );
  if (!isAdmin(ctx.viewer) && !(await isChiefJudge(em, t.trade_id, ctx.access.accountId)))
    throw forbidden(
      text('只有该工种的裁判长可以锁定和解锁评分。', 'Only the trade’s chief judge locks and unlocks marks.'),
    );
  if (!lock && !reason?.trim())
    throw new DomainError(
      ErrorCode.REQUIRED,
      text('解锁须说明原因。', 'Unlocking needs a reason.'),
      'input.reason',
    );
  const [stage] = await em.execute<{ status: CompetitionStatus }[]>(
    'select status from competition where id = ?',
    [t.competition_id],
  );
  if (!lock && [CompetitionStatus.FINAL, CompetitionStatus.ARCHIVED].includes(stage!.status)) {
    throw new DomainError(
      ErrorCode.RESULTS_FROZEN,
      text(
        `竞赛当前状态为 ${stage!.status}：评分不能再重新开放。`,
        `The competition is ${stage!.status}: marks can no longer be reopened.`,
      ),
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
  await ctx.events.record(em, 'MARKS_LOCK_CHANGED', {
    tradeId: t.trade_id,
    entrantId: d.type === 'Entrant' ? d.id : null,
    locked: lock,
  });
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
