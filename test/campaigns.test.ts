import { randomUUID } from 'node:crypto';
import { Role } from '../src/modules/account/account.entity';
import { OrganizationLevel } from '../src/modules/organization/organization.entity';
import type { MarkingScheme } from '../src/modules/scoring/scheme';
import {
  AddRoundDocument,
  AdvanceRoundDocument,
  ApplyStudioDocument,
  AssignJudgeDocument,
  AssignReviewersDocument,
  CampaignDetailDocument,
  CreateCampaignDocument,
  NodeByIdDocument,
  PersonHonorsDocument,
  PublishResultsDocument,
  ReviewEligibilityDocument,
  SetCertificateTemplateDocument,
  SetMarkingSchemeDocument,
  SetResultsRulesDocument,
  SetReviewersDocument,
  SetStudioMemberDocument,
  StudioDetailDocument,
  SubmitEntryDocument,
  CampaignResultsFileDocument,
  StudioRegistryFileDocument,
  TradeDocumentsDocument,
  TradeResultsDocument,
  TransitionStudioDocument,
} from './generated/graphql';
import { gid, startTestApp, type TestApp } from './support/app';
import { pdfText } from './support/pdf-text';
import { xlsxRows } from './support/spreadsheet';
import { buildWorld, createPerson, dbId, moveTo, orgId, tablet, type World } from './support/world';

/**
 * An innovation campaign end to end through the API, judged by the same engine as a skills
 * contest: submissions, eligibility, reviewers assigned without conflicts, weighted criteria,
 * per-judge normalisation, advancement, awards within the category quota, publication, and the
 * winners' honors on their records.
 */
const criterion = (code: string, name: string, weight: number) => ({
  code,
  name,
  weight,
  criteria: [
    {
      code: `${code}-1`,
      name,
      aspects: [
        {
          code: `${code}1`,
          description: name,
          kind: 'MEASUREMENT',
          maxMark: 10,
          aggregation: { method: 'MEAN' },
          tolerance: null,
        },
      ],
    },
  ],
});
// 创新性、实用性、经济效益、可推广性 with weights.
const SCHEME = {
  modules: [
    criterion('I', '创新性', 30),
    criterion('U', '实用性', 30),
    criterion('E', '经济效益', 20),
    criterion('R', '可推广性', 20),
  ],
} as unknown as MarkingScheme;
const ASPECTS = ['I1', 'U1', 'E1', 'R1'];

let t: TestApp;
let w: World;
let campaign: string;
let project: { id: string; code: string };
let rounds: string[];
let judges: { token: string; id: number }[];
let lead: string;
const subs: Record<string, string> = {};

async function mark(token: string, entrantId: string, base: number) {
  return tablet<{ submitMarks: { outcomes: { code: string | null }[] } }>(t, token, 'TabletSubmitMarks', {
    input: {
      deviceId: 'expert-tablet',
      marks: ASPECTS.map((a) => ({ idempotencyKey: randomUUID(), entrantId, aspectCode: a, value: base })),
    },
  });
}

/** A studio of 西安's enterprise, named at enterprise level, with its leader. */
async function namedStudio(
  name: string,
  field: string,
  leaderName: string,
  namedOn: string,
  documentNumber: string,
) {
  const leader = await createPerson(t, w.tokens.xian, w.orgs.xianFirm, leaderName);
  const studio = (
    await t.gql(
      ApplyStudioDocument,
      { input: { name, hostId: orgId(w.orgs.xianFirm), level: 'ENTERPRISE', field, leaderId: leader } },
      { token: w.tokens.xian },
    )
  ).data!.applyStudio.studio!;
  for (const input of [
    { studioId: studio.id, to: 'UNDER_REVIEW' },
    { studioId: studio.id, to: 'NAMED', namedOn, namingUnionId: orgId(w.orgs.xianFirm), documentNumber },
  ]) {
    const r = await t.gql(TransitionStudioDocument, { input: input as never }, { token: w.tokens.xian });
    expect(r.data!.transitionStudio.errors).toEqual([]);
  }
  return studio;
}

beforeAll(async () => {
  t = await startTestApp();
  w = await buildWorld(t);
});
afterAll(async () => t?.close());

test('a campaign from submissions to awards, honors on the winners', async () => {
  const now = Date.now();
  const created = await t.gql(
    CreateCampaignDocument,
    {
      input: {
        name: '第一届职工科技节',
        hostId: orgId(w.orgs.xian),
        year: 2024,
        submissionsOpenAt: new Date(now - 60_000).toISOString(),
        submissionsCloseAt: new Date(now + 3_600_000).toISOString(),
        categories: [
          { code: 'PROJECT', name: '优秀科技创新项目', awardQuota: 2 },
          { code: 'VIDEO', name: '职工小发明小创造短视频', awardQuota: 1 },
        ],
      },
    },
    { token: w.tokens.xian },
  );
  const c = created.data!.createCampaign.campaign!;
  expect(c).toMatchObject({ kind: 'INNOVATION', status: 'DRAFT' });
  campaign = c.id;
  project = c.categories!.find((x) => x.code === 'PROJECT')!;

  // Round 1: blind expert scoring, top 3 go on; round 2: the final.
  rounds = [];
  for (const input of [
    { categoryId: project.id, kind: 'SCORING', advance: { by: 'TOP_N', count: 3 }, blind: true },
    { categoryId: project.id, kind: 'FINAL', blind: false },
  ] as const) {
    const r = await t.gql(AddRoundDocument, { input: input as never }, { token: w.tokens.xian });
    expect(r.data!.addRound.errors).toEqual([]);
    rounds.push(r.data!.addRound.round!.id);
    await t.gql(
      SetMarkingSchemeDocument,
      { input: { tradeId: r.data!.addRound.round!.id, format: 'JSON', content: JSON.stringify(SCHEME) } },
      { token: w.tokens.xian },
    );
  }
  const overQuota = await t.gql(
    SetResultsRulesDocument,
    {
      input: {
        tradeId: rounds[1]!,
        tieBreak: [],
        awards: { by: 'COUNT', tiers: [{ tier: 'FIRST', count: 3 }] },
      },
    },
    { token: w.tokens.xian },
  );
  expect(overQuota.data!.setResultsRules.errors[0]!.code).toBe('OUT_OF_RANGE');
  await t.gql(
    SetResultsRulesDocument,
    {
      input: {
        tradeId: rounds[1]!,
        tieBreak: [{ kind: 'MODULE', code: 'I' }],
        awards: {
          by: 'COUNT',
          tiers: [
            { tier: 'FIRST', count: 1 },
            { tier: 'SECOND', count: 1 },
          ],
        },
      },
    },
    { token: w.tokens.xian },
  );
  const normalized = await t.gql(
    SetResultsRulesDocument,
    { input: { tradeId: rounds[0]!, tieBreak: [], normalization: 'ZSCORE' } },
    { token: w.tokens.xian },
  );
  expect(normalized.data!.setResultsRules.rules!.isDefault).toBe(false);

  // Submitters: four people of four enterprises, and a studio.
  const firms = await Promise.all(
    ['甲厂', '乙厂', '丙厂', '丁厂'].map((n) => t.org(n, OrganizationLevel.ENTERPRISE, w.orgs.lianhu)),
  );
  const people = await Promise.all(firms.map((f, i) => createPerson(t, w.tokens.xian, f, `创新者${i}`)));
  const studio = await namedStudio(
    '秦川焊接创新工作室',
    '焊接',
    '工作室领办人',
    '2024-03-01',
    '秦工〔2024〕1号',
  );

  const closedEarly = await t.gql(
    SubmitEntryDocument,
    { input: { categoryId: project.id, title: '太早了', personId: people[0] } },
    { token: w.tokens.xian },
  );
  expect(closedEarly.data!.submitEntry.errors[0]!.code).toBe('COMPETITION_CLOSED');
  await moveTo(t, w.tokens.xian, campaign, 'REGISTRATION_OPEN');
  const entries: [string, Record<string, unknown>][] = [
    ['A', { personId: people[0] }],
    ['B', { personId: people[1] }],
    ['C', { personId: people[2] }],
    ['D', { personId: people[3] }],
    ['S', { studioId: studio.id }],
    ['X', { personId: people[0] }],
  ];
  for (const [key, who] of entries) {
    const r = await t.gql(
      SubmitEntryDocument,
      {
        input: {
          categoryId: project.id,
          title: `项目${key}`,
          summary: '一种降低高速公路机电设备故障率的方法',
          ...who,
          attachments: [
            {
              kind: 'VIDEO',
              url: `https://media.example.cn/${key}.mp4`,
              mimeType: 'video/mp4',
              durationSeconds: 180,
            },
          ],
          tags: ['机电', '安全'],
        },
      },
      { token: w.tokens.xian },
    );
    expect(r.data!.submitEntry.errors).toEqual([]);
    subs[key] = r.data!.submitEntry.submission!.id;
  }
  // Reachable by its global ID: the host's organizers see it, the public not before publication.
  const byId = await t.gql(NodeByIdDocument, { id: subs.A! }, { token: w.tokens.xian });
  expect(byId.data!.node).toMatchObject({ __typename: 'Submission', id: subs.A, title: '项目A' });
  expect((await t.gql(NodeByIdDocument, { id: subs.A! })).data!.node).toBeNull();
  const category = await t.gql(NodeByIdDocument, { id: project.id });
  expect(category.data!.node).toMatchObject({ __typename: 'CampaignCategory', code: 'PROJECT' });
  const badUrl = await t.gql(
    SubmitEntryDocument,
    {
      input: {
        categoryId: project.id,
        title: '坏链接',
        personId: people[1],
        attachments: [{ kind: 'LINK', url: 'javascript:alert(1)' }],
      },
    },
    { token: w.tokens.xian },
  );
  expect(badUrl.data!.submitEntry.errors[0]!.field).toBe('input.attachments.0.url');

  // 资格审查: X is not eligible (a duplicate of A); the rest enter round 1.
  const noReason = await t.gql(
    ReviewEligibilityDocument,
    { input: { submissionId: subs.X!, eligible: false } },
    { token: w.tokens.xian },
  );
  expect(noReason.data!.reviewEligibility.errors[0]!.code).toBe('REQUIRED');
  await t.gql(
    ReviewEligibilityDocument,
    { input: { submissionId: subs.X!, eligible: false, reason: '与项目A重复' } },
    { token: w.tokens.xian },
  );
  for (const key of ['A', 'B', 'C', 'D', 'S']) {
    const r = await t.gql(
      ReviewEligibilityDocument,
      { input: { submissionId: subs[key]!, eligible: true } },
      { token: w.tokens.xian },
    );
    expect(r.data!.reviewEligibility.submission!.eligibility).toBe('ELIGIBLE');
  }
  // The lead (chief) judge of both rounds is seated while the campaign is set up.
  const leadAccount = await t.account(Role.CHIEF_JUDGE, w.orgs.xian, 'lead.expert');
  lead = leadAccount.token;
  for (const r of rounds) {
    await t.gql(
      AssignJudgeDocument,
      { input: { tradeId: r, accountId: gid('Account', leadAccount.account.id), role: 'CHIEF_JUDGE' } },
      { token: w.tokens.xian },
    );
  }

  await moveTo(t, w.tokens.xian, campaign, 'RUNNING');

  // Four experts: one works at 甲厂 (A's enterprise), one is a member of the studio.
  judges = [];
  for (let j = 0; j < 4; j++) {
    const a = await t.account(Role.JUDGE, w.orgs.xian, `expert${j}`);
    judges.push({ token: a.token, id: a.account.id });
  }
  const expertA = await createPerson(t, w.tokens.xian, firms[0]!, '甲厂专家');
  await t.sql('update account set person_id = ? where id = ?', [dbId(expertA), judges[0]!.id]);
  const member = await createPerson(t, w.tokens.xian, w.orgs.xianFirm, '工作室成员专家');
  await t.gql(
    SetStudioMemberDocument,
    { input: { studioId: studio.id, personId: member, role: 'CORE' } },
    { token: w.tokens.xian },
  );
  await t.sql('update account set person_id = ? where id = ?', [dbId(member), judges[1]!.id]);
  const assigned = await t.gql(
    AssignReviewersDocument,
    {
      input: {
        tradeId: rounds[0]!,
        judgeIds: judges.map((j) => gid('Account', j.id)),
        perSubmission: 2,
        maxPerJudge: 3,
      },
    },
    { token: w.tokens.xian },
  );
  const plan = assigned.data!.assignReviewers;
  expect(plan.errors).toEqual([]);
  const entrantOf = async (key: string, round = rounds[0]!) => {
    const [r] = await t.sql<{ id: number }>(
      'select id from entrant where submission_id = ? and trade_id = ?',
      [dbId(subs[key]!), dbId(round)],
    );
    return gid('Entrant', r!.id);
  };
  const reviewersOf = (entrant: string) => plan.assignments.find((a) => a.entrantId === entrant)!.judgeIds;
  expect(reviewersOf(await entrantOf('A'))).not.toContain(gid('Account', judges[0]!.id));
  expect(reviewersOf(await entrantOf('S'))).not.toContain(gid('Account', judges[1]!.id));
  expect(plan.assignments.every((a) => a.judgeIds.length === 2 && /^\d{3}$/.test(a.anonymousNumber!))).toBe(
    true,
  );
  const loads = plan.loads.map((l) => l.assigned);
  expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(1);

  // Blind: the tablet shows the content, not who submitted it.
  const list = await tablet<{
    trade: {
      blindReview: boolean;
      myReviews: { id: string; submission: { title: string; submitterName: string | null } }[];
    };
  }>(t, judges[2]!.token, 'TabletMyReviews', { tradeId: rounds[0] });
  expect(list.trade.blindReview).toBe(true);
  expect(list.trade.myReviews.length).toBeGreaterThan(0);
  expect(
    list.trade.myReviews.every(
      (r) => r.submission.title.startsWith('项目') && r.submission.submitterName === null,
    ),
  ).toBe(true);

  // Quality: A > B > S > C > D; judge 3 marks everything 2 points lower (harsh).
  const quality: Record<string, number> = { A: 9, B: 8, S: 7, C: 6, D: 5 };
  for (const key of ['A', 'B', 'C', 'D', 'S']) {
    const entrant = await entrantOf(key);
    for (const judgeId of reviewersOf(entrant)) {
      const j = judges.findIndex((x) => gid('Account', x.id) === judgeId);
      const r = await mark(
        judges[j]!.token,
        entrant,
        quality[key]! - (j === 3 ? 2 : 0) + (j === 2 ? 0.5 : 0),
      );
      expect(r.submitMarks.outcomes.map((o) => o.code)).toEqual([null, null, null, null]);
    }
  }
  // A judge not assigned to a submission cannot mark it; the studio's member never could.
  const sEntrant = await entrantOf('S');
  const notMine = await mark(judges[1]!.token, sEntrant, 9);
  expect(notMine.submitMarks.outcomes[0]!.code).toBe('NOT_ASSIGNED_TO_ENTRANT');

  // Round 1 is signed off by the lead judge and the top 3 go on.
  const unsigned = await t.gql(
    AdvanceRoundDocument,
    { input: { tradeId: rounds[0]! } },
    { token: w.tokens.xian },
  );
  expect(unsigned.data!.advanceRound.errors[0]!.code).toBe('TRADE_NOT_SIGNED_OFF');
  await tablet(t, lead, 'TabletLockMarks', { input: { targetId: rounds[0] } });
  const round1 = (await t.gql(TradeResultsDocument, { tradeId: rounds[0]! }, { token: w.tokens.xian })).data!
    .trade!;
  expect(round1.resultsRules!.tieBreak).toEqual([]);
  const advanced = await tablet<{ advanceRound: { advanced: string[]; errors: unknown[] } }>(
    t,
    lead,
    'TabletAdvanceRound',
    {
      input: { tradeId: rounds[0] },
    },
  );
  expect(advanced.advanceRound.errors).toEqual([]);
  const top3 = [...round1.results!]
    .sort((a, b) => a.rank - b.rank)
    .slice(0, 3)
    .map((r) => r.entrant.id);
  expect(advanced.advanceRound.advanced.sort()).toEqual(top3.sort());
  // With normalisation the harsh judge does not decide: the best three by quality go on.
  expect(top3.sort()).toEqual([await entrantOf('A'), await entrantOf('B'), await entrantOf('S')].sort());

  // The final: reviewers set by hand; the expert from 甲厂 may not review A.
  const finalA = await entrantOf('A', rounds[1]);
  const conflicted = await t.gql(
    SetReviewersDocument,
    {
      input: { entrantId: finalA, judgeIds: [gid('Account', judges[0]!.id), gid('Account', judges[2]!.id)] },
    },
    { token: w.tokens.xian },
  );
  expect(conflicted.data!.setReviewers.errors).toEqual([
    expect.objectContaining({ code: 'CONFLICT_OF_INTEREST', field: 'input.judgeIds.0' }),
  ]);
  for (const key of ['A', 'B', 'S']) {
    const r = await t.gql(
      SetReviewersDocument,
      {
        input: {
          entrantId: await entrantOf(key, rounds[1]),
          judgeIds: [judges[2]!, judges[3]!].map((j) => gid('Account', j.id)),
        },
      },
      { token: w.tokens.xian },
    );
    expect(r.data!.setReviewers.errors).toEqual([]);
  }
  for (const key of ['A', 'B', 'S']) {
    const entrant = await entrantOf(key, rounds[1]);
    for (const j of [2, 3]) await mark(judges[j]!.token, entrant, quality[key]!);
  }
  // Not blind: the final's panel sees who submitted.
  const finalList = await tablet<{
    trade: { myReviews: { submission: { submitterName: string | null } }[] };
  }>(t, judges[2]!.token, 'TabletMyReviews', { tradeId: rounds[1] });
  expect(finalList.trade.myReviews.map((r) => r.submission.submitterName).sort()).toEqual([
    '创新者0',
    '创新者1',
    '秦川焊接创新工作室',
  ]);
  await tablet(t, lead, 'TabletLockMarks', { input: { targetId: rounds[1] } });
  await moveTo(t, w.tokens.xian, campaign, 'SCORING_CLOSED');
  const published = await t.gql(
    PublishResultsDocument,
    { input: { competitionId: campaign, noticeEndsAt: new Date(Date.now() + 86_400_000).toISOString() } },
    { token: w.tokens.xian },
  );
  expect(published.data!.publishResults.errors).toEqual([]);
  const final = (await t.gql(TradeResultsDocument, { tradeId: rounds[1]! })).data!.trade!;
  expect(final.results!.map((r) => [r.entrant.person?.name ?? 'studio', r.awardLabel])).toEqual([
    ['创新者0', '一等奖'],
    ['创新者1', '二等奖'],
    ['studio', null],
  ]);
  await t.sql(`update competition set notice_ends_at = now() - interval '1 second' where id = ?`, [
    dbId(campaign),
  ]);
  await moveTo(t, w.tokens.xian, campaign, 'FINAL');

  // Winners carry their honors.
  const honors = await t.gql(PersonHonorsDocument, { id: people[0]! }, { token: w.tokens.xian });
  expect(honors.data!.person!.honors.map((h) => h.title)).toContain('第一届职工科技节优秀科技创新项目一等奖');
  const detail = (await t.gql(CampaignDetailDocument, { id: campaign })).data!.competition!;
  expect(detail.categories!.find((x) => x.code === 'PROJECT')).toMatchObject({
    awardQuota: 2,
    submissionCount: 6,
  });
  expect(detail.submissions!.nodes.find((s) => s.id === subs.X)!.eligibility).toBe('INELIGIBLE');
  const studioDetail = (await t.gql(StudioDetailDocument, { id: studio.id })).data!.studio!;
  expect(studioDetail.achievements.filter((a) => a.kind === 'AWARD')).toEqual([]);

  // Certificates for the awarded entries, one page each, naming the entry and its category.
  const link = (await t.gql(TradeDocumentsDocument, { id: rounds[1]!, judgeId: null })).data!.trade!
    .certificatesPdf!;
  const pdf = await fetch(`${new URL(t.url).origin}${link.url}`);
  expect(pdf.status).toBe(200);
  const { text, pages } = await pdfText(Buffer.from(await pdf.arrayBuffer()));
  expect(pages).toBe(2);
  expect(text).toContain('创新者0');
  expect(text).toContain('参赛项目《项目A》荣获');
  expect(text).toContain('一等奖');
  expect(text).toContain('创新者1');
  expect(text).toContain('二等奖');
  expect(text).not.toContain('秦川焊接创新工作室');

  // The campaign's results and the studio registry as spreadsheets.
  const results = (await t.gql(CampaignResultsFileDocument, { id: campaign, format: 'XLSX' })).data!
    .competition!.campaignResultsFile!;
  const sheet = await xlsxRows(results.content);
  expect(sheet.rows[0]).toEqual([
    '类别 Category',
    '名次 Rank',
    '编号 No.',
    '项目名称 Entry',
    '申报者 Entrant',
    '单位 Unit',
    '总分 Total',
    '奖项 Award',
  ]);
  expect(sheet.rows.slice(1).map((r) => [r[1], r[3], r[4], r[7] ?? null])).toEqual([
    [1, '项目A', '创新者0', '一等奖'],
    [2, '项目B', '创新者1', '二等奖'],
    [3, '项目S', '秦川焊接创新工作室', null],
  ]);
  const registry = (
    await t.gql(StudioRegistryFileDocument, { format: 'CSV', filter: { search: '秦川焊接' } })
  ).data!.studioRegistryFile;
  const [heading, row] = registry.content.replace(/^\uFEFF/, '').split('\r\n');
  expect(heading).toBe(
    '工作室名称 Studio,级别 Level,领域 Field,所在单位 Host,领办人 Leader,状态 Status,命名日期 Named on,' +
      '命名单位 Naming union,命名文号 Document number,最近考核 Last assessment,考核年度 Assessment year',
  );
  expect(row).toContain('秦川焊接创新工作室,');
  expect(row).toContain(',已命名,2024-03-01,');
  expect(row).toContain('秦工〔2024〕1号');
});

test('a studio’s winning entry: its certificate names the studio, in the campaign’s own wording', async () => {
  const now = Date.now();
  const created = await t.gql(
    CreateCampaignDocument,
    {
      input: {
        name: '第二届职工创新成果评选',
        hostId: orgId(w.orgs.xian),
        year: 2025,
        submissionsOpenAt: new Date(now - 60_000).toISOString(),
        submissionsCloseAt: new Date(now + 3_600_000).toISOString(),
        categories: [{ code: 'RESULT', name: '优秀创新成果', awardQuota: 1 }],
      },
    },
    { token: w.tokens.xian },
  );
  const c = created.data!.createCampaign.campaign!;
  const category = c.categories!.find((x) => x.code === 'RESULT')!;
  const round = (
    await t.gql(
      AddRoundDocument,
      { input: { categoryId: category.id, kind: 'FINAL', blind: false } as never },
      { token: w.tokens.xian },
    )
  ).data!.addRound.round!.id;
  await t.gql(
    SetMarkingSchemeDocument,
    { input: { tradeId: round, format: 'JSON', content: JSON.stringify(SCHEME) } },
    { token: w.tokens.xian },
  );
  const rules = await t.gql(
    SetResultsRulesDocument,
    {
      input: { tradeId: round, tieBreak: [], awards: { by: 'COUNT', tiers: [{ tier: 'FIRST', count: 1 }] } },
    },
    { token: w.tokens.xian },
  );
  expect(rules.data!.setResultsRules.errors).toEqual([]);
  await t.gql(
    SetCertificateTemplateDocument,
    {
      input: {
        competitionId: c.id,
        title: '荣誉证书',
        awardingBody: '西安市总工会',
        dateText: '二〇二五年五月',
      },
    },
    { token: w.tokens.xian },
  );

  // A named studio and a person enter; the studio's entry is the better one.
  const studio = await namedStudio(
    '长安电力检修创新工作室',
    '电力检修',
    '电力工作室领办人',
    '2025-01-10',
    '长电〔2025〕3号',
  );
  const person = await createPerson(t, w.tokens.xian, w.orgs.xianFirm, '个人申报者');
  await moveTo(t, w.tokens.xian, c.id, 'REGISTRATION_OPEN');
  const submissions: Record<string, string> = {};
  for (const [key, who] of [
    ['studio', { studioId: studio.id }],
    ['person', { personId: person }],
  ] as const) {
    const r = await t.gql(
      SubmitEntryDocument,
      {
        input: { categoryId: category.id, title: `带电作业机器人${key === 'studio' ? '一' : '二'}`, ...who },
      },
      { token: w.tokens.xian },
    );
    expect(r.data!.submitEntry.errors).toEqual([]);
    submissions[key] = r.data!.submitEntry.submission!.id;
    const ok = await t.gql(
      ReviewEligibilityDocument,
      { input: { submissionId: submissions[key]!, eligible: true } },
      { token: w.tokens.xian },
    );
    expect(ok.data!.reviewEligibility.errors).toEqual([]);
  }
  const chief = await t.account(Role.CHIEF_JUDGE, w.orgs.xian, 'lead.expert.2025');
  await t.gql(
    AssignJudgeDocument,
    { input: { tradeId: round, accountId: gid('Account', chief.account.id), role: 'CHIEF_JUDGE' } },
    { token: w.tokens.xian },
  );
  await moveTo(t, w.tokens.xian, c.id, 'RUNNING');
  const expert = await t.account(Role.JUDGE, w.orgs.xian, 'expert.2025');
  for (const [key, quality] of [
    ['studio', 9],
    ['person', 6],
  ] as const) {
    const [row] = await t.sql<{ id: number }>(
      'select id from entrant where submission_id = ? and trade_id = ?',
      [dbId(submissions[key]!), dbId(round)],
    );
    const entrant = gid('Entrant', row!.id);
    const set = await t.gql(
      SetReviewersDocument,
      { input: { entrantId: entrant, judgeIds: [gid('Account', expert.account.id)] } },
      { token: w.tokens.xian },
    );
    expect(set.data!.setReviewers.errors).toEqual([]);
    const r = await mark(expert.token, entrant, quality);
    expect(r.submitMarks.outcomes.map((o) => o.code)).toEqual([null, null, null, null]);
  }
  await tablet(t, chief.token, 'TabletLockMarks', { input: { targetId: round } });
  await moveTo(t, w.tokens.xian, c.id, 'SCORING_CLOSED');
  const published = await t.gql(
    PublishResultsDocument,
    { input: { competitionId: c.id, noticeEndsAt: new Date(Date.now() + 86_400_000).toISOString() } },
    { token: w.tokens.xian },
  );
  expect(published.data!.publishResults.errors).toEqual([]);

  // Public once published: one page, for the studio (not its leader, not the other entrant).
  const link = (await t.gql(TradeDocumentsDocument, { id: round, judgeId: null })).data!.trade!
    .certificatesPdf!;
  const pdf = await fetch(`${new URL(t.url).origin}${link.url}`);
  expect(pdf.status).toBe(200);
  const { text, pages } = await pdfText(Buffer.from(await pdf.arrayBuffer()));
  expect(pages).toBe(1);
  expect(text).toContain('荣誉证书');
  expect(text).toContain('长安电力检修创新工作室');
  // The citation wraps across lines on the page.
  expect(text.replace(/\n/g, '')).toContain(
    '在第二届职工创新成果评选优秀创新成果评选中，参赛项目《带电作业机器人一》荣获',
  );
  expect(text).toContain('一等奖');
  expect(text).toContain('西安市总工会');
  expect(text).toContain('二〇二五年五月');
  expect(text).not.toContain('电力工作室领办人');
  expect(text).not.toContain('个人申报者');
});
