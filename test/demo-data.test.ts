import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sqlStatements } from '../src/shared/db/orm';
import { seedDemo } from '../seeds/demo';
import {
  CompetitionByIdDocument,
  CompetitionsDocument,
  PeopleDocument,
  SignInTokenDocument,
  StudioRegistryFileDocument,
  StudiosDocument,
  StudioStatisticsDocument,
  TradeAwardsDocument,
  TradeBoardDocument,
  UnionStatisticsDocument,
  VerifyAuditChainDocument,
  VerifyRegistryChainDocument,
} from './generated/graphql';
import { gid, startTestApp, type TestApp } from './support/app';
import { runCommand } from './support/command';
import { xlsxRows } from './support/spreadsheet';
import { toDecimalString } from '../src/shared/graphql/scalars';

let t: TestApp;
let token: string;
beforeAll(async () => {
  t = await startTestApp();
  await seedDemo(t.orm.em.fork() as never, { adminPassword: 'demo-password-1' });
  const r = await t.gql(SignInTokenDocument, {
    input: { username: 'shijiazhuang', password: 'demo-password-1' },
  });
  token = r.data!.signIn.token!;
});
afterAll(async () => t?.close());

test('the demo data carries the real figures', async () => {
  const list = await t.gql(CompetitionsDocument, {
    first: 100,
    filter: { search: '石家庄市职工职业技能大赛' },
  });
  const contest = list.data!.competitions.nodes[0]!;
  expect(contest.host!.name).toBe('石家庄市总工会');
  const detail = await t.gql(CompetitionByIdDocument, { id: contest.id });
  expect(detail.data!.competition!.trades.totalCount).toBeGreaterThanOrEqual(50);

  const labor = await t.gql(CompetitionsDocument, {
    first: 10,
    filter: { kind: 'LABOR', search: '重点工程' },
  });
  expect(labor.data!.competitions.nodes[0]!.name).toBe('2024年陕西省重点工程项目劳动竞赛');
  const [aspects] = await t.sql<{ description: string }>(
    `select description from competition where name like '%重点工程%'`,
  );
  for (const aspect of ['工程创优', '质量争优', '安全生产', '技能提升', '技术创新', '班组建设']) {
    expect(aspects!.description).toContain(aspect);
  }
  const [bdh] = await t.sql<{ n: string }>(
    `select count(*) n from organization where path <@ (select path from organization where name = '北大荒农垦集团有限公司') and level = 'ENTERPRISE'`,
  );
  expect(Number(bdh!.n)).toBeGreaterThan(5);

  const models = await t.gql(
    PeopleDocument,
    { first: 100, filter: { honorKinds: ['MODEL_WORKER'] } },
    { token },
  );
  expect(models.data!.people.totalCount).toBeGreaterThan(0);
  for (const p of models.data!.people.nodes) expect(p.honors.map((h) => h.kind)).toContain('MODEL_WORKER');
});

test('every union’s rollups match direct counts, each in one statement per rollup', async () => {
  const admin = await t.gql(SignInTokenDocument, {
    input: { username: 'admin', password: 'demo-password-1' },
  });
  const adminToken = admin.data!.signIn.token!;
  const unions = await t.sql<{ id: number }>(
    `select id from organization where level <> 'ENTERPRISE' order by id`,
  );
  for (const { id } of unions) {
    const before = sqlStatements.count;
    const r = await t.gql(
      UnionStatisticsDocument,
      { unionId: gid('Organization', id) },
      { token: adminToken },
    );
    expect(sqlStatements.count - before).toBeLessThanOrEqual(6);
    const s = r.data!.unionStatistics!;
    const [direct] = await t.sql<{
      orgs: string;
      comps: string;
      people: string;
      entrants: string;
      trades: string;
    }>(
      `with sub as (select id from organization where path <@ (select path from organization where id = ?))
       select (select count(*) from sub) orgs,
              (select count(*) from competition where host_id in (select id from sub)) comps,
              (select count(*) from trade t join competition c on c.id = t.competition_id where c.host_id in (select id from sub)) trades,
              (select count(*) from person where employer_id in (select id from sub)) people,
              (select count(*) from entrant e join trade t on t.id = e.trade_id join competition c on c.id = t.competition_id
                where c.host_id in (select id from sub)) entrants`,
      [id],
    );
    expect({
      orgs: s.organizations,
      comps: s.competitionsByKindAndStatus.reduce((a, c) => a + c.count, 0),
      trades: s.trades,
      people: s.people,
      entrants: s.entrantsByStatus.reduce((a, c) => a + c.count, 0),
    }).toEqual({
      orgs: Number(direct!.orgs),
      comps: Number(direct!.comps),
      trades: Number(direct!.trades),
      people: Number(direct!.people),
      entrants: Number(direct!.entrants),
    });
  }
});

test('the demo studios: 北大荒’s registry, and every union’s studio rollups match direct counts', async () => {
  const admin = await t.gql(SignInTokenDocument, {
    input: { username: 'admin', password: 'demo-password-1' },
  });
  const adminToken = admin.data!.signIn.token!;
  const [bdh] = await t.sql<{ id: number; studios: string; alliances: string }>(
    `with sub as (select id from organization
                   where path <@ (select path from organization where name = '北大荒农垦集团有限公司'))
     select (select id from organization where name = '北大荒农垦集团有限公司') id,
            (select count(*) from studio where host_id in (select id from sub)) studios,
            (select count(*) from alliance a join studio s on s.id = a.lead_studio_id
              where s.host_id in (select id from sub)) alliances`,
  );
  expect(Number(bdh!.studios)).toBeGreaterThanOrEqual(100);
  expect(Number(bdh!.alliances)).toBe(5);

  const provincial = await t.gql(
    StudiosDocument,
    { first: 50, filter: { unionId: gid('Organization', bdh!.id), levels: ['PROVINCIAL'] } },
    { token: adminToken },
  );
  const names = provincial.data!.studios.nodes.map((s) => s.name);
  expect(names).toContain('数字北大荒劳模工匠创新工作室');
  expect(provincial.data!.studios.nodes.every((s) => s.level === 'PROVINCIAL')).toBe(true);

  const orgs = await t.sql<{ id: number }>('select id from organization order by id');
  const totals = new Map<number, number>();
  for (const { id } of orgs) {
    const before = sqlStatements.count;
    const r = await t.gql(
      StudioStatisticsDocument,
      { unionId: gid('Organization', id) },
      { token: adminToken },
    );
    // Authentication, the union, and three rollups.
    expect(sqlStatements.count - before).toBeLessThanOrEqual(5);
    const s = r.data!.studioStatistics!;
    const sub = 'select id from organization where path <@ (select path from organization where id = ?)';
    const studios = await t.sql<{ level: string; status: string; n: string }>(
      `select level, status, count(*) n from studio where host_id in (${sub}) group by 1, 2 order by 1, 2`,
      [id],
    );
    const [alliances] = await t.sql<{ n: string }>(
      `select count(*) n from alliance a join studio s on s.id = a.lead_studio_id where s.host_id in (${sub})`,
      [id],
    );
    const achievements = await t.sql<{
      kind: string;
      n: string;
      benefit: string;
      apprentices: string;
      granted: string;
    }>(
      `select a.kind, count(*) n, coalesce(sum(a.benefit_yuan), 0) benefit, coalesce(sum(a.apprentices), 0) apprentices,
              count(*) filter (where a.patent_status = 'GRANTED') granted
         from achievement a join studio s on s.id = a.studio_id
        where s.host_id in (${sub}) group by 1 order by 1`,
      [id],
    );
    expect(s.studios).toEqual(studios.map((d) => ({ level: d.level, status: d.status, count: Number(d.n) })));
    expect(s.alliances).toBe(Number(alliances!.n));
    expect(s.achievements).toEqual(
      achievements.map((d) => ({
        kind: d.kind,
        count: Number(d.n),
        benefitYuan: toDecimalString(String(d.benefit)),
        apprentices: Number(d.apprentices),
        patentsGranted: Number(d.granted),
      })),
    );
    totals.set(
      id,
      s.studios.reduce((x, c) => x + c.count, 0),
    );
  }
  // The rollups differ by subtree: 石家庄 and 陕西交控 (the demo campaign's studios) have studios
  // of their own, apart from 北大荒集团's.
  const [sjz] = await t.sql<{ id: number }>(`select id from organization where name = '石家庄市总工会'`);
  const [jiaokong] = await t.sql<{ id: number }>(
    `select id from organization where name = '陕西交控运营管理公司'`,
  );
  const [national] = await t.sql<{ id: number }>(`select id from organization where parent_id is null`);
  expect(totals.get(sjz!.id)).toBeGreaterThan(0);
  expect(totals.get(jiaokong!.id)).toBeGreaterThan(0);
  expect(totals.get(national!.id)).toBe(
    totals.get(bdh!.id)! + totals.get(sjz!.id)! + totals.get(jiaokong!.id)!,
  );
});

test('a trade of the demo data is under way: lots, marks, a board, an audit trail that verifies', async () => {
  const [trade] = await t.sql<{ id: number; competition_id: number }>(
    // The first trade with a scheme: 石家庄's, under way (the demo campaign's rounds come later).
    'select id, competition_id from trade where marking_scheme is not null order by id limit 1',
  );
  expect(trade).toBeDefined();
  const [counts] = await t.sql<{ lots: string; marks: string; board: string; checked: string }>(
    `select (select count(*) from entrant where trade_id = $1 and lot_code is not null) lots,
            (select count(distinct entrant_id) from mark where trade_id = $1) marks,
            (select count(*) from board_entry where trade_id = $1 and active) board,
            (select count(*) from entrant where trade_id = $1 and status = 'CHECKED_IN') checked`.replace(
      /\$1/g,
      String(trade!.id),
    ),
  );
  expect(Number(counts!.lots)).toBe(Number(counts!.checked));
  expect(Number(counts!.marks)).toBeGreaterThan(0);
  expect(Number(counts!.board)).toBe(Number(counts!.marks));
  const board = await t.gql(TradeBoardDocument, { tradeId: gid('Trade', trade!.id), first: 5 });
  const b = board.data!.trade!.board!;
  expect(b.totalCount).toBe(Number(counts!.board));
  expect(b.nodes[0]!.rank).toBe(1);
  expect(b.nodes.every((r) => r.name === null)).toBe(true);
  const chain = await t.gql(
    VerifyAuditChainDocument,
    { competitionId: gid('Competition', trade!.competition_id) },
    { token },
  );
  expect(chain.data!.verifyAuditChain).toMatchObject({
    ok: true,
  });
});

test('the demo campaign: 陕西交控’s first 职工科技节, judged in three rounds, awarded and final', async () => {
  const signIn = async (username: string) => {
    const r = await t.gql(SignInTokenDocument, { input: { username, password: 'demo-password-1' } });
    return r.data!.signIn.token!;
  };
  const host = await signIn('jiaokong');
  const [c] = await t.sql<{ id: number; status: string; host: string }>(
    `select c.id, c.status, o.name host from competition c join organization o on o.id = c.host_id
      where c.kind = 'INNOVATION' and c.name = '2024年陕西交控运营管理公司第一届职工科技节'`,
  );
  expect(c).toMatchObject({ status: 'FINAL', host: '陕西交控运营管理公司' });

  // Four categories with the festival's quotas; 151 submissions, a few refused with a reason.
  const categories = await t.sql<{
    id: number;
    code: string;
    award_quota: number;
    submissions: string;
    ineligible: string;
  }>(
    `select k.id, k.code, k.award_quota, count(s.id) submissions,
            count(s.id) filter (where s.eligibility = 'INELIGIBLE' and s.eligibility_reason is not null) ineligible
       from campaign_category k left join submission s on s.category_id = k.id
      where k.competition_id = ? group by k.id order by k.id`,
    [c!.id],
  );
  expect(categories.map((k) => [k.code, k.award_quota])).toEqual([
    ['PROJECT', 10],
    ['VIDEO', 5],
    ['METHOD', 5],
    ['STUDIO', 5],
  ]);
  expect(categories.reduce((n, k) => n + Number(k.submissions), 0)).toBe(151);
  expect(categories.reduce((n, k) => n + Number(k.ineligible), 0)).toBeGreaterThan(0);

  for (const k of categories) {
    // Expert scoring → presentation and Q&A → final: every round locked, numbered, reviewed.
    const rounds = await t.sql<{
      id: number;
      round_kind: string;
      locked: boolean;
      entrants: string;
      lots: string;
      reviews: string;
      advanced: string;
      loads: number[];
    }>(
      `select t.id, t.round_kind, t.marks_locked_at is not null locked,
              (select count(*) from entrant e where e.trade_id = t.id) entrants,
              (select count(*) from entrant e where e.trade_id = t.id and e.lot_draw_id is not null) lots,
              (select count(*) from review_assignment r where r.trade_id = t.id) reviews,
              (select count(*) from round_advance a where a.trade_id = t.id) advanced,
              (select array_agg(n order by n) from (select count(*)::int n from review_assignment r
                where r.trade_id = t.id group by r.judge_id) x) loads
         from trade t where t.category_id = ? order by t.round_no`,
      [k.id],
    );
    expect(rounds.map((r) => r.round_kind)).toEqual(['SCORING', 'PRESENTATION', 'FINAL']);
    expect(Number(rounds[0]!.entrants)).toBe(Number(k.submissions) - Number(k.ineligible));
    expect(Number(rounds[0]!.reviews)).toBe(3 * Number(rounds[0]!.entrants));
    rounds.forEach((r, i) => {
      expect(r.locked).toBe(true);
      expect(r.lots).toBe(r.entrants);
      expect(r.loads.at(-1)! - r.loads[0]!).toBeLessThanOrEqual(1);
      if (i > 0) expect(rounds[i - 1]!.advanced).toBe(r.entrants);
    });

    // The final awards exactly the quota, for the public and for the host's organizers alike.
    for (const auth of [{}, { token: host }]) {
      const r = await t.gql(TradeAwardsDocument, { id: gid('Trade', rounds[2]!.id) }, auth);
      const trade = r.data!.trade!;
      expect(trade.awardSummary!.reduce((n, s) => n + s.awarded, 0)).toBe(k.award_quota);
      expect(trade.results!.filter((x) => x.awardTier !== null)).toHaveLength(k.award_quota);
    }
  }

  // No expert reviews an entry of their own unit (or one below it) or of a studio they belong to;
  // some of them would have had the chance.
  const pairs = (reviewing: string) =>
    `select count(*) n from ${reviewing}
       join account a on a.id = r.judge_id join person jp on jp.id = a.person_id
       join organization jo on jo.id = jp.employer_id
       left join person p on p.id = e.person_id left join organization po on po.id = p.employer_id
       left join team tm on tm.id = e.team_id left join organization tor on tor.id = tm.organization_id
       left join organization eo on eo.id = e.organization_id
       join submission s on s.id = e.submission_id
      where s.competition_id = ?
        and (coalesce(po.path, tor.path, eo.path) <@ jo.path
             or exists (select 1 from studio_member sm where sm.studio_id = s.studio_id and sm.person_id = a.person_id))`;
  const [conflicts] = await t.sql<{ n: string }>(
    pairs('review_assignment r join entrant e on e.id = r.entrant_id'),
    [c!.id],
  );
  expect(conflicts!.n).toBe('0');
  const [avoided] = await t.sql<{ n: string }>(
    pairs(`(select distinct judge_id from review_assignment) r cross join entrant e`),
    [c!.id],
  );
  expect(Number(avoided!.n)).toBeGreaterThan(0);

  // Every mark has its event; the chain verifies; the winners carry their honors.
  const [counts] = await t.sql<{ marks: string; events: string; honors: string; studio_awards: string }>(
    `select (select count(*) from mark m join trade t on t.id = m.trade_id where t.competition_id = $1) marks,
            (select count(*) from audit_event where competition_id = $1 and kind = 'MARK_CREATED') events,
            (select count(*) from honor where title like $2) honors,
            (select count(*) from achievement where kind = 'AWARD' and title like $2) studio_awards`
      .replace(/\$1/g, String(c!.id))
      .replace(/\$2/g, "'2024年陕西交控运营管理公司第一届职工科技节%'"),
  );
  expect(Number(counts!.marks)).toBeGreaterThan(0);
  expect(counts!.events).toBe(counts!.marks);
  expect(Number(counts!.honors)).toBeGreaterThanOrEqual(20);
  expect(Number(counts!.studio_awards)).toBe(5);
  const chain = await t.gql(
    VerifyAuditChainDocument,
    { competitionId: gid('Competition', c!.id) },
    { token: host },
  );
  const verdict = chain.data!.verifyAuditChain;
  expect(verdict.ok).toBe(true);
  expect(verdict.checked).toBeGreaterThan(Number(counts!.marks));
});

test('the demo registry is on the audit log: every host’s chain holds and matches its studios’ history', async () => {
  const admin = await t.gql(SignInTokenDocument, {
    input: { username: 'admin', password: 'demo-password-1' },
  });
  const adminToken = admin.data!.signIn.token!;
  const hosts = await t.sql<{ host_id: number; events: string; chained: string }>(
    `select s.host_id, count(*) events,
            (select count(*) from audit_event a where a.registry_id = s.host_id) chained
       from studio_event e join studio s on s.id = e.studio_id group by s.host_id order by count(*) desc`,
  );
  expect(hosts.length).toBeGreaterThan(10);
  for (const h of hosts) expect(h.chained).toBe(h.events);
  for (const h of hosts.slice(0, 3)) {
    const r = await t.gql(
      VerifyRegistryChainDocument,
      { registryId: gid('Organization', h.host_id) },
      { token: adminToken },
    );
    expect(r.data!.verifyAuditChain).toEqual({
      ok: true,
      checked: Number(h.events),
      firstBrokenSeq: null,
      reason: null,
    });
  }
  const [unnamed] = await t.sql<{ n: string }>(
    `select count(*) n from studio s where s.named_on is not null
        and not exists (select 1 from studio_level_step l where l.studio_id = s.id)`,
  );
  expect(unnamed!.n).toBe('0');
});

const exportRegistry = (args: string[]) => runCommand('export-registry.ts', args, t.database);

test('the registry export command writes what the API exports, with progress', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'jingsai-registry-export-'));
  const admin = await t.gql(SignInTokenDocument, {
    input: { username: 'admin', password: 'demo-password-1' },
  });
  const adminToken = admin.data!.signIn.token!;
  const [{ n }] = (await t.sql<{ n: string }>('select count(*) n from studio')) as [{ n: string }];
  const total = Number(n);
  expect(total).toBeGreaterThan(100); // more than one page of the API

  const csv = await exportRegistry(['--out', path.join(dir, 'registry.csv')]);
  expect(csv.stderr).toBe('');
  expect(csv.code).toBe(0);
  // Not a terminal: progress as lines, each stage from its first page to its end.
  expect(csv.stdout).toContain(`read: 100/${total} studios`);
  expect(csv.stdout).toContain(`read: ${total}/${total} studios (100%)`);
  expect(csv.stdout).toContain(`write: ${total}/${total} studios (100%)`);
  expect(csv.stdout).toContain(`Wrote ${total} studios to`);
  const api = await t.gql(StudioRegistryFileDocument, { format: 'CSV' }, { token: adminToken });
  expect(await fs.readFile(path.join(dir, 'registry.csv'), 'utf8')).toBe(
    api.data!.studioRegistryFile.content,
  );

  const municipal = await exportRegistry(['--out', path.join(dir, 'municipal.xlsx'), '--level', 'municipal']);
  expect(municipal.code).toBe(0);
  const apiMunicipal = await t.gql(
    StudioRegistryFileDocument,
    { format: 'XLSX', filter: { levels: ['MUNICIPAL'] } },
    { token: adminToken },
  );
  const written = await xlsxRows((await fs.readFile(path.join(dir, 'municipal.xlsx'))).toString('base64'));
  expect(written).toEqual(await xlsxRows(apiMunicipal.data!.studioRegistryFile.content));
  expect(written.rows.length).toBeGreaterThan(1);
  expect(written.rows.slice(1).every((r) => r[1] === '市级')).toBe(true);

  const usage = await exportRegistry(['--out', path.join(dir, 'x.txt')]);
  expect(usage.code).toBe(2);
  expect(usage.stderr).toContain('give --format');
  const badLevel = await exportRegistry(['--out', path.join(dir, 'x.csv'), '--level', 'COUNTY']);
  expect(badLevel.code).toBe(2);
  expect(badLevel.stderr).toContain('--level must be one of');
  await fs.rm(dir, { recursive: true, force: true });
});
