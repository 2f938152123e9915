import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError, ErrorCode, Problems } from '../../shared/errors';
import type { Context } from '../../shared/graphql/context';
import { decodeId, intInRange, optionalText, requiredText } from '../../shared/validation';
import { loadOrganization } from '../organization/organization.service';
import { loadManagedPerson } from '../person/person.service';
import { ACTIVE_ENTRANT_STATUSES, Entrant } from './entrant.entity';
import { CompetitionKind } from './competition.entity';
import { Team, TeamMember } from './team.entity';
import { Trade } from './trade.entity';
import type { CreateTeamInput, CreateTradeInput, UpdateTradeInput } from './competition.types';

/** States in which trades and entrants may still be configured. */
import { assertConfigurable, loadManagedCompetition, loadManagedTrade } from './competition.service';
import { text } from '../../shared/i18n';

/** Trades of a competition, and teams of enterprises. */
function checkSchedule(p: Problems, startsAt: Date | null | undefined, endsAt: Date | null | undefined) {
  if (startsAt && endsAt && endsAt <= startsAt)
    p.add(ErrorCode.VALIDATION, text('结束时间早于开始时间。', 'Ends before it starts.'), 'input.endsAt');
}

function checkWeights(p: Problems, theory: number, practical: number) {
  intInRange(p, 'input.theoryWeight', theory, 0, 100);
  intInRange(p, 'input.practicalWeight', practical, 0, 100);
  if (theory + practical !== 100) {
    p.add(
      ErrorCode.WEIGHTS_MUST_SUM_TO_100,
      text('理论与实操权重之和须为 100。', 'Theory and practical weights must sum to 100.'),
      'input.practicalWeight',
    );
  }
}

async function assertTradeNameFree(
  em: EntityManager,
  competitionId: number,
  name: string,
  exceptId?: number,
) {
  const clash = await em.findOne(Trade, { competition: competitionId, name });
  if (clash && clash.id !== exceptId) {
    throw new DomainError(
      ErrorCode.DUPLICATE,
      text('该竞赛已有同名工种。', 'The competition already has a trade of that name.'),
      'input.name',
    );
  }
}

export async function createTrade(ctx: Context, em: EntityManager, input: CreateTradeInput) {
  const p = new Problems();
  const name = requiredText(p, 'input.name', input.name, 100);
  const occupationCode = optionalText(p, 'input.occupationCode', input.occupationCode, 20);
  const venue = optionalText(p, 'input.venue', input.venue, 200);
  checkWeights(p, input.theoryWeight, input.practicalWeight);
  intInRange(p, 'input.capacity', input.capacity, 1, 1_000_000);
  checkSchedule(p, input.startsAt, input.endsAt);
  p.throwIfAny();
  const c = await loadManagedCompetition(ctx, em, input.competitionId, 'input.competitionId');
  assertConfigurable(c, 'input.competitionId');
  if (c.kind === CompetitionKind.INNOVATION)
    throw new DomainError(
      ErrorCode.KIND_MISMATCH,
      text('活动的轮次请用 addRound 添加。', 'A campaign’s rounds are added with addRound.'),
      'input.competitionId',
    );
  await assertTradeNameFree(em, c.id, name);
  const trade = em.create(Trade, {
    competition: c,
    name,
    occupationCode,
    theoryWeight: input.theoryWeight,
    practicalWeight: input.practicalWeight,
    capacity: input.capacity,
    venue,
    startsAt: input.startsAt ?? null,
    endsAt: input.endsAt ?? null,
  });
  await em.flush();
  return trade;
}

export async function activeEntrantCount(em: EntityManager, tradeId: number): Promise<number> {
  return em.count(Entrant, { trade: tradeId, status: { $in: ACTIVE_ENTRANT_STATUSES } });
}

export async function updateTrade(ctx: Context, em: EntityManager, input: UpdateTradeInput) {
  const { trade, competition } = await loadManagedTrade(ctx, em, input.id, 'input.id', true);
  const p = new Problems();
  const name = input.name != null ? requiredText(p, 'input.name', input.name, 100) : null;
  const venue = input.venue !== undefined ? optionalText(p, 'input.venue', input.venue, 200) : undefined;
  if ((input.theoryWeight == null) !== (input.practicalWeight == null)) {
    p.add(
      ErrorCode.WEIGHTS_MUST_SUM_TO_100,
      text('两项权重须同时填写。', 'Give both weights together.'),
      'input.practicalWeight',
    );
  } else if (input.theoryWeight != null && input.practicalWeight != null) {
    checkWeights(p, input.theoryWeight, input.practicalWeight);
  }
  if (input.capacity != null) intInRange(p, 'input.capacity', input.capacity, 1, 1_000_000);
  const startsAt = input.startsAt !== undefined ? input.startsAt : trade.startsAt;
  const endsAt = input.endsAt !== undefined ? input.endsAt : trade.endsAt;
  checkSchedule(p, startsAt, endsAt);
  p.throwIfAny();
  assertConfigurable(competition, 'input.id');
  if (name !== null) {
    await assertTradeNameFree(em, competition.id, name, trade.id);
    trade.name = name;
  }
  if (input.capacity != null) {
    const active = await activeEntrantCount(em, trade.id);
    if (input.capacity < active) {
      throw new DomainError(
        ErrorCode.CAPACITY_EXCEEDED,
        text(
          `已有 ${active} 名参赛选手在赛，名额不能低于此数。`,
          `${active} entrants are active; capacity cannot go below that.`,
        ),
        'input.capacity',
      );
    }
    trade.capacity = input.capacity;
  }
  if (input.theoryWeight != null && input.practicalWeight != null) {
    trade.theoryWeight = input.theoryWeight;
    trade.practicalWeight = input.practicalWeight;
  }
  if (venue !== undefined) trade.venue = venue;
  trade.startsAt = startsAt ?? null;
  trade.endsAt = endsAt ?? null;
  await em.flush();
  return trade;
}

// ---------------------------------------------------------------- teams

export async function createTeam(ctx: Context, em: EntityManager, input: CreateTeamInput) {
  const p = new Problems();
  const name = requiredText(p, 'input.name', input.name, 200);
  const orgId = decodeId(p, 'input.organizationId', input.organizationId, 'Organization');
  if (input.memberIds.length > 100)
    p.add(ErrorCode.OUT_OF_RANGE, text('成员最多 100 人。', 'At most 100 members.'), 'input.memberIds');
  const memberIds = input.memberIds.map((m, i) => decodeId(p, `input.memberIds.${i}`, m, 'Person'));
  p.throwIfAny();
  const organization = await loadOrganization(em, orgId, 'input.organizationId');
  ctx.access.assertManages(organization.path, text('该企业', 'that enterprise'));
  const members = [];
  for (const [i, id] of [...new Set(memberIds)].entries()) {
    members.push(await loadManagedPerson(ctx, em, id, `input.memberIds.${i}`));
  }
  const team = em.create(Team, { name, kind: input.kind, organization });
  for (const person of members) em.create(TeamMember, { team, person });
  await em.flush();
  return team;
}
