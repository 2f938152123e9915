import ExcelJS from 'exceljs';
import { createClient } from 'graphql-ws';
import { print } from 'graphql';
import WebSocket from 'ws';
import { sqlStatements } from '../src/shared/db/orm';
import {
  CompetitionByIdDocument,
  CompetitionsDocument,
  CompetitionStatusChangedDocument,
  CreateCompetitionDocument,
  CreateTeamDocument,
  CreateTradeDocument,
  ImportEntrantsDocument,
  NestedCompetitionsDocument,
  RegisterEntrantDocument,
  SetEntrantStatusDocument,
  TradeEntrantsDocument,
  TransitionCompetitionDocument,
  UpdateTradeDocument,
} from './generated/graphql';
import { gid, startTestApp, type TestApp } from './support/app';
import {
  buildWorld,
  createCompetition,
  createPerson,
  createTrade,
  moveTo,
  orgId,
  tableCounts,
  type World,
  dbId,
} from './support/world';

let t: TestApp;
let w: World;
beforeAll(async () => {
  t = await startTestApp();
  w = await buildWorld(t);
});
afterAll(async () => t?.close());

describe('competition lifecycle', () => {
  test('moves only along allowed transitions and records each change', async () => {
    const id = await createCompetition(t, w.tokens.xian, w.orgs.xian);
    const skip = await t.gql(
      TransitionCompetitionDocument,
      { input: { id, to: 'RUNNING' } },
      { token: w.tokens.xian },
    );
    expect(skip.data!.transitionCompetition.errors).toEqual([
      expect.objectContaining({ code: 'INVALID_TRANSITION', field: 'input.to' }),
    ]);
    expect(skip.data!.transitionCompetition.competition).toBeNull();

    await moveTo(t, w.tokens.xian, id, 'REGISTRATION_OPEN', 'RUNNING', 'SCORING_CLOSED', 'PUBLISHED');
    // Publication and finality have their own mutations, with their own checks.
    const generic = await t.gql(
      TransitionCompetitionDocument,
      { input: { id, to: 'FINAL' } },
      { token: w.tokens.xian },
    );
    expect(generic.data!.transitionCompetition.errors[0]!.code).toBe('INVALID_TRANSITION');
    await t.sql(`update competition set notice_ends_at = now() - interval '1 second' where id = ?`, [
      dbId(id),
    ]);
    await moveTo(t, w.tokens.xian, id, 'FINAL', 'ARCHIVED');
    const c = await t.gql(CompetitionByIdDocument, { id }, { token: w.tokens.xian });
    expect(c.data!.competition).toMatchObject({ status: 'ARCHIVED', allowedTransitions: [] });
    const back = await t.gql(
      TransitionCompetitionDocument,
      { input: { id, to: 'DRAFT' } },
      { token: w.tokens.xian },
    );
    expect(back.data!.transitionCompetition.errors[0]!.code).toBe('INVALID_TRANSITION');
    const history = await t.sql<{ from_status: string; to_status: string }>(
      'select from_status, to_status from competition_status_change where competition_id = ? order by id',
      [dbId(id)],
    );
    expect(history.map((h) => `${h.from_status}>${h.to_status}`)).toEqual([
      'DRAFT>REGISTRATION_OPEN',
      'REGISTRATION_OPEN>RUNNING',
      'RUNNING>SCORING_CLOSED',
      'SCORING_CLOSED>PUBLISHED',
      'PUBLISHED>FINAL',
      'FINAL>ARCHIVED',
    ]);
  });

  test('the public sees no drafts, and entrant identities only once results are published', async () => {
    const id = await createCompetition(t, w.tokens.xian, w.orgs.xian, { name: '公开性测试赛' });
    const tradeId = await createTrade(t, w.tokens.xian, id);
    const personId = await createPerson(t, w.tokens.xian, w.orgs.xianFirm, '王建国');
    await t.gql(RegisterEntrantDocument, { input: { tradeId, personId } }, { token: w.tokens.xian });

    const anonymous = await t.gql(CompetitionByIdDocument, { id });
    expect(anonymous.data!.competition).toBeNull();
    const listed = await t.gql(CompetitionsDocument, { filter: { search: '公开性测试赛' } });
    expect(listed.data!.competitions.totalCount).toBe(0);
    const neighbour = await t.gql(CompetitionByIdDocument, { id }, { token: w.tokens.xianyang });
    expect(neighbour.data!.competition).toBeNull();

    await moveTo(t, w.tokens.xian, id, 'REGISTRATION_OPEN');
    const open = await t.gql(TradeEntrantsDocument, { id: tradeId });
    expect(open.data!.trade!.name).toBe('焊工');
    expect(open.data!.trade!.entrants.nodes).toEqual([]);
    const organizerView = await t.gql(TradeEntrantsDocument, { id: tradeId }, { token: w.tokens.xian });
    expect(organizerView.data!.trade!.entrants.nodes[0]!.person!.name).toBe('王建国');

    await moveTo(t, w.tokens.xian, id, 'RUNNING', 'SCORING_CLOSED', 'PUBLISHED');
    const published = await t.gql(TradeEntrantsDocument, { id: tradeId });
    expect(published.data!.trade!.entrants.nodes[0]!.person!.name).toBe('王建国');
  });
});

test('dates round-trip as written', async () => {
  const r = await t.gql(
    CreateCompetitionDocument,
    {
      input: {
        name: '日期测试赛',
        kind: 'SKILLS',
        year: 2024,
        hostId: orgId(w.orgs.xian),
        startsOn: '2024-05-01',
        endsOn: '2024-10-31',
        description: '理论30%，实操70%',
      },
    },
    { token: w.tokens.xian },
  );
  expect(r.data!.createCompetition.competition).toMatchObject({
    startsOn: '2024-05-01',
    endsOn: '2024-10-31',
    status: 'DRAFT',
  });
});

describe('trades', () => {
  test('validates weights, names and capacity, and writes nothing when refused', async () => {
    const competitionId = await createCompetition(t, w.tokens.xian, w.orgs.xian);
    await createTrade(t, w.tokens.xian, competitionId, { name: '电工' });
    const before = await tableCounts(t);
    const cases: [Record<string, unknown>, string, string][] = [
      [{ theoryWeight: 30, practicalWeight: 60 }, 'WEIGHTS_MUST_SUM_TO_100', 'input.practicalWeight'],
      [{ name: '电工' }, 'DUPLICATE', 'input.name'],
      [{ name: '   ' }, 'REQUIRED', 'input.name'],
      [{ name: '工'.repeat(101) }, 'TOO_LONG', 'input.name'],
      [{ capacity: 0 }, 'OUT_OF_RANGE', 'input.capacity'],
      [{ competitionId: 'bm90LWFuLWlk' }, 'INVALID_ID', 'input.competitionId'],
      [{ competitionId: gid('Trade', 1) }, 'INVALID_ID', 'input.competitionId'],
      [{ competitionId: gid('Competition', 999999) }, 'NOT_FOUND', 'input.competitionId'],
    ];
    for (const [override, code, field] of cases) {
      const r = await t.gql(
        CreateTradeDocument,
        {
          input: {
            competitionId,
            name: '钳工',
            theoryWeight: 20,
            practicalWeight: 80,
            capacity: 10,
            ...override,
          } as never,
        },
        { token: w.tokens.xian },
      );
      expect({ override, errors: r.data!.createTrade.errors.map((e) => [e.code, e.field]) }).toEqual({
        override,
        errors: expect.arrayContaining([[code, field]]),
      });
      expect(r.data!.createTrade.trade).toBeNull();
    }
    expect(await tableCounts(t)).toEqual(before);
  });

  test('an unknown enum value is refused by GraphQL itself with a stable code', async () => {
    // Raw on purpose: a document the schema rejects.
    const r = await t.raw(
      {
        query:
          'mutation { createCompetition(input: {name: "x", kind: SPORTS, year: 2024, hostId: "x"}) { errors { code } } }',
      },
      { token: w.tokens.xian },
    );
    expect(r.json.errors![0]!.extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  test('capacity cannot drop below the active entrants', async () => {
    const competitionId = await createCompetition(t, w.tokens.xian, w.orgs.xian);
    const tradeId = await createTrade(t, w.tokens.xian, competitionId, { capacity: 5 });
    for (const name of ['甲', '乙', '丙']) {
      const personId = await createPerson(t, w.tokens.xian, w.orgs.xianFirm, `选手${name}`);
      await t.gql(RegisterEntrantDocument, { input: { tradeId, personId } }, { token: w.tokens.xian });
    }
    const r = await t.gql(
      UpdateTradeDocument,
      { input: { id: tradeId, capacity: 2 } },
      { token: w.tokens.xian },
    );
    expect(r.data!.updateTrade.errors[0]).toMatchObject({
      code: 'CAPACITY_EXCEEDED',
      field: 'input.capacity',
    });
    const ok = await t.gql(
      UpdateTradeDocument,
      { input: { id: tradeId, capacity: 3 } },
      { token: w.tokens.xian },
    );
    expect(ok.data!.updateTrade.trade!.capacity).toBe(3);
  });
});

describe('entrants', () => {
  let competitionId: string;
  beforeAll(async () => {
    competitionId = await createCompetition(t, w.tokens.xian, w.orgs.xian, { name: '报名测试赛' });
  });

  test('capacity holds under concurrent registrations', async () => {
    const tradeId = await createTrade(t, w.tokens.xian, competitionId, { name: '车工', capacity: 3 });
    const people = await Promise.all(
      Array.from({ length: 10 }, (_, i) => createPerson(t, w.tokens.xian, w.orgs.xianFirm, `并发选手${i}`)),
    );
    const results = await Promise.all(
      people.map((personId) =>
        t.gql(RegisterEntrantDocument, { input: { tradeId, personId } }, { token: w.tokens.xian }),
      ),
    );
    const ok = results.filter((r) => r.data!.registerEntrant.entrant);
    const full = results.filter((r) => r.data!.registerEntrant.errors[0]?.code === 'CAPACITY_EXCEEDED');
    expect(ok).toHaveLength(3);
    expect(full).toHaveLength(7);
    const trade = await t.gql(TradeEntrantsDocument, { id: tradeId }, { token: w.tokens.xian });
    expect(trade.data!.trade!.activeEntrantCount).toBe(3);

    // Withdrawing frees a place; re-registering takes it back only if one is free.
    const first = ok[0]!.data!.registerEntrant.entrant!.id;
    const withdrawn = await t.gql(
      SetEntrantStatusDocument,
      { input: { id: first, status: 'WITHDRAWN' } },
      { token: w.tokens.xian },
    );
    expect(withdrawn.data!.setEntrantStatus.entrant!.status).toBe('WITHDRAWN');
    const late = full[0]!;
    const again = await t.gql(
      RegisterEntrantDocument,
      { input: { tradeId, personId: people[results.indexOf(late)]! } },
      { token: w.tokens.xian },
    );
    expect(again.data!.registerEntrant.entrant).not.toBeNull();
    const back = await t.gql(
      SetEntrantStatusDocument,
      { input: { id: first, status: 'REGISTERED' } },
      { token: w.tokens.xian },
    );
    expect(back.data!.setEntrantStatus.errors[0]!.code).toBe('CAPACITY_EXCEEDED');
  });

  test('refuses duplicates, bad transitions, enterprises in skills contests, and other unions’ people', async () => {
    const tradeId = await createTrade(t, w.tokens.xian, competitionId, { name: '钳工' });
    const personId = await createPerson(t, w.tokens.xian, w.orgs.xianFirm, '李师傅');
    const first = await t.gql(
      RegisterEntrantDocument,
      { input: { tradeId, personId } },
      { token: w.tokens.xian },
    );
    const entrantId = first.data!.registerEntrant.entrant!.id;
    const before = await tableCounts(t);

    const dup = await t.gql(
      RegisterEntrantDocument,
      { input: { tradeId, personId } },
      { token: w.tokens.xian },
    );
    expect(dup.data!.registerEntrant.errors[0]).toMatchObject({ code: 'DUPLICATE', field: 'input.personId' });

    const enterprise = await t.gql(
      RegisterEntrantDocument,
      { input: { tradeId, enterpriseId: orgId(w.orgs.xianFirm) } },
      { token: w.tokens.xian },
    );
    expect(enterprise.data!.registerEntrant.errors[0]!.code).toBe('KIND_MISMATCH');

    const two = await t.gql(
      RegisterEntrantDocument,
      { input: { tradeId, personId, enterpriseId: orgId(w.orgs.xianFirm) } },
      { token: w.tokens.xian },
    );
    expect(two.data!.registerEntrant.errors[0]).toMatchObject({ code: 'VALIDATION', field: 'input' });

    const bad = await t.gql(
      SetEntrantStatusDocument,
      { input: { id: entrantId, status: 'CHECKED_IN' } },
      { token: w.tokens.xian },
    );
    expect(bad.data!.setEntrantStatus.errors[0]!.code).toBe('INVALID_TRANSITION');

    const stranger = await createPerson(t, w.tokens.xianyang, w.orgs.xianyangFirm, '咸阳选手');
    const foreign = await t.gql(
      RegisterEntrantDocument,
      { input: { tradeId, personId: stranger } },
      { token: w.tokens.xian },
    );
    // A person of another city is refused as if there were no such person.
    expect(foreign.data!.registerEntrant.errors).toEqual([
      expect.objectContaining({ code: 'NOT_FOUND', field: 'input.personId' }),
    ]);

    const intoNeighbour = await t.gql(
      RegisterEntrantDocument,
      { input: { tradeId, personId: stranger } },
      { token: w.tokens.xianyang },
    );
    expect(intoNeighbour.errors![0]!.extensions!.code).toBe('FORBIDDEN');

    const after = await tableCounts(t);
    expect(after).toEqual({ ...before, person: before.person! + 1 });
  });

  test('teams and enterprises enter labor competitions', async () => {
    const laborId = await createCompetition(t, w.tokens.xian, w.orgs.xian, {
      name: '重点项目劳动竞赛',
      kind: 'LABOR',
    });
    const tradeId = await createTrade(t, w.tokens.xian, laborId, {
      name: '重点项目建设赛',
      theoryWeight: 0,
      practicalWeight: 100,
    });
    const members = await Promise.all(
      ['赵', '钱'].map((n) => createPerson(t, w.tokens.xian, w.orgs.xianFirm, `${n}班长`)),
    );
    const team = await t.gql(
      CreateTeamDocument,
      {
        input: {
          name: '秦岭隧道掘进班组',
          kind: 'CREW',
          organizationId: orgId(w.orgs.xianFirm),
          memberIds: members,
        },
      },
      { token: w.tokens.xian },
    );
    expect(team.data!.createTeam.team!.members.map((m) => m.name).sort()).toEqual(
      ['赵班长', '钱班长'].sort(),
    );
    const byTeam = await t.gql(
      RegisterEntrantDocument,
      { input: { tradeId, teamId: team.data!.createTeam.team!.id } },
      { token: w.tokens.xian },
    );
    expect(byTeam.data!.registerEntrant.entrant!.kind).toBe('TEAM');
    const byFirm = await t.gql(
      RegisterEntrantDocument,
      { input: { tradeId, enterpriseId: orgId(w.orgs.xianFirm) } },
      { token: w.tokens.xian },
    );
    expect(byFirm.data!.registerEntrant.entrant).toMatchObject({
      kind: 'ENTERPRISE',
      enterprise: { id: orgId(w.orgs.xianFirm) },
    });
  });
});

describe('nested list query', () => {
  test('costs the same bounded number of SQL statements whatever the page size', async () => {
    // A host of its own so the page holds only these competitions.
    const host = await t.org('嵌套查询测试总工会', 'CITY' as never, w.orgs.shaanxi);
    const firm = await t.org('嵌套测试企业', 'ENTERPRISE' as never, host);
    const { token } = await t.account('ORGANIZER' as never, host);
    for (let c = 0; c < 6; c++) {
      const cid = await createCompetition(t, token, host, { name: `嵌套赛${c}` });
      for (let k = 0; k < 4; k++) {
        const tradeId = await createTrade(t, token, cid, { name: `工种${k}` });
        await t.sql(
          `with p as (insert into person (name, employer_id) select '选手' || g || '-' || ?, ? from generate_series(1, 6) g returning id)
           insert into entrant (trade_id, person_id) select ?, id from p`,
          [`${c}-${k}`, firm.id, dbId(tradeId)],
        );
      }
    }
    const count = async (first: number, trades: number, entrants: number) => {
      const before = sqlStatements.count;
      const r = await t.gql(
        NestedCompetitionsDocument,
        { first, trades, entrants, filter: { hostUnder: orgId(host) } },
        { token },
      );
      expect(r.errors).toBeUndefined();
      return { statements: sqlStatements.count - before, rows: r.data!.competitions.nodes };
    };
    const small = await count(2, 2, 2);
    const large = await count(6, 4, 6);
    expect(large.rows).toHaveLength(6);
    expect(large.rows.flatMap((c) => c.trades.nodes.flatMap((tr) => tr.entrants.nodes))).toHaveLength(
      6 * 4 * 6,
    );
    expect(large.rows[0]!.trades.nodes[0]!.entrants.nodes[0]!.person!.employer!.name).toBe('嵌套测试企业');
    expect(large.statements).toBe(small.statements);
    expect(large.statements).toBeLessThanOrEqual(16);
    console.log(
      `nested query (competitions → trades → entrants → person → employer): ${large.statements} SQL statements`,
    );
  });
});

describe('bulk import through the API', () => {
  let tradeId: string;
  beforeAll(async () => {
    const cid = await createCompetition(t, w.tokens.xian, w.orgs.xian, { name: '导入测试赛' });
    tradeId = await createTrade(t, w.tokens.xian, cid, { name: '焊工', capacity: 40 });
  });

  test('a CSV with bad rows reports each with its line and writes nothing', async () => {
    const before = await tableCounts(t);
    const csv = [
      '姓名,单位,性别,出生年份',
      '张三,西安秦川焊接有限公司,男,1990',
      ',西安秦川焊接有限公司,女,1991',
      '李四,不存在的公司,男,1988',
      '王五,咸阳电力检修公司,男,1985',
      '赵六,西安秦川焊接有限公司,未知,1985',
      '张三,西安秦川焊接有限公司,男,1990',
      '孙七,西安秦川焊接有限公司,女,1850',
    ].join('\n');
    const r = await t.gql(
      ImportEntrantsDocument,
      { input: { tradeId, format: 'CSV', content: csv } },
      { token: w.tokens.xian },
    );
    expect(r.data!.importEntrants.imported).toBe(0);
    expect(r.data!.importEntrants.errors.map((e) => [e.field, e.code])).toEqual([
      ['rows.3.name', 'REQUIRED'],
      ['rows.4.employer', 'NOT_FOUND'],
      ['rows.5.employer', 'OUTSIDE_SCOPE'],
      ['rows.6.gender', 'VALIDATION'],
      ['rows.7.name', 'DUPLICATE'],
      ['rows.8.birthYear', 'OUT_OF_RANGE'],
    ]);
    expect(await tableCounts(t)).toEqual(before);
  });

  test('a good CSV registers everyone, matching existing people', async () => {
    await createPerson(t, w.tokens.xian, w.orgs.xianFirm, '已有选手');
    const before = await tableCounts(t);
    const csv = [
      'name,employer,gender',
      '已有选手,西安秦川焊接有限公司,',
      '新选手甲,西安秦川焊接有限公司,女',
      `新选手乙,${orgId(w.orgs.lianhu)},男`,
    ].join('\n');
    const r = await t.gql(
      ImportEntrantsDocument,
      { input: { tradeId, format: 'CSV', content: csv } },
      { token: w.tokens.xian },
    );
    expect(r.data!.importEntrants).toEqual({ imported: 3, peopleCreated: 2, errors: [] });
    const after = await tableCounts(t);
    expect(after.entrant).toBe(before.entrant! + 3);
    expect(after.person).toBe(before.person! + 2);
  });

  test('an XLSX file imports the same way, and the trade’s capacity is enforced', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('选手');
    ws.addRow(['姓名', '单位']);
    for (let i = 0; i < 45; i++) ws.addRow([`表格选手${i}`, '西安秦川焊接有限公司']);
    const content = Buffer.from(await wb.xlsx.writeBuffer()).toString('base64');
    const over = await t.gql(
      ImportEntrantsDocument,
      { input: { tradeId, format: 'XLSX', content } },
      { token: w.tokens.xian },
    );
    expect(over.data!.importEntrants.errors.map((e) => e.code)).toEqual(['CAPACITY_EXCEEDED']);

    const small = new ExcelJS.Workbook();
    const sheet = small.addWorksheet('选手');
    sheet.addRow(['姓名', '单位']);
    for (let i = 0; i < 28; i++) sheet.addRow([`表格选手${i}`, '西安秦川焊接有限公司']);
    const fits = Buffer.from(await small.xlsx.writeBuffer()).toString('base64');
    const ok = await t.gql(
      ImportEntrantsDocument,
      { input: { tradeId, format: 'XLSX', content: fits } },
      { token: w.tokens.xian },
    );
    expect(ok.data!.importEntrants.errors).toEqual([]);
    expect(ok.data!.importEntrants.imported).toBe(28);
  });

  test('a file that is not a spreadsheet is refused with IMPORT_INVALID', async () => {
    const r = await t.gql(
      ImportEntrantsDocument,
      { input: { tradeId, format: 'XLSX', content: Buffer.from('hello').toString('base64') } },
      { token: w.tokens.xian },
    );
    expect(r.data!.importEntrants.errors[0]).toMatchObject({
      code: 'IMPORT_INVALID',
      field: 'input.content',
    });
  });
});

describe('subscriptions over graphql-ws', () => {
  test('a screen receives lifecycle changes of a public competition, through the same access rules', async () => {
    const id = await createCompetition(t, w.tokens.xian, w.orgs.xian, { name: '订阅测试赛' });
    await moveTo(t, w.tokens.xian, id, 'REGISTRATION_OPEN');
    const client = createClient({
      url: t.url.replace('http', 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
    });
    try {
      const received: unknown[] = [];
      const done = new Promise<void>((resolve, reject) => {
        client.subscribe(
          { query: print(CompetitionStatusChangedDocument), variables: { competitionId: id } },
          {
            next: (msg) => {
              received.push(msg.data);
              resolve();
            },
            error: reject,
            complete: () => resolve(),
          },
        );
      });
      // Give the subscription time to register before publishing.
      await new Promise((r) => setTimeout(r, 200));
      await moveTo(t, w.tokens.xian, id, 'RUNNING');
      await done;
      expect(received[0]).toMatchObject({
        competitionStatusChanged: { competitionId: id, from: 'REGISTRATION_OPEN', to: 'RUNNING' },
      });

      const draft = await createCompetition(t, w.tokens.xian, w.orgs.xian, { name: '草稿' });
      const refused = await new Promise<unknown>((resolve) => {
        client.subscribe(
          { query: print(CompetitionStatusChangedDocument), variables: { competitionId: draft } },
          // graphql-ws delivers a refused subscribe as a result carrying errors (or as an error).
          { next: (msg) => resolve(msg), error: (e) => resolve(e), complete: () => resolve('complete') },
        );
      });
      expect(JSON.stringify(refused)).toContain('NOT_FOUND');
    } finally {
      await client.dispose();
    }
  });
});
