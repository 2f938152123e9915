import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError, ErrorCode, Problems } from '../../shared/errors';
import type { Context } from '../../shared/graphql/context';
import { toGlobalId } from '../../shared/graphql/relay';
import { appendAudit } from '../audit/audit.service';
import { type Competition, CompetitionKind, CompetitionStatus } from '../competition/competition.entity';
import { loadManagedCompetition, recordTransition } from '../competition/competition.service';
import { revealLots } from './lots.service';
import { ENTRANT_LOCKED_SQL } from './marks.service';
import { recheckView } from './recheck.service';
import { computeTradeResults } from './results.service';
import type { MarkingScheme } from './scheme';
import type { PublishResultsInput } from './review.types';
import { text } from '../../shared/i18n';

/**
 * Publishes the results: every trade with checked-in entrants must have lots drawn for all of
 * them, be signed off with no entrant reopened, and have its re-check complete. Reveals the
 * identities (the draws' seeds and the number table go into the audit log) and opens the notice
 * period; appeals are taken until the deadline.
 */
export async function publishResults(
  ctx: Context,
  em: EntityManager,
  input: PublishResultsInput,
): Promise<Competition> {
  const p = new Problems();
  const now = Date.now();
  const noticeEndsAt = new Date(input.noticeEndsAt);
  const appealDeadline = input.appealDeadline ? new Date(input.appealDeadline) : noticeEndsAt;
  if (!(noticeEndsAt.getTime() > now))
    p.add(
      ErrorCode.OUT_OF_RANGE,
      text('公示期须在将来结束。', 'The notice period must end in the future.'),
      'input.noticeEndsAt',
    );
  if (!(appealDeadline.getTime() > now) || appealDeadline > noticeEndsAt)
    p.add(
      ErrorCode.OUT_OF_RANGE,
      text(
        '申诉截止时间须在将来，且不晚于公示结束。',
        'The appeal deadline lies in the future, at the latest when the notice ends.',
      ),
      'input.appealDeadline',
    );
  p.throwIfAny();
  const c = await loadManagedCompetition(ctx, em, input.competitionId, 'input.competitionId', true);
  if (c.status !== CompetitionStatus.SCORING_CLOSED)
    throw new DomainError(
      ErrorCode.INVALID_TRANSITION,
      text(
        `成绩须在 SCORING_CLOSED 状态下公布，当前为 ${c.status}。`,
        `Results are published from SCORING_CLOSED, not ${c.status}.`,
      ),
      'input.competitionId',
    );
  const trades = await em.execute<
    { id: number; name: string; signed: boolean; undrawn: string; reopened: string }[]
  >(
    `select t.id, t.name, t.marks_locked_at is not null as signed,
            count(*) filter (where e.lot_number is null) as undrawn,
            count(*) filter (where not ${ENTRANT_LOCKED_SQL}) as reopened
       from trade t join entrant e on e.trade_id = t.id and e.status = 'CHECKED_IN'
      where t.competition_id = ? group by t.id order by t.id`,
    [c.id],
  );
  for (const t of trades) {
    const field = `trades.${toGlobalId('Trade', t.id)}`;
    if (t.undrawn !== '0')
      p.add(
        ErrorCode.LOTS_NOT_DRAWN,
        text(
          `${t.name}：${t.undrawn} 名参赛选手没有抽签号。`,
          `${t.name}: ${t.undrawn} entrants have no anonymous number.`,
        ),
        field,
      );
    if (!t.signed)
      p.add(
        ErrorCode.TRADE_NOT_SIGNED_OFF,
        text(`${t.name}：裁判长尚未锁定评分。`, `${t.name}: the chief judge has not locked the marks.`),
        field,
      );
    else if (t.reopened !== '0')
      p.add(
        ErrorCode.MARKS_REOPENED,
        text(
          `${t.name}：${t.reopened} 名参赛选手的评分已重新开放。`,
          `${t.name}: ${t.reopened} entrants are reopened.`,
        ),
        field,
      );
    // 复核 is a skills-contest rule (技术规程); campaign rounds are signed off without it.
    const recheck =
      c.kind === CompetitionKind.INNOVATION
        ? { complete: true, fullRecheckRequired: false }
        : await recheckView(em, t.id);
    if (recheck?.fullRecheckRequired && !recheck.complete)
      p.add(
        ErrorCode.FULL_RECHECK_REQUIRED,
        text(
          `${t.name}：抽查差错率超过 5%，请完成全面复核。`,
          `${t.name}: the sample’s error rate exceeded 5 %; finish the full re-check.`,
        ),
        field,
      );
    else if (!recheck?.complete)
      p.add(
        ErrorCode.RECHECK_INCOMPLETE,
        text(`${t.name}：复核尚未完成。`, `${t.name}: the re-check is not complete.`),
        field,
      );
  }
  p.throwIfAny();
  await revealLots(em, c.id, ctx.access.accountId);
  c.resultsPublishedAt = new Date(now);
  c.noticeEndsAt = noticeEndsAt;
  c.appealDeadline = appealDeadline;
  await recordTransition(ctx, em, c, CompetitionStatus.PUBLISHED, null);
  await ctx.events.record(em, 'RESULTS_PUBLISHED', {
    competitionId: c.id,
    noticeEndsAt: noticeEndsAt.toISOString(),
    appealDeadline: appealDeadline.toISOString(),
  });
  await appendAudit(em, {
    competitionId: c.id,
    kind: 'RESULTS_PUBLISHED',
    actorId: ctx.access.accountId,
    subject: { competitionId: c.id },
    after: {
      noticeEndsAt: noticeEndsAt.toISOString(),
      appealDeadline: appealDeadline.toISOString(),
      results: await resultsDigest(em, c.id),
    },
  });
  return c;
}

/** Rank, total and tier of every entrant: recorded in the audit log at publication and at finality. */
async function resultsDigest(em: EntityManager, competitionId: number) {
  const trades = await em.execute<{ id: number; marking_scheme: MarkingScheme | null }[]>(
    'select id, marking_scheme from trade where competition_id = ? and marking_scheme is not null order by id',
    [competitionId],
  );
  const out: { tradeId: number; entries: [number, number, number, string | null][] }[] = [];
  for (const t of trades) {
    const r = await computeTradeResults(em, t.id, t.marking_scheme!);
    out.push({ tradeId: t.id, entries: r.entries.map((e) => [e.entrant.id, e.rank, e.total, e.awardTier]) });
  }
  return out;
}

/** After the notice period, with every appeal resolved and every reopened entrant locked again. */
export async function finalizeResults(
  ctx: Context,
  em: EntityManager,
  competitionGlobalId: string,
): Promise<Competition> {
  const c = await loadManagedCompetition(ctx, em, competitionGlobalId, 'input.competitionId', true);
  if (c.status !== CompetitionStatus.PUBLISHED)
    throw new DomainError(
      ErrorCode.INVALID_TRANSITION,
      text(
        `成绩须在 PUBLISHED 状态下确定为最终成绩，当前为 ${c.status}。`,
        `Results become final from PUBLISHED, not ${c.status}.`,
      ),
      'input.competitionId',
    );
  const p = new Problems();
  if (c.noticeEndsAt && c.noticeEndsAt.getTime() > Date.now())
    p.add(
      ErrorCode.NOTICE_PERIOD_OPEN,
      text(
        `公示期至 ${c.noticeEndsAt.toISOString()} 结束。`,
        `The notice period runs until ${c.noticeEndsAt.toISOString()}.`,
      ),
      'input.competitionId',
    );
  const [state] = await em.execute<{ pending: string; reopened: string }[]>(
    `select (select count(*) from appeal a join trade t on t.id = a.trade_id where t.competition_id = ? and a.status = 'PENDING') as pending,
            (select count(*) from entrant e join trade t on t.id = e.trade_id
              where t.competition_id = ? and e.status = 'CHECKED_IN' and not ${ENTRANT_LOCKED_SQL}) as reopened`,
    [c.id, c.id],
  );
  if (state!.pending !== '0')
    p.add(
      ErrorCode.APPEALS_PENDING,
      text(`还有 ${state!.pending} 项申诉未处理。`, `${state!.pending} appeals are not resolved.`),
      'input.competitionId',
    );
  if (state!.reopened !== '0')
    p.add(
      ErrorCode.MARKS_REOPENED,
      text(
        `${state!.reopened} 名参赛选手的评分已重新开放：须由裁判长重新锁定。`,
        `${state!.reopened} entrants’ marks are reopened: the chief judge locks them again.`,
      ),
      'input.competitionId',
    );
  p.throwIfAny();
  c.resultsFinalAt = new Date();
  await recordTransition(ctx, em, c, CompetitionStatus.FINAL, null);
  // Who acts on final results (a campaign's honors) projects this event in this transaction.
  await ctx.events.record(em, 'RESULTS_FINAL', {
    competitionId: c.id,
    kind: c.kind,
    actorId: ctx.access.accountId,
  });
  await appendAudit(em, {
    competitionId: c.id,
    kind: 'RESULTS_FINAL',
    actorId: ctx.access.accountId,
    subject: { competitionId: c.id },
    after: { results: await resultsDigest(em, c.id) },
  });
  return c;
}
