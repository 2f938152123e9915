import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { escapeLike, pageOf, pgArray } from '../../shared/db/paging';
import { DomainError, ErrorCode, Problems } from '../../shared/errors';
import type { Context } from '../../shared/graphql/context';
import { fromGlobalId, type Page, type PageRequest } from '../../shared/graphql/relay';
import { decodeId, intInRange, isoDate, optionalText, requiredText } from '../../shared/validation';
import { loadOrganization } from '../organization/organization.service';
import {
  Competition,
  CompetitionKind,
  CompetitionStatus,
  CompetitionStatusChange,
  COMPETITION_TRANSITIONS,
  PUBLIC_COMPETITION_STATUSES,
  RESULTS_PUBLIC_STATUSES,
} from './competition.entity';
import { Trade } from './trade.entity';
import type {
  CompetitionFilter,
  CreateCompetitionInput,
  TransitionCompetitionInput,
  UpdateCompetitionInput,
} from './competition.types';
import { text } from '../../shared/i18n';

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
  page: PageRequest<Competition>,
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
  if (!c) throw new DomainError(ErrorCode.NOT_FOUND, text('没有该竞赛。', 'No such competition.'), field);
  const host = await c.host.load();
  ctx.access.assertManages(host!.path, text('此竞赛', 'this competition'));
  return c;
}

/** Loads a trade the viewer manages, locking it when its capacity is about to be used. */
export async function loadManagedTrade(
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
  if (!trade) throw new DomainError(ErrorCode.NOT_FOUND, text('没有该工种。', 'No such trade.'), field);
  const competition = await em.findOneOrFail(Competition, { id: trade.competition.id });
  const host = await competition.host.load();
  ctx.access.assertManages(host!.path, text('此工种', 'this trade'));
  return { trade, competition };
}

function assertConfigurable(c: Competition, field: string | null = null): void {
  if (!CONFIGURABLE.includes(c.status)) {
    throw new DomainError(
      ErrorCode.COMPETITION_CLOSED,
      text(
        `竞赛当前状态为 ${c.status}；只有在 DRAFT 或 REGISTRATION_OPEN 状态下才能更改工种和参赛选手。`,
        `The competition is ${c.status}; trades and entrants can change only in DRAFT or REGISTRATION_OPEN.`,
      ),
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
    p.add(ErrorCode.VALIDATION, text('结束时间早于开始时间。', 'Ends before it starts.'), 'input.endsOn');
  const hostId = decodeId(p, 'input.hostId', input.hostId, 'Organization');
  if (input.kind === CompetitionKind.INNOVATION)
    p.add(
      ErrorCode.KIND_MISMATCH,
      text('创新活动请用 createCampaign 创建。', 'Innovation campaigns are created with createCampaign.'),
      'input.kind',
    );
  p.throwIfAny();
  const host = await loadOrganization(em, hostId, 'input.hostId');
  ctx.access.assertManages(host.path, text('该工会', 'that union'));
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
    p.add(ErrorCode.VALIDATION, text('结束时间早于开始时间。', 'Ends before it starts.'), 'input.endsOn');
  p.throwIfAny();
  if (c.status === CompetitionStatus.ARCHIVED) {
    throw new DomainError(
      ErrorCode.COMPETITION_CLOSED,
      text('已归档的竞赛不能更改。', 'An archived competition cannot change.'),
      'input.id',
    );
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
      text(
        `不能从 ${from} 变为 ${input.to}；允许的状态：${allowed}。`,
        `Cannot move from ${from} to ${input.to}; allowed: ${allowed}.`,
      ),
      'input.to',
    );
  }
  if (RESULTS_STEPS.includes(input.to)) {
    throw new DomainError(
      ErrorCode.INVALID_TRANSITION,
      text(
        `请使用 ${input.to === CompetitionStatus.PUBLISHED ? 'publishResults' : 'finalizeResults'}：它会检查评分锁定、复核、申诉和公示期。`,
        `Use ${input.to === CompetitionStatus.PUBLISHED ? 'publishResults' : 'finalizeResults'}: it checks sign-off, re-checks, appeals and the notice period.`,
      ),
      'input.to',
    );
  }
  await recordTransition(ctx, em, c, input.to, reason);
  await ctx.events.record(em, 'COMPETITION_STATUS_CHANGED', {
    competitionId: c.id,
    from,
    to: c.status,
    at: new Date().toISOString(),
  });
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

export { assertConfigurable };
