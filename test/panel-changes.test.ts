import { randomUUID } from 'node:crypto';
import { Role } from '../src/modules/account/account.entity';
import {
  PanelAssignJudgeDocument,
  PanelOfTradeDocument,
  PanelReplaceJudgeDocument,
  PanelWithdrawJudgeDocument,
  PanelMarksAsOfDocument,
  SetMarkingSchemeDocument,
  VerifyAuditChainDocument,
} from './generated/graphql';
import { gid, startTestApp, type TestApp } from './support/app';
import {
  buildWorld,
  createCompetition,
  createPerson,
  createTrade,
  dbId,
  moveTo,
  registerEntrant,
  seatJudge,
  tablet,
  trustedDoc,
  type World,
} from './support/world';

/**
 * The day of the contest at the judges' table: a judge falls ill and is withdrawn, another is
 * replaced, the chief judge is replaced, a judge is added; the chief judge voids a withdrawn
 * judge's marks; a trimmed mean that needs 5 judges falls back to the plain mean of the 4 marks
 * left and says so; every judge who marked signs; a locked trade's panel no longer changes.
 */

// One aspect, five judges, the highest and lowest mark dropped once five marks are in.
const SCHEME = {
  modules: [
    {
      code: 'P',
      name: '实操',
      weight: 100,
      criteria: [
        {
          code: 'P-1',
          name: '焊件',
          aspects: [
            {
              code: 'P1',
              description: '焊缝外观（五名裁判，去掉最高分和最低分）',
              kind: 'MEASUREMENT',
              maxMark: 10,
              aggregation: { method: 'TRIMMED_MEAN', trim: 1, minJudges: 5 },
              tolerance: null,
            },
          ],
        },
      ],
    },
  ],
};

let t: TestApp;
let w: World;
let competitionId: string;
let tradeId: string;
let entrants: string[];
type Seat = { id: string; token: string; name: string };
const judges: Seat[] = [];
let chief: Seat;
let chief2: Seat;
let standIn: Seat;
let late: Seat;

async function account(role: Role): Promise<Seat> {
  const a = await t.account(role, w.orgs.xian);
  return { id: gid('Account', a.account.id), token: a.token, name: a.account.displayName };
}

const organizer = () => ({ token: w.tokens.xian });

async function submit(token: string, entrantId: string, value: number) {
  const d = await tablet<{ submitMarks: { outcomes: { status: string; code: string | null }[] } }>(
    t,
    token,
    'TabletSubmitMarks',
    {
      input: {
        deviceId: 'tablet-1',
        marks: [{ idempotencyKey: randomUUID(), entrantId, aspectCode: 'P1', value }],
      },
    },
  );
  return d.submitMarks.outcomes[0]!;
}

async function panelView() {
  const r = await t.gql(PanelOfTradeDocument, { tradeId }, organizer());
  expect(r.errors).toBeUndefined();
  return r.data!.trade!;
}

const aspect = (view: Awaited<ReturnType<typeof panelView>>, entrantId: string) =>
  view.results!.find((e) => e.entrant.id === entrantId)!.modules[0]!.aspects[0]!;

beforeAll(async () => {
  t = await startTestApp();
  w = await buildWorld(t);
  const token = w.tokens.xian;
  competitionId = await createCompetition(t, token, w.orgs.xian, { name: '换人测试赛' });
  tradeId = await createTrade(t, token, competitionId, { name: '焊工' });
  const scheme = await t.gql(
    SetMarkingSchemeDocument,
    { input: { tradeId, format: 'JSON', content: JSON.stringify(SCHEME) } },
    { token },
  );
  expect(scheme.data!.setMarkingScheme.errors).toEqual([]);
  for (let i = 0; i < 5; i++) judges.push(await account(Role.JUDGE));
  chief = await account(Role.CHIEF_JUDGE);
  chief2 = await account(Role.CHIEF_JUDGE);
  standIn = await account(Role.JUDGE);
  late = await account(Role.JUDGE);
  for (const j of judges) await seatJudge(t, token, tradeId, dbId(j.id), 'JUDGE');
  await seatJudge(t, token, tradeId, dbId(chief.id), 'CHIEF_JUDGE');
  await moveTo(t, token, competitionId, 'REGISTRATION_OPEN');
  entrants = [];
  for (const name of ['甲', '乙']) {
    const p = await createPerson(t, token, w.orgs.xianFirm, `选手${name}`);
    entrants.push(await registerEntrant(t, token, tradeId, p, { checkIn: true }));
  }
  await moveTo(t, token, competitionId, 'RUNNING');
  // Both entrants get 6, 7, 8, 9, 10 from judges 0..4: trimmed mean (7 + 8 + 9) / 3 = 8.
  for (const e of entrants)
    for (const [i, j] of judges.entries()) expect((await submit(j.token, e, 6 + i)).status).toBe('ACCEPTED');
});

afterAll(() => t?.close());

test('every panel change on the day needs a reason', async () => {
  const add = await t.gql(
    PanelAssignJudgeDocument,
    { input: { tradeId, accountId: late.id, role: 'JUDGE' } },
    organizer(),
  );
  expect(add.data!.assignJudge.errors).toEqual([
    expect.objectContaining({ code: 'REQUIRED', field: 'input.reason' }),
  ]);
  const withdraw = await t.gql(
    PanelWithdrawJudgeDocument,
    { input: { tradeId, accountId: judges[4]!.id, reason: '  ' } },
    organizer(),
  );
  expect(withdraw.data!.withdrawJudge.errors).toEqual([
    expect.objectContaining({ code: 'REQUIRED', field: 'input.reason' }),
  ]);
  expect((await panelView()).panel).toHaveLength(6);
});

test('a withdrawn judge’s marks stay as given; the judge marks no more', async () => {
  const r = await t.gql(
    PanelWithdrawJudgeDocument,
    { input: { tradeId, accountId: judges[4]!.id, reason: '突发疾病，退出裁判组' } },
    organizer(),
  );
  expect(r.data!.withdrawJudge).toMatchObject({
    errors: [],
    change: { kind: 'WITHDRAWN', accountId: judges[4]!.id, role: 'JUDGE', reason: '突发疾病，退出裁判组' },
    trade: { id: tradeId },
  });
  const again = await t.gql(
    PanelWithdrawJudgeDocument,
    { input: { tradeId, accountId: judges[4]!.id, reason: '重复' } },
    organizer(),
  );
  expect(again.data!.withdrawJudge.errors[0]!.code).toBe('NOT_ON_PANEL');
  expect((await submit(judges[4]!.token, entrants[0]!, 5)).code).toBe('NOT_ON_PANEL');

  const view = await panelView();
  expect(view.panel!.map((s) => s.accountId)).not.toContain(judges[4]!.id);
  // Still five marks: trimmed as before.
  const a = aspect(view, entrants[0]!);
  expect(a.marks).toHaveLength(5);
  expect(a.score).toBe(8);
});

test('a judge is replaced: the stand-in takes the seat, the marks given stay', async () => {
  const r = await t.gql(
    PanelReplaceJudgeDocument,
    { input: { tradeId, accountId: judges[3]!.id, replacementId: standIn.id, reason: '家中急事' } },
    organizer(),
  );
  expect(r.data!.replaceJudge).toMatchObject({
    errors: [],
    change: { kind: 'REPLACED', accountId: judges[3]!.id, replacementId: standIn.id, role: 'JUDGE' },
    seat: { accountId: standIn.id, role: 'JUDGE', aspectCodes: null },
  });
  // A judge already seated cannot be the replacement; a chief judge seat needs a chief-judge account.
  const seated = await t.gql(
    PanelReplaceJudgeDocument,
    { input: { tradeId, accountId: judges[0]!.id, replacementId: judges[1]!.id, reason: '调整' } },
    organizer(),
  );
  expect(seated.data!.replaceJudge.errors[0]).toMatchObject({
    code: 'ALREADY_ON_PANEL',
    field: 'input.replacementId',
  });
  const notChief = await t.gql(
    PanelReplaceJudgeDocument,
    { input: { tradeId, accountId: chief.id, replacementId: late.id, reason: '调整' } },
    organizer(),
  );
  expect(notChief.data!.replaceJudge.errors[0]!.code).toBe('KIND_MISMATCH');
  // The neighbouring city's organizers may not touch the panel.
  const neighbour = await t.gql(
    PanelReplaceJudgeDocument,
    { input: { tradeId, accountId: judges[0]!.id, replacementId: late.id, reason: '调整' } },
    { token: w.tokens.xianyang },
  );
  expect(neighbour.errors![0]!.extensions!.code).toBe('FORBIDDEN');

  expect((await submit(judges[3]!.token, entrants[1]!, 9)).code).toBe('NOT_ON_PANEL');
  // The stand-in marks the aspect (a correction is not needed: the stand-in had no mark).
  expect((await submit(standIn.token, entrants[1]!, 8)).status).toBe('ACCEPTED');
});

test('the chief judge is replaced; only the seated chief judge voids marks, and only of a judge who left', async () => {
  const r = await t.gql(
    PanelReplaceJudgeDocument,
    { input: { tradeId, accountId: chief.id, replacementId: chief2.id, reason: '裁判长调任' } },
    organizer(),
  );
  expect(r.data!.replaceJudge.change).toMatchObject({ kind: 'REPLACED', role: 'CHIEF_JUDGE' });

  const voidAs = (token: string, judgeId: string, reason = '该裁判退出，其评分作废') =>
    t.raw(
      { documentId: trustedDoc('TabletVoidJudgeMarks'), variables: { input: { tradeId, judgeId, reason } } },
      { token },
    );
  const former = await voidAs(chief.token, judges[4]!.id);
  expect(former.json.errors![0]!.extensions!.code).toBe('FORBIDDEN');
  const seated = await voidAs(chief2.token, judges[0]!.id);
  expect(seated.json.data).toMatchObject({
    voidJudgeMarks: { voided: [], errors: [{ code: 'JUDGE_STILL_ON_PANEL', field: 'input.judgeId' }] },
  });
  const noReason = await voidAs(chief2.token, judges[4]!.id, ' ');
  expect(noReason.json.data).toMatchObject({ voidJudgeMarks: { errors: [{ code: 'REQUIRED' }] } });

  const ok = await voidAs(chief2.token, judges[4]!.id);
  const voided = (ok.json.data as { voidJudgeMarks: { voided: { value: number; judgeId: string }[] } })
    .voidJudgeMarks.voided;
  expect(voided.map((v) => [v.judgeId, v.value])).toEqual([
    [judges[4]!.id, 10],
    [judges[4]!.id, 10],
  ]);
  const twice = await voidAs(chief2.token, judges[4]!.id);
  expect(twice.json.data).toMatchObject({ voidJudgeMarks: { errors: [{ code: 'NOTHING_TO_VOID' }] } });

  // Aggregation now sees 4 marks, fewer than the 5 the trimmed mean needs: plain mean, and it says so.
  const view = await panelView();
  const a = aspect(view, entrants[0]!);
  expect(a.marks.map((m) => m.value)).toEqual([6, 7, 8, 9]);
  expect(a.marks.every((m) => m.dropped === null)).toBe(true);
  expect(a.score).toBe(7.5);
  expect(a.formula).toBe('(6 + 7 + 8 + 9) / 4 = 7.50');
  expect(a.note).toBe('Only 4 marks, fewer than the 5 judges trimming needs: plain mean of all marks.');
  // The other entrant has the stand-in's mark too: 5 marks again, trimmed.
  const b = aspect(view, entrants[1]!);
  expect(b.marks.map((m) => m.value).sort()).toEqual([6, 7, 8, 8, 9]);
  expect(b.score).toBe(7.67);

  expect(view.voidedMarks!.map((v) => [v.judgeId, v.value, v.reason, v.voidedById])).toEqual([
    [judges[4]!.id, 10, '该裁判退出，其评分作废', chief2.id],
    [judges[4]!.id, 10, '该裁判退出，其评分作废', chief2.id],
  ]);
  // Audited, and the chain holds; the marks as of now no longer include the voided one.
  const kinds = await t.sql<{ kind: string; n: string }>(
    `select kind, count(*) n from audit_event where competition_id = ? and kind like any(array['PANEL_%', 'MARK_VOIDED'])
      group by kind order by kind`,
    [dbId(competitionId)],
  );
  expect(kinds).toEqual([
    { kind: 'MARK_VOIDED', n: '2' },
    { kind: 'PANEL_JUDGE_REPLACED', n: '2' },
    { kind: 'PANEL_JUDGE_WITHDRAWN', n: '1' },
  ]);
  const chain = await t.gql(VerifyAuditChainDocument, { competitionId }, organizer());
  expect(chain.data!.verifyAuditChain).toMatchObject({ ok: true, firstBrokenSeq: null });
  const asOf = await t.gql(
    PanelMarksAsOfDocument,
    { entrantId: entrants[0]!, asOf: new Date(Date.now() + 60_000).toISOString() },
    organizer(),
  );
  const standing = asOf.data!.entrantMarksAsOf.map((m) => m.judgeId);
  expect(standing).toHaveLength(4);
  expect(standing).not.toContain(judges[4]!.id);
});

test('a judge added on the day, with a reason; everyone who marked signs the results summary', async () => {
  const add = await t.gql(
    PanelAssignJudgeDocument,
    { input: { tradeId, accountId: late.id, role: 'JUDGE', aspectCodes: ['P1'], reason: '补充裁判' } },
    organizer(),
  );
  expect(add.data!.assignJudge).toMatchObject({
    errors: [],
    seat: { accountId: late.id, aspectCodes: ['P1'] },
  });
  const twice = await t.gql(
    PanelAssignJudgeDocument,
    { input: { tradeId, accountId: late.id, role: 'JUDGE', reason: '补充裁判' } },
    organizer(),
  );
  expect(twice.data!.assignJudge.errors[0]!.code).toBe('ALREADY_ON_PANEL');
  const secondChief = await t.gql(
    PanelAssignJudgeDocument,
    { input: { tradeId, accountId: chief.id, role: 'CHIEF_JUDGE', reason: '回来了' } },
    organizer(),
  );
  expect(secondChief.data!.assignJudge.errors[0]).toMatchObject({ code: 'DUPLICATE', field: 'input.role' });

  const view = await panelView();
  expect(view.panelChanges!.map((c) => [c.kind, c.accountId, c.replacementId, c.role])).toEqual([
    ['WITHDRAWN', judges[4]!.id, null, 'JUDGE'],
    ['REPLACED', judges[3]!.id, standIn.id, 'JUDGE'],
    ['REPLACED', chief.id, chief2.id, 'CHIEF_JUDGE'],
    ['ADDED', late.id, null, 'JUDGE'],
  ]);
  expect(view.panel!.map((s) => s.accountId)).toEqual([
    chief2.id,
    judges[0]!.id,
    judges[1]!.id,
    judges[2]!.id,
    standIn.id,
    late.id,
  ]);
  // The seated chief judge, and every judge who marked (withdrawn, replaced, voided included);
  // not the former chief judge (no mark) nor the judge added late (no mark yet).
  const signs = new Map(view.resultsSignatories!.map((s) => [s.accountId, s]));
  expect(view.resultsSignatories![0]).toMatchObject({
    accountId: chief2.id,
    role: 'CHIEF_JUDGE',
    withdrawn: false,
  });
  expect([...signs.keys()].sort()).toEqual([chief2.id, ...judges.map((j) => j.id), standIn.id].sort());
  expect(signs.get(judges[4]!.id)).toMatchObject({ withdrawn: true, marksCounted: 0, marksVoided: 2 });
  expect(signs.get(judges[3]!.id)).toMatchObject({ withdrawn: true, marksCounted: 2, marksVoided: 0 });
  expect(signs.get(standIn.id)).toMatchObject({ withdrawn: false, marksCounted: 1 });
  // The chief judge's tablet reads the same; the public does not see them before publication.
  const tabletView = await tablet<{ trade: { resultsSignatories: unknown[] } }>(
    t,
    chief2.token,
    'TabletTradePanel',
    {
      tradeId,
    },
  );
  expect(tabletView.trade.resultsSignatories).toHaveLength(signs.size);
  const publicView = await t.gql(PanelOfTradeDocument, { tradeId });
  expect(publicView.data!.trade).toMatchObject({
    panel: null,
    panelChanges: null,
    voidedMarks: null,
    resultsSignatories: null,
  });
});

test('once the chief judge locks the trade, the panel no longer changes; after the contest neither', async () => {
  const lock = await tablet<{ lockMarks: { errors: unknown[] } }>(t, chief2.token, 'TabletLockMarks', {
    input: { targetId: tradeId },
  });
  expect(lock.lockMarks.errors).toEqual([]);
  const withdraw = await t.gql(
    PanelWithdrawJudgeDocument,
    { input: { tradeId, accountId: late.id, reason: '多余' } },
    organizer(),
  );
  expect(withdraw.data!.withdrawJudge.errors[0]).toMatchObject({
    code: 'MARKS_LOCKED',
    field: 'input.tradeId',
  });
  const replace = await t.gql(
    PanelReplaceJudgeDocument,
    { input: { tradeId, accountId: judges[0]!.id, replacementId: judges[4]!.id, reason: '调整' } },
    organizer(),
  );
  expect(replace.data!.replaceJudge.errors[0]!.code).toBe('MARKS_LOCKED');
  const add = await t.gql(
    PanelAssignJudgeDocument,
    { input: { tradeId, accountId: judges[4]!.id, role: 'JUDGE', reason: '回归' } },
    organizer(),
  );
  expect(add.data!.assignJudge.errors[0]!.code).toBe('MARKS_LOCKED');
  const voided = await t.raw(
    {
      documentId: trustedDoc('TabletVoidJudgeMarks'),
      variables: { input: { tradeId, judgeId: judges[3]!.id, reason: '作废' } },
    },
    { token: chief2.token },
  );
  expect(voided.json.data).toMatchObject({ voidJudgeMarks: { errors: [{ code: 'MARKS_LOCKED' }] } });

  await moveTo(t, w.tokens.xian, competitionId, 'SCORING_CLOSED');
  const closed = await t.gql(
    PanelWithdrawJudgeDocument,
    { input: { tradeId, accountId: late.id, reason: '多余' } },
    organizer(),
  );
  expect(closed.data!.withdrawJudge.errors[0]!.code).toBe('COMPETITION_CLOSED');
  // Nothing else moved: the scores are what they were.
  const view = await panelView();
  expect([aspect(view, entrants[0]!).score, aspect(view, entrants[1]!).score]).toEqual([7.5, 7.67]);
});
