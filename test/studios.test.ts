import { OrganizationLevel } from '../src/modules/organization/organization.entity';
import { sqlStatements } from '../src/shared/db/orm';
import {
  ApplyStudioDocument,
  AssessStudioDocument,
  CreateAllianceDocument,
  RecordAchievementDocument,
  SetStudioMemberDocument,
  StudioDetailDocument,
  StudiosDocument,
  StudioStatisticsDocument,
  TransitionStudioDocument,
} from './generated/graphql';
import { startTestApp, type TestApp } from './support/app';
import { toDecimalString } from '../src/shared/graphql/scalars';
import { buildWorld, createPerson, orgId, type World } from './support/world';

/**
 * The innovation studio registry through the API: application → review → named (by a union of
 * the right rank) → annual assessment → revoked, with history; members, alliances and
 * achievements; search filters; subtree rollups against direct counts.
 */
let t: TestApp;
let w: World;

beforeAll(async () => {
  t = await startTestApp();
  w = await buildWorld(t);
});
afterAll(async () => t?.close());

async function apply(name: string, level: string, leader?: string, token = w.tokens.xian) {
  const leaderId = leader ?? (await createPerson(t, w.tokens.xian, w.orgs.xianFirm, `${name}领办人`));
  const r = await t.gql(
    ApplyStudioDocument,
    { input: { name, hostId: orgId(w.orgs.xianFirm), level: level as never, field: '焊接', leaderId } },
    { token },
  );
  return r;
}

async function move(
  studioId: string,
  to: string,
  extra: Record<string, unknown> = {},
  token = w.tokens.xian,
) {
  return t.gql(TransitionStudioDocument, { input: { studioId, to: to as never, ...extra } }, { token });
}

async function named(name: string, level = 'MUNICIPAL') {
  const s = (await apply(name, level)).data!.applyStudio.studio!;
  await move(s.id, 'UNDER_REVIEW');
  // A provincial name comes from the province's union (here, an admin acting for it).
  const r = await move(
    s.id,
    'NAMED',
    {
      namedOn: '2024-04-28',
      namingUnionId: orgId(level === 'PROVINCIAL' ? w.orgs.shaanxi : w.orgs.xian),
      documentNumber: `西工发〔2024〕${name.length}号`,
    },
    level === 'PROVINCIAL' ? w.tokens.admin : w.tokens.xian,
  );
  return r.data!.transitionStudio.studio!;
}

test('a studio goes from application to named, assessed and revoked, with its history kept', async () => {
  const applied = await apply('王师傅焊接创新工作室', 'MUNICIPAL');
  const studio = applied.data!.applyStudio.studio!;
  expect(studio).toMatchObject({
    status: 'APPLIED',
    level: 'MUNICIPAL',
    leaderName: '王师傅焊接创新工作室领办人',
  });
  // Not public while an application.
  expect((await t.gql(StudioDetailDocument, { id: studio.id })).data!.studio).toBeNull();

  const skip = await move(studio.id, 'NAMED');
  expect(skip.data!.transitionStudio.errors[0]!.code).toBe('INVALID_TRANSITION');
  await move(studio.id, 'UNDER_REVIEW');
  const incomplete = await move(studio.id, 'NAMED');
  expect(incomplete.data!.transitionStudio.errors.map((e) => e.code).sort()).toEqual([
    'REQUIRED',
    'REQUIRED',
    'REQUIRED',
  ]);
  // A municipal studio is named by a city union above its host: not by the district.
  const wrong = await move(studio.id, 'NAMED', {
    namedOn: '2024-04-28',
    namingUnionId: orgId(w.orgs.lianhu),
    documentNumber: '莲工发〔2024〕1号',
  });
  expect(wrong.data!.transitionStudio.errors[0]!.code).toBe('INVALID_HIERARCHY');
  // The neighbouring city cannot name it: an application it cannot see is refused as if missing.
  const neighbour = await move(
    studio.id,
    'NAMED',
    { namedOn: '2024-04-28', namingUnionId: orgId(w.orgs.xianyang), documentNumber: 'x' },
    w.tokens.xianyang,
  );
  expect(neighbour.data!.transitionStudio.errors).toEqual([
    { code: 'NOT_FOUND', field: 'input.studioId', message: 'No such studio.' },
  ]);
  const ok = await move(studio.id, 'NAMED', {
    namedOn: '2024-04-28',
    namingUnionId: orgId(w.orgs.xian),
    documentNumber: '西工发〔2024〕12号',
  });
  expect(ok.data!.transitionStudio.studio).toMatchObject({
    status: 'NAMED',
    namedOn: '2024-04-28',
    documentNumber: '西工发〔2024〕12号',
    namingUnion: { name: '西安市总工会' },
  });

  for (const [year, result] of [
    [2024, 'PASS'],
    [2025, 'FAIL'],
  ] as const) {
    const a = await t.gql(
      AssessStudioDocument,
      { input: { studioId: studio.id, year, result } },
      { token: w.tokens.xian },
    );
    expect(a.data!.assessStudio.errors).toEqual([]);
  }
  const twice = await t.gql(
    AssessStudioDocument,
    { input: { studioId: studio.id, year: 2025, result: 'PASS' } },
    { token: w.tokens.xian },
  );
  expect(twice.data!.assessStudio.errors[0]!.code).toBe('DUPLICATE');
  const noReason = await move(studio.id, 'REVOKED');
  expect(noReason.data!.transitionStudio.errors[0]!.code).toBe('REQUIRED');
  const revoked = await move(studio.id, 'REVOKED', { reason: '2025年度考核不合格' });
  expect(revoked.data!.transitionStudio.studio).toMatchObject({
    status: 'REVOKED',
    lastAssessment: 'FAIL',
    lastAssessmentYear: 2025,
  });

  const detail = (await t.gql(StudioDetailDocument, { id: studio.id })).data!.studio!;
  expect(detail.history.map((h) => h.kind)).toEqual([
    'APPLIED',
    'UNDER_REVIEW',
    'NAMED',
    'ASSESSED',
    'ASSESSED',
    'REVOKED',
  ]);
  expect(JSON.parse(detail.history[5]!.details)).toEqual({ reason: '2025年度考核不合格' });
  expect(detail.leader).toBeNull(); // people's records are for those who manage their employer
});

test('members, alliances across enterprises, and achievements attributed to members', async () => {
  const a = await named('电力检修创新工作室');
  const b = await named('数控加工创新工作室');
  const apprentice = await createPerson(t, w.tokens.xian, w.orgs.xianFirm, '徒弟小李');
  const outsider = await createPerson(t, w.tokens.xian, w.orgs.xianFirm, '局外人');
  const m = await t.gql(
    SetStudioMemberDocument,
    { input: { studioId: a.id, personId: apprentice, role: 'APPRENTICE' } },
    { token: w.tokens.xian },
  );
  expect(m.data!.setStudioMember.studio!.members.map((x) => [x.name, x.role])).toEqual([
    ['电力检修创新工作室领办人', 'LEADER'],
    ['徒弟小李', 'APPRENTICE'],
  ]);
  const pending = (await apply('筹备中的工作室', 'ENTERPRISE')).data!.applyStudio.studio!;
  const bad = await t.gql(
    CreateAllianceDocument,
    { input: { name: '西安技能创新联盟', leadStudioId: a.id, studioIds: [b.id, pending.id] } },
    { token: w.tokens.xian },
  );
  expect(bad.data!.createAlliance.errors).toEqual([
    expect.objectContaining({ code: 'VALIDATION', field: 'input.studioIds.1' }),
  ]);
  const alliance = await t.gql(
    CreateAllianceDocument,
    { input: { name: '西安技能创新联盟', leadStudioId: a.id, studioIds: [b.id], foundedOn: '2024-05-01' } },
    { token: w.tokens.xian },
  );
  expect(alliance.data!.createAlliance.alliance).toMatchObject({
    leadStudio: { id: a.id },
    studios: [{ id: a.id }, { id: b.id }],
  });

  const patent = await t.gql(
    RecordAchievementDocument,
    {
      input: {
        studioId: a.id,
        kind: 'PATENT',
        title: '一种带电作业绝缘工具',
        achievedOn: '2024-06-01',
        patentNumber: 'ZL202410000001.X',
        patentType: 'INVENTION',
        patentStatus: 'GRANTED',
        personIds: [apprentice],
      },
    },
    { token: w.tokens.xian },
  );
  expect(patent.data!.recordAchievement.achievement).toMatchObject({
    people: ['徒弟小李'],
    patentStatus: 'GRANTED',
  });
  const notMember = await t.gql(
    RecordAchievementDocument,
    {
      input: {
        studioId: a.id,
        kind: 'OPERATION_METHOD',
        title: '王氏操作法',
        achievedOn: '2024-06-02',
        personIds: [outsider],
      },
    },
    { token: w.tokens.xian },
  );
  expect(notMember.data!.recordAchievement.errors[0]).toMatchObject({
    code: 'VALIDATION',
    field: 'input.personIds.0',
  });
  const missing = await t.gql(
    RecordAchievementDocument,
    { input: { studioId: a.id, kind: 'ECONOMIC_BENEFIT', title: '节约成本', achievedOn: '2024-07-01' } },
    { token: w.tokens.xian },
  );
  expect(missing.data!.recordAchievement.errors[0]!.code).toBe('REQUIRED');
  const benefits: (string | null)[] = [];
  for (const input of [
    { kind: 'ECONOMIC_BENEFIT', title: '降本增效', benefitYuan: '1250000.5' },
    // Past a float's 15–16 digits: exact only as a decimal end to end.
    { kind: 'ECONOMIC_BENEFIT', title: '大额效益', benefitYuan: '98765432109876.43' },
    { kind: 'APPRENTICES', title: '师带徒', apprentices: 12 },
  ]) {
    const r = await t.gql(
      RecordAchievementDocument,
      { input: { studioId: a.id, achievedOn: '2024-12-31', ...input } as never },
      { token: w.tokens.xian },
    );
    expect(r.data!.recordAchievement.errors).toEqual([]);
    benefits.push(r.data!.recordAchievement.achievement!.benefitYuan ?? null);
  }
  const detail = (await t.gql(StudioDetailDocument, { id: a.id })).data!.studio!;
  expect(detail.alliances.map((x) => x.name)).toEqual(['西安技能创新联盟']);
  expect(detail.achievements).toHaveLength(4);
  // Money comes back as the exact string of yuan with two decimals.
  expect(benefits).toEqual(['1250000.50', '98765432109876.43', null]);
});

test('search filters: level, field, union subtree, leader honor, status', async () => {
  const provincial = await named('省级示范工作室', 'PROVINCIAL');
  await t.sql(
    `insert into honor (person_id, kind, title, year, awarding_body)
     select leader_id, 'MODEL_WORKER', '陕西省劳动模范', 2020, '陕西省人民政府' from studio where id = ?`,
    [Number(Buffer.from(provincial.id, 'base64url').toString().split(':')[1])],
  );
  const byLevel = await t.gql(StudiosDocument, { filter: { levels: ['PROVINCIAL'] } });
  expect(byLevel.data!.studios.nodes.map((s) => s.name)).toEqual(['省级示范工作室']);
  const byHonor = await t.gql(StudiosDocument, { filter: { leaderHonorKinds: ['MODEL_WORKER'] } });
  expect(byHonor.data!.studios.nodes.map((s) => s.name)).toEqual(['省级示范工作室']);
  const inXianyang = await t.gql(StudiosDocument, { filter: { unionId: orgId(w.orgs.xianyang) } });
  expect(inXianyang.data!.studios.totalCount).toBe(0);
  const inXian = await t.gql(StudiosDocument, {
    filter: { unionId: orgId(w.orgs.xian), statuses: ['NAMED'] },
  });
  expect(inXian.data!.studios.nodes.every((s) => s.status === 'NAMED')).toBe(true);
  const byField = await t.gql(StudiosDocument, { filter: { field: '焊' } });
  expect(byField.data!.studios.totalCount).toBeGreaterThan(0);
  // The public does not see applications; their organizers do.
  const pub = await t.gql(StudiosDocument, { filter: { statuses: ['APPLIED'] } });
  expect(pub.data!.studios.totalCount).toBe(0);
  const mine = await t.gql(StudiosDocument, { filter: { statuses: ['APPLIED'] } }, { token: w.tokens.xian });
  expect(mine.data!.studios.totalCount).toBeGreaterThan(0);
});

test('subtree rollups match direct counts, one statement each', async () => {
  const extra = await t.org('西安第二工厂', OrganizationLevel.ENTERPRISE, w.orgs.lianhu);
  const leader = await createPerson(t, w.tokens.xian, extra, '二厂领办人');
  await t.gql(
    ApplyStudioDocument,
    {
      input: {
        name: '二厂工作室',
        hostId: orgId(extra),
        level: 'ENTERPRISE',
        field: '装配',
        leaderId: leader,
      },
    },
    { token: w.tokens.xian },
  );
  for (const union of [w.orgs.national, w.orgs.xian, w.orgs.lianhu, w.orgs.xianyang]) {
    const before = sqlStatements.count;
    const r = await t.gql(StudioStatisticsDocument, { unionId: orgId(union) }, { token: w.tokens.admin });
    const statements = sqlStatements.count - before;
    const s = r.data!.studioStatistics!;
    const direct = await t.sql<{ level: string; status: string; n: string }>(
      `select s.level, s.status, count(*) n from studio s join organization o on o.id = s.host_id
        where o.path <@ (select path from organization where id = ?) group by 1, 2 order by 1, 2`,
      [union.id],
    );
    expect(s.studios).toEqual(direct.map((d) => ({ level: d.level, status: d.status, count: Number(d.n) })));
    const [ach] = await t.sql<{ n: string; benefit: string }>(
      `select count(*) n, coalesce(sum(benefit_yuan), 0) benefit from achievement a join studio s on s.id = a.studio_id
         join organization o on o.id = s.host_id where o.path <@ (select path from organization where id = ?)`,
      [union.id],
    );
    expect(s.achievements.reduce((x, a) => x + a.count, 0)).toBe(Number(ach!.n));
    const fen = (yuan: string) => BigInt(yuan.replace('.', ''));
    expect(s.achievements.reduce((x, a) => x + fen(a.benefitYuan), 0n)).toBe(
      fen(toDecimalString(ach!.benefit)!),
    );
    // Authentication, the union, and three rollups.
    expect(statements).toBeLessThanOrEqual(5);
  }
  const denied = await t.gql(
    StudioStatisticsDocument,
    { unionId: orgId(w.orgs.xianyang) },
    { token: w.tokens.xian },
  );
  expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
});
