import type { EntityManager } from '@mikro-orm/postgresql';
import { pgArray } from '../../shared/db/paging';
import { DomainError, ErrorCode, forbidden, Problems } from '../../shared/errors';
import type { Context } from '../../shared/graphql/context';
import { toGlobalId } from '../../shared/graphql/relay';
import { isAdmin } from '../../shared/access/viewer';
import { decodeId, requiredText } from '../../shared/validation';
import { appendAudit } from '../audit/audit.service';
import { CompetitionStatus } from '../competition/competition.entity';
import { isChiefJudge } from '../scoring/jury';
import { drawPending } from '../scoring/lots.service';
import { computeTradeResults } from '../scoring/results.service';
import type { MarkingScheme } from '../scoring/scheme';
import { enterRound } from './submissions.service';
import { AdvanceBy, type AdvanceRoundInput } from './campaign.types';
import { text } from '../../shared/i18n';

/**
 * Sends a signed-off round's best on to the next round of the category, by the round's rule;
 * CHOSEN rounds take the chief (lead) judge's list, each with a reason. Audited.
 */
export async function advanceRound(ctx: Context, em: EntityManager, input: AdvanceRoundInput) {
  const p = new Problems();
  const tradeId = decodeId(p, 'input.tradeId', input.tradeId, 'Trade');
  const chosen = (input.chosen ?? []).map((c, i) => ({
    id: decodeId(p, `input.chosen.${i}.entrantId`, c.entrantId, 'Entrant'),
    reason: requiredText(p, `input.chosen.${i}.reason`, c.reason, 500),
  }));
  p.throwIfAny();
  const [t] = await em.execute<
    {
      competition_id: number;
      category_id: number | null;
      round_no: number;
      advance_rule: { by: AdvanceBy; count: number | null; minTotal: number | null } | null;
      signed: boolean;
      scheme: MarkingScheme | null;
      host_path: string;
      status: CompetitionStatus;
    }[]
  >(
    `select t.competition_id, t.category_id, t.round_no, t.advance_rule, t.marks_locked_at is not null as signed,
            t.marking_scheme as scheme, o.path::text as host_path, c.status
       from trade t join competition c on c.id = t.competition_id join organization o on o.id = c.host_id
      where t.id = ? for no key update of t`,
    [tradeId],
  );
  if (!t || !t.category_id || !t.advance_rule)
    throw new DomainError(
      ErrorCode.NOT_FOUND,
      text('没有这一轮次，或该轮次没有下一轮。', 'No such round with a next round.'),
      'input.tradeId',
    );
  const chief = isAdmin(ctx.viewer) || (await isChiefJudge(em, tradeId, ctx.access.accountId));
  if (t.advance_rule.by === AdvanceBy.CHOSEN ? !chief : !(chief || ctx.access.manages(t.host_path)))
    throw forbidden(
      t.advance_rule.by === AdvanceBy.CHOSEN
        ? text(
            '晋级人选由本轮评审组长（裁判长）决定。',
            'The round’s lead (chief) judge chooses who goes on.',
          )
        : text(
            '只有本轮评审组长或主办单位的组织者可以推进晋级。',
            'Only the round’s lead judge or the host’s organizers move it on.',
          ),
    );
  if (t.status !== CompetitionStatus.RUNNING)
    throw new DomainError(
      ErrorCode.WRONG_STAGE,
      text('只能在活动进行期间晋级到下一轮。', 'Rounds move on while the campaign runs.'),
      'input.tradeId',
    );
  if (!t.signed)
    throw new DomainError(
      ErrorCode.TRADE_NOT_SIGNED_OFF,
      text('请先由评审组长锁定本轮评分。', 'The lead judge locks the round first.'),
      'input.tradeId',
    );
  const [next] = await em.execute<{ id: number }[]>(
    'select id from trade where category_id = ? and round_no = ?',
    [t.category_id, t.round_no + 1],
  );
  if (!next)
    throw new DomainError(
      ErrorCode.NOT_FOUND,
      text('该类别没有下一轮。', 'The category has no next round.'),
      'input.tradeId',
    );
  const [done] = await em.execute<{ n: string }[]>(
    'select count(*) as n from round_advance where trade_id = ?',
    [tradeId],
  );
  if (done!.n !== '0')
    throw new DomainError(
      ErrorCode.DUPLICATE,
      text('本轮已完成晋级。', 'This round has already moved on.'),
      'input.tradeId',
    );
  if (!t.scheme)
    throw new DomainError(
      ErrorCode.VALIDATION,
      text('本轮没有评分标准。', 'The round has no marking scheme.'),
      'input.tradeId',
    );
  const results = (await computeTradeResults(em, tradeId, t.scheme)).entries;
  const rule = t.advance_rule;
  let picks: { id: number; reason: string }[];
  if (rule.by === AdvanceBy.CHOSEN) {
    const inRound = new Set(results.map((r) => r.entrant.id));
    chosen.forEach((c, i) => {
      if (!inRound.has(c.id))
        p.add(
          ErrorCode.VALIDATION,
          text('不是本轮的参评项目。', 'Not a submission of this round.'),
          `input.chosen.${i}.entrantId`,
        );
    });
    if (chosen.length === 0)
      p.add(ErrorCode.REQUIRED, text('请选择晋级者。', 'Choose who goes on.'), 'input.chosen');
    p.throwIfAny();
    picks = chosen;
  } else {
    picks = results
      .filter((r) => (rule.by === AdvanceBy.TOP_N ? r.rank <= rule.count! : r.total >= rule.minTotal!))
      .map((r) => ({
        id: r.entrant.id,
        reason:
          rule.by === AdvanceBy.TOP_N
            ? `rank ${r.rank} ≤ ${rule.count}`
            : `total ${r.total} ≥ ${rule.minTotal}`,
      }));
  }
  const subs = await em.execute<
    {
      entrant_id: number;
      id: number;
      person_id: number | null;
      team_id: number | null;
      studio_id: number | null;
    }[]
  >(
    `select e.id as entrant_id, s.id, s.person_id, s.team_id, s.studio_id from entrant e join submission s on s.id = e.submission_id
      where e.id = any(?::int[])`,
    [pgArray(picks.map((x) => x.id))],
  );
  for (const pick of picks) {
    const s = subs.find((x) => x.entrant_id === pick.id)!;
    const nextEntrant = await enterRound(em, next.id, s);
    await em.execute(
      'insert into round_advance (trade_id, entrant_id, next_entrant_id, reason, decided_by) values (?, ?, ?, ?, ?)',
      [tradeId, pick.id, nextEntrant, pick.reason, ctx.access.accountId],
    );
  }
  await drawPending(em, next.id, t.competition_id, ctx.access.accountId);
  // The new round's board follows from the entrants it now has (the leaderboard projects it).
  await ctx.events.record(em, 'RESULT_INPUTS_CHANGED', { tradeId: next.id, entrantIds: null });
  await appendAudit(em, {
    competitionId: t.competition_id,
    kind: 'ROUND_ADVANCED',
    actorId: ctx.access.accountId,
    subject: { tradeId, nextTradeId: next.id },
    after: { rule, advanced: picks.map((x) => ({ entrantId: x.id, reason: x.reason })) },
  });
  return { advanced: picks.map((x) => toGlobalId('Entrant', x.id)), nextId: next.id };
}
