import type { EntityManager } from '@mikro-orm/postgresql';
import { appendAudit } from '../audit/audit.service';
import { DomainError, ErrorCode, Problems } from '../../shared/errors';
import type { Context } from '../../shared/graphql/context';
import { fromGlobalId, toGlobalId } from '../../shared/graphql/relay';
import { decodeId, intInRange, optionalText, requiredText } from '../../shared/validation';
import { Competition, CompetitionKind, CompetitionStatus } from '../competition/competition.entity';
import { Trade } from '../competition/trade.entity';
import { loadManagedCompetition } from '../competition/competition.service';
import { Organization } from '../organization/organization.entity';
import {
  AdvanceBy,
  type AddRoundInput,
  CampaignCategory,
  type CreateCampaignInput,
  RoundKind,
} from './campaign.types';
import { text } from '../../shared/i18n';

const CONFIGURABLE = [CompetitionStatus.DRAFT, CompetitionStatus.REGISTRATION_OPEN];

export interface CategoryRow {
  id: number;
  competition_id: number;
  code: string;
  name: string;
  award_quota: number;
}

export async function createCampaign(ctx: Context, em: EntityManager, input: CreateCampaignInput) {
  const p = new Problems();
  const name = requiredText(p, 'input.name', input.name, 200);
  const description = optionalText(p, 'input.description', input.description, 5000);
  intInRange(p, 'input.year', input.year, 2000, 2100);
  const hostId = decodeId(p, 'input.hostId', input.hostId, 'Organization');
  const opens = new Date(input.submissionsOpenAt);
  const closes = new Date(input.submissionsCloseAt);
  if (!(closes > opens))
    p.add(
      ErrorCode.VALIDATION,
      text('征集截止时间须晚于开始时间。', 'Submissions close after they open.'),
      'input.submissionsCloseAt',
    );
  if (input.categories.length < 1 || input.categories.length > 20)
    p.add(
      ErrorCode.OUT_OF_RANGE,
      text('一项活动须设 1–20 个类别。', 'A campaign has 1–20 categories.'),
      'input.categories',
    );
  const codes = new Set<string>();
  input.categories.forEach((c, i) => {
    const code = requiredText(p, `input.categories.${i}.code`, c.code, 50);
    requiredText(p, `input.categories.${i}.name`, c.name, 200);
    intInRange(p, `input.categories.${i}.awardQuota`, c.awardQuota, 0, 10_000);
    if (codes.has(code))
      p.add(
        ErrorCode.DUPLICATE,
        text('类别代码不能重复。', 'Category codes are unique.'),
        `input.categories.${i}.code`,
      );
    codes.add(code);
  });
  p.throwIfAny();
  const host = await em.findOne(Organization, { id: hostId });
  if (!host)
    throw new DomainError(ErrorCode.NOT_FOUND, text('没有该工会。', 'No such union.'), 'input.hostId');
  ctx.access.assertManages(host.path, text('该工会', 'that union'));
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
  await appendAudit(em, {
    competitionId: c.id,
    kind: 'CAMPAIGN_CREATED',
    actorId: ctx.access.accountId,
    subject: { competitionId: c.id },
    after: {
      name: c.name,
      opens: c.submissionsOpenAt,
      closes: c.submissionsCloseAt,
      categories: input.categories.map((x) => ({ code: x.code.trim(), awardQuota: x.awardQuota })),
    },
  });
  return c;
}

async function loadCategory(ctx: Context, em: EntityManager, globalId: string, field: string) {
  const p = new Problems();
  const id = decodeId(p, field, globalId, 'CampaignCategory');
  p.throwIfAny();
  const [cat] = await em.execute<CategoryRow[]>('select * from campaign_category where id = ?', [id]);
  if (!cat) throw new DomainError(ErrorCode.NOT_FOUND, text('没有该类别。', 'No such category.'), field);
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
    p.add(
      ErrorCode.VALIDATION,
      text('最后一轮不再晋级。', 'The final round sends nobody on.'),
      'input.advance',
    );
  if (input.kind !== RoundKind.FINAL && !rule)
    p.add(
      ErrorCode.REQUIRED,
      text('请说明晋级下一轮的规则。', 'Say who goes on to the next round.'),
      'input.advance',
    );
  if (rule?.by === AdvanceBy.TOP_N && !(Number.isInteger(rule.count) && rule.count! >= 1))
    p.add(
      ErrorCode.OUT_OF_RANGE,
      text('TOP_N 的名额须 ≥ 1。', 'TOP_N needs a count ≥ 1.'),
      'input.advance.count',
    );
  if (
    rule?.by === AdvanceBy.THRESHOLD &&
    !(Number.isFinite(rule.minTotal) && rule.minTotal! >= 0 && rule.minTotal! <= 100)
  )
    p.add(
      ErrorCode.OUT_OF_RANGE,
      text('THRESHOLD 的 minTotal 须在 0 到 100 之间。', 'THRESHOLD needs a minTotal from 0 to 100.'),
      'input.advance.minTotal',
    );
  p.throwIfAny();
  const { cat, competition } = await loadCategory(ctx, em, input.categoryId, 'input.categoryId');
  if (!CONFIGURABLE.includes(competition.status))
    throw new DomainError(
      ErrorCode.COMPETITION_CLOSED,
      text('轮次须在评审开始前设置。', 'Rounds are set up before judging starts.'),
      'input.categoryId',
    );
  const rounds = await em.execute<{ round_no: number; round_kind: RoundKind }[]>(
    'select round_no, round_kind from trade where category_id = ? order by round_no',
    [cat.id],
  );
  if (rounds.some((r) => r.round_kind === RoundKind.FINAL))
    throw new DomainError(
      ErrorCode.INVALID_TRANSITION,
      text('该类别的最后一轮已经设置。', 'The category’s final round is already set.'),
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
  await appendAudit(em, {
    competitionId: cat.competition_id,
    kind: 'ROUND_ADDED',
    actorId: ctx.access.accountId,
    subject: { categoryId: cat.id, tradeId: trade.id },
    after: { roundNo, kind: input.kind, blind: input.blind, advance },
  });
  return trade;
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
