import { randomBytes, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Role } from '../src/modules/account/account.entity';
import { DocumentLinks } from '../src/modules/documents/links';
import { documentId, loadManifest } from '../src/shared/security/trusted-documents';
import {
  AssignJudgeDocument,
  CompetitionDocumentsDocument,
  JudgeAnalysisFileDocument,
  SetCertificateTemplateDocument,
  SetMarkingSchemeDocument,
  SetResultsRulesDocument,
  TradeDocumentsDocument,
} from './generated/graphql';
import { gid, startTestApp, type TestApp } from './support/app';
import { pdfText } from './support/pdf-text';
import { xlsxRows } from './support/spreadsheet';
import {
  buildWorld,
  createCompetition,
  createPerson,
  createTrade,
  dbId,
  drawLots,
  moveTo,
  registerEntrant,
  signOffAndRecheck,
  tablet,
  type World,
} from './support/world';

const SCHEME = {
  modules: [
    {
      code: 'T',
      name: '理论知识',
      weight: 30,
      criteria: [
        {
          code: 'T1',
          name: '笔试',
          aspects: [
            {
              code: 'T1',
              description: '笔试成绩',
              kind: 'MEASUREMENT',
              maxMark: 100,
              aggregation: { method: 'MEAN' },
            },
          ],
        },
      ],
    },
    {
      code: 'P',
      name: '实际操作',
      weight: 70,
      criteria: [
        {
          code: 'P1',
          name: '焊缝',
          aspects: [
            {
              code: 'P1',
              description: '焊缝质量',
              kind: 'MEASUREMENT',
              maxMark: 100,
              aggregation: { method: 'MEAN' },
            },
          ],
        },
      ],
    },
  ],
};

const SUBMIT = documentId(Object.values(loadManifest()).find((d) => d.includes(' TabletSubmitMarks('))!);
const SECRET = randomBytes(32).toString('hex');
const NAMES = ['张伟', '李娜', '王芳'];

let t: TestApp;
let w: World;
let competitionId: string;
let tradeId: string;
let origin: string;
const judges: { token: string; id: number; name: string }[] = [];
let chief: { token: string; name: string };

beforeAll(async () => {
  t = await startTestApp({ JWT_SECRET: SECRET });
  origin = new URL(t.url).origin;
  w = await buildWorld(t);
  competitionId = await createCompetition(t, w.tokens.xian, w.orgs.xian, { name: '2026年职工职业技能大赛' });
  tradeId = await createTrade(t, w.tokens.xian, competitionId, { name: '焊工' });
  const set = await t.gql(
    SetMarkingSchemeDocument,
    { input: { tradeId, format: 'JSON', content: JSON.stringify(SCHEME) } },
    { token: w.tokens.xian },
  );
  expect(set.data!.setMarkingScheme.errors).toEqual([]);
  const rules = await t.gql(
    SetResultsRulesDocument,
    {
      input: {
        tradeId,
        tieBreak: [],
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
  expect(rules.data!.setResultsRules.errors).toEqual([]);
  const entrants: string[] = [];
  for (const name of NAMES) {
    const personId = await createPerson(t, w.tokens.xian, w.orgs.lianhu, name);
    entrants.push(await registerEntrant(t, w.tokens.xian, tradeId, personId, { checkIn: true }));
  }
  // One judge's name looks like a formula: every export must neutralise it.
  for (const name of ['=SUM(1)赵裁判', '钱裁判']) {
    const { token, account } = await t.account(Role.JUDGE, w.orgs.xian);
    const displayName = `${name}${randomBytes(2).toString('hex')}`;
    await t.sql('update account set display_name = ? where id = ?', [displayName, account.id]);
    await t.gql(
      AssignJudgeDocument,
      { input: { tradeId, accountId: gid('Account', account.id), role: 'JUDGE' } },
      { token: w.tokens.xian },
    );
    judges.push({ token, id: account.id, name: displayName });
  }
  const c = await t.account(Role.CHIEF_JUDGE, w.orgs.xian, `孙裁判长${randomBytes(2).toString('hex')}`);
  await t.gql(
    AssignJudgeDocument,
    { input: { tradeId, accountId: gid('Account', c.account.id), role: 'CHIEF_JUDGE' } },
    { token: w.tokens.xian },
  );
  chief = { token: c.token, name: c.account.displayName };
  await moveTo(t, w.tokens.xian, competitionId, 'REGISTRATION_OPEN');
  await drawLots(t, w.tokens.xian, tradeId);
  await moveTo(t, w.tokens.xian, competitionId, 'RUNNING');
  // 张伟 90/95, 李娜 80/85, 王芳 70/75 from both judges: totals 93.5, 83.5, 73.5.
  for (const [i, entrant] of entrants.entries()) {
    for (const j of [0, 1]) {
      await mark(j, entrant, 'T1', 90 - 10 * i);
      await mark(j, entrant, 'P1', 95 - 10 * i);
    }
  }
});
afterAll(async () => t?.close());

async function mark(judge: number, entrantId: string, aspectCode: string, value: number) {
  const r = await t.raw(
    {
      documentId: SUBMIT,
      variables: {
        input: {
          deviceId: `tablet-${judge}`,
          marks: [{ idempotencyKey: randomUUID(), entrantId, aspectCode, value }],
        },
      },
    },
    { token: judges[judge]!.token },
  );
  const outcome = (r.json.data as { submitMarks: { outcomes: { status: string; code: string | null }[] } })
    .submitMarks.outcomes[0]!;
  if (outcome.status !== 'ACCEPTED') throw new Error(`mark refused: ${outcome.code}`);
}

async function links(token?: string, judgeId?: number) {
  const r = await t.gql(
    TradeDocumentsDocument,
    { id: tradeId, judgeId: judgeId === undefined ? null : gid('Account', judgeId) },
    token ? { token } : {},
  );
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data!.trade!;
}

/** Downloads a link the way a browser does: a plain GET, no bearer token. */
async function download(
  url: string,
  example?: string,
): Promise<{ status: number; text: string; pages: number; type: string | null }> {
  const res = await fetch(`${origin}${url}`);
  const type = res.headers.get('content-type');
  if (res.status !== 200) return { status: res.status, text: await res.text(), pages: 0, type };
  const pdf = Buffer.from(await res.arrayBuffer());
  // `WRITE_DOCUMENT_EXAMPLES=1 npx jest test/documents.test.ts` refreshes the examples under docs/.
  if (example && process.env.WRITE_DOCUMENT_EXAMPLES) {
    writeFileSync(path.join(__dirname, '../docs/examples', `${example}.pdf`), pdf);
  }
  const { text, pages } = await pdfText(pdf);
  return { status: 200, text, pages, type };
}

test('before publication: the summary and sheets are for the jury and panel, anonymous, with signature lines', async () => {
  const anonymous = await links();
  expect([anonymous.resultsSummaryPdf, anonymous.blankSheet, anonymous.certificatesPdf]).toEqual([
    null,
    null,
    null,
  ]);
  const notice = await t.gql(CompetitionDocumentsDocument, { id: competitionId }, {});
  expect(notice.data!.competition?.resultsNoticePdf ?? null).toBeNull();

  const organizer = await links(w.tokens.xian);
  expect(organizer.resultsSummaryPdf).toMatchObject({
    filename: 'results-summary.pdf',
    contentType: 'application/pdf',
  });
  expect(new Date(organizer.resultsSummaryPdf!.expiresAt).getTime()).toBeGreaterThan(Date.now());
  const summary = await download(organizer.resultsSummaryPdf!.url);
  expect(summary.type).toBe('application/pdf');
  expect(summary.text).toContain('焊工 成绩汇总表');
  expect(summary.text).toContain('93.5');
  expect(summary.text).toContain('73.5');
  expect(summary.text).toContain('一等奖');
  expect(summary.text).toContain(`裁判签字`);
  expect(summary.text).toContain(`裁判长签字`);
  expect(summary.text).toContain(chief.name);
  for (const j of judges) expect(summary.text).toContain(j.name);
  // Names and units only once published, even for the organizer who may see them in the API.
  for (const name of NAMES) expect(summary.text).not.toContain(name);
  expect(summary.text).toContain('尚未公布');

  // A judge, from the tablet: the blank sheet and their own filled sheet, not a colleague's.
  const sheets = (judgeId: number) =>
    tablet<{ trade: { blankSheet: { url: string } | null; filledSheet: { url: string } | null } }>(
      t,
      judges[0]!.token,
      'TabletMarkingSheets',
      { tradeId, judgeId: gid('Account', judgeId) },
    );
  const own = (await sheets(judges[0]!.id)).trade;
  expect((await sheets(judges[1]!.id)).trade.filledSheet).toBeNull();
  expect(organizer.blankSheet).not.toBeNull();
  const blank = await download(own.blankSheet!.url, 'marking-sheet-blank');
  expect(blank.text).toContain('裁判评分表');
  expect(blank.text).toContain('焊缝质量');
  expect(blank.text).toContain('裁判签字');
  const filled = await download(own.filledSheet!.url, 'marking-sheet-filled');
  expect(filled.text).toContain('（已评分）');
  expect(filled.text).toContain(judges[0]!.name);
  expect(filled.text).toMatch(/95\s+v1/);
});

test('links work without a token, expire, and cannot be forged or altered', async () => {
  const { resultsSummaryPdf } = await links(w.tokens.xian);
  const token = resultsSummaryPdf!.url.split('/').pop()!;
  const [body, mac] = token.split('.') as [string, string];
  expect((await download(resultsSummaryPdf!.url)).status).toBe(200);

  // Another trade's id in the same body: the signature no longer matches.
  const claims = JSON.parse(Buffer.from(body, 'base64url').toString()) as { spec: { tradeId: number } };
  claims.spec.tradeId += 1;
  const altered = `${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${mac}`;
  expect((await download(`/documents/${altered}`)).status).toBe(403);
  // Signed with another secret.
  const spec = { kind: 'RESULTS_SUMMARY' as const, tradeId: dbId(tradeId) };
  const admin = {
    kind: 'account' as const,
    accountId: 1,
    role: Role.PLATFORM_ADMIN,
    organizationId: null,
    organizationPath: null,
  };
  const forged = new DocumentLinks(randomBytes(32).toString('hex'), 300).sign(spec, admin).token;
  expect((await download(`/documents/${forged}`)).status).toBe(403);
  // A genuine link past its time.
  const expired = new DocumentLinks(SECRET, 300).sign(spec, admin, Date.now() - 301_000).token;
  expect((await download(`/documents/${expired}`)).status).toBe(410);
  // An anonymous caller's genuine link before publication shows nothing.
  const anonymousLink = new DocumentLinks(SECRET, 300).sign(spec, { kind: 'anonymous' }).token;
  expect((await download(`/documents/${anonymousLink}`)).status).toBe(404);
});

test('after publication: names, the audit hash, the notice and certificates from the organizer’s template', async () => {
  await moveTo(t, w.tokens.xian, competitionId, 'SCORING_CLOSED');
  await signOffAndRecheck(t, chief.token, tradeId);
  await moveTo(t, w.tokens.xian, competitionId, 'PUBLISHED');
  const [{ hash }] = (await t.sql<{ hash: string }>(
    `select hash from audit_event where competition_id = ? and kind = 'RESULTS_PUBLISHED'`,
    [dbId(competitionId)],
  )) as [{ hash: string }];

  const anonymous = await links();
  const summary = await download(anonymous.resultsSummaryPdf!.url, 'results-summary');
  for (const name of NAMES) expect(summary.text).toContain(name);
  expect(summary.text).toContain(hash);
  expect(summary.text).toContain('93.5');
  expect(summary.text).toContain('裁判长签字');
  expect(anonymous.blankSheet).toBeNull(); // the panel's paper stays with the panel

  const notice = (await t.gql(CompetitionDocumentsDocument, { id: competitionId }, {})).data!.competition!;
  const noticeText = (await download(notice.resultsNoticePdf!.url, 'results-notice')).text;
  expect(noticeText).toContain('成绩的公示');
  expect(noticeText).toContain('申诉');
  for (const name of NAMES) expect(noticeText).toContain(name);
  expect(notice.certificateTemplate).toEqual({
    title: '获奖证书',
    awardingBody: null,
    dateText: null,
    sealText: '（盖章）',
  });

  const refused = await t.gql(
    SetCertificateTemplateDocument,
    { input: { competitionId, title: '荣誉证书' } },
    { token: w.tokens.xianyang },
  );
  expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  const tooLong = await t.gql(
    SetCertificateTemplateDocument,
    { input: { competitionId, title: '证'.repeat(21) } },
    { token: w.tokens.xian },
  );
  expect(tooLong.errors).toBeUndefined();
  expect(tooLong.data!.setCertificateTemplate.errors[0]).toMatchObject({
    field: 'input.title',
    code: 'TOO_LONG',
  });
  const set = await t.gql(
    SetCertificateTemplateDocument,
    {
      input: {
        competitionId,
        title: '荣誉证书',
        awardingBody: '市总工会',
        dateText: '二〇二六年十二月',
        sealText: '盖章处',
      },
    },
    { token: w.tokens.xian },
  );
  expect(set.data!.setCertificateTemplate.errors).toEqual([]);
  const certificates = await download((await links()).certificatesPdf!.url, 'certificates');
  expect(certificates.pages).toBe(2); // one page per award winner
  expect(certificates.text).toContain('荣誉证书');
  expect(certificates.text).toContain('张伟');
  expect(certificates.text).toContain('一等奖');
  expect(certificates.text).toContain('李娜');
  expect(certificates.text).toContain('二等奖');
  expect(certificates.text).not.toContain('王芳');
  expect(certificates.text).toContain('市总工会');
  expect(certificates.text).toContain('二〇二六年十二月');
  expect(certificates.text).toContain('盖章处');
});

test('the judge analysis exports as XLSX and CSV, headings in Chinese and English, formula-like names neutralised', async () => {
  const anonymous = await t.gql(JudgeAnalysisFileDocument, { id: tradeId, format: 'XLSX' }, {});
  expect(anonymous.data!.trade!.judgeAnalysisFile).toBeNull();
  const xlsx = (
    await t.gql(JudgeAnalysisFileDocument, { id: tradeId, format: 'XLSX' }, { token: w.tokens.xian })
  ).data!.trade!.judgeAnalysisFile!;
  expect(xlsx).toMatchObject({
    encoding: 'base64',
    filename: expect.stringMatching(/judge-analysis\.xlsx$/),
  });
  const { rows } = await xlsxRows(xlsx.content);
  expect(rows[0]).toEqual([
    '裁判 Judge',
    '评分数 Marks given',
    '可比较评分数 Marks compared',
    '平均偏差 Mean deviation',
    '平均绝对偏差 Mean absolute deviation',
    '作为最高分去掉 Dropped high',
    '作为最低分去掉 Dropped low',
    '可去分评分数 Marks trimmable',
    '去分率 Dropped rate',
  ]);
  const byName = new Map(rows.slice(1).map((r) => [r[0], r]));
  expect(byName.get(`'${judges[0]!.name}`)?.[1]).toBe(6); // 3 entrants × 2 aspects
  expect(byName.get(judges[1]!.name)?.[1]).toBe(6);
  const csv = (
    await t.gql(JudgeAnalysisFileDocument, { id: tradeId, format: 'CSV' }, { token: w.tokens.admin })
  ).data!.trade!.judgeAnalysisFile!;
  expect(csv.content.startsWith('\uFEFF裁判 Judge,评分数 Marks given,')).toBe(true);
  const lines = csv.content.split('\r\n');
  expect(lines.some((l) => l.startsWith(`'${judges[0]!.name},6,`))).toBe(true);
  expect(lines.every((l) => !/^[=+\-@]|,[=+\-@]/.test(l))).toBe(true);
});
