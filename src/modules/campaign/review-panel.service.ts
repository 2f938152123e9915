import type { EntityManager } from '@mikro-orm/postgresql';
import { appendAudit } from '../audit/audit.service';
import { checkReferences } from '../../shared/access/references';
import { pgArray } from '../../shared/db/paging';
import { DomainError, ErrorCode, Problems } from '../../shared/errors';
import type { Context } from '../../shared/graphql/context';
import { toGlobalId } from '../../shared/graphql/relay';
import { decodeId, intInRange } from '../../shared/validation';
import { CompetitionStatus } from '../competition/competition.entity';
import { AssignmentImpossible, assignReviewers as balance } from '../scoring/assignment';
import { drawPending } from '../scoring/lots.service';
import { ENTRANT_UNIT } from '../scoring/marks.service';
import type { AssignReviewersInput, SetReviewersInput } from './campaign.types';
import { text } from '../../shared/i18n';

/**
 * Balanced assignment of K reviewers per submission, at most L per judge, avoiding conflicts:
 * the judge's employer is (or is above) the submitter's unit, a declared conflict, or the judge
 * is a member of the submitting studio. The judges join the round's panel and may then mark
 * only the submissions assigned to them; lots are drawn for the round's numbers.
 */
export async function assignRoundReviewers(ctx: Context, em: EntityManager, input: AssignReviewersInput) {
  const p = new Problems();
  const tradeId = decodeId(p, 'input.tradeId', input.tradeId, 'Trade');
  const judgeIds = [
    ...new Set(input.judgeIds.map((g, i) => decodeId(p, `input.judgeIds.${i}`, g, 'Account'))),
  ];
  intInRange(p, 'input.perSubmission', input.perSubmission, 1, 20);
  intInRange(p, 'input.maxPerJudge', input.maxPerJudge, 1, 10_000);
  if (judgeIds.length < input.perSubmission)
    p.add(
      ErrorCode.OUT_OF_RANGE,
      text('评审人数少于每个项目所需的评审人数。', 'Fewer judges than reviewers per submission.'),
      'input.judgeIds',
    );
  p.throwIfAny();
  const [t] = await em.execute<
    { competition_id: number; category_id: number | null; host_path: string; status: CompetitionStatus }[]
  >(
    `select t.competition_id, t.category_id, o.path::text as host_path, c.status
       from trade t join competition c on c.id = t.competition_id join organization o on o.id = c.host_id
      where t.id = ? for no key update of t`,
    [tradeId],
  );
  if (!t || !t.category_id)
    throw new DomainError(
      ErrorCode.NOT_FOUND,
      text('没有该活动轮次。', 'No such campaign round.'),
      'input.tradeId',
    );
  ctx.access.assertManages(t.host_path, text('此活动', 'this campaign'));
  if (![CompetitionStatus.REGISTRATION_OPEN, CompetitionStatus.RUNNING].includes(t.status))
    throw new DomainError(
      ErrorCode.WRONG_STAGE,
      text(`活动当前状态为 ${t.status}。`, `The campaign is ${t.status}.`),
      'input.tradeId',
    );
  const [marked] = await em.execute<{ n: string }[]>('select count(*) as n from mark where trade_id = ?', [
    tradeId,
  ]);
  if (marked!.n !== '0')
    throw new DomainError(
      ErrorCode.WRONG_STAGE,
      text('已有评分：评审分配不能再更改。', 'Marks exist: the assignment no longer changes.'),
      'input.tradeId',
    );
  const judges = await loadJudges(ctx, p, em, judgeIds);
  const items = await conflictsOf(em, tradeId, null, judges);
  let plan: Map<number, number[]>;
  try {
    plan = balance({
      items,
      judges: judgeIds,
      perSubmission: input.perSubmission,
      maxPerJudge: input.maxPerJudge,
    });
  } catch (err) {
    if (err instanceof AssignmentImpossible)
      throw new DomainError(ErrorCode.OUT_OF_RANGE, err.text, 'input.judgeIds');
    throw err;
  }
  await em.execute('delete from review_assignment where trade_id = ?', [tradeId]);
  const pairs = [...plan].flatMap(([entrant, js]) => js.map((j) => [entrant, j] as const));
  if (pairs.length) {
    await em.execute(
      `insert into review_assignment (trade_id, entrant_id, judge_id) select ?, v.e, v.j from unnest(?::int[], ?::int[]) as v(e, j)`,
      [tradeId, pgArray(pairs.map((x) => x[0])), pgArray(pairs.map((x) => x[1]))],
    );
  }
  for (const j of judgeIds) {
    await em.execute(
      `insert into judge_assignment (trade_id, account_id, role) values (?, ?, 'JUDGE') on conflict (trade_id, account_id) do nothing`,
      [tradeId, j],
    );
  }
  await em.execute('update trade set per_entrant_panels = true where id = ?', [tradeId]);
  await drawPending(em, tradeId, t.competition_id, ctx.access.accountId);
  await appendAudit(em, {
    competitionId: t.competition_id,
    kind: 'REVIEWERS_ASSIGNED',
    actorId: ctx.access.accountId,
    subject: { tradeId },
    after: { judgeIds, perSubmission: input.perSubmission, maxPerJudge: input.maxPerJudge, pairs },
  });
  return reviewPlan(em, tradeId);
}

interface JudgeRow {
  id: number;
  role: string;
  person_id: number | null;
  path: string | null;
}

/**
 * Which of these judges may not review each checked-in entrant of the round (or one entrant):
 * the judge's employer is the submitter's unit or above it, a declared conflict, or the judge
 * is a member of the submitting studio.
 */
async function conflictsOf(em: EntityManager, tradeId: number, entrantId: number | null, judges: JudgeRow[]) {
  const entrants = await em.execute<{ id: number; unit_path: string | null; studio_id: number | null }[]>(
    `select e.id, ${ENTRANT_UNIT.path} as unit_path, s.studio_id from entrant e
       left join submission s on s.id = e.submission_id ${ENTRANT_UNIT.joins}
      where e.trade_id = ? and e.status = 'CHECKED_IN' ${entrantId ? 'and e.id = ?' : ''} order by e.id`,
    entrantId ? [tradeId, entrantId] : [tradeId],
  );
  const declared = await em.execute<{ account_id: number; entrant_id: number }[]>(
    `select account_id, entrant_id from conflict_declaration where entrant_id in (select id from entrant where trade_id = ?)`,
    [tradeId],
  );
  const memberships = await em.execute<{ studio_id: number; person_id: number }[]>(
    'select studio_id, person_id from studio_member where person_id = any(?::int[])',
    [pgArray(judges.map((j) => j.person_id).filter((x): x is number => x !== null))],
  );
  return entrants.map((e) => {
    const conflicts = new Set<number>();
    for (const j of judges) {
      const within =
        j.path && e.unit_path && (e.unit_path === j.path || e.unit_path.startsWith(`${j.path}.`));
      const declaredHere = declared.some((d) => d.account_id === j.id && d.entrant_id === e.id);
      const ownStudio =
        e.studio_id !== null &&
        memberships.some((m) => m.studio_id === e.studio_id && m.person_id === j.person_id);
      if (within || declaredHere || ownStudio) conflicts.add(j.id);
    }
    return { id: e.id, conflicts };
  });
}

async function loadJudges(
  ctx: Context,
  p: Problems,
  em: EntityManager,
  judgeIds: number[],
): Promise<JudgeRow[]> {
  // Reviewers are accounts the caller manages; others are refused as missing.
  await checkReferences(
    ctx.access,
    em,
    'Account',
    judgeIds.map((id, i) => ({ field: `input.judgeIds.${i}`, id })),
    'manage',
  );
  const judges = await em.execute<JudgeRow[]>(
    `select a.id, a.role, a.person_id, o.path::text as path from account a
       left join person pe on pe.id = a.person_id left join organization o on o.id = pe.employer_id
      where a.id = any(?::int[])`,
    [pgArray(judgeIds)],
  );
  judgeIds.forEach((id, i) => {
    const j = judges.find((x) => x.id === id);
    if (!j) p.add(ErrorCode.NOT_FOUND, text('没有该账号。', 'No such account.'), `input.judgeIds.${i}`);
    else if (j.role !== 'JUDGE' && j.role !== 'CHIEF_JUDGE')
      p.add(
        ErrorCode.KIND_MISMATCH,
        text('只有评审可以评审。', 'Only judges review.'),
        `input.judgeIds.${i}`,
      );
  });
  p.throwIfAny();
  return judges;
}

/** Manual assignment of one submission's reviewers; a conflicted judge is refused. */
export async function setReviewers(ctx: Context, em: EntityManager, input: SetReviewersInput) {
  const p = new Problems();
  const entrantId = decodeId(p, 'input.entrantId', input.entrantId, 'Entrant');
  const judgeIds = [
    ...new Set(input.judgeIds.map((g, i) => decodeId(p, `input.judgeIds.${i}`, g, 'Account'))),
  ];
  if (judgeIds.length < 1 || judgeIds.length > 20)
    p.add(ErrorCode.OUT_OF_RANGE, text('请指定 1–20 名评审。', 'Give 1–20 reviewers.'), 'input.judgeIds');
  p.throwIfAny();
  const [e] = await em.execute<
    {
      trade_id: number;
      category_id: number | null;
      competition_id: number;
      host_path: string;
      status: CompetitionStatus;
    }[]
  >(
    `select e.trade_id, t.category_id, t.competition_id, o.path::text as host_path, c.status
       from entrant e join trade t on t.id = e.trade_id join competition c on c.id = t.competition_id
       join organization o on o.id = c.host_id where e.id = ? for no key update of t`,
    [entrantId],
  );
  if (!e || !e.category_id)
    throw new DomainError(
      ErrorCode.NOT_FOUND,
      text('没有该参评者。', 'No such campaign entrant.'),
      'input.entrantId',
    );
  ctx.access.assertManages(e.host_path, text('此活动', 'this campaign'));
  if (![CompetitionStatus.REGISTRATION_OPEN, CompetitionStatus.RUNNING].includes(e.status))
    throw new DomainError(
      ErrorCode.WRONG_STAGE,
      text(`活动当前状态为 ${e.status}。`, `The campaign is ${e.status}.`),
      'input.entrantId',
    );
  const judges = await loadJudges(ctx, p, em, judgeIds);
  const [item] = await conflictsOf(em, e.trade_id, entrantId, judges);
  if (!item)
    throw new DomainError(
      ErrorCode.VALIDATION,
      text('参评者尚未检录。', 'The entrant is not checked in.'),
      'input.entrantId',
    );
  judgeIds.forEach((j, i) => {
    if (item.conflicts.has(j))
      p.add(
        ErrorCode.CONFLICT_OF_INTEREST,
        text('该评审与此项目存在利益冲突。', 'This judge has a conflict of interest with the submission.'),
        `input.judgeIds.${i}`,
      );
  });
  p.throwIfAny();
  const [marked] = await em.execute<{ n: string }[]>('select count(*) as n from mark where entrant_id = ?', [
    entrantId,
  ]);
  if (marked!.n !== '0')
    throw new DomainError(
      ErrorCode.WRONG_STAGE,
      text('已有评分：评审人员不能再更改。', 'Marks exist: the reviewers no longer change.'),
      'input.entrantId',
    );
  await em.execute('delete from review_assignment where entrant_id = ?', [entrantId]);
  await em.execute(
    'insert into review_assignment (trade_id, entrant_id, judge_id) select ?, ?, unnest(?::int[])',
    [e.trade_id, entrantId, pgArray(judgeIds)],
  );
  for (const j of judgeIds) {
    await em.execute(
      `insert into judge_assignment (trade_id, account_id, role) values (?, ?, 'JUDGE') on conflict (trade_id, account_id) do nothing`,
      [e.trade_id, j],
    );
  }
  await em.execute('update trade set per_entrant_panels = true where id = ?', [e.trade_id]);
  await drawPending(em, e.trade_id, e.competition_id, ctx.access.accountId);
  await appendAudit(em, {
    competitionId: e.competition_id,
    kind: 'REVIEWERS_SET',
    actorId: ctx.access.accountId,
    subject: { tradeId: e.trade_id, entrantId },
    after: { judgeIds },
  });
  return reviewPlan(em, e.trade_id);
}

export async function reviewPlan(em: EntityManager, tradeId: number) {
  const rows = await em.execute<{ entrant_id: number; judge_id: number; lot_code: string | null }[]>(
    `select r.entrant_id, r.judge_id, e.lot_code from review_assignment r join entrant e on e.id = r.entrant_id
      where r.trade_id = ? order by r.entrant_id, r.judge_id`,
    [tradeId],
  );
  const byEntrant = new Map<number, { lot: string | null; judges: number[] }>();
  const loads = new Map<number, number>();
  for (const r of rows) {
    const x = byEntrant.get(r.entrant_id) ?? { lot: r.lot_code, judges: [] };
    x.judges.push(r.judge_id);
    byEntrant.set(r.entrant_id, x);
    loads.set(r.judge_id, (loads.get(r.judge_id) ?? 0) + 1);
  }
  return {
    assignments: [...byEntrant].map(([e, x]) => ({
      entrantId: toGlobalId('Entrant', e),
      anonymousNumber: x.lot,
      judgeIds: x.judges.map((j) => toGlobalId('Account', j)),
    })),
    loads: [...loads]
      .sort((a, b) => a[0] - b[0])
      .map(([j, n]) => ({ judgeId: toGlobalId('Account', j), assigned: n })),
  };
}
