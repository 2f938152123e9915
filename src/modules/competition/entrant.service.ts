import { ref } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { checkReference } from '../../shared/access/references';
import { DomainError, ErrorCode, Problems } from '../../shared/errors';
import type { Context } from '../../shared/graphql/context';
import { decodeId } from '../../shared/validation';
import { OrganizationLevel, type Organization } from '../organization/organization.entity';
import { loadOrganization } from '../organization/organization.service';
import { loadManagedPerson } from '../person/person.service';
import { CompetitionKind, CompetitionStatus } from './competition.entity';
import { Entrant, ENTRANT_TRANSITIONS, EntrantStatus } from './entrant.entity';
import { Team } from './team.entity';
import { Trade } from './trade.entity';
import type { RegisterEntrantInput, SetEntrantStatusInput } from './competition.types';

/** States in which trades and entrants may still be configured. */
import { assertConfigurable, loadManagedTrade, loadManagedTradeById } from './competition.service';
import { activeEntrantCount } from './trade.service';
import { text } from '../../shared/i18n';

async function assertCapacity(em: EntityManager, trade: Trade, adding: number, field: string | null) {
  const active = await activeEntrantCount(em, trade.id);
  if (active + adding > trade.capacity) {
    throw new DomainError(
      ErrorCode.CAPACITY_EXCEEDED,
      text(
        `该工种名额已满：${trade.capacity} 个名额已占用 ${active} 个。`,
        `The trade is full: ${active} of ${trade.capacity} places taken.`,
      ),
      field,
    );
  }
}

export async function registerEntrant(ctx: Context, em: EntityManager, input: RegisterEntrantInput) {
  const p = new Problems();
  const given = [input.personId, input.teamId, input.enterpriseId].filter((x) => x != null);
  if (given.length !== 1) {
    p.add(
      ErrorCode.VALIDATION,
      text(
        'personId、teamId、enterpriseId 须且只能填写一项。',
        'Give exactly one of personId, teamId or enterpriseId.',
      ),
      'input',
    );
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
      text('活动参评项目请用 submitEntry 提交。', 'Campaign entries come in with submitEntry.'),
      'input.tradeId',
    );

  // Checks first, create last: creating persists, and a count would auto-flush it.
  const who: Pick<Entrant, 'person' | 'team' | 'enterprise'> = {};
  if (personId) {
    const person = await loadManagedPerson(ctx, em, personId, 'input.personId');
    if (await em.count(Entrant, { trade: trade.id, person: personId })) {
      throw new DomainError(
        ErrorCode.DUPLICATE,
        text('该选手已报名此工种。', 'This person is already registered in the trade.'),
        'input.personId',
      );
    }
    who.person = ref(person);
  } else if (teamId) {
    // Teams, like their members, are visible only to those who manage them.
    await checkReference(ctx.access, em, 'Team', 'input.teamId', teamId, 'manage');
    const team = await em.findOneOrFail(Team, { id: teamId }, { populate: ['organization'] });
    if (await em.count(Entrant, { trade: trade.id, team: teamId })) {
      throw new DomainError(
        ErrorCode.DUPLICATE,
        text('该团队已报名此工种。', 'This team is already registered in the trade.'),
        'input.teamId',
      );
    }
    who.team = ref(team);
  } else if (enterpriseId) {
    if (competition.kind !== CompetitionKind.LABOR) {
      throw new DomainError(
        ErrorCode.KIND_MISMATCH,
        text('企业只能参加劳动竞赛。', 'Enterprises enter labor competitions only.'),
        'input.enterpriseId',
      );
    }
    const org: Organization = await loadOrganization(em, enterpriseId, 'input.enterpriseId');
    if (org.level !== OrganizationLevel.ENTERPRISE) {
      throw new DomainError(
        ErrorCode.KIND_MISMATCH,
        text('该组织不是企业。', 'That organization is not an enterprise.'),
        'input.enterpriseId',
      );
    }
    ctx.access.assertManages(org.path, text('该企业', 'that enterprise'));
    if (await em.count(Entrant, { trade: trade.id, enterprise: enterpriseId })) {
      throw new DomainError(
        ErrorCode.DUPLICATE,
        text('该企业已报名。', 'This enterprise is already registered.'),
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
  if (!found)
    throw new DomainError(ErrorCode.NOT_FOUND, text('没有该参赛选手。', 'No such entrant.'), 'input.id');
  const { trade, competition } = await loadManagedTradeById(ctx, em, found.trade.id, 'input.id', true);
  if (competition.status === CompetitionStatus.ARCHIVED) {
    throw new DomainError(
      ErrorCode.COMPETITION_CLOSED,
      text('该竞赛已归档。', 'The competition is archived.'),
      'input.id',
    );
  }
  const entrant = found;
  if (!ENTRANT_TRANSITIONS[entrant.status].includes(input.status)) {
    const allowed = ENTRANT_TRANSITIONS[entrant.status].join(', ') || 'none';
    throw new DomainError(
      ErrorCode.INVALID_TRANSITION,
      text(
        `参赛选手不能从 ${entrant.status} 变为 ${input.status}；允许的状态：${allowed}。`,
        `Cannot move an entrant from ${entrant.status} to ${input.status}; allowed: ${allowed}.`,
      ),
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
  await ctx.events.record(em, 'RESULT_INPUTS_CHANGED', {
    tradeId: entrant.trade.id,
    entrantIds: [entrant.id],
  });
  return entrant;
}
