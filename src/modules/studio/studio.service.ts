import type { EntityManager } from '@mikro-orm/postgresql';
import { escapeLike, pageOf, pgArray } from '../../shared/db/paging';
import { DomainError, ErrorCode, forbidden, Problems } from '../../shared/errors';
import type { Context } from '../../shared/graphql/context';
import { fromGlobalId, type Page, type PageRequest } from '../../shared/graphql/relay';
import { decodeId, isoDate, optionalText, requiredText } from '../../shared/validation';
import { Organization, OrganizationLevel } from '../organization/organization.entity';
import {
  AchievementKind,
  Alliance,
  Achievement,
  MemberRole,
  STUDIO_TRANSITIONS,
  Studio,
  StudioLevel,
  StudioStatus,
} from './studio.entity';
import type {
  ApplyStudioInput,
  AssessStudioInput,
  CreateAllianceInput,
  RecordAchievementInput,
  StudioFilter,
  StudioMemberInput,
  StudioStatistics,
  TransitionStudioInput,
} from './studio.types';

/** The registry is public for named (and revoked) studios; applications are for the host's organizers. */
export const PUBLIC_STUDIO_STATUSES = [StudioStatus.NAMED, StudioStatus.REVOKED];

/** The union rank that names a studio of each level (an enterprise studio: the host or any union above). */
const NAMING_LEVEL: Record<StudioLevel, OrganizationLevel | null> = {
  NATIONAL_MODEL: OrganizationLevel.NATIONAL,
  PROVINCIAL: OrganizationLevel.PROVINCE,
  MUNICIPAL: OrganizationLevel.CITY,
  ENTERPRISE: null,
};

async function pathOf(ctx: Context, orgId: number): Promise<string> {
  return (await ctx.loaders.organizationById.load(orgId))!.path;
}

export async function canSeeStudio(ctx: Context, s: Studio): Promise<boolean> {
  return PUBLIC_STUDIO_STATUSES.includes(s.status) || ctx.access.manages(await pathOf(ctx, s.host.id));
}

export async function listStudios(
  ctx: Context,
  filter: StudioFilter | null | undefined,
  page: PageRequest,
): Promise<Page<Studio>> {
  const where: string[] = [];
  const params: unknown[] = [];
  const scope = ctx.access.managed;
  if (scope !== '*') {
    where.push(
      `(status = any(?::text[]) or host_id in (select id from organization where path <@ ?::ltree))`,
    );
    params.push(pgArray(PUBLIC_STUDIO_STATUSES), scope ?? '0');
  }
  const f = filter ?? {};
  if (f.unionId) {
    const d = fromGlobalId(f.unionId);
    where.push(
      `host_id in (select id from organization where path <@ (select path from organization where id = ?))`,
    );
    params.push(d?.type === 'Organization' ? d.id : 0);
  }
  if (f.levels?.length) {
    where.push('level = any(?::text[])');
    params.push(pgArray(f.levels));
  }
  if (f.statuses?.length) {
    where.push('status = any(?::text[])');
    params.push(pgArray(f.statuses));
  }
  if (f.field?.trim()) {
    where.push('field ilike ?');
    params.push(`%${escapeLike(f.field.trim())}%`);
  }
  if (f.search?.trim()) {
    where.push('name ilike ?');
    params.push(`%${escapeLike(f.search.trim())}%`);
  }
  if (f.leaderHonorKinds?.length) {
    where.push(
      'exists (select 1 from honor h where h.person_id = studio.leader_id and h.kind = any(?::text[]))',
    );
    params.push(pgArray(f.leaderHonorKinds));
  }
  return pageOf(ctx.em, Studio, 'studio', where, params, page);
}

async function loadStudio(em: EntityManager, globalId: string, field: string): Promise<Studio> {
  const p = new Problems();
  const id = decodeId(p, field, globalId, 'Studio');
  p.throwIfAny();
  await em.execute('select id from studio where id = ? for update', [id]);
  const s = await em.findOne(Studio, { id }, { populate: ['host'] });
  if (!s) throw new DomainError(ErrorCode.NOT_FOUND, 'No such studio.', field);
  return s;
}

async function recordEvent(
  ctx: Context,
  em: EntityManager,
  studioId: number,
  kind: string,
  details: Record<string, unknown>,
  from: StudioStatus | null = null,
  to: StudioStatus | null = null,
) {
  await em.execute(
    `insert into studio_event (studio_id, kind, from_status, to_status, details, actor_id) values (?, ?, ?, ?, ?::jsonb, ?)`,
    [studioId, kind, from, to, JSON.stringify(details), ctx.access.accountId],
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
  if (!host) throw new DomainError(ErrorCode.NOT_FOUND, 'No such organization.', 'input.hostId');
  ctx.access.assertManages(host.path, 'this host');
  if (host.level !== OrganizationLevel.ENTERPRISE)
    throw new DomainError(ErrorCode.KIND_MISMATCH, 'A studio is hosted by an enterprise.', 'input.hostId');
  const [leader] = await em.execute<{ path: string }[]>(
    'select o.path::text as path from person p join organization o on o.id = p.employer_id where p.id = ?',
    [leaderId],
  );
  if (!leader) throw new DomainError(ErrorCode.NOT_FOUND, 'No such person.', 'input.leaderId');
  if (!(leader.path === host.path || leader.path.startsWith(`${host.path}.`)))
    throw new DomainError(
      ErrorCode.VALIDATION,
      'The leader works for the host enterprise.',
      'input.leaderId',
    );
  const [dup] = await em.execute<{ n: string }[]>(
    `select count(*) as n from studio where host_id = ? and name = ? and status <> 'REJECTED'`,
    [hostId, name],
  );
  if (dup!.n !== '0')
    throw new DomainError(ErrorCode.DUPLICATE, 'The host already has a studio of that name.', 'input.name');
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
  await recordEvent(ctx, em, studio.id, 'APPLIED', { level: input.level }, null, StudioStatus.APPLIED);
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
  const s = await loadStudio(em, input.studioId, 'input.studioId');
  const hostPath = s.host.getEntity().path;
  // Only unions at or above the host act on its studio (the naming union is one of them).
  ctx.access.assertManages(hostPath, 'this studio');
  const from = s.status;
  if (!STUDIO_TRANSITIONS[from].includes(input.to)) {
    throw new DomainError(
      ErrorCode.INVALID_TRANSITION,
      `Cannot move from ${from} to ${input.to}; allowed: ${STUDIO_TRANSITIONS[from].join(', ') || 'none'}.`,
      'input.to',
    );
  }
  const details: Record<string, unknown> = reason ? { reason } : {};
  if ((input.to === StudioStatus.REJECTED || input.to === StudioStatus.REVOKED) && !reason)
    throw new DomainError(ErrorCode.REQUIRED, 'Give the reason.', 'input.reason');
  if (input.to === StudioStatus.NAMED) {
    if (!namedOn) p.add(ErrorCode.REQUIRED, 'The date named is required.', 'input.namedOn');
    if (!documentNumber)
      p.add(ErrorCode.REQUIRED, 'The document number is required.', 'input.documentNumber');
    const unionId = input.namingUnionId
      ? decodeId(p, 'input.namingUnionId', input.namingUnionId, 'Organization')
      : 0;
    if (!input.namingUnionId)
      p.add(ErrorCode.REQUIRED, 'The naming union is required.', 'input.namingUnionId');
    p.throwIfAny();
    const union = await em.findOne(Organization, { id: unionId });
    if (!union) throw new DomainError(ErrorCode.NOT_FOUND, 'No such union.', 'input.namingUnionId');
    ctx.access.assertManages(union.path, 'the naming union');
    const above = hostPath === union.path || hostPath.startsWith(`${union.path}.`);
    const rank = NAMING_LEVEL[s.level];
    if (!above || (rank && union.level !== rank)) {
      throw new DomainError(
        ErrorCode.INVALID_HIERARCHY,
        rank
          ? `A ${s.level} studio is named by a ${rank} union above its host.`
          : 'An enterprise studio is named by its host or a union above it.',
        'input.namingUnionId',
      );
    }
    s.namedOn = namedOn;
    s.namingUnion = em.getReference(Organization, unionId) as never;
    s.documentNumber = documentNumber;
    Object.assign(details, { namedOn, namingUnionId: unionId, documentNumber });
  } else if (input.to === StudioStatus.REVOKED) {
    const union = s.namingUnion ? await em.findOne(Organization, { id: s.namingUnion.id }) : null;
    ctx.access.assertManages(union?.path ?? hostPath, 'the naming union');
  } else {
    ctx.access.assertManages(hostPath, 'this studio');
  }
  s.status = input.to;
  await em.flush();
  await recordEvent(ctx, em, s.id, input.to, details, from, input.to);
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
    p.add(ErrorCode.OUT_OF_RANGE, 'The year is between 1990 and 2100.', 'input.year');
  decodeId(p, 'input.studioId', input.studioId, 'Studio');
  p.throwIfAny();
  const s = await loadStudio(em, input.studioId, 'input.studioId');
  ctx.access.assertManages(s.host.getEntity().path, 'this studio');
  const union = s.namingUnion ? await em.findOne(Organization, { id: s.namingUnion.id }) : null;
  ctx.access.assertManages(union?.path ?? s.host.getEntity().path, 'the naming union');
  if (s.status !== StudioStatus.NAMED)
    throw new DomainError(ErrorCode.WRONG_STAGE, 'Only named studios are assessed.', 'input.studioId');
  const [dup] = await em.execute<{ n: string }[]>(
    `select count(*) as n from studio_event where studio_id = ? and kind = 'ASSESSED' and (details->>'year')::int = ?`,
    [s.id, input.year],
  );
  if (dup!.n !== '0')
    throw new DomainError(
      ErrorCode.DUPLICATE,
      `The studio was already assessed for ${input.year}.`,
      'input.year',
    );
  if (!s.lastAssessmentYear || input.year >= s.lastAssessmentYear) {
    s.lastAssessment = input.result;
    s.lastAssessmentYear = input.year;
  }
  await em.flush();
  await recordEvent(ctx, em, s.id, 'ASSESSED', { year: input.year, result: input.result, notes });
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
    p.add(ErrorCode.VALIDATION, 'The leader is set when the studio applies.', 'input.role');
  decodeId(p, 'input.studioId', input.studioId, 'Studio');
  p.throwIfAny();
  const s = await loadStudio(em, input.studioId, 'input.studioId');
  ctx.access.assertManages(s.host.getEntity().path, 'this studio');
  if ([StudioStatus.REJECTED, StudioStatus.REVOKED].includes(s.status))
    throw new DomainError(ErrorCode.WRONG_STAGE, `The studio is ${s.status}.`, 'input.studioId');
  const [person] = await em.execute<{ id: number }[]>('select id from person where id = ?', [personId]);
  if (!person) throw new DomainError(ErrorCode.NOT_FOUND, 'No such person.', 'input.personId');
  if (personId === s.leader.id)
    throw new DomainError(ErrorCode.VALIDATION, 'The leader’s role does not change here.', 'input.personId');
  await em.execute(
    `insert into studio_member (studio_id, person_id, role) values (?, ?, ?)
     on conflict (studio_id, person_id) do update set role = excluded.role`,
    [s.id, personId, input.role],
  );
  await recordEvent(ctx, em, s.id, 'MEMBER_SET', { personId, role: input.role });
  return s;
}

export async function createAlliance(
  ctx: Context,
  em: EntityManager,
  input: CreateAllianceInput,
): Promise<Alliance> {
  const p = new Problems();
  const name = requiredText(p, 'input.name', input.name, 200);
  const foundedOn = isoDate(p, 'input.foundedOn', input.foundedOn);
  const leadId = decodeId(p, 'input.leadStudioId', input.leadStudioId, 'Studio');
  if (input.studioIds.length > 500) p.add(ErrorCode.OUT_OF_RANGE, 'At most 500 studios.', 'input.studioIds');
  const ids = input.studioIds.map((g, i) => decodeId(p, `input.studioIds.${i}`, g, 'Studio'));
  p.throwIfAny();
  const all = [...new Set([leadId, ...ids])];
  const rows = await em.execute<{ id: number; status: StudioStatus; path: string }[]>(
    `select s.id, s.status, o.path::text as path from studio s join organization o on o.id = s.host_id
      where s.id = any(?::int[])`,
    [pgArray(all)],
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  all.forEach((id, i) => {
    const r = byId.get(id);
    const field = i === 0 ? 'input.leadStudioId' : `input.studioIds.${ids.indexOf(id)}`;
    if (!r) p.add(ErrorCode.NOT_FOUND, 'No such studio.', field);
    else if (r.status !== StudioStatus.NAMED)
      p.add(ErrorCode.VALIDATION, 'Only named studios join alliances.', field);
  });
  p.throwIfAny();
  ctx.access.assertManages(byId.get(leadId)!.path, 'the lead studio');
  const [dup] = await em.execute<{ n: string }[]>('select count(*) as n from alliance where name = ?', [
    name,
  ]);
  if (dup!.n !== '0') throw new DomainError(ErrorCode.DUPLICATE, 'An alliance has that name.', 'input.name');
  const alliance = em.create(Alliance, { name, leadStudio: leadId as never, foundedOn });
  await em.flush();
  await em.execute('insert into alliance_member (alliance_id, studio_id) select ?, unnest(?::int[])', [
    alliance.id,
    pgArray(all),
  ]);
  return alliance;
}

export async function recordAchievement(
  ctx: Context,
  em: EntityManager,
  input: RecordAchievementInput,
): Promise<Achievement> {
  const p = new Problems();
  const title = requiredText(p, 'input.title', input.title, 300);
  const achievedOn = isoDate(p, 'input.achievedOn', input.achievedOn);
  if (!input.achievedOn) p.add(ErrorCode.REQUIRED, 'The date is required.', 'input.achievedOn');
  const personIds = (input.personIds ?? []).map((g, i) => decodeId(p, `input.personIds.${i}`, g, 'Person'));
  if (input.kind === AchievementKind.PATENT) {
    if (!input.patentNumber?.trim())
      p.add(ErrorCode.REQUIRED, 'A patent needs its number.', 'input.patentNumber');
    if (!input.patentType) p.add(ErrorCode.REQUIRED, 'A patent needs its type.', 'input.patentType');
    if (!input.patentStatus) p.add(ErrorCode.REQUIRED, 'A patent needs its status.', 'input.patentStatus');
  }
  if (input.kind === AchievementKind.ECONOMIC_BENEFIT) {
    const b = input.benefitYuan;
    if (b == null) p.add(ErrorCode.REQUIRED, 'Give the benefit in yuan.', 'input.benefitYuan');
    else if (!Number.isFinite(b) || b < 0 || b > 1e13 || Math.abs(b * 100 - Math.round(b * 100)) > 1e-6)
      p.add(ErrorCode.OUT_OF_RANGE, 'Yuan ≥ 0 with at most 2 decimals.', 'input.benefitYuan');
  }
  if (input.kind === AchievementKind.APPRENTICES) {
    const n = input.apprentices;
    if (n == null) p.add(ErrorCode.REQUIRED, 'Give how many apprentices.', 'input.apprentices');
    else if (!Number.isInteger(n) || n < 0 || n > 100_000)
      p.add(ErrorCode.OUT_OF_RANGE, 'A whole number ≥ 0.', 'input.apprentices');
  }
  decodeId(p, 'input.studioId', input.studioId, 'Studio');
  p.throwIfAny();
  const s = await loadStudio(em, input.studioId, 'input.studioId');
  ctx.access.assertManages(s.host.getEntity().path, 'this studio');
  if (s.status !== StudioStatus.NAMED)
    throw new DomainError(
      ErrorCode.WRONG_STAGE,
      'Achievements are recorded for named studios.',
      'input.studioId',
    );
  if (personIds.length) {
    const members = await em.execute<{ person_id: number }[]>(
      'select person_id from studio_member where studio_id = ? and person_id = any(?::int[])',
      [s.id, pgArray(personIds)],
    );
    const known = new Set(members.map((m) => m.person_id));
    personIds.forEach((id, i) => {
      if (!known.has(id)) p.add(ErrorCode.VALIDATION, 'Not a member of the studio.', `input.personIds.${i}`);
    });
    p.throwIfAny();
  }
  const a = em.create(Achievement, {
    studio: s,
    kind: input.kind,
    title,
    achievedOn: achievedOn!,
    patentNumber: input.kind === AchievementKind.PATENT ? input.patentNumber!.trim() : null,
    patentType: input.kind === AchievementKind.PATENT ? input.patentType : null,
    patentStatus: input.kind === AchievementKind.PATENT ? input.patentStatus : null,
    benefitYuan: input.kind === AchievementKind.ECONOMIC_BENEFIT ? input.benefitYuan : null,
    apprentices: input.kind === AchievementKind.APPRENTICES ? input.apprentices : null,
  });
  await em.flush();
  if (personIds.length) {
    await em.execute(
      'insert into achievement_person (achievement_id, person_id) select ?, unnest(?::int[])',
      [a.id, pgArray([...new Set(personIds)])],
    );
  }
  return a;
}

/** Rollups over a union's subtree: one statement each (studios, alliances, achievements). */
export async function studioStatistics(ctx: Context, union: Organization): Promise<StudioStatistics> {
  if (!ctx.access.manages(union.path)) throw forbidden('You do not manage that union.');
  const hosted = `select s.id from studio s join organization o on o.id = s.host_id where o.path <@ ?::ltree`;
  const conn = ctx.em.getConnection();
  const [studios, alliances, achievements] = await Promise.all([
    conn.execute<{ level: StudioLevel; status: StudioStatus; n: string }[]>(
      `select s.level, s.status, count(*) as n from studio s join organization o on o.id = s.host_id
        where o.path <@ ?::ltree group by s.level, s.status order by s.level, s.status`,
      [union.path],
    ),
    conn.execute<{ n: string }[]>(`select count(*) as n from alliance where lead_studio_id in (${hosted})`, [
      union.path,
    ]),
    conn.execute<
      { kind: AchievementKind; n: string; benefit: string; apprentices: string; granted: string }[]
    >(
      `select kind, count(*) as n, coalesce(sum(benefit_yuan), 0) as benefit,
              coalesce(sum(apprentices), 0) as apprentices, count(*) filter (where patent_status = 'GRANTED') as granted
         from achievement where studio_id in (${hosted}) group by kind order by kind`,
      [union.path],
    ),
  ]);
  return {
    union,
    studios: studios.map((r) => ({ level: r.level, status: r.status, count: Number(r.n) })),
    alliances: Number(alliances[0]?.n ?? 0),
    achievements: achievements.map((r) => ({
      kind: r.kind,
      count: Number(r.n),
      benefitYuan: Number(r.benefit),
      apprentices: Number(r.apprentices),
      patentsGranted: Number(r.granted),
    })),
  };
}
