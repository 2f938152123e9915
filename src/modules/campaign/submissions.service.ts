import type { EntityManager } from '@mikro-orm/postgresql';
import { appendAudit } from '../audit/audit.service';
import { checkReference } from '../../shared/access/references';
import { pgArray } from '../../shared/db/paging';
import { DomainError, ErrorCode, forbidden, Problems } from '../../shared/errors';
import type { Context } from '../../shared/graphql/context';
import { toGlobalId } from '../../shared/graphql/relay';
import { decodeId, optionalText, requiredText } from '../../shared/validation';
import { CompetitionStatus } from '../competition/competition.entity';
import type { CategoryRow } from './campaign-setup.service';
import {
  Eligibility,
  type ReviewEligibilityInput,
  Submission,
  type SubmitEntryInput,
} from './campaign.types';
import { text } from '../../shared/i18n';

export interface SubmissionRow {
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

export async function loadSubmissions(
  em: EntityManager,
  where: string,
  params: unknown[],
  limit?: number,
  orderBy = 's.id',
) {
  return em.execute<SubmissionRow[]>(
    `${SUBMISSION_SELECT} where ${where} order by ${orderBy}${limit ? ` limit ${Math.floor(limit)}` : ''}`,
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
    p.add(
      ErrorCode.VALIDATION,
      text(
        'personId、teamId、studioId 须且只能填写一项。',
        'Give exactly one of personId, teamId or studioId.',
      ),
      'input',
    );
  const personId = input.personId ? decodeId(p, 'input.personId', input.personId, 'Person') : null;
  const teamId = input.teamId ? decodeId(p, 'input.teamId', input.teamId, 'Team') : null;
  const studioId = input.studioId ? decodeId(p, 'input.studioId', input.studioId, 'Studio') : null;
  const attachments = input.attachments ?? [];
  if (attachments.length > 20)
    p.add(ErrorCode.OUT_OF_RANGE, text('附件最多 20 个。', 'At most 20 attachments.'), 'input.attachments');
  attachments.forEach((a, i) => {
    const f = `input.attachments.${i}`;
    let ok = false;
    try {
      const u = new URL(a.url);
      ok = (u.protocol === 'https:' || u.protocol === 'http:') && a.url.length <= 2000;
    } catch {
      ok = false;
    }
    if (!ok)
      p.add(
        ErrorCode.VALIDATION,
        text('须为不超过 2,000 个字符的 http(s) 网址。', 'An http(s) URL of at most 2,000 characters.'),
        `${f}.url`,
      );
    optionalText(p, `${f}.title`, a.title, 200);
    optionalText(p, `${f}.mimeType`, a.mimeType, 100);
    if (a.sizeBytes != null && !(Number.isInteger(a.sizeBytes) && a.sizeBytes >= 0))
      p.add(
        ErrorCode.OUT_OF_RANGE,
        text('字节数须为 ≥ 0 的整数。', 'Bytes: a whole number ≥ 0.'),
        `${f}.sizeBytes`,
      );
    if (a.durationSeconds != null && a.durationSeconds < 0)
      p.add(ErrorCode.OUT_OF_RANGE, text('秒数须 ≥ 0。', 'Seconds ≥ 0.'), `${f}.durationSeconds`);
  });
  const tags = [...new Set((input.tags ?? []).map((t) => t.trim()).filter(Boolean))];
  if (tags.length > 10 || tags.some((t) => [...t].length > 30))
    p.add(
      ErrorCode.OUT_OF_RANGE,
      text('标签最多 10 个，每个 1–30 个字符。', 'At most 10 tags of 1–30 characters.'),
      'input.tags',
    );
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
  if (!cat)
    throw new DomainError(ErrorCode.NOT_FOUND, text('没有该类别。', 'No such category.'), 'input.categoryId');
  // A person or team must be the caller's own (people are private); a studio need only be public.
  const unitPath = (await checkReference(
    ctx.access,
    em,
    personId ? 'Person' : teamId ? 'Team' : 'Studio',
    personId ? 'input.personId' : teamId ? 'input.teamId' : 'input.studioId',
    (personId ?? teamId ?? studioId)!,
    'read',
  ))!;
  if (!(ctx.access.manages(unitPath) || ctx.access.manages(cat.host_path)))
    throw forbidden(
      text(
        '参评项目须由申报单位或主办单位的组织者提交。',
        'Entries come from the organizers of the submitter’s unit or of the host.',
      ),
    );
  const [studio] = studioId
    ? await em.execute<{ status: string }[]>('select status from studio where id = ?', [studioId])
    : [];
  if (studioId && studio?.status !== 'NAMED')
    throw new DomainError(
      ErrorCode.VALIDATION,
      text('只有已命名的工作室可以申报。', 'Only named studios submit.'),
      'input.studioId',
    );
  const now = Date.now();
  if (
    cat.status !== CompetitionStatus.REGISTRATION_OPEN ||
    now < new Date(cat.opens).getTime() ||
    now > new Date(cat.closes).getTime()
  ) {
    throw new DomainError(
      ErrorCode.COMPETITION_CLOSED,
      text('申报已截止。', 'The submission window is closed.'),
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
  await appendAudit(em, {
    competitionId: cat.competition_id,
    kind: 'ENTRY_SUBMITTED',
    actorId: ctx.access.accountId,
    subject: { submissionId: row!.id, categoryId: cat.id },
    after: { title, personId, teamId, studioId },
  });
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
export async function enterRound(
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
  if (!input.eligible && !reason)
    p.add(
      ErrorCode.REQUIRED,
      text('请说明不符合资格的原因。', 'Say why it is not eligible.'),
      'input.reason',
    );
  p.throwIfAny();
  const [s] = await em.execute<(SubmissionRow & { host_path: string; status: CompetitionStatus })[]>(
    `select s.*, o.path::text as host_path, k.status from submission s join competition k on k.id = s.competition_id
       join organization o on o.id = k.host_id where s.id = ? for update of s`,
    [id],
  );
  if (!s)
    throw new DomainError(
      ErrorCode.NOT_FOUND,
      text('没有该申报项目。', 'No such submission.'),
      'input.submissionId',
    );
  ctx.access.assertManages(s.host_path, text('此活动', 'this campaign'));
  if (s.eligibility !== Eligibility.PENDING)
    throw new DomainError(
      ErrorCode.INVALID_TRANSITION,
      text(`已是 ${s.eligibility} 状态。`, `Already ${s.eligibility}.`),
      'input.submissionId',
    );
  if (![CompetitionStatus.REGISTRATION_OPEN, CompetitionStatus.RUNNING].includes(s.status))
    throw new DomainError(
      ErrorCode.WRONG_STAGE,
      text(`活动当前状态为 ${s.status}。`, `The campaign is ${s.status}.`),
      'input.submissionId',
    );
  await em.execute('update submission set eligibility = ?, eligibility_reason = ? where id = ?', [
    input.eligible ? Eligibility.ELIGIBLE : Eligibility.INELIGIBLE,
    reason,
    id,
  ]);
  if (input.eligible) {
    const round = await firstRound(em, s.category_id);
    if (!round)
      throw new DomainError(
        ErrorCode.WRONG_STAGE,
        text('该类别还没有轮次。', 'The category has no round yet.'),
        'input.submissionId',
      );
    await enterRound(em, round, s);
  }
  await appendAudit(em, {
    competitionId: s.competition_id,
    kind: 'ELIGIBILITY_REVIEWED',
    actorId: ctx.access.accountId,
    subject: { submissionId: id },
    before: { eligibility: s.eligibility },
    after: { eligibility: input.eligible ? Eligibility.ELIGIBLE : Eligibility.INELIGIBLE, reason },
  });
  const [saved] = await loadSubmissions(em, 's.id = ?', [id]);
  return submissionView(saved!, true);
}
