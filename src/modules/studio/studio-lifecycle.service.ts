import type { EntityManager } from '@mikro-orm/postgresql';
import { checkReference } from '../../shared/access/references';
import { DomainError, ErrorCode, Problems } from '../../shared/errors';
import type { Context } from '../../shared/graphql/context';
import { decodeId, isoDate, optionalText, requiredText } from '../../shared/validation';
import { Organization, OrganizationLevel } from '../organization/organization.entity';
import { recordStudioEvent } from './studio-events';
import { MemberRole, STUDIO_TRANSITIONS, Studio, StudioLevel, StudioStatus } from './studio.entity';
import type { StudioEventKind } from './studio-life.enums';
import type {
  ApplyStudioInput,
  AssessStudioInput,
  StudioMemberInput,
  TransitionStudioInput,
} from './studio.types';
import { text } from '../../shared/i18n';

/** The union rank that names a studio of each level (an enterprise studio: the host or any union above). */
export const NAMING_LEVEL: Record<StudioLevel, OrganizationLevel | null> = {
  NATIONAL_MODEL: OrganizationLevel.NATIONAL,
  PROVINCIAL: OrganizationLevel.PROVINCE,
  MUNICIPAL: OrganizationLevel.CITY,
  ENTERPRISE: null,
};

export async function loadStudio(
  ctx: Context,
  em: EntityManager,
  globalId: string,
  field: string,
): Promise<Studio> {
  const p = new Problems();
  const id = decodeId(p, field, globalId, 'Studio');
  p.throwIfAny();
  // Every step on a studio is taken by an organizer of its host (or above).
  await checkReference(ctx.access, em, 'Studio', field, id, 'manage');
  await em.execute('select id from studio where id = ? for update', [id]);
  const s = await em.findOne(Studio, { id }, { populate: ['host'] });
  if (!s) throw new DomainError(ErrorCode.NOT_FOUND, text('没有该工作室。', 'No such studio.'), field);
  return s;
}

async function recordEvent(
  ctx: Context,
  em: EntityManager,
  studio: Studio,
  kind: StudioEventKind,
  details: Record<string, unknown>,
  from: StudioStatus | null = null,
  to: StudioStatus | null = null,
) {
  await recordStudioEvent(ctx, em, { id: studio.id, hostId: studio.host.id }, kind, details, from, to);
}

/** The studio's current naming (level, date, union, document) as a step of its level history. */
export async function recordLevelStep(ctx: Context, em: EntityManager, s: Studio): Promise<void> {
  await em.execute(
    `insert into studio_level_step (studio_id, level, named_on, naming_union_id, document_number, actor_id)
     values (?, ?, ?, ?, ?, ?)`,
    [s.id, s.level, s.namedOn, s.namingUnion!.id, s.documentNumber, ctx.access.accountId],
  );
}

export async function applyStudio(ctx: Context, em: EntityManager, input: ApplyStudioInput): Promise<Studio> {
  const p = new Problems();
  const name = requiredText(p, 'input.name', input.name, 200);
  const field = requiredText(p, 'input.field', input.field, 100);
  const hostId = decodeId(p, 'input.hostId', input.hostId, 'Organization');
  const leaderId = decodeId(p, 'input.leaderId', input.leaderId, 'Person');
  p.throwIfAny();
  const host = await em.findOne(Organization, { id: hostId });
  if (!host)
    throw new DomainError(ErrorCode.NOT_FOUND, text('没有该组织。', 'No such organization.'), 'input.hostId');
  ctx.access.assertManages(host.path, text('该创建单位', 'this host'));
  if (host.level !== OrganizationLevel.ENTERPRISE)
    throw new DomainError(
      ErrorCode.KIND_MISMATCH,
      text('工作室须由企业创建。', 'A studio is hosted by an enterprise.'),
      'input.hostId',
    );
  const leaderPath = (await checkReference(ctx.access, em, 'Person', 'input.leaderId', leaderId, 'manage'))!;
  if (!(leaderPath === host.path || leaderPath.startsWith(`${host.path}.`)))
    throw new DomainError(
      ErrorCode.VALIDATION,
      text('领办人须为创建企业的职工。', 'The leader works for the host enterprise.'),
      'input.leaderId',
    );
  const [dup] = await em.execute<{ n: string }[]>(
    `select count(*) as n from studio where host_id = ? and name = ? and status <> 'REJECTED'`,
    [hostId, name],
  );
  if (dup!.n !== '0')
    throw new DomainError(
      ErrorCode.DUPLICATE,
      text('该企业已有同名工作室。', 'The host already has a studio of that name.'),
      'input.name',
    );
  const studio = em.create(Studio, {
    name,
    field,
    level: input.level,
    host: em.getReference(Organization, hostId),
    leader: leaderId as never,
  });
  await em.flush();
  await em.execute(`insert into studio_member (studio_id, person_id, role) values (?, ?, 'LEADER')`, [
    studio.id,
    leaderId,
  ]);
  await recordEvent(ctx, em, studio, 'APPLIED', { level: input.level }, null, StudioStatus.APPLIED);
  return studio;
}

export async function transitionStudio(
  ctx: Context,
  em: EntityManager,
  input: TransitionStudioInput,
): Promise<Studio> {
  const p = new Problems();
  const reason = optionalText(p, 'input.reason', input.reason, 500);
  const namedOn = isoDate(p, 'input.namedOn', input.namedOn);
  const documentNumber = optionalText(p, 'input.documentNumber', input.documentNumber, 100);
  decodeId(p, 'input.studioId', input.studioId, 'Studio');
  p.throwIfAny();
  const s = await loadStudio(ctx, em, input.studioId, 'input.studioId');
  const hostPath = s.host.getEntity().path;
  // Only unions at or above the host act on its studio (the naming union is one of them).
  ctx.access.assertManages(hostPath, text('该工作室', 'this studio'));
  const from = s.status;
  if (!STUDIO_TRANSITIONS[from].includes(input.to)) {
    throw new DomainError(
      ErrorCode.INVALID_TRANSITION,
      text(
        `不能从 ${from} 变为 ${input.to}；允许的状态：${STUDIO_TRANSITIONS[from].join(', ') || '无'}。`,
        `Cannot move from ${from} to ${input.to}; allowed: ${STUDIO_TRANSITIONS[from].join(', ') || 'none'}.`,
      ),
      'input.to',
    );
  }
  const details: Record<string, unknown> = reason ? { reason } : {};
  if ((input.to === StudioStatus.REJECTED || input.to === StudioStatus.REVOKED) && !reason)
    throw new DomainError(ErrorCode.REQUIRED, text('请说明原因。', 'Give the reason.'), 'input.reason');
  if (input.to === StudioStatus.NAMED) {
    if (!namedOn)
      p.add(ErrorCode.REQUIRED, text('命名日期为必填项。', 'The date named is required.'), 'input.namedOn');
    if (!documentNumber)
      p.add(
        ErrorCode.REQUIRED,
        text('文号为必填项。', 'The document number is required.'),
        'input.documentNumber',
      );
    const unionId = input.namingUnionId
      ? decodeId(p, 'input.namingUnionId', input.namingUnionId, 'Organization')
      : 0;
    if (!input.namingUnionId)
      p.add(
        ErrorCode.REQUIRED,
        text('命名工会为必填项。', 'The naming union is required.'),
        'input.namingUnionId',
      );
    p.throwIfAny();
    const union = await em.findOne(Organization, { id: unionId });
    if (!union)
      throw new DomainError(
        ErrorCode.NOT_FOUND,
        text('没有该工会。', 'No such union.'),
        'input.namingUnionId',
      );
    ctx.access.assertManages(union.path, text('命名工会', 'the naming union'));
    const above = hostPath === union.path || hostPath.startsWith(`${union.path}.`);
    const rank = NAMING_LEVEL[s.level];
    if (!above || (rank && union.level !== rank)) {
      throw new DomainError(
        ErrorCode.INVALID_HIERARCHY,
        rank
          ? text(
              `${s.level} 级工作室须由其所在企业上级的 ${rank} 级工会命名。`,
              `A ${s.level} studio is named by a ${rank} union above its host.`,
            )
          : text(
              '企业级工作室须由所在企业或其上级工会命名。',
              'An enterprise studio is named by its host or a union above it.',
            ),
        'input.namingUnionId',
      );
    }
    s.namedOn = namedOn;
    s.namingUnion = em.getReference(Organization, unionId) as never;
    s.documentNumber = documentNumber;
    Object.assign(details, { namedOn, namingUnionId: unionId, documentNumber });
  } else if (input.to === StudioStatus.REVOKED) {
    const union = s.namingUnion ? await em.findOne(Organization, { id: s.namingUnion.id }) : null;
    ctx.access.assertManages(union?.path ?? hostPath, text('命名工会', 'the naming union'));
  } else {
    ctx.access.assertManages(hostPath, text('该工作室', 'this studio'));
  }
  s.status = input.to;
  await em.flush();
  if (input.to === StudioStatus.NAMED) await recordLevelStep(ctx, em, s);
  await recordEvent(ctx, em, s, input.to, details, from, input.to);
  return s;
}

export async function assessStudio(
  ctx: Context,
  em: EntityManager,
  input: AssessStudioInput,
): Promise<Studio> {
  const p = new Problems();
  const notes = optionalText(p, 'input.notes', input.notes, 1000);
  if (!Number.isInteger(input.year) || input.year < 1990 || input.year > 2100)
    p.add(
      ErrorCode.OUT_OF_RANGE,
      text('年份须在 1990 到 2100 之间。', 'The year is between 1990 and 2100.'),
      'input.year',
    );
  decodeId(p, 'input.studioId', input.studioId, 'Studio');
  p.throwIfAny();
  const s = await loadStudio(ctx, em, input.studioId, 'input.studioId');
  ctx.access.assertManages(s.host.getEntity().path, text('该工作室', 'this studio'));
  const union = s.namingUnion ? await em.findOne(Organization, { id: s.namingUnion.id }) : null;
  ctx.access.assertManages(union?.path ?? s.host.getEntity().path, text('命名工会', 'the naming union'));
  if (s.status !== StudioStatus.NAMED)
    throw new DomainError(
      ErrorCode.WRONG_STAGE,
      text('只有已命名的工作室才能参加考核。', 'Only named studios are assessed.'),
      'input.studioId',
    );
  const [dup] = await em.execute<{ n: string }[]>(
    `select count(*) as n from studio_event where studio_id = ? and kind = 'ASSESSED' and (details->>'year')::int = ?`,
    [s.id, input.year],
  );
  if (dup!.n !== '0')
    throw new DomainError(
      ErrorCode.DUPLICATE,
      text(`该工作室已有 ${input.year} 年度的考核。`, `The studio was already assessed for ${input.year}.`),
      'input.year',
    );
  if (!s.lastAssessmentYear || input.year >= s.lastAssessmentYear) {
    s.lastAssessment = input.result;
    s.lastAssessmentYear = input.year;
  }
  await em.flush();
  await recordEvent(ctx, em, s, 'ASSESSED', { year: input.year, result: input.result, notes });
  return s;
}

export async function addStudioMember(
  ctx: Context,
  em: EntityManager,
  input: StudioMemberInput,
): Promise<Studio> {
  const p = new Problems();
  const personId = decodeId(p, 'input.personId', input.personId, 'Person');
  if (input.role === MemberRole.LEADER)
    p.add(
      ErrorCode.VALIDATION,
      text('领办人在工作室申报时设定。', 'The leader is set when the studio applies.'),
      'input.role',
    );
  decodeId(p, 'input.studioId', input.studioId, 'Studio');
  p.throwIfAny();
  const s = await loadStudio(ctx, em, input.studioId, 'input.studioId');
  ctx.access.assertManages(s.host.getEntity().path, text('该工作室', 'this studio'));
  if ([StudioStatus.REJECTED, StudioStatus.REVOKED].includes(s.status))
    throw new DomainError(
      ErrorCode.WRONG_STAGE,
      text(`该工作室当前状态为 ${s.status}。`, `The studio is ${s.status}.`),
      'input.studioId',
    );
  // Only people the caller manages join: a stranger's name would otherwise show on the public roster.
  await checkReference(ctx.access, em, 'Person', 'input.personId', personId, 'manage');
  if (personId === s.leader.id)
    throw new DomainError(
      ErrorCode.VALIDATION,
      text('领办人的角色不在此处更改。', 'The leader’s role does not change here.'),
      'input.personId',
    );
  await em.execute(
    `insert into studio_member (studio_id, person_id, role) values (?, ?, ?)
     on conflict (studio_id, person_id) do update set role = excluded.role`,
    [s.id, personId, input.role],
  );
  await recordEvent(ctx, em, s, 'MEMBER_SET', { personId, role: input.role });
  return s;
}
