import type { EntityManager } from '@mikro-orm/postgresql';
import { pgArray } from '../../shared/db/paging';
import { DomainError, ErrorCode, forbidden, Problems } from '../../shared/errors';
import type { Context } from '../../shared/graphql/context';
import { fromGlobalId, toGlobalId } from '../../shared/graphql/relay';
import { isAdmin } from '../../shared/access/viewer';
import { decodeId, intInRange, optionalText, requiredText } from '../../shared/validation';
import { appendAudit } from '../audit/audit.service';
import { Competition, CompetitionKind, CompetitionStatus, Trade } from '../competition/competition.entity';
import { loadManagedCompetition } from '../competition/competition.service';
import { announceBoard, refreshBoard } from '../leaderboard/board-write';
import { Organization } from '../organization/organization.entity';
import { AssignmentImpossible, assignReviewers as balance } from '../scoring/assignment';
import { isChiefJudge } from '../scoring/jury';
import { drawPending } from '../scoring/lots.service';
import { ENTRANT_UNIT } from '../scoring/marks.service';
import { computeTradeResults } from '../scoring/results.service';
import type { MarkingScheme } from '../scoring/scheme';
import {
  AdvanceBy,
  type AddRoundInput,
  type AdvanceRoundInput,
  type AssignReviewersInput,
  CampaignCategory,
  type CreateCampaignInput,
  Eligibility,
  type ReviewEligibilityInput,
  type SetReviewersInput,
  RoundKind,
  Submission,
  type SubmitEntryInput,
} from './campaign.types';

const CONFIGURABLE = [CompetitionStatus.DRAFT, CompetitionStatus.REGISTRATION_OPEN];

interface CategoryRow {
  id: number;
  competition_id: number;
  code: string;
  name: string;
  award_quota: number;
}

// ---------------------------------------------------------------- campaigns and rounds

export async function createCampaign(ctx: Context, em: EntityManager, input: CreateCampaignInput) {
  const p = new Problems();
  const name = requiredText(p, 'input.name', input.name, 200);
  const description = optionalText(p, 'input.description', input.description, 5000);
  intInRange(p, 'input.year', input.year, 2000, 2100);
  const hostId = decodeId(p, 'input.hostId', input.hostId, 'Organization');
  const opens = new Date(input.submissionsOpenAt);
  const closes = new Date(input.submissionsCloseAt);
  if (!(closes > opens))
    p.add(ErrorCode.VALIDATION, 'Submissions close after they open.', 'input.submissionsCloseAt');
  if (input.categories.length < 1 || input.categories.length > 20)
    p.add(ErrorCode.OUT_OF_RANGE, 'A campaign has 1–20 categories.', 'input.categories');
  const codes = new Set<string>();
  input.categories.forEach((c, i) => {
    const code = requiredText(p, `input.categories.${i}.code`, c.code, 50);
    requiredText(p, `input.categories.${i}.name`, c.name, 200);
    intInRange(p, `input.categories.${i}.awardQuota`, c.awardQuota, 0, 10_000);
    if (codes.has(code))
      p.add(ErrorCode.DUPLICATE, 'Category codes are unique.', `input.categories.${i}.code`);
    codes.add(code);
  });
  p.throwIfAny();
  const host = await em.findOne(Organization, { id: hostId });
  if (!host) throw new DomainError(ErrorCode.NOT_FOUND, 'No such union.', 'input.hostId');
  ctx.access.assertManages(host.path, 'that union');
  const c = em.create(Competition, {
    name,
    kind: CompetitionKind.INNOVATION,
    year: input.year,
    host,
    description,
    submissionsOpenAt: opens,
    submissionsCloseAt: closes,
  });
  await em.flush();
  for (const cat of input.categories) {
    await em.execute(
      'insert into campaign_category (competition_id, code, name, award_quota) values (?, ?, ?, ?)',
      [c.id, cat.code.trim(), cat.name.trim(), cat.awardQuota],
    );
  }
  return c;
}

async function loadCategory(ctx: Context, em: EntityManager, globalId: string, field: string) {
  const p = new Problems();
  const id = decodeId(p, field, globalId, 'CampaignCategory');
  p.throwIfAny();
  const [cat] = await em.execute<CategoryRow[]>('select * from campaign_category where id = ?', [id]);
  if (!cat) throw new DomainError(ErrorCode.NOT_FOUND, 'No such category.', field);
  const competition = await loadManagedCompetition(
    ctx,
    em,
    toGlobalId('Competition', cat.competition_id),
    field,
    true,
  );
  return { cat, competition };
}

/** The next judged round of a category; the final round's award rule starts as its quota. */
export async function addRound(ctx: Context, em: EntityManager, input: AddRoundInput): Promise<Trade> {
  const p = new Problems();
  const rule = input.advance ?? null;
  if (input.kind === RoundKind.FINAL && rule)
    p.add(ErrorCode.VALIDATION, 'The final round sends nobody on.', 'input.advance');
  if (input.kind !== RoundKind.FINAL && !rule)
    p.add(ErrorCode.REQUIRED, 'Say who goes on to the next round.', 'input.advance');
  if (rule?.by === AdvanceBy.TOP_N && !(Number.isInteger(rule.count) && rule.count! >= 1))
    p.add(ErrorCode.OUT_OF_RANGE, 'TOP_N needs a count ≥ 1.', 'input.advance.count');
  if (
    rule?.by === AdvanceBy.THRESHOLD &&
    !(Number.isFinite(rule.minTotal) && rule.minTotal! >= 0 && rule.minTotal! <= 100)
  )
    p.add(ErrorCode.OUT_OF_RANGE, 'THRESHOLD needs a minTotal from 0 to 100.', 'input.advance.minTotal');
  p.throwIfAny();
  const { cat, competition } = await loadCategory(ctx, em, input.categoryId, 'input.categoryId');
  if (!CONFIGURABLE.includes(competition.status))
    throw new DomainError(
      ErrorCode.COMPETITION_CLOSED,
      'Rounds are set up before judging starts.',
      'input.categoryId',
    );
  const rounds = await em.execute<{ round_no: number; round_kind: RoundKind }[]>(
    'select round_no, round_kind from trade where category_id = ? order by round_no',
    [cat.id],
  );
  if (rounds.some((r) => r.round_kind === RoundKind.FINAL))
    throw new DomainError(
      ErrorCode.INVALID_TRANSITION,
      'The category’s final round is already set.',
      'input.kind',
    );
  const roundNo = rounds.length + 1;
  const label = { SCORING: '专家评审', PRESENTATION: '讲解答疑', FINAL: '终评' }[input.kind];
  const trade = em.create(Trade, {
    competition,
    name: `${cat.name}·第${roundNo}轮${label}`.slice(0, 100),
    theoryWeight: 0,
    practicalWeight: 100,
    capacity: 1_000_000,
    categoryId: cat.id,
    roundNo,
    roundKind: input.kind,
    blindReview: input.blind,
  });
  await em.flush();
  const advance = rule
    ? {
        by: rule.by,
        count: rule.by === AdvanceBy.TOP_N ? rule.count : null,
        minTotal: rule.by === AdvanceBy.THRESHOLD ? rule.minTotal : null,
      }
    : null;
  await em.execute('update trade set advance_rule = ?::jsonb where id = ?', [
    JSON.stringify(advance),
    trade.id,
  ]);
  if (input.kind === RoundKind.FINAL && cat.award_quota > 0) {
    await em.execute('update trade set results_rules = ?::jsonb where id = ?', [
      JSON.stringify({
        tieBreak: [],
        awards: { by: 'COUNT', tiers: [{ tier: 'FIRST', count: cat.award_quota }] },
        titles: [],
      }),
      trade.id,
    ]);
  }
  return trade;
}

// ---------------------------------------------------------------- submissions

interface SubmissionRow {
  id: number;
  competition_id: number;
  category_id: number;
  code: string;
  title: string;
  summary: string | null;
  person_id: number | null;
  team_id: number | null;
  studio_id: number | null;
  attachments: Submission['attachments'];
  tags: string[];
  eligibility: Eligibility;
  eligibility_reason: string | null;
  submitted_at: string;
  submitter_name: string | null;
  submitter_unit: string | null;
  unit_path: string;
}

const SUBMISSION_SELECT = `
  select s.*, c.code, coalesce(p.name, t.name, st.name) as submitter_name,
         coalesce(po.name, tor.name, sh.name) as submitter_unit,
         coalesce(po.path, tor.path, sh.path)::text as unit_path
    from submission s join campaign_category c on c.id = s.category_id
    left join person p on p.id = s.person_id left join organization po on po.id = p.employer_id
    left join team t on t.id = s.team_id left join organization tor on tor.id = t.organization_id
    left join studio st on st.id = s.studio_id left join organization sh on sh.id = st.host_id`;

export function submissionView(r: SubmissionRow, identities: boolean): Submission {
  // An instance, not a literal: `node(id:)` tells the types apart by class.
  return Object.assign(new Submission(), {
    id: toGlobalId('Submission', r.id),
    title: r.title,
    summary: r.summary,
    categoryCode: r.code,
    submitterName: identities ? r.submitter_name : null,
    submitterUnit: identities ? r.submitter_unit : null,
    attachments: r.attachments,
    tags: r.tags,
    eligibility: r.eligibility,
    eligibilityReason: r.eligibility_reason,
    submittedAt: new Date(r.submitted_at),
  });
}

export async function loadSubmissions(em: EntityManager, where: string, params: unknown[], limit?: number) {
  return em.execute<SubmissionRow[]>(
    `${SUBMISSION_SELECT} where ${where} order by s.id${limit ? ` limit ${Math.floor(limit)}` : ''}`,
    params,
  );
}

/** Entered by an organizer of the submitter's unit (or of the host) while the window is open. */
export async function submitEntry(
  ctx: Context,
  em: EntityManager,
  input: SubmitEntryInput,
): Promise<Submission> {
  const p = new Problems();
  const title = requiredText(p, 'input.title', input.title, 300);
  const summary = optionalText(p, 'input.summary', input.summary, 5000);
  const given = [input.personId, input.teamId, input.studioId].filter((x) => x != null);
  if (given.length !== 1)
    p.add(ErrorCode.VALIDATION, 'Give exactly one of personId, teamId or studioId.', 'input');
  const personId = input.personId ? decodeId(p, 'input.personId', input.personId, 'Person') : null;
  const teamId = input.teamId ? decodeId(p, 'input.teamId', input.teamId, 'Team') : null;
  const studioId = input.studioId ? decodeId(p, 'input.studioId', input.studioId, 'Studio') : null;
  const attachments = input.attachments ?? [];
  if (attachments.length > 20) p.add(ErrorCode.OUT_OF_RANGE, 'At most 20 attachments.', 'input.attachments');
  attachments.forEach((a, i) => {
    const f = `input.attachments.${i}`;
    let ok = false;
    try {
      const u = new URL(a.url);
      ok = (u.protocol === 'https:' || u.protocol === 'http:') && a.url.length <= 2000;
    } catch {
      ok = false;
    }
    if (!ok) p.add(ErrorCode.VALIDATION, 'An http(s) URL of at most 2,000 characters.', `${f}.url`);
    optionalText(p, `${f}.title`, a.title, 200);
    optionalText(p, `${f}.mimeType`, a.mimeType, 100);
    if (a.sizeBytes != null && !(Number.isInteger(a.sizeBytes) && a.sizeBytes >= 0))
      p.add(ErrorCode.OUT_OF_RANGE, 'Bytes: a whole number ≥ 0.', `${f}.sizeBytes`);
    if (a.durationSeconds != null && a.durationSeconds < 0)
      p.add(ErrorCode.OUT_OF_RANGE, 'Seconds ≥ 0.', `${f}.durationSeconds`);
  });
  const tags = [...new Set((input.tags ?? []).map((t) => t.trim()).filter(Boolean))];
  if (tags.length > 10 || tags.some((t) => [...t].length > 30))
    p.add(ErrorCode.OUT_OF_RANGE, 'At most 10 tags of 1–30 characters.', 'input.tags');
  const categoryId = decodeId(p, 'input.categoryId', input.categoryId, 'CampaignCategory');
  p.throwIfAny();
  const [cat] = await em.execute<
    (CategoryRow & { status: CompetitionStatus; opens: string; closes: string; host_path: string })[]
  >(
    `select c.*, k.status, k.submissions_open_at as opens, k.submissions_close_at as closes, o.path::text as host_path
       from campaign_category c join competition k on k.id = c.competition_id join organization o on o.id = k.host_id
      where c.id = ?`,
    [categoryId],
  );
  if (!cat) throw new DomainError(ErrorCode.NOT_FOUND, 'No such category.', 'input.categoryId');
  const [unit] = await em.execute<{ path: string; status?: string }[]>(
    personId
      ? 'select o.path::text as path from person p join organization o on o.id = p.employer_id where p.id = ?'
      : teamId
        ? 'select o.path::text as path from team t join organization o on o.id = t.organization_id where t.id = ?'
        : 'select o.path::text as path, s.status from studio s join organization o on o.id = s.host_id where s.id = ?',
    [personId ?? teamId ?? studioId],
  );
  if (!unit) throw new DomainError(ErrorCode.NOT_FOUND, 'No such submitter.', 'input');
  if (!(ctx.access.manages(unit.path) || ctx.access.manages(cat.host_path)))
    throw forbidden('Entries come from the organizers of the submitter’s unit or of the host.');
  if (studioId && unit.status !== 'NAMED')
    throw new DomainError(ErrorCode.VALIDATION, 'Only named studios submit.', 'input.studioId');
  const now = Date.now();
  if (
    cat.status !== CompetitionStatus.REGISTRATION_OPEN ||
    now < new Date(cat.opens).getTime() ||
    now > new Date(cat.closes).getTime()
  ) {
    throw new DomainError(
      ErrorCode.COMPETITION_CLOSED,
      'The submission window is closed.',
      'input.categoryId',
    );
  }
  const [row] = await em.execute<{ id: number }[]>(
    `insert into submission (competition_id, category_id, title, summary, person_id, team_id, studio_id, attachments, tags, submitted_by)
     values (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::text[], ?) returning id`,
    [
      cat.competition_id,
      cat.id,
      title,
      summary,
      personId,
      teamId,
      studioId,
      JSON.stringify(
        attachments.map((a) => ({
          kind: a.kind,
          url: a.url,
          title: a.title?.trim() || null,
          mimeType: a.mimeType?.trim() || null,
          sizeBytes: a.sizeBytes ?? null,
          durationSeconds: a.durationSeconds ?? null,
        })),
      ),
      pgArray(tags),
      ctx.access.accountId,
    ],
  );
  const [saved] = await loadSubmissions(em, 's.id = ?', [row!.id]);
  return submissionView(saved!, true);
}

async function firstRound(em: EntityManager, categoryId: number) {
  const [t] = await em.execute<{ id: number }[]>(
    'select id from trade where category_id = ? order by round_no limit 1',
    [categoryId],
  );
  return t?.id ?? null;
}

/** Creates the submission's entrant in a round: checked in, with the submitter as entrant. */
async function enterRound(
  em: EntityManager,
  tradeId: number,
  s: { id: number; person_id: number | null; team_id: number | null; studio_id: number | null },
) {
  const [e] = await em.execute<{ id: number }[]>(
    `insert into entrant (trade_id, person_id, team_id, organization_id, status, submission_id)
     values (?, ?, ?, (select host_id from studio where id = ?), 'CHECKED_IN', ?) returning id`,
    [tradeId, s.person_id, s.team_id, s.studio_id, s.id],
  );
  return e!.id;
}

/** 资格审查: eligible submissions enter the category's first round; others are refused with a reason. */
export async function reviewEligibility(
  ctx: Context,
  em: EntityManager,
  input: ReviewEligibilityInput,
): Promise<Submission> {
  const p = new Problems();
  const id = decodeId(p, 'input.submissionId', input.submissionId, 'Submission');
  const reason = optionalText(p, 'input.reason', input.reason, 1000);
  if (!input.eligible && !reason) p.add(ErrorCode.REQUIRED, 'Say why it is not eligible.', 'input.reason');
  p.throwIfAny();
  const [s] = await em.execute<(SubmissionRow & { host_path: string; status: CompetitionStatus })[]>(
    `select s.*, o.path::text as host_path, k.status from submission s join competition k on k.id = s.competition_id
       join organization o on o.id = k.host_id where s.id = ? for update of s`,
    [id],
  );
  if (!s) throw new DomainError(ErrorCode.NOT_FOUND, 'No such submission.', 'input.submissionId');
  ctx.access.assertManages(s.host_path, 'this campaign');
  if (s.eligibility !== Eligibility.PENDING)
    throw new DomainError(ErrorCode.INVALID_TRANSITION, `Already ${s.eligibility}.`, 'input.submissionId');
  if (![CompetitionStatus.REGISTRATION_OPEN, CompetitionStatus.RUNNING].includes(s.status))
    throw new DomainError(ErrorCode.WRONG_STAGE, `The campaign is ${s.status}.`, 'input.submissionId');
  await em.execute('update submission set eligibility = ?, eligibility_reason = ? where id = ?', [
    input.eligible ? Eligibility.ELIGIBLE : Eligibility.INELIGIBLE,
    reason,
    id,
  ]);
  if (input.eligible) {
    const round = await firstRound(em, s.category_id);
    if (!round)
      throw new DomainError(ErrorCode.WRONG_STAGE, 'The category has no round yet.', 'input.submissionId');
    await enterRound(em, round, s);
  }
  const [saved] = await loadSubmissions(em, 's.id = ?', [id]);
  return submissionView(saved!, true);
}

// ---------------------------------------------------------------- reviewers

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
    p.add(ErrorCode.OUT_OF_RANGE, 'Fewer judges than reviewers per submission.', 'input.judgeIds');
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
    throw new DomainError(ErrorCode.NOT_FOUND, 'No such campaign round.', 'input.tradeId');
  ctx.access.assertManages(t.host_path, 'this campaign');
  if (![CompetitionStatus.REGISTRATION_OPEN, CompetitionStatus.RUNNING].includes(t.status))
    throw new DomainError(ErrorCode.WRONG_STAGE, `The campaign is ${t.status}.`, 'input.tradeId');
  const [marked] = await em.execute<{ n: string }[]>('select count(*) as n from mark where trade_id = ?', [
    tradeId,
  ]);
  if (marked!.n !== '0')
    throw new DomainError(
      ErrorCode.WRONG_STAGE,
      'Marks exist: the assignment no longer changes.',
      'input.tradeId',
    );
  const judges = await loadJudges(p, em, judgeIds);
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
      throw new DomainError(ErrorCode.OUT_OF_RANGE, err.message, 'input.judgeIds');
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

async function loadJudges(p: Problems, em: EntityManager, judgeIds: number[]): Promise<JudgeRow[]> {
  const judges = await em.execute<JudgeRow[]>(
    `select a.id, a.role, a.person_id, o.path::text as path from account a
       left join person pe on pe.id = a.person_id left join organization o on o.id = pe.employer_id
      where a.id = any(?::int[])`,
    [pgArray(judgeIds)],
  );
  judgeIds.forEach((id, i) => {
    const j = judges.find((x) => x.id === id);
    if (!j) p.add(ErrorCode.NOT_FOUND, 'No such account.', `input.judgeIds.${i}`);
    else if (j.role !== 'JUDGE' && j.role !== 'CHIEF_JUDGE')
      p.add(ErrorCode.KIND_MISMATCH, 'Only judges review.', `input.judgeIds.${i}`);
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
    p.add(ErrorCode.OUT_OF_RANGE, 'Give 1–20 reviewers.', 'input.judgeIds');
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
    throw new DomainError(ErrorCode.NOT_FOUND, 'No such campaign entrant.', 'input.entrantId');
  ctx.access.assertManages(e.host_path, 'this campaign');
  if (![CompetitionStatus.REGISTRATION_OPEN, CompetitionStatus.RUNNING].includes(e.status))
    throw new DomainError(ErrorCode.WRONG_STAGE, `The campaign is ${e.status}.`, 'input.entrantId');
  const judges = await loadJudges(p, em, judgeIds);
  const [item] = await conflictsOf(em, e.trade_id, entrantId, judges);
  if (!item) throw new DomainError(ErrorCode.VALIDATION, 'The entrant is not checked in.', 'input.entrantId');
  judgeIds.forEach((j, i) => {
    if (item.conflicts.has(j))
      p.add(
        ErrorCode.CONFLICT_OF_INTEREST,
        'This judge has a conflict of interest with the submission.',
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
      'Marks exist: the reviewers no longer change.',
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

// ---------------------------------------------------------------- advancement

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
    throw new DomainError(ErrorCode.NOT_FOUND, 'No such round with a next round.', 'input.tradeId');
  const chief = isAdmin(ctx.viewer) || (await isChiefJudge(em, tradeId, ctx.access.accountId));
  if (t.advance_rule.by === AdvanceBy.CHOSEN ? !chief : !(chief || ctx.access.manages(t.host_path)))
    throw forbidden(
      t.advance_rule.by === AdvanceBy.CHOSEN
        ? 'The round’s lead (chief) judge chooses who goes on.'
        : 'Only the round’s lead judge or the host’s organizers move it on.',
    );
  if (t.status !== CompetitionStatus.RUNNING)
    throw new DomainError(ErrorCode.WRONG_STAGE, 'Rounds move on while the campaign runs.', 'input.tradeId');
  if (!t.signed)
    throw new DomainError(
      ErrorCode.TRADE_NOT_SIGNED_OFF,
      'The lead judge locks the round first.',
      'input.tradeId',
    );
  const [next] = await em.execute<{ id: number }[]>(
    'select id from trade where category_id = ? and round_no = ?',
    [t.category_id, t.round_no + 1],
  );
  if (!next) throw new DomainError(ErrorCode.NOT_FOUND, 'The category has no next round.', 'input.tradeId');
  const [done] = await em.execute<{ n: string }[]>(
    'select count(*) as n from round_advance where trade_id = ?',
    [tradeId],
  );
  if (done!.n !== '0')
    throw new DomainError(ErrorCode.DUPLICATE, 'This round has already moved on.', 'input.tradeId');
  if (!t.scheme)
    throw new DomainError(ErrorCode.VALIDATION, 'The round has no marking scheme.', 'input.tradeId');
  const results = (await computeTradeResults(em, tradeId, t.scheme)).entries;
  const rule = t.advance_rule;
  let picks: { id: number; reason: string }[];
  if (rule.by === AdvanceBy.CHOSEN) {
    const inRound = new Set(results.map((r) => r.entrant.id));
    chosen.forEach((c, i) => {
      if (!inRound.has(c.id))
        p.add(ErrorCode.VALIDATION, 'Not a submission of this round.', `input.chosen.${i}.entrantId`);
    });
    if (chosen.length === 0) p.add(ErrorCode.REQUIRED, 'Choose who goes on.', 'input.chosen');
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
  announceBoard(ctx, await refreshBoard(em, next.id, null));
  await appendAudit(em, {
    competitionId: t.competition_id,
    kind: 'ROUND_ADVANCED',
    actorId: ctx.access.accountId,
    subject: { tradeId, nextTradeId: next.id },
    after: { rule, advanced: picks.map((x) => ({ entrantId: x.id, reason: x.reason })) },
  });
  return { advanced: picks.map((x) => toGlobalId('Entrant', x.id)), nextId: next.id };
}

export function categoryId(globalId: string): number | null {
  const d = fromGlobalId(globalId);
  return d?.type === 'CampaignCategory' ? d.id : null;
}

/** A campaign's categories with their submission counts and judged rounds. */
export async function categoriesOf(ctx: Context, competitionId: number): Promise<CampaignCategory[]> {
  const rows = await ctx.em.execute<
    { id: number; code: string; name: string; award_quota: number; n: string }[]
  >(
    `select k.id, k.code, k.name, k.award_quota, (select count(*) from submission s where s.category_id = k.id) as n
       from campaign_category k where k.competition_id = ? order by k.id`,
    [competitionId],
  );
  const trades = await ctx.em.find(
    Trade,
    { competition: competitionId, categoryId: { $ne: null } },
    { orderBy: { roundNo: 'asc' } },
  );
  // Instances, not literals: `node(id:)` tells the types apart by class.
  return rows.map((r) =>
    Object.assign(new CampaignCategory(), {
      id: toGlobalId('CampaignCategory', r.id),
      dbId: r.id,
      code: r.code,
      name: r.name,
      awardQuota: r.award_quota,
      submissionCount: Number(r.n),
      rounds: trades.filter((t) => t.categoryId === r.id),
    }),
  );
}
