import { randomBytes } from 'node:crypto';
import type { RequiredEntityData } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Account, Role } from '../src/modules/account/account.entity';
import { hashPassword } from '../src/modules/account/password';
import {
  Competition,
  CompetitionKind,
  CompetitionStatus,
  Entrant,
  EntrantStatus,
  Team,
  TeamKind,
  TeamMember,
  Trade,
} from '../src/modules/competition/competition.entity';
import { Organization, OrganizationLevel as L } from '../src/modules/organization/organization.entity';
import { Gender, Honor, HonorKind, Person } from '../src/modules/person/person.entity';

/**
 * The demo data set, built from the real figures in the domain notes: the union
 * trees of 陕西/西安, 河北/石家庄, 河南 and the 北大荒 enterprise group, model
 * workers with their honors, 石家庄's 2024 city skills contest with 50 trades,
 * and 陕西's key-project labor competition scored on its six aspects.
 * Deterministic except for the demo password.
 */
export interface SeedSummary {
  organizations: number;
  people: number;
  honors: number;
  competitions: number;
  trades: number;
  entrants: number;
  accounts: number;
  adminPassword: string;
}

/** mulberry32: a small seeded PRNG so every seed run produces the same data. */
function prng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SURNAMES =
  '王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文'.split(
    '',
  );
const GIVEN =
  '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英建华建国国强海燕志强志明文博晓东春生立新红梅玉兰宏伟永刚德明振华晓燕雪梅海涛建军'.match(
    /../gu,
  )!;

/** 石家庄's 2024 contest: 50 trades (the city committed to "at least 50"). [name, occupation code, theory %] */
const SJZ_TRADES: [string, string, number][] = [
  ['焊工', '6-18-02-04', 30],
  ['电工', '6-31-01-03', 30],
  ['车工', '6-18-01-01', 30],
  ['钳工', '6-20-01-01', 30],
  ['数控车工', '6-18-01-02', 20],
  ['数控铣工', '6-18-01-04', 20],
  ['汽车维修工', '4-12-01-01', 30],
  ['家政服务员', '4-10-01-06', 30],
  ['育婴员', '4-10-01-02', 30],
  ['养老护理员', '4-10-01-05', 30],
  ['中式烹调师', '4-03-02-01', 20],
  ['中式面点师', '4-03-02-02', 20],
  ['茶艺师', '4-03-02-07', 30],
  ['快递员', '4-02-07-01', 30],
  ['电商直播员', '4-01-02-07', 30],
  ['网约配送员', '4-02-07-10', 30],
  ['砌筑工', '6-29-01-01', 20],
  ['钢筋工', '6-29-01-03', 20],
  ['混凝土工', '6-29-01-02', 20],
  ['电梯安装维修工', '6-29-03-03', 30],
  ['高压电工', '6-31-01-04', 30],
  ['化学检验员', '6-31-03-01', 30],
  ['制冷空调系统安装维修工', '6-29-03-04', 30],
  ['美容师', '4-10-03-01', 30],
  ['美发师', '4-10-03-02', 30],
  ['保安员', '4-07-05-01', 30],
  ['仓储管理员', '4-02-06-01', 30],
  ['叉车司机', '4-02-03-03', 20],
  ['焊接机器人操作员', '6-30-99-00', 20],
  ['工业机器人系统操作员', '6-30-99-01', 20],
  ['无人机驾驶员', '4-99-00-00', 30],
  ['网络与信息安全管理员', '4-04-04-02', 30],
  ['农业技术员', '2-03-01-01', 30],
  ['眼镜验光员', '4-14-03-01', 30],
  ['保健按摩师', '4-10-04-02', 30],
  ['西式面点师', '4-03-02-04', 20],
  ['餐厅服务员', '4-03-02-05', 30],
  ['客房服务员', '4-03-01-02', 30],
  ['导游', '4-07-04-01', 30],
  ['健康管理师', '4-14-02-02', 30],
  ['装配钳工', '6-20-01-02', 30],
  ['工具钳工', '6-20-01-03', 30],
  ['电气设备安装工', '6-29-03-01', 30],
  ['管工', '6-29-03-02', 20],
  ['起重装卸机械操作工', '6-30-05-01', 20],
  ['铣工', '6-18-01-03', 30],
  ['磨工', '6-18-01-05', 30],
  ['冷作钣金工', '6-18-02-05', 30],
  ['计算机程序设计员', '4-04-05-01', 30],
  ['供电服务员', '4-11-01-02', 30],
];

const LABOR_ASPECTS = '工程创优、质量争优、安全生产、技能提升、技术创新、班组建设';

export async function seedDemo(
  rootEm: EntityManager,
  opts: { adminPassword?: string; log?: (line: string) => void } = {},
): Promise<SeedSummary> {
  const log = opts.log ?? (() => {});
  const adminPassword = opts.adminPassword ?? randomBytes(12).toString('base64url');
  const rand = prng(20240501);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;

  return rootEm.transactional(async (em) => {
    // ---------------------------------------------------------------- unions
    const orgs: Organization[] = [];
    const org = (name: string, level: L, parent: Organization | null, shortName?: string) => {
      const o = em.create(Organization, { name, level, parent, shortName: shortName ?? null });
      orgs.push(o);
      return o;
    };
    const national = org('中华全国总工会', L.NATIONAL, null, '全总');
    await em.flush();
    const shaanxi = org('陕西省总工会', L.PROVINCE, national);
    const hebei = org('河北省总工会', L.PROVINCE, national);
    const henan = org('河南省总工会', L.PROVINCE, national);
    const heilongjiang = org('黑龙江省总工会', L.PROVINCE, national);
    await em.flush();
    const xian = org('西安市总工会', L.CITY, shaanxi);
    const sjz = org('石家庄市总工会', L.CITY, hebei);
    const zhengzhou = org('郑州市总工会', L.CITY, henan);
    const jiaokong = org('陕西交控运营管理公司', L.ENTERPRISE, shaanxi, '交控运营');
    const beidahuang = org('北大荒农垦集团有限公司', L.ENTERPRISE, heilongjiang, '北大荒集团');
    await em.flush();
    const lianhu = org('莲湖区总工会', L.DISTRICT, xian);
    const yanta = org('雁塔区总工会', L.DISTRICT, xian);
    const changan = org('长安区总工会', L.DISTRICT, sjz);
    const qiaoxi = org('桥西区总工会', L.DISTRICT, sjz);
    const jinshui = org('金水区总工会', L.DISTRICT, zhengzhou);
    const bdhSubs = [
      '建三江分公司',
      '红兴隆分公司',
      '宝泉岭分公司',
      '牡丹江分公司',
      '九三分公司',
      '齐齐哈尔分公司',
    ].map((n) => org(`北大荒农垦集团${n}`, L.ENTERPRISE, beidahuang));
    await em.flush();
    const xiguan = org('西关街道总工会', L.STREET, lianhu);
    await em.flush();
    const xiguanFirms = [
      '西安老孙家饭庄',
      '西安回坊餐饮有限公司',
      '莲湖德发长饺子馆',
      '西关大酒店',
      '西安古城国际旅行社',
      '莲湖丝路文旅公司',
      '西安春发生葫芦头泡馍馆',
      '西关锦江之星酒店',
      '西安曲江导游服务中心',
      '莲湖同盛祥餐饮',
      '西安城墙旅游服务公司',
      '西关社区家政服务中心',
    ].map((n) => org(n, L.ENTERPRISE, xiguan));
    const xianFirms = ['西安重型机械研究所', '西安电力机械制造公司', '中建三局西北分公司'].map((n) =>
      org(n, L.ENTERPRISE, yanta),
    );
    const sjzFirms = [
      '石家庄钢铁有限责任公司',
      '华北制药集团',
      '石家庄四药有限公司',
      '河北建工集团',
      '石家庄公交集团',
      '国网石家庄供电公司',
      '石家庄顺丰速运有限公司',
      '河北美团配送服务中心',
      '石家庄家政服务协会',
      '以岭药业',
    ].map((n, i) => org(n, L.ENTERPRISE, i % 2 ? changan : qiaoxi));
    const zzFirms = ['郑州宇通客车', '中铁装备集团', '郑州煤矿机械集团', '河南能源化工集团'].map((n) =>
      org(n, L.ENTERPRISE, jinshui),
    );
    const shaanxiProjects = ['陕西建工集团', '中铁二十局集团', '陕西交通控股集团', '西安地铁建设公司'].map(
      (n) => org(n, L.ENTERPRISE, shaanxi),
    );
    await em.flush();
    log(`Seeding unions… ${orgs.length}`);

    // ---------------------------------------------------------------- people
    const people: Person[] = [];
    const usedNames = new Set<string>();
    const person = (employer: Organization, occupation: string) => {
      let name = '';
      do name = pick(SURNAMES) + pick(GIVEN);
      while (usedNames.has(`${employer.id}|${name}`));
      usedNames.add(`${employer.id}|${name}`);
      const p = em.create(Person, {
        name,
        employer,
        occupation,
        gender: rand() < 0.35 ? Gender.FEMALE : Gender.MALE,
        birthYear: 1965 + Math.floor(rand() * 38),
      });
      people.push(p);
      return p;
    };
    const sjzWorkers = sjzFirms.flatMap((f) =>
      Array.from({ length: 16 }, () => person(f, pick(SJZ_TRADES)[0])),
    );
    const xiguanWorkers = xiguanFirms.flatMap((f) =>
      Array.from({ length: 4 }, () => person(f, pick(['中式烹调师', '餐厅服务员', '导游', '客房服务员']))),
    );
    const otherWorkers = [...xianFirms, ...zzFirms, ...shaanxiProjects, jiaokong, ...bdhSubs].flatMap((f) =>
      Array.from({ length: 6 }, () =>
        person(f, pick(['焊工', '电工', '钳工', '车工', '农业技术员', '收费员'])),
      ),
    );
    await em.flush();
    log(`Seeding people… ${people.length}`);

    // ---------------------------------------------------------------- honors
    const HONORS: [HonorKind, L | null, string, string][] = [
      [HonorKind.MODEL_WORKER, L.NATIONAL, '全国劳动模范', '中共中央 国务院'],
      [HonorKind.MODEL_WORKER, L.PROVINCE, '省劳动模范', '省人民政府'],
      [HonorKind.MAY_DAY_LABOR_MEDAL, L.NATIONAL, '全国五一劳动奖章', '中华全国总工会'],
      [HonorKind.SKILLS_CHAMPION, L.PROVINCE, '技能状元', '省总工会'],
      [HonorKind.CRAFTSMAN, L.PROVINCE, '齐鲁大工匠', '山东省总工会'],
      [HonorKind.CRAFTSMAN, L.CITY, '兴州工匠', '兴州市总工会'],
      [HonorKind.CRAFTSMAN, L.PROVINCE, '三秦工匠', '陕西省总工会'],
      [HonorKind.TECHNICAL_EXPERT, L.CITY, '技术能手', '市人力资源和社会保障局'],
      [HonorKind.COMPETITION_STANDARD_BEARER, L.PROVINCE, '竞赛标兵', '省总工会'],
      [HonorKind.GOLD_MEDAL_WORKER, L.CITY, '金牌工人', '市总工会'],
    ];
    const honored = [...sjzWorkers.slice(0, 18), ...otherWorkers.filter((_, i) => i % 4 === 0).slice(0, 24)];
    let honors = 0;
    for (const [i, p] of honored.entries()) {
      const [kind, level, title, body] = HONORS[i % HONORS.length]!;
      em.create(Honor, { person: p, kind, level, title, year: 2015 + (i % 11), awardingBody: body });
      honors += 1;
      if (i % 7 === 0) {
        em.create(Honor, {
          person: p,
          kind: HonorKind.MAY_DAY_LABOR_MEDAL,
          level: L.PROVINCE,
          title: '省五一劳动奖章',
          year: 2012 + (i % 9),
          awardingBody: '省总工会',
        });
        honors += 1;
      }
    }
    await em.flush();
    log(`Seeding honors… ${honors}`);

    // ---------------------------------------------------------------- competitions
    const competitions: Competition[] = [];
    const trades: Trade[] = [];
    let entrants = 0;
    const competition = (data: RequiredEntityData<Competition>) => {
      const c = em.create(Competition, data);
      competitions.push(c);
      return c;
    };
    const trade = (
      c: Competition,
      name: string,
      code: string | null,
      theory: number,
      capacity: number,
      venue: string,
      day: number,
    ) => {
      const startsAt = new Date(Date.UTC(c.year, 4, day, 1, 0));
      const t = em.create(Trade, {
        competition: c,
        name,
        occupationCode: code,
        theoryWeight: theory,
        practicalWeight: 100 - theory,
        capacity,
        venue,
        startsAt,
        endsAt: new Date(startsAt.getTime() + 8 * 3600 * 1000),
      });
      trades.push(t);
      return t;
    };

    const sjzContest = competition({
      name: '2024年石家庄市职工职业技能大赛',
      kind: CompetitionKind.SKILLS,
      year: 2024,
      host: sjz,
      status: CompetitionStatus.REGISTRATION_OPEN,
      startsOn: '2024-05-06',
      endsOn: '2024-10-31',
      description: '全年开展不少于50个工种的职工技能竞赛；理论知识（20–30%）与实际操作（70–80%）加权计分。',
    });
    const sjzTrades = SJZ_TRADES.map(([name, code, theory], i) =>
      trade(
        sjzContest,
        name,
        code,
        theory,
        20 + (i % 9) * 20,
        pick(['石家庄市职工技能实训基地', '河北科技工程职业技术大学', '石家庄国际会展中心']),
        6 + (i % 20),
      ),
    );
    await em.flush();
    // Each worker enters one trade at most.
    const STATUSES = [
      EntrantStatus.REGISTERED,
      EntrantStatus.APPROVED,
      EntrantStatus.APPROVED,
      EntrantStatus.CHECKED_IN,
    ];
    sjzWorkers.forEach((p, i) => {
      const t = sjzTrades[i % sjzTrades.length]!;
      em.create(Entrant, {
        trade: t,
        person: p,
        status: i === 7 ? EntrantStatus.WITHDRAWN : STATUSES[i % STATUSES.length]!,
      });
      entrants += 1;
    });

    const labor = competition({
      name: '2024年陕西省重点工程项目劳动竞赛',
      kind: CompetitionKind.LABOR,
      year: 2024,
      host: shaanxi,
      status: CompetitionStatus.RUNNING,
      startsOn: '2024-03-01',
      endsOn: '2024-12-31',
      description:
        `围绕重点项目开展劳动竞赛，从${LABOR_ASPECTS}六个方面考核。实施"十百千万"工程：` +
        '10个示范性竞赛项目、100个重点项目、1000名竞赛标兵、10000家企业参与；安排1500万元竞赛激励资金支持基层工会。',
    });
    const laborTrade = trade(labor, '重点项目建设赛', null, 0, 200, '陕西省重点工程项目现场', 1);
    const crewNames = ['秦岭隧道掘进班组', '西延高铁桥梁班组', '西安地铁8号线盾构班组', '交控机电维护班组'];
    for (const [i, name] of crewNames.entries()) {
      const firm = shaanxiProjects[i % shaanxiProjects.length]!;
      const team = em.create(Team, { name, kind: TeamKind.CREW, organization: firm });
      for (const p of otherWorkers.filter((w) => w.employer.id === firm.id).slice(0, 3)) {
        em.create(TeamMember, { team, person: p });
      }
      em.create(Entrant, { trade: laborTrade, team, status: EntrantStatus.APPROVED });
      entrants += 1;
    }
    for (const firm of shaanxiProjects) {
      em.create(Entrant, { trade: laborTrade, enterprise: firm, status: EntrantStatus.APPROVED });
      entrants += 1;
    }

    const xiguanContest = competition({
      name: '西关街道2024年餐饮旅游行业职工技能比武',
      kind: CompetitionKind.SKILLS,
      year: 2024,
      host: xiguan,
      status: CompetitionStatus.RUNNING,
      description: '辖区100余家企业、500余名职工参与，覆盖餐饮、旅游等行业。',
    });
    const xiguanTrades = [
      trade(xiguanContest, '中式烹调师', '4-03-02-01', 20, 60, '西关街道职工之家', 20),
      trade(xiguanContest, '餐厅服务员', '4-03-02-05', 30, 60, '西关街道职工之家', 21),
      trade(xiguanContest, '导游', '4-07-04-01', 30, 40, '西安城墙南门', 22),
    ];
    xiguanWorkers.forEach((p, i) => {
      em.create(Entrant, { trade: xiguanTrades[i % 3]!, person: p, status: EntrantStatus.CHECKED_IN });
      entrants += 1;
    });

    const published = competition({
      name: '2023年西安市职工职业技能大赛',
      kind: CompetitionKind.SKILLS,
      year: 2023,
      host: xian,
      status: CompetitionStatus.PUBLISHED,
      description: '结果已公示。',
    });
    const pubTrade = trade(published, '焊工', '6-18-02-04', 30, 30, '西安技师学院', 15);
    otherWorkers
      .filter((w) => xianFirms.some((f) => f.id === w.employer.id))
      .forEach((p) => {
        em.create(Entrant, { trade: pubTrade, person: p, status: EntrantStatus.CHECKED_IN });
        entrants += 1;
      });

    competition({
      name: '2025年石家庄市新业态劳动者技能竞赛（筹备）',
      kind: CompetitionKind.SKILLS,
      year: 2025,
      host: sjz,
    });

    const ankang = competition({
      name: '2024年河南省"安康杯"竞赛',
      kind: CompetitionKind.LABOR,
      year: 2024,
      host: henan,
      status: CompetitionStatus.RUNNING,
      description: '全省4万余家企业、近1000万名职工参与的安全生产竞赛。',
    });
    const ankangTrade = trade(ankang, '安全生产赛', null, 0, 50000, '河南省各参赛企业', 1);
    for (const firm of zzFirms) {
      em.create(Entrant, { trade: ankangTrade, enterprise: firm, status: EntrantStatus.APPROVED });
      entrants += 1;
    }
    await em.flush();
    log(`Seeding competitions… ${competitions.length} with ${trades.length} trades and ${entrants} entrants`);

    // ---------------------------------------------------------------- accounts
    const hash = await hashPassword(adminPassword);
    const accounts: [string, string, Role, Organization | null][] = [
      ['admin', '平台管理员', Role.PLATFORM_ADMIN, null],
      ['shaanxi', '陕西省总工会组织者', Role.ORGANIZER, shaanxi],
      ['xian', '西安市总工会组织者', Role.ORGANIZER, xian],
      ['shijiazhuang', '石家庄市总工会组织者', Role.ORGANIZER, sjz],
      ['henan', '河南省总工会组织者', Role.ORGANIZER, henan],
      ['beidahuang', '北大荒集团工会组织者', Role.ORGANIZER, beidahuang],
      ['judge1', '焊工裁判', Role.JUDGE, sjz],
      ['chief1', '焊工裁判长', Role.CHIEF_JUDGE, sjz],
    ];
    for (const [username, displayName, role, organization] of accounts) {
      em.create(Account, { username, displayName, role, organization, passwordHash: hash });
    }
    await em.flush();
    log(`Seeding accounts… ${accounts.length}`);

    return {
      organizations: orgs.length,
      people: people.length,
      honors,
      competitions: competitions.length,
      trades: trades.length,
      entrants,
      accounts: accounts.length,
      adminPassword,
    };
  });
}
