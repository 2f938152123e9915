import { createHash, randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { Role } from '../src/modules/account/account.entity';
import { OrganizationLevel } from '../src/modules/organization/organization.entity';
import { drawNumbers } from '../src/modules/scoring/lots';
import { recheckSample } from '../src/modules/scoring/ranking';
import type { MarkingScheme } from '../src/modules/scoring/scheme';
import {
  AssignJudgeDocument,
  FileAppealDocument,
  FinalizeResultsDocument,
  LotDrawsDocument,
  NodeByIdDocument,
  type PanelRole,
  PublishResultsDocument,
  SetEntrantStatusErrorsDocument,
  SetMarkingSchemeDocument,
  SetResultsRulesDocument,
  TradeResultsDocument,
  TradeResultsFileDocument,
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
  tablet,
  trustedDoc,
  type World,
} from './support/world';

/**
 * A trade from lot drawing to final results, through the API: anonymous numbers, marks,
 * a tolerance alert pushed to the chief judge, tie-breaks, awards and titles, judge analysis,
 * re-check with a full re-check forced by the error rate, publication with the audited reveal,
 * an appeal upheld and corrected through the audited mark path, then final results and exports.
 */
const SCHEME: MarkingScheme = {
  modules: [
    {
      code: 'T',
      name: '理论',
      weight: 30,
      criteria: [
        {
          code: 'T-1',
          name: '笔试',
          aspects: [
            {
              code: 'T1',
              description: '理论成绩',
              kind: 'MEASUREMENT',
              maxMark: 100,
              aggregation: { method: 'MEAN' },
              tolerance: null,
            },
          ],
        },
      ],
    },
    {
      code: 'P',
      name: '实操',
      weight: 70,
      criteria: [
        {
          code: 'P-1',
          name: '焊件',
          aspects: [
            {
              code: 'P1',
              description: '焊缝质量',
              kind: 'MEASUREMENT',
              maxMark: 10,
              aggregation: { method: 'TRIMMED_MEAN', trim: 1, minJudges: 3 },
              tolerance: 2,
            },
          ],
        },
      ],
    },
  ],
};

// Theory marks (all three judges agree) and practical marks (judge 1 one lower, judge 3 one higher).
const PLAN = {
  A: { T1: 90, P1: [8, 9, 10] }, // 27 + 63 = 90
  B: { T1: 90, P1: [8, 9, 10] }, // 90 as well: the time decides
  C: { T1: 80, P1: [7, 8, 9] }, // 24 + 56 = 80
  D: { T1: 80, P1: [7, 8, 9] }, // a true tie with C: shared rank 3
  E: { T1: 50, P1: [4, 5, 6] }, // 15 + 35 = 50
} as const;
type Name = keyof typeof PLAN;
const NAMES = Object.keys(PLAN) as Name[];

let t: TestApp;
let w: World;
let competitionId: string;
let tradeId: string;
const entrant = {} as Record<Name, string>;
let judges: string[];
let chief: string;
let late: string;

async function submit(token: string, marks: Record<string, unknown>[]) {
  const d = await tablet<{
    submitMarks: { outcomes: { status: string; code: string | null; mark: { version: number } | null }[] };
  }>(t, token, 'TabletSubmitMarks', { input: { deviceId: 'tablet-1', marks } });
  return d.submitMarks.outcomes;
}

const mark = (entrantId: string, aspectCode: string, value: number, extra: Record<string, unknown> = {}) => ({
  idempotencyKey: randomUUID(),
  entrantId,
  aspectCode,
  value,
  ...extra,
});

async function results(token?: string) {
  const r = await t.gql(TradeResultsDocument, { tradeId }, token ? { token } : {});
  return r.data!.trade!;
}

async function chiefView() {
  return tablet<{
    trade: {
      results: { anonymousNumber: string; entrant: { id: string; person: { name: string } | null } }[] | null;
      judgeAnalysis: {
        judgeId: string;
        displayName: string;
        marksGiven: number;
        marksCompared: number;
        meanDeviation: number;
        meanAbsoluteDeviation: number;
        droppedHigh: number;
        droppedLow: number;
        marksTrimmable: number;
        droppedRate: number | null;
      }[];
      recheck: { complete: boolean; fullRecheckRequired: boolean } | null;
      openToleranceBreaches: Record<string, unknown>[];
      appeals: { id: string; status: string }[];
    };
  }>(t, chief, 'TabletChiefView', { tradeId });
}

beforeAll(async () => {
  t = await startTestApp();
  w = await buildWorld(t);
  competitionId = await createCompetition(t, w.tokens.xian, w.orgs.xian, { name: '焊工决赛' });
  tradeId = await createTrade(t, w.tokens.xian, competitionId, { name: '焊工' });
  await t.gql(
    SetMarkingSchemeDocument,
    { input: { tradeId, format: 'JSON', content: JSON.stringify(SCHEME) } },
    { token: w.tokens.xian },
  );
  const seat = async (accountId: number, role: PanelRole) =>
    t.gql(
      AssignJudgeDocument,
      { input: { tradeId, accountId: gid('Account', accountId), role } },
      { token: w.tokens.xian },
    );
  judges = [];
  for (let j = 0; j < 3; j++) {
    const a = await t.account(Role.JUDGE, w.orgs.xian, `workflow.judge${j + 1}`);
    await seat(a.account.id, 'JUDGE');
    judges.push(a.token);
  }
  const c = await t.account(Role.CHIEF_JUDGE, w.orgs.xian, 'workflow.chief');
  await seat(c.account.id, 'CHIEF_JUDGE');
  chief = c.token;
  await moveTo(t, w.tokens.xian, competitionId, 'REGISTRATION_OPEN');
  const firm = await t.org('西安航空焊接厂', OrganizationLevel.ENTERPRISE, w.orgs.lianhu);
  for (const n of NAMES) {
    // D's name would run as a formula in a spreadsheet: the export must neutralise it.
    const person = await createPerson(t, w.tokens.xian, firm, n === 'D' ? '=1+1 丁' : `选手${n}`);
    entrant[n] = await registerEntrant(t, w.tokens.xian, tradeId, person, { checkIn: true });
  }
  late = await registerEntrant(t, w.tokens.xian, tradeId, await createPerson(t, w.tokens.xian, firm, '迟到'));
  await moveTo(t, w.tokens.xian, competitionId, 'RUNNING');
});
afterAll(async () => t?.close());

describe('lot drawing (抽签)', () => {
  test('checked-in entrants got distinct numbers; judges see numbers, never names', async () => {
    const draws = (await t.gql(LotDrawsDocument, { tradeId })).data!.trade!.lotDraws;
    // One draw per check-in while registration was open: each numbered the one new entrant.
    expect(draws.map((d) => d.entrantCount)).toEqual([1, 1, 1, 1, 1]);
    expect(draws.every((d) => d.seed === null && /^[0-9a-f]{64}$/.test(d.commitment))).toBe(true);
    const listed = await tablet<{
      trade: { drawnEntrants: { nodes: { id: string; anonymousNumber: string; person: unknown }[] } };
    }>(t, judges[0]!, 'TabletDrawnEntrants', { tradeId, first: 100 });
    const nodes = listed.trade.drawnEntrants.nodes;
    expect(nodes.map((e) => e.id).sort()).toEqual(Object.values(entrant).sort());
    expect(new Set(nodes.map((e) => e.anonymousNumber)).size).toBe(5);
    expect(nodes.every((e) => /^\d{3}$/.test(e.anonymousNumber) && e.person === null)).toBe(true);
    // The audit log has the commitment, not the seed or the numbers.
    const [ev] = await t.sql<{ after: Record<string, unknown> }>(
      `select after from audit_event where kind = 'LOTS_DRAWN' order by seq limit 1`,
    );
    expect(Object.keys(ev!.after).sort()).toEqual(['commitment', 'digits', 'entrantCount']);
  });

  test('an entrant without a number cannot be marked; a later draw numbers late check-ins only', async () => {
    for (const status of ['APPROVED', 'CHECKED_IN'] as const) {
      await t.gql(SetEntrantStatusErrorsDocument, { input: { id: late, status } }, { token: w.tokens.xian });
    }
    const [refused] = await submit(judges[0]!, [mark(late, 'T1', 50)]);
    expect(refused).toMatchObject({ status: 'REFUSED', code: 'NOT_DRAWN' });
    const before = await t.sql<{ id: number; lot_code: string }>(
      'select id, lot_code from entrant where lot_code is not null order by id',
    );
    const draw = await tablet<{ drawLots: { draw: { seq: number; entrantCount: number } } }>(
      t,
      chief,
      'TabletDrawLots',
      { input: { tradeId } },
    );
    expect(draw.drawLots.draw).toMatchObject({ seq: 6, entrantCount: 1 });
    const after = await t.sql<{ id: number; lot_code: string }>(
      'select id, lot_code from entrant where lot_code is not null order by id',
    );
    expect(after.filter((r) => r.id !== dbId(late))).toEqual(before);
    const again = await tablet<{ drawLots: { errors: { code: string }[] } }>(t, chief, 'TabletDrawLots', {
      input: { tradeId },
    });
    expect(again.drawLots.errors[0]!.code).toBe('NOTHING_TO_DRAW');
    // The late entrant withdraws again: results cover the five planned entrants.
    await t.gql(
      SetEntrantStatusErrorsDocument,
      { input: { id: late, status: 'WITHDRAWN' } },
      { token: w.tokens.xian },
    );
  });
});

describe('marking', () => {
  test('a mark that breaks the tolerance is pushed to the chief judge at once', async () => {
    const client = createClient({
      url: t.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${chief}` },
    });
    const alerts: Record<string, unknown>[] = [];
    const subscribed = new Promise<void>((resolve) => {
      client.subscribe(
        {
          query: '',
          variables: { tradeId },
          extensions: { documentId: trustedDoc('TabletToleranceBreached') },
        },
        {
          next: (m) =>
            alerts.push((m.data as { toleranceBreached: Record<string, unknown> }).toleranceBreached),
          error: () => {},
          complete: () => {},
        },
      );
      setTimeout(resolve, 200);
    });
    await subscribed;
    try {
      expect((await submit(judges[0]!, [mark(entrant.E, 'P1', 4)]))[0]!.status).toBe('ACCEPTED');
      // 9 against 4 with two judges (too few to trim): spread 5 > 2.
      const [breach] = await submit(judges[1]!, [mark(entrant.E, 'P1', 9)]);
      expect(breach).toMatchObject({ status: 'ACCEPTED' });
      for (let i = 0; i < 500 && alerts.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(alerts).toHaveLength(1);
      const [lot] = await t.sql<{ lot_code: string }>('select lot_code from entrant where id = ?', [
        dbId(entrant.E),
      ]);
      expect(alerts[0]).toMatchObject({
        tradeId,
        entrantId: entrant.E,
        anonymousNumber: lot!.lot_code,
        aspectCode: 'P1',
        spread: 5,
        tolerance: 2,
      });
      // A chief judge who missed the push finds it in the trade's open breaches.
      const open = await chiefView();
      expect(open.trade.openToleranceBreaches).toEqual([
        expect.objectContaining({ entrantId: entrant.E, aspectCode: 'P1', spread: 5, tolerance: 2 }),
      ]);
      // The judge re-marks: a correction of version 1 with a reason; no new alert.
      const [fixed] = await submit(judges[1]!, [
        mark(entrant.E, 'P1', 5, { correctsVersion: 1, reason: '复评' }),
      ]);
      expect(fixed).toMatchObject({ status: 'ACCEPTED', mark: { version: 2 } });
      expect((await chiefView()).trade.openToleranceBreaches).toEqual([]);
    } finally {
      await client.dispose();
    }
  });

  test('the rest of the marks, and completion times for the time tie-break', async () => {
    for (const n of NAMES) {
      for (let j = 0; j < 3; j++) {
        const marks = [mark(entrant[n], 'T1', PLAN[n].T1)];
        if (!(n === 'E' && j < 2)) marks.push(mark(entrant[n], 'P1', PLAN[n].P1[j]!));
        const outcomes = await submit(judges[j]!, marks);
        expect(outcomes.map((o) => o.code)).toEqual(marks.map(() => null));
      }
    }
    for (const [n, seconds] of [
      ['A', 100],
      ['B', 120.5],
    ] as const) {
      const r = await tablet<{ recordCompletionTime: { seconds: number } }>(
        t,
        chief,
        'TabletRecordCompletionTime',
        {
          input: { entrantId: entrant[n], seconds },
        },
      );
      expect(r.recordCompletionTime.seconds).toBe(seconds);
    }
  });
});

describe('results rules', () => {
  test('tie-breaks, awards by count and titles decide ranks 1, 2, 3, 3, 5', async () => {
    const set = await t.gql(
      SetResultsRulesDocument,
      {
        input: {
          tradeId,
          tieBreak: [{ kind: 'MODULE', code: 'P' }, { kind: 'COMPLETION_TIME' }],
          awards: {
            by: 'COUNT',
            tiers: [
              { tier: 'FIRST', count: 1 },
              { tier: 'SECOND', count: 1 },
              { tier: 'THIRD', count: 1 },
            ],
          },
          titles: [
            { title: '技术能手', tiers: ['FIRST'] },
            { title: '优秀选手', maxRank: 3 },
          ],
        },
      },
      { token: w.tokens.xian },
    );
    expect(set.data!.setResultsRules.errors).toEqual([]);
    const r = await results(w.tokens.xian);
    const by = new Map(r.results!.map((x) => [x.entrant.id, x]));
    const row = (n: Name) => by.get(entrant[n])!;
    expect(NAMES.map((n) => [row(n).total, row(n).rank])).toEqual([
      [90, 1],
      [90, 2],
      [80, 3],
      [80, 3],
      [50, 5],
    ]);
    expect(row('A').tieBreak).toEqual([
      { kind: 'MODULE', code: 'P', value: 63 },
      { kind: 'COMPLETION_TIME', code: null, value: 100 },
    ]);
    expect(NAMES.map((n) => row(n).awardLabel)).toEqual(['一等奖', '二等奖', '三等奖', '三等奖', null]);
    expect(NAMES.map((n) => row(n).titles)).toEqual([
      ['技术能手', '优秀选手'],
      ['优秀选手'],
      ['优秀选手'],
      ['优秀选手'],
      [],
    ]);
    // The tie at the third place gives both the better tier: 2 third prizes for a quota of 1.
    expect(r.awardSummary).toEqual([
      { tier: 'FIRST', label: '一等奖', quota: 1, cutoffRank: 1, awarded: 1 },
      { tier: 'SECOND', label: '二等奖', quota: 1, cutoffRank: 2, awarded: 1 },
      { tier: 'THIRD', label: '三等奖', quota: 1, cutoffRank: 3, awarded: 2 },
    ]);
  });

  test('an unknown module in a tie-break is refused, nothing changes', async () => {
    const r = await t.gql(
      SetResultsRulesDocument,
      { input: { tradeId, tieBreak: [{ kind: 'MODULE', code: 'X' }] } },
      { token: w.tokens.xian },
    );
    expect(r.data!.setResultsRules.errors).toEqual([
      expect.objectContaining({ code: 'NOT_FOUND', field: 'input.tieBreak.0.code' }),
    ]);
    expect((await results(w.tokens.xian)).resultsRules!.tieBreak).toHaveLength(2);
  });
});

describe('the chief judge during the contest', () => {
  test('judge analysis: marks given, deviation from the other judges, dropped high and low', async () => {
    const view = await chiefView();
    // Judge 1 is one point under the others on every practical mark, judge 3 one over; theory agrees.
    expect(view.trade.judgeAnalysis.map((s) => s.displayName)).toEqual([
      'workflow.judge1',
      'workflow.judge2',
      'workflow.judge3',
    ]);
    expect(view.trade.judgeAnalysis.map(({ judgeId: _, displayName: __, ...s }) => s)).toEqual([
      {
        marksGiven: 10,
        marksCompared: 10,
        meanDeviation: -0.75,
        meanAbsoluteDeviation: 0.75,
        droppedHigh: 0,
        droppedLow: 5,
        marksTrimmable: 5,
        droppedRate: 1,
      },
      {
        marksGiven: 10,
        marksCompared: 10,
        meanDeviation: 0,
        meanAbsoluteDeviation: 0,
        droppedHigh: 0,
        droppedLow: 0,
        marksTrimmable: 5,
        droppedRate: 0,
      },
      {
        marksGiven: 10,
        marksCompared: 10,
        meanDeviation: 0.75,
        meanAbsoluteDeviation: 0.75,
        droppedHigh: 5,
        droppedLow: 0,
        marksTrimmable: 5,
        droppedRate: 1,
      },
    ]);
    // The chief judge follows the results live, by number only.
    expect(
      view.trade.results!.every((r) => r.entrant.person === null && /^\d{3}$/.test(r.anonymousNumber)),
    ).toBe(true);
    // A judge sees neither results nor the analysis.
    const judgeView = await tablet<{ trade: { results: unknown; judgeAnalysis: unknown } }>(
      t,
      judges[0]!,
      'TabletChiefView',
      { tradeId },
    );
    expect(judgeView.trade).toMatchObject({ results: null, judgeAnalysis: null });
  });
});

describe('re-check (复核), publication (公示), appeal (申诉) and final results', () => {
  const publish = (token = w.tokens.xian) =>
    t.gql(
      PublishResultsDocument,
      { input: { competitionId, noticeEndsAt: new Date(Date.now() + 5 * 86_400_000).toISOString() } },
      { token },
    );

  test('publication waits for sign-off and a complete re-check; an error rate above 5 % forces a full re-check', async () => {
    await moveTo(t, w.tokens.xian, competitionId, 'SCORING_CLOSED');
    expect((await publish()).data!.publishResults.errors.map((e) => e.code)).toEqual([
      'TRADE_NOT_SIGNED_OFF',
      'RECHECK_INCOMPLETE',
    ]);
    const early = await tablet<{ drawRecheck: { errors: { code: string }[] } }>(
      t,
      chief,
      'TabletDrawRecheck',
      {
        input: { tradeId, topN: 1, percent: 15 },
      },
    );
    expect(early.drawRecheck.errors[0]!.code).toBe('TRADE_NOT_SIGNED_OFF');
    await tablet(t, chief, 'TabletLockMarks', { input: { targetId: tradeId } });
    const tooFew = await tablet<{ drawRecheck: { errors: { code: string }[] } }>(
      t,
      chief,
      'TabletDrawRecheck',
      {
        input: { tradeId, topN: 1, percent: 10 },
      },
    );
    expect(tooFew.drawRecheck.errors[0]!.code).toBe('OUT_OF_RANGE');

    const drawn = await tablet<{
      drawRecheck: {
        recheck: { rounds: { seed: string; items: { reason: string; entrant: { id: string } }[] }[] };
      };
    }>(t, chief, 'TabletDrawRecheck', { input: { tradeId, topN: 1, percent: 15, seed: '2024-焊工-复核' } });
    const round = drawn.drawRecheck.recheck.rounds[0]!;
    // Reproducible from the ranking and the seed: A first, then ceil(15 % of 4) = 1 drawn.
    const ranking = ['A', 'B', 'C', 'D', 'E'].map((n) => String(dbId(entrant[n as Name])));
    const expected = recheckSample(ranking, 1, 15, '2024-焊工-复核');
    expect(round.items.map((i) => [i.reason, String(dbId(i.entrant.id))])).toEqual([
      ...expected.top.map((id) => ['TOP', id]),
      ...expected.sample.map((id) => ['SAMPLE', id]),
    ]);
    const record = (entrantId: string, errorsFound: number) =>
      tablet<{
        recordRecheck: {
          recheck: {
            complete: boolean;
            fullRecheckRequired: boolean;
            fullRecheckComplete: boolean;
            rounds: { kind: string; items: { entrant: { id: string } }[] }[];
          };
          errors: { code: string }[];
        };
      }>(t, chief, 'TabletRecordRecheck', { input: { entrantId, errorsFound } });
    await record(round.items[0]!.entrant.id, 0);
    const sampled = await record(round.items[1]!.entrant.id, 1);
    // One sheet in two with an error: 50 % > 5 %, so every other sheet is re-checked too.
    expect(sampled.recordRecheck.recheck).toMatchObject({
      fullRecheckRequired: true,
      fullRecheckComplete: false,
      complete: false,
    });
    const full = sampled.recordRecheck.recheck.rounds[1]!;
    expect(full.kind).toBe('FULL');
    expect(full.items).toHaveLength(3);
    expect((await publish()).data!.publishResults.errors.map((e) => e.code)).toEqual([
      'FULL_RECHECK_REQUIRED',
    ]);
    const outside = await record(late, 0);
    expect(outside.recordRecheck.errors[0]!.code).toBe('NOT_IN_RECHECK');
    let last = sampled;
    for (const item of full.items.slice(0, -1)) last = await record(item.entrant.id, 0);
    // Under way: still required, not complete.
    expect(last.recordRecheck.recheck).toMatchObject({
      fullRecheckRequired: true,
      fullRecheckComplete: false,
    });
    last = await record(full.items.at(-1)!.entrant.id, 0);
    // Done: it stays required (it was), and now says it is complete.
    expect(last.recordRecheck.recheck).toMatchObject({
      complete: true,
      fullRecheckRequired: true,
      fullRecheckComplete: true,
    });
  });

  test('publishing reveals identities by an audited step anyone can replay', async () => {
    const anonymousBefore = await results();
    expect(anonymousBefore.results).toBeNull();
    const r = await publish();
    expect(r.data!.publishResults.errors).toEqual([]);
    expect(r.data!.publishResults.competition).toMatchObject({ status: 'PUBLISHED' });

    const pub = await results();
    expect(pub.results!.find((x) => x.entrant.id === entrant.A)!.entrant.person!.name).toBe('选手A');
    const draws = (await t.gql(LotDrawsDocument, { tradeId })).data!.trade!.lotDraws;
    const lots = await t.sql<{ id: number; lot_number: number; lot_draw_id: number }>(
      'select id, lot_number, lot_draw_id from entrant where trade_id = ? and lot_number is not null order by id',
      [dbId(tradeId)],
    );
    const drawRows = await t.sql<{ id: number; seq: number }>('select id, seq from lot_draw order by seq');
    const taken = new Set<number>();
    for (const d of draws) {
      expect(d.seed).toMatch(/^[0-9a-f]{64}$/);
      expect(createHash('sha256').update(d.seed!, 'utf8').digest('hex')).toBe(d.commitment);
      const drawId = drawRows.find((x) => x.seq === d.seq)!.id;
      const mine = lots.filter((l) => l.lot_draw_id === drawId);
      const replay = drawNumbers(
        d.seed!,
        dbId(tradeId),
        d.seq,
        mine.map((l) => l.id),
        taken,
        d.digits,
      );
      for (const l of mine) {
        expect(replay.get(l.id)).toBe(l.lot_number);
        taken.add(l.lot_number);
      }
    }
    const [reveal] = await t.sql<{ after: { lots: { lotNumber: number; entrantId: number }[] } }>(
      `select after from audit_event where kind = 'IDENTITIES_REVEALED'`,
    );
    expect(reveal!.after.lots).toHaveLength(lots.length);
  });

  test('an appeal is upheld, the mark corrected through the audited path, then results become final', async () => {
    const neighbour = await t.gql(
      FileAppealDocument,
      { input: { entrantId: entrant.E, reason: '实操评分有误' } },
      { token: w.tokens.xianyang },
    );
    expect(neighbour.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const filed = await t.gql(
      FileAppealDocument,
      { input: { entrantId: entrant.E, reason: '实操评分有误' } },
      { token: w.tokens.xian },
    );
    if (!filed.data?.fileAppeal.appeal) throw new Error(JSON.stringify(filed));
    const appeal = filed.data.fileAppeal.appeal;
    expect(appeal.status).toBe('PENDING');
    // Reachable by its global ID, for the jury only (as `Trade.appeals`).
    const byId = await t.gql(NodeByIdDocument, { id: appeal.id }, { token: w.tokens.xian });
    expect(byId.data!.node).toEqual({
      __typename: 'Appeal',
      id: appeal.id,
      reason: '实操评分有误',
      appealStatus: 'PENDING',
    });
    expect((await t.gql(NodeByIdDocument, { id: appeal.id })).data!.node).toBeNull();
    const twice = await t.gql(
      FileAppealDocument,
      { input: { entrantId: entrant.E, reason: '再次' } },
      { token: w.tokens.xian },
    );
    expect(twice.data!.fileAppeal.errors[0]!.code).toBe('APPEAL_PENDING');

    const early = await t.gql(
      FinalizeResultsDocument,
      { input: { competitionId } },
      { token: w.tokens.xian },
    );
    expect(early.data!.finalizeResults.errors.map((e) => e.code)).toEqual([
      'NOTICE_PERIOD_OPEN',
      'APPEALS_PENDING',
    ]);

    // Before the appeal is upheld the marks stay locked; a new mark is refused after marking closed.
    const [locked] = await submit(judges[1]!, [
      mark(entrant.E, 'P1', 7, { correctsVersion: 2, reason: '申诉' }),
    ]);
    expect(locked!.code).toBe('MARKS_LOCKED');
    const upheld = await tablet<{ resolveAppeal: { appeal: { status: string } } }>(
      t,
      chief,
      'TabletResolveAppeal',
      {
        input: { appealId: appeal.id, decision: 'UPHELD', response: '经复核，实操评分录入有误' },
      },
    );
    expect(upheld.resolveAppeal.appeal.status).toBe('UPHELD');
    const [fresh] = await submit(judges[1]!, [mark(entrant.E, 'T1', 60)]);
    expect(fresh!.code).toBe('COMPETITION_NOT_RUNNING');
    const [other] = await submit(judges[1]!, [
      mark(entrant.A, 'P1', 7, { correctsVersion: 1, reason: '顺便' }),
    ]);
    expect(other!.code).toBe('MARKS_LOCKED');
    const [fixed] = await submit(judges[1]!, [
      mark(entrant.E, 'P1', 7, { correctsVersion: 2, reason: '申诉复核' }),
    ]);
    expect(fixed).toMatchObject({ status: 'ACCEPTED', mark: { version: 3 } });
    const again = await tablet<{ resolveAppeal: { errors: { code: string }[] } }>(
      t,
      chief,
      'TabletResolveAppeal',
      {
        input: { appealId: appeal.id, decision: 'DISMISSED', response: '重复' },
      },
    );
    expect(again.resolveAppeal.errors[0]!.code).toBe('APPEAL_ALREADY_RESOLVED');

    // The notice period ends (time passes in SQL); the reopened entrant still blocks finality.
    await t.sql(
      `update competition set notice_ends_at = now() - interval '1 second', appeal_deadline = now() - interval '1 second' where id = ?`,
      [dbId(competitionId)],
    );
    const reopened = await t.gql(
      FinalizeResultsDocument,
      { input: { competitionId } },
      { token: w.tokens.xian },
    );
    expect(reopened.data!.finalizeResults.errors.map((e) => e.code)).toEqual(['MARKS_REOPENED']);
    await tablet(t, chief, 'TabletLockMarks', { input: { targetId: entrant.E } });
    const closed = await t.gql(
      FileAppealDocument,
      { input: { entrantId: entrant.D, reason: '迟到的申诉' } },
      { token: w.tokens.xian },
    );
    expect(closed.data!.fileAppeal.errors[0]!.code).toBe('APPEAL_WINDOW_CLOSED');

    const final = await t.gql(
      FinalizeResultsDocument,
      { input: { competitionId } },
      { token: w.tokens.xian },
    );
    expect(final.data!.finalizeResults.errors).toEqual([]);
    expect(final.data!.finalizeResults.competition!.status).toBe('FINAL');
    // E's practical: trimmed mean of 4, 7, 6 = 6 → 42 + 15 = 57.
    const e = (await results()).results!.find((x) => x.entrant.id === entrant.E)!;
    expect(e.total).toBe(57);
    const [digest] = await t.sql<{
      after: { results: { entries: [number, number, number, string | null][] }[] };
    }>(`select after from audit_event where kind = 'RESULTS_FINAL'`);
    expect(digest!.after.results[0]!.entries).toContainEqual([dbId(entrant.E), 5, 57, null]);
    // Final means final.
    const unlock = await tablet<{ unlockMarks: { errors: { code: string }[] } }>(
      t,
      chief,
      'TabletUnlockMarks',
      {
        input: { targetId: entrant.E, reason: '再改' },
      },
    );
    expect(unlock.unlockMarks.errors[0]!.code).toBe('RESULTS_FROZEN');
    const verdict = await tablet<{ verifyAuditChain: { ok: boolean } }>(t, chief, 'TabletVerifyAuditChain', {
      competitionId,
    });
    expect(verdict.verifyAuditChain.ok).toBe(true);
    const kinds = await t.sql<{ kind: string }>('select distinct kind from audit_event order by kind');
    expect(kinds.map((k) => k.kind)).toEqual(
      expect.arrayContaining([
        'APPEAL_FILED',
        'APPEAL_RESOLVED',
        'COMPLETION_TIME_RECORDED',
        'IDENTITIES_REVEALED',
        'LOTS_DRAWN',
        'RECHECK_DRAWN',
        'RECHECK_RECORDED',
        'RESULTS_FINAL',
        'RESULTS_PUBLISHED',
        'RESULTS_RULES_SET',
      ]),
    );
  });

  test('results export as CSV and XLSX, with formulas neutralised', async () => {
    const csv = (await t.gql(TradeResultsFileDocument, { tradeId, format: 'CSV' })).data!.trade!.resultsFile!;
    expect(csv).toMatchObject({ contentType: 'text/csv; charset=utf-8', encoding: 'utf-8' });
    expect(csv.content.startsWith('\uFEFF名次 Rank,抽签号 No.,参赛者 Entrant,单位 Unit')).toBe(true);
    const lines = csv.content.trim().split('\r\n');
    expect(lines).toHaveLength(6);
    expect(lines[1]).toMatch(/^1,\d{3},选手A,西安航空焊接厂,27,63,90,一等奖,技术能手、优秀选手,100$/);
    expect(csv.content).toContain(",'=1+1 丁,");

    const xlsx = (await t.gql(TradeResultsFileDocument, { tradeId, format: 'XLSX' })).data!.trade!
      .resultsFile!;
    expect(xlsx.encoding).toBe('base64');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.from(xlsx.content, 'base64') as never);
    const sheet = book.worksheets[0]!;
    expect(sheet.rowCount).toBe(6);
    expect(sheet.getRow(2).getCell(3).value).toBe('选手A');
    expect(sheet.getRow(6).values).toContain(57);
  });
});
