import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError, ErrorCode, forbidden, Problems } from '../../shared/errors';
import type { Context } from '../../shared/graphql/context';
import { fromGlobalId, toGlobalId } from '../../shared/graphql/relay';
import { decodeId, requiredText } from '../../shared/validation';
import { isAdmin } from '../../shared/access/viewer';
import { appendAudit } from '../audit/audit.service';
import { CompetitionStatus } from '../competition/competition.entity';
import { Entrant } from '../competition/entrant.entity';
import { isChiefJudge } from './jury';
import { ENTRANT_UNIT } from './marks.service';
import { Appeal, AppealStatus, type FileAppealInput, type ResolveAppealInput } from './review.types';
import { text } from '../../shared/i18n';

interface AppealRow {
  id: number;
  entrant_id: number;
  trade_id: number;
  reason: string;
  filed_at: Date;
  status: AppealStatus;
  response: string | null;
  resolved_at: Date | null;
}

export async function appealView(em: EntityManager, rows: AppealRow[]): Promise<Appeal[]> {
  const entrants = new Map(
    (await em.find(Entrant, { id: { $in: [...new Set(rows.map((r) => r.entrant_id))] } })).map((e) => [
      e.id,
      e,
    ]),
  );
  // Instances, not literals: `node(id:)` tells the types apart by class.
  return rows.map((r) =>
    Object.assign(new Appeal(), {
      id: toGlobalId('Appeal', r.id),
      entrant: entrants.get(r.entrant_id)!,
      reason: r.reason,
      filedAt: new Date(r.filed_at),
      status: r.status,
      response: r.response,
      resolvedAt: r.resolved_at === null ? null : new Date(r.resolved_at),
    }),
  );
}

export async function tradeAppeals(em: EntityManager, tradeId: number): Promise<Appeal[]> {
  return appealView(
    em,
    await em.execute<AppealRow[]>('select * from appeal where trade_id = ? order by id', [tradeId]),
  );
}

/**
 * Filed by an organizer of the entrant's own unit (their delegation, 领队) or of the host, while
 * the results are published and the deadline has not passed. One pending appeal per entrant.
 */
export async function fileAppeal(ctx: Context, em: EntityManager, input: FileAppealInput): Promise<Appeal> {
  const p = new Problems();
  const entrantId = decodeId(p, 'input.entrantId', input.entrantId, 'Entrant');
  const reason = requiredText(p, 'input.reason', input.reason, 2000);
  p.throwIfAny();
  const [e] = await em.execute<
    {
      trade_id: number;
      competition_id: number;
      status: CompetitionStatus;
      appeal_deadline: Date | null;
      unit_path: string | null;
      host_path: string;
    }[]
  >(
    `select e.trade_id, c.id as competition_id, c.status, c.appeal_deadline,
            ${ENTRANT_UNIT.path} as unit_path, h.path::text as host_path
       from entrant e join trade t on t.id = e.trade_id join competition c on c.id = t.competition_id
       join organization h on h.id = c.host_id
       ${ENTRANT_UNIT.joins}
      where e.id = ? for no key update of e`,
    [entrantId],
  );
  if (!e)
    throw new DomainError(
      ErrorCode.NOT_FOUND,
      text('没有该参赛选手。', 'No such entrant.'),
      'input.entrantId',
    );
  if (!(ctx.access.manages(e.host_path) || (e.unit_path && ctx.access.manages(e.unit_path))))
    throw forbidden(
      text(
        '申诉须由参赛选手所在单位或主办单位的组织者提出。',
        'Appeals come from the organizers of the entrant’s unit or of the host.',
      ),
    );
  if (
    e.status !== CompetitionStatus.PUBLISHED ||
    !e.appeal_deadline ||
    new Date(e.appeal_deadline).getTime() < Date.now()
  )
    throw new DomainError(
      ErrorCode.APPEAL_WINDOW_CLOSED,
      text('申诉在成绩公布后、截止时间前受理。', 'Appeals are taken after publication, until the deadline.'),
      'input.entrantId',
    );
  const [pending] = await em.execute<{ n: string }[]>(
    `select count(*) as n from appeal where entrant_id = ? and status = 'PENDING'`,
    [entrantId],
  );
  if (pending!.n !== '0')
    throw new DomainError(
      ErrorCode.APPEAL_PENDING,
      text('该参赛选手已有一项待处理的申诉。', 'An appeal for this entrant is already pending.'),
      'input.entrantId',
    );
  const [row] = await em.execute<AppealRow[]>(
    'insert into appeal (entrant_id, trade_id, filed_by, reason) values (?, ?, ?, ?) returning *',
    [entrantId, e.trade_id, ctx.access.accountId, reason],
  );
  await ctx.events.record(em, 'APPEAL_FILED', { appealId: row!.id, tradeId: e.trade_id, entrantId });
  await appendAudit(em, {
    competitionId: e.competition_id,
    kind: 'APPEAL_FILED',
    actorId: ctx.access.accountId,
    subject: { appealId: row!.id, entrantId, tradeId: e.trade_id },
    after: { reason },
  });
  return (await appealView(em, [row!]))[0]!;
}

/** The chief judge decides; upholding reopens the entrant's marks so corrections take the audited mark path. */
export async function resolveAppeal(
  ctx: Context,
  em: EntityManager,
  input: ResolveAppealInput,
): Promise<Appeal> {
  const p = new Problems();
  const d = fromGlobalId(input.appealId);
  if (!d || d.type !== 'Appeal')
    p.add(ErrorCode.INVALID_ID, text('不是有效的申诉 ID。', 'Not a valid appeal ID.'), 'input.appealId');
  const response = requiredText(p, 'input.response', input.response, 2000);
  p.throwIfAny();
  const [a] = await em.execute<
    (AppealRow & { competition_id: number; competition_status: CompetitionStatus })[]
  >(
    `select a.*, c.id as competition_id, c.status as competition_status
       from appeal a join trade t on t.id = a.trade_id join competition c on c.id = t.competition_id
      where a.id = ? for update of a`,
    [d!.id],
  );
  if (!a)
    throw new DomainError(ErrorCode.NOT_FOUND, text('没有该申诉。', 'No such appeal.'), 'input.appealId');
  if (!isAdmin(ctx.viewer) && !(await isChiefJudge(em, a.trade_id, ctx.access.accountId)))
    throw forbidden(
      text('只有该工种的裁判长可以处理申诉。', 'Only the trade’s chief judge resolves its appeals.'),
    );
  if (a.status !== AppealStatus.PENDING)
    throw new DomainError(
      ErrorCode.APPEAL_ALREADY_RESOLVED,
      text(`该申诉已是 ${a.status} 状态。`, `The appeal is already ${a.status}.`),
      'input.appealId',
    );
  if (a.competition_status !== CompetitionStatus.PUBLISHED)
    throw new DomainError(
      ErrorCode.WRONG_STAGE,
      text(`竞赛当前状态为 ${a.competition_status}。`, `The competition is ${a.competition_status}.`),
      'input.appealId',
    );
  const [row] = await em.execute<AppealRow[]>(
    `update appeal set status = ?, response = ?, resolved_by = ?, resolved_at = now() where id = ? returning *`,
    [input.decision, response, ctx.access.accountId, a.id],
  );
  if (input.decision === 'UPHELD') {
    await em.execute(
      'update entrant set marks_locked_at = null, marks_unlocked_at = clock_timestamp() where id = ?',
      [a.entrant_id],
    );
    await appendAudit(em, {
      competitionId: a.competition_id,
      kind: 'ENTRANT_UNLOCKED',
      actorId: ctx.access.accountId,
      subject: { entrantId: a.entrant_id, reason: `appeal ${a.id} upheld: ${response}` },
    });
  }
  await ctx.events.record(em, 'APPEAL_DECIDED', {
    appealId: a.id,
    tradeId: a.trade_id,
    entrantId: a.entrant_id,
    decision: input.decision,
  });
  await appendAudit(em, {
    competitionId: a.competition_id,
    kind: 'APPEAL_RESOLVED',
    actorId: ctx.access.accountId,
    subject: { appealId: a.id, entrantId: a.entrant_id, tradeId: a.trade_id },
    before: { status: a.status },
    after: { status: input.decision, response },
  });
  return (await appealView(em, [row!]))[0]!;
}
