import { LockMode, ref } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { escapeLike, pageOf, pgArray } from '../../shared/db/paging';
import { DomainError, ErrorCode, Problems } from '../../shared/errors';
import type { Context } from '../../shared/graphql/context';
import { announceBoard, refreshBoard } from '../leaderboard/board-write';
import { fromGlobalId, type Page, type PageRequest } from '../../shared/graphql/relay';
import { decodeId, intInRange, isoDate, optionalText, requiredText } from '../../shared/validation';
import { OrganizationLevel, type Organization } from '../organization/organization.entity';
import { loadOrganization } from '../organization/organization.service';
import { loadManagedPerson } from '../person/person.service';
import {
  Competition,
  CompetitionKind,
  CompetitionStatus,
  CompetitionStatusChange,
  COMPETITION_TRANSITIONS,
  PUBLIC_COMPETITION_STATUSES,
  RESULTS_PUBLIC_STATUSES,
} from './competition.entity';
import { ACTIVE_ENTRANT_STATUSES, Entrant, ENTRANT_TRANSITIONS, EntrantStatus } from './entrant.entity';
import { Team, TeamMember } from './team.entity';
import { Trade } from './trade.entity';
import type {
  CompetitionFilter,
  CreateCompetitionInput,
  CreateTeamInput,
  CreateTradeInput,
  RegisterEntrantInput,
  SetEntrantStatusInput,
  TransitionCompetitionInput,
  UpdateCompetitionInput,
  UpdateTradeInput,
} from './competition.types';

/** States in which trades and entrants may still be configured. */
const CONFIGURABLE = [CompetitionStatus.DRAFT, CompetitionStatus.REGISTRATION_OPEN];

// ---------------------------------------------------------------- visibility

export async function hostPath(ctx: Context, c: Competition): Promise<string> {
  const host = await ctx.loaders.organizationById.load(c.host.id);
  return host!.path;
}

/** Whether the viewer manages the competition's host union (no lookup for one who manages none). */
async function managesHost(ctx: Context, c: Competition): Promise<boolean> {
  return ctx.access.managed !== null && ctx.access.manages(await hostPath(ctx, c));
}

export async function canSeeCompetition(ctx: Context, c: Competition): Promise<boolean> {
  return PUBLIC_COMPETITION_STATUSES.includes(c.status) || managesHost(ctx, c);
}

/** Entrant identities are for the organizers until results are published. */
export async function canSeeEntrants(ctx: Context, c: Competition): Promise<boolean> {
  return RESULTS_PUBLIC_STATUSES.includes(c.status) || managesHost(ctx, c);
}

export async function listCompetitions(
  ctx: Context,
  filter: CompetitionFilter | null | undefined,
  page: PageRequest,
): Promise<Page<Competition>> {
  const where: string[] = [];
  const params: unknown[] = [];
  const scope = ctx.access.managed;
  if (scope !== '*') {
    if (scope === null) {
      where.push('status = any(?::text[])');
      params.push(pgArray(PUBLIC_COMPETITION_STATUSES));
    } else {
      where.push(
        '(status = any(?::text[]) or host_id in (select id from organization where path <@ ?::ltree))',
      );
      params.push(pgArray(PUBLIC_COMPETITION_STATUSES), scope);
    }
  }
  const f = filter ?? {};
  if (f.hostUnder) {
    const d = fromGlobalId(f.hostUnder);
    const org = d?.type === 'Organization' ? await ctx.loaders.organizationById.load(d.id) : null;
    if (!org) where.push('false');
    else {
      where.push('host_id in (select id from organization where path <@ ?::ltree)');
      params.push(org.path);
    }
  }
  if (f.kind) {
    where.push('kind = ?');
    params.push(f.kind);
  }
  if (f.statuses?.length) {
    where.push('status = any(?::text[])');
    params.push(pgArray(f.statuses));
  }
  if (f.year != null) {
    where.push('year = ?');
    params.push(f.year);
  }
  if (f.search?.trim()) {
    where.push('name ilike ?');
    params.push(`%${escapeLike(f.search.trim())}%`);
  }
  return pageOf(ctx.em, Competition, 'competition', where, params, page);
}

// ---------------------------------------------------------------- loading for writes

export async function loadManagedCompetition(
  ctx: Context,
  em: EntityManager,
  globalId: string,
  field: string,
  lock = false,
): Promise<Competition> {
  const p = new Problems();
  const id = decodeId(p, field, globalId, 'Competition');
  p.throwIfAny();
  const c = await em.findOne(Competition, { id }, lock ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {});
  if (!c) throw new DomainError(ErrorCode.NOT_FOUND, 'No such competition.', field);
  const host = await c.host.load();
  ctx.access.assertManages(host!.path, 'this competition');
  return c;
}

/** Loads a trade the viewer manages, locking it when its capacity is about to be used. */
async function loadManagedTrade(
  ctx: Context,
  em: EntityManager,
  globalId: string,
  field: string,
  lock = false,
): Promise<{ trade: Trade; competition: Competition }> {
  const p = new Problems();
  const id = decodeId(p, field, globalId, 'Trade');
  p.throwIfAny();
  return loadManagedTradeById(ctx, em, id, field, lock);
}

export async function loadManagedTradeById(
  ctx: Context,
  em: EntityManager,
  id: number,
  field: string,
  lock = false,
): Promise<{ trade: Trade; competition: Competition }> {
  // Registrations on one trade queue here, so capacity holds under concurrency.
  const trade = await em.findOne(Trade, { id }, lock ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {});
  if (!trade) throw new DomainError(ErrorCode.NOT_FOUND, 'No such trade.', field);
  const competition = await em.findOneOrFail(Competition, { id: trade.competition.id });
  const host = await competition.host.load();
  ctx.access.assertManages(host!.path, 'this trade');
  return { trade, competition };
}

function assertConfigurable(c: Competition, field: string | null = null): void {
  if (!CONFIGURABLE.includes(c.status)) {
    throw new DomainError(
      ErrorCode.COMPETITION_CLOSED,
      `The competition is ${c.status}; trades and entrants can change only in DRAFT or REGISTRATION_OPEN.`,
      field,
    );
  }
}

// ---------------------------------------------------------------- competitions

export async function createCompetition(ctx: Context, em: EntityManager, input: CreateCompetitionInput) {
  const p = new Problems();
  const name = requiredText(p, 'input.name', input.name, 200);
  intInRange(p, 'input.year', input.year, 2000, 2100);
  const description = optionalText(p, 'input.description', input.description, 5000);
  const startsOn = isoDate(p, 'input.startsOn', input.startsOn);
  const endsOn = isoDate(p, 'input.endsOn', input.endsOn);
  if (startsOn && endsOn && endsOn < startsOn)
    p.add(ErrorCode.VALIDATION, 'Ends before it starts.', 'input.endsOn');
  const hostId = decodeId(p, 'input.hostId', input.hostId, 'Organization');
  if (input.kind === CompetitionKind.INNOVATION)
    p.add(ErrorCode.KIND_MISMATCH, 'Innovation campaigns are created with createCampaign.', 'input.kind');
  p.throwIfAny();
  const host = await loadOrganization(em, hostId, 'input.hostId');
  ctx.access.assertManages(host.path, 'that union');
  const c = em.create(Competition, {
    name,
    kind: input.kind,
    year: input.year,
    host,
    description,
    startsOn,
    endsOn,
  });
  await em.flush();
  return c;
}

export async function updateCompetition(ctx: Context, em: EntityManager, input: UpdateCompetitionInput) {
  const c = await loadManagedCompetition(ctx, em, input.id, 'input.id');
  const p = new Problems();
  const name = input.name != null ? requiredText(p, 'input.name', input.name, 200) : null;
  const description =
    input.description !== undefined
      ? optionalText(p, 'input.description', input.description, 5000)
      : undefined;
  const startsOn = input.startsOn !== undefined ? isoDate(p, 'input.startsOn', input.startsOn) : c.startsOn;
  const endsOn = input.endsOn !== undefined ? isoDate(p, 'input.endsOn', input.endsOn) : c.endsOn;
  if (startsOn && endsOn && endsOn < startsOn)
    p.add(ErrorCode.VALIDATION, 'Ends before it starts.', 'input.endsOn');
  p.throwIfAny();
  if (c.status === CompetitionStatus.ARCHIVED) {
    throw new DomainError(ErrorCode.COMPETITION_CLOSED, 'An archived competition cannot change.', 'input.id');
  }
  if (name !== null) c.name = name;
  if (description !== undefined) c.description = description;
  c.startsOn = startsOn ?? null;
  c.endsOn = endsOn ?? null;
  await em.flush();
  return c;
}

export async function transitionCompetition(
  ctx: Context,
  em: EntityManager,
  input: TransitionCompetitionInput,
) {
  const p = new Problems();
  const reason = optionalText(p, 'input.reason', input.reason, 500);
  p.throwIfAny();
  const c = await loadManagedCompetition(ctx, em, input.id, 'input.id', true);
  const from = c.status;
  if (!COMPETITION_TRANSITIONS[from].includes(input.to)) {
    const allowed = COMPETITION_TRANSITIONS[from].join(', ') || 'none';
    throw new DomainError(
      ErrorCode.INVALID_TRANSITION,
      `Cannot move from ${from} to ${input.to}; allowed: ${allowed}.`,
      'input.to',
    );
  }
  if (RESULTS_STEPS.includes(input.to)) {
    throw new DomainError(
      ErrorCode.INVALID_TRANSITION,
      `Use ${input.to === CompetitionStatus.PUBLISHED ? 'publishResults' : 'finalizeResults'}: it checks sign-off, re-checks, appeals and the notice period.`,
      'input.to',
    );
  }
  await recordTransition(ctx, em, c, input.to, reason);
  return { competition: c, from };
}

/** Publication and finality have their own mutations with their own checks (scoring module). */
const RESULTS_STEPS = [CompetitionStatus.PUBLISHED, CompetitionStatus.FINAL];

/** Moves the competition and records who did it; callers have checked the transition is allowed. */
export async function recordTransition(
  ctx: Context,
  em: EntityManager,
  c: Competition,
  to: CompetitionStatus,
  reason: string | null,
): Promise<void> {
  const from = c.status;
  c.status = to;
  em.create(CompetitionStatusChange, {
    competition: c,
    fromStatus: from,
    toStatus: to,
    actor: ctx.access.accountId,
    reason,
  });
  await em.flush();
}

// ---------------------------------------------------------------- trades

function checkSchedule(p: Problems, startsAt: Date | null | undefined, endsAt: Date | null | undefined) {
  if (startsAt && endsAt && endsAt <= startsAt)
    p.add(ErrorCode.VALIDATION, 'Ends before it starts.', 'input.endsAt');
}

function checkWeights(p: Problems, theory: number, practical: number) {
  intInRange(p, 'input.theoryWeight', theory, 0, 100);
  intInRange(p, 'input.practicalWeight', practical, 0, 100);
  if (theory + practical !== 100) {
    p.add(
      ErrorCode.WEIGHTS_MUST_SUM_TO_100,
      'Theory and practical weights must sum to 100.',
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
      'The competition already has a trade of that name.',
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
      'A campaign’s rounds are added with addRound.',
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
    p.add(ErrorCode.WEIGHTS_MUST_SUM_TO_100, 'Give both weights together.', 'input.practicalWeight');
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
        `${active} entrants are active; capacity cannot go below that.`,
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
  if (input.memberIds.length > 100) p.add(ErrorCode.OUT_OF_RANGE, 'At most 100 members.', 'input.memberIds');
  const memberIds = input.memberIds.map((m, i) => decodeId(p, `input.memberIds.${i}`, m, 'Person'));
  p.throwIfAny();
  const organization = await loadOrganization(em, orgId, 'input.organizationId');
  ctx.access.assertManages(organization.path, 'that enterprise');
  const members = [];
  for (const [i, id] of [...new Set(memberIds)].entries()) {
    members.push(await loadManagedPerson(ctx, em, id, `input.memberIds.${i}`));
  }
  const team = em.create(Team, { name, kind: input.kind, organization });
  for (const person of members) em.create(TeamMember, { team, person });
  await em.flush();
  return team;
}

// ---------------------------------------------------------------- entrants

async function assertCapacity(em: EntityManager, trade: Trade, adding: number, field: string | null) {
  const active = await activeEntrantCount(em, trade.id);
  if (active + adding > trade.capacity) {
    throw new DomainError(
      ErrorCode.CAPACITY_EXCEEDED,
      `The trade is full: ${active} of ${trade.capacity} places taken.`,
      field,
    );
  }
}

export async function registerEntrant(ctx: Context, em: EntityManager, input: RegisterEntrantInput) {
  const p = new Problems();
  const given = [input.personId, input.teamId, input.enterpriseId].filter((x) => x != null);
  if (given.length !== 1) {
    p.add(ErrorCode.VALIDATION, 'Give exactly one of personId, teamId or enterpriseId.', 'input');
  }
  const personId = input.personId ? decodeId(p, 'input.personId', input.personId, 'Person') : null;
  const teamId = input.teamId ? decodeId(p, 'input.teamId', input.teamId, 'Team') : null;
  const enterpriseId = input.enterpriseId
    ? decodeId(p, 'input.enterpriseId', input.enterpriseId, 'Organization')
    : null;
  p.throwIfAny();
  const { trade, competition } = await loadManagedTrade(ctx, em, input.tradeId, 'input.tradeId', true);
  assertConfigurable(competition, 'input.tradeId');
  if (competition.kind === CompetitionKind.INNOVATION)
    throw new DomainError(
      ErrorCode.KIND_MISMATCH,
      'Campaign entries come in with submitEntry.',
      'input.tradeId',
    );

  // Checks first, create last: creating persists, and a count would auto-flush it.
  const who: Pick<Entrant, 'person' | 'team' | 'enterprise'> = {};
  if (personId) {
    const person = await loadManagedPerson(ctx, em, personId, 'input.personId');
    if (await em.count(Entrant, { trade: trade.id, person: personId })) {
      throw new DomainError(
        ErrorCode.DUPLICATE,
        'This person is already registered in the trade.',
        'input.personId',
      );
    }
    who.person = ref(person);
  } else if (teamId) {
    const team = await em.findOne(Team, { id: teamId }, { populate: ['organization'] });
    if (!team) throw new DomainError(ErrorCode.NOT_FOUND, 'No such team.', 'input.teamId');
    ctx.access.assertManages(team.organization.getEntity().path, 'this team');
    if (await em.count(Entrant, { trade: trade.id, team: teamId })) {
      throw new DomainError(
        ErrorCode.DUPLICATE,
        'This team is already registered in the trade.',
        'input.teamId',
      );
    }
    who.team = ref(team);
  } else if (enterpriseId) {
    if (competition.kind !== CompetitionKind.LABOR) {
      throw new DomainError(
        ErrorCode.KIND_MISMATCH,
        'Enterprises enter labor competitions only.',
        'input.enterpriseId',
      );
    }
    const org: Organization = await loadOrganization(em, enterpriseId, 'input.enterpriseId');
    if (org.level !== OrganizationLevel.ENTERPRISE) {
      throw new DomainError(
        ErrorCode.KIND_MISMATCH,
        'That organization is not an enterprise.',
        'input.enterpriseId',
      );
    }
    ctx.access.assertManages(org.path, 'that enterprise');
    if (await em.count(Entrant, { trade: trade.id, enterprise: enterpriseId })) {
      throw new DomainError(
        ErrorCode.DUPLICATE,
        'This enterprise is already registered.',
        'input.enterpriseId',
      );
    }
    who.enterprise = ref(org);
  }
  await assertCapacity(em, trade, 1, 'input.tradeId');
  const entrant = em.create(Entrant, { trade, ...who });
  await em.flush();
  return entrant;
}

export async function setEntrantStatus(ctx: Context, em: EntityManager, input: SetEntrantStatusInput) {
  const p = new Problems();
  const id = decodeId(p, 'input.id', input.id, 'Entrant');
  p.throwIfAny();
  const found = await em.findOne(Entrant, { id });
  if (!found) throw new DomainError(ErrorCode.NOT_FOUND, 'No such entrant.', 'input.id');
  const { trade, competition } = await loadManagedTradeById(ctx, em, found.trade.id, 'input.id', true);
  if (competition.status === CompetitionStatus.ARCHIVED) {
    throw new DomainError(ErrorCode.COMPETITION_CLOSED, 'The competition is archived.', 'input.id');
  }
  const entrant = found;
  if (!ENTRANT_TRANSITIONS[entrant.status].includes(input.status)) {
    const allowed = ENTRANT_TRANSITIONS[entrant.status].join(', ') || 'none';
    throw new DomainError(
      ErrorCode.INVALID_TRANSITION,
      `Cannot move an entrant from ${entrant.status} to ${input.status}; allowed: ${allowed}.`,
      'input.status',
    );
  }
  if (input.status === EntrantStatus.REGISTERED) {
    assertConfigurable(competition, 'input.status');
    await assertCapacity(em, trade, 1, 'input.status');
  }
  entrant.status = input.status;
  await em.flush();
  // Checking in, withdrawing or disqualifying moves the entrant on or off the trade's board.
  announceBoard(ctx, await refreshBoard(em, entrant.trade.id, [entrant.id]));
  return entrant;
}

export { assertConfigurable, assertCapacity };
