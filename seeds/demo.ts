import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Account, Role } from '../src/modules/account/account.entity';
import { hashPassword } from '../src/modules/account/password';
import { seedCampaign } from './campaign';
import { seedJudging } from './judging';
import { seedStudios } from './studios';
import { chainDemoRegistry } from './registry-chain';
import {
  COMPETITION_TRANSITIONS,
  Competition,
  CompetitionKind,
  CompetitionStatus,
  CompetitionStatusChange,
} from '../src/modules/competition/competition.entity';
import { ACTIVE_ENTRANT_STATUSES, Entrant, EntrantStatus } from '../src/modules/competition/entrant.entity';
import { Team, TeamKind, TeamMember } from '../src/modules/competition/team.entity';
import { Trade } from '../src/modules/competition/trade.entity';
import { canNest, Organization, OrganizationLevel } from '../src/modules/organization/organization.entity';
import { Gender, Honor, HonorKind, Person } from '../src/modules/person/person.entity';

/**
 * The demo data set: a union tree from 全国总工会 down to street unions and
 * enterprises, ~330 workers (some of them model workers and craftsmen), the
 * demo accounts, and competitions in every lifecycle state, built from the
 * figures in the domain notes (石家庄's 50 trades, 陕西's six aspects and
 * 十百千万 programme, 河南's 安康杯, 西关街道's catering and tourism contest,
 * 北大荒集团's subsidiaries).
 *
 * Everything is deterministic (a seeded PRNG) except the admin password when
 * none is given. Occupation codes follow the style of the national occupational
 * classification (国家职业分类大典); they are illustrative.
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

/** The demo's contest under way, which the venue demo (`npm run demo:venue`) plays on. */
export const VENUE_COMPETITION = '2024年西安市职工职业技能大赛';
export const VENUE_TRADE = '焊工';

/** Usernames of the demo accounts; they share the admin password. */
export const DEMO_USERNAMES = [
  'admin',
  'shaanxi',
  'xian',
  'shijiazhuang',
  'henan',
  'beidahuang',
  'judge1',
  'chief1',
  'judge2',
  'judge3',
] as const;

export interface SeedOptions {
  adminPassword?: string;
  log?: (line: string) => void;
}

// ------------------------------------------------------------------ helpers

/** mulberry32: a tiny seeded PRNG, so the data set is the same on every run. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED = 20240501;

/** A moment in China Standard Time. */
function cst(date: string, time: string): Date {
  return new Date(`${date}T${time}:00+08:00`);
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

// ------------------------------------------------------------------ occupations

/** Occupation → code in the style of the national classification (illustrative). */
const OCCUPATION_CODES: Record<string, string> = {
  焊工: '6-18-02-04',
  电工: '6-31-01-03',
  高压电工: '6-31-01-03',
  车工: '6-18-01-01',
  数控车工: '6-18-01-01',
  铣工: '6-18-01-02',
  数控铣工: '6-18-01-02',
  钳工: '6-20-01-01',
  模具工: '6-18-04-01',
  加工中心操作工: '6-18-01-08',
  汽车维修工: '4-12-01-01',
  汽车装调工: '6-22-02-01',
  家政服务员: '4-10-01-06',
  育婴员: '4-10-01-02',
  养老护理员: '4-10-01-05',
  中式烹调师: '4-03-02-01',
  中式面点师: '4-03-02-02',
  餐厅服务员: '4-03-02-05',
  茶艺师: '4-03-02-07',
  前厅服务员: '4-03-01-01',
  客房服务员: '4-03-01-02',
  导游: '4-07-04-01',
  讲解员: '4-13-01-03',
  快递员: '4-02-07-02',
  快件处理员: '4-02-07-03',
  网约配送员: '4-02-07-10',
  电商直播员: '4-01-06-02',
  电子商务师: '4-01-02-02',
  砌筑工: '6-29-01-01',
  混凝土工: '6-29-01-03',
  钢筋工: '6-29-01-04',
  架子工: '6-29-01-05',
  管工: '6-29-03-02',
  装饰装修工: '6-29-02-04',
  电梯安装维修工: '6-29-03-03',
  制冷空调系统安装维修工: '6-29-03-04',
  电力电缆安装运维工: '6-29-03-07',
  化学检验员: '6-31-03-01',
  美容师: '4-10-03-02',
  美发师: '4-10-03-01',
  保安员: '4-07-05-01',
  消防设施操作员: '4-07-05-04',
  仓储管理员: '4-02-06-01',
  叉车司机: '6-30-05-04',
  起重装卸机械操作工: '6-30-05-00',
  工业机器人系统操作员: '6-30-99-00',
  工业机器人系统运维员: '6-31-01-10',
  无人机驾驶员: '4-99-00-00',
  网络与信息安全管理员: '4-04-04-02',
  人工智能训练师: '4-04-05-05',
  农业技术员: '5-05-01-01',
  农机驾驶操作员: '5-05-02-01',
  药物制剂工: '6-12-03-00',
  公共营养师: '4-14-02-01',
  保健按摩师: '4-10-04-02',
  道路客运汽车驾驶员: '4-02-02-01',
  工程测量员: '4-08-03-04',
  公路养护工: '6-29-04-01',
  水泥生产工: '6-14-01-01',
};

/** Share of women among the workers of an occupation (default: mostly men). */
const FEMALE_SHARE: Record<string, number> = {
  家政服务员: 0.9,
  育婴员: 0.95,
  养老护理员: 0.8,
  美容师: 0.9,
  美发师: 0.5,
  茶艺师: 0.85,
  餐厅服务员: 0.75,
  前厅服务员: 0.8,
  客房服务员: 0.85,
  导游: 0.6,
  讲解员: 0.7,
  公共营养师: 0.8,
  电商直播员: 0.65,
  电子商务师: 0.55,
  人工智能训练师: 0.5,
  化学检验员: 0.55,
  药物制剂工: 0.5,
  保健按摩师: 0.5,
  收费员: 0.7,
  中式面点师: 0.5,
  仓储管理员: 0.35,
  网络与信息安全管理员: 0.3,
};

// ------------------------------------------------------------------ the union tree

interface Staff {
  occupation: string;
  count: number;
  /** The trade the worker would enter, when it differs from the occupation. */
  trade?: string;
}

interface OrgSpec {
  key?: string;
  name: string;
  shortName?: string;
  level: OrganizationLevel;
  staff?: Staff[];
  children?: OrgSpec[];
}

const L = OrganizationLevel;

function s(occupation: string, count: number, trade?: string): Staff {
  return trade ? { occupation, count, trade } : { occupation, count };
}

function ent(name: string, staff: Staff[], extra: Partial<OrgSpec> = {}): OrgSpec {
  return { name, level: L.ENTERPRISE, staff, ...extra };
}

const TREE: OrgSpec = {
  key: 'national',
  name: '中华全国总工会',
  shortName: '全国总工会',
  level: L.NATIONAL,
  children: [
    {
      key: 'shaanxi',
      name: '陕西省总工会',
      level: L.PROVINCE,
      children: [
        ent('陕西交控运营管理公司', [s('公路养护工', 4), s('收费员', 3), s('电工', 3), s('路产管理员', 2)], {
          key: 'jiaokong',
          shortName: '交控运营',
        }),
        ent(
          '陕西建工集团股份有限公司',
          [s('钢筋工', 3), s('混凝土工', 3), s('砌筑工', 2), s('架子工', 2), s('焊工', 2), s('电工', 2)],
          { key: 'scg', shortName: '陕建' },
        ),
        {
          key: 'xian',
          name: '西安市总工会',
          level: L.CITY,
          children: [
            {
              key: 'lianhu',
              name: '莲湖区总工会',
              level: L.DISTRICT,
              children: [
                {
                  key: 'xiguan',
                  name: '西关街道总工会',
                  shortName: '西关街道',
                  level: L.STREET,
                  children: [
                    ent('西安西关饭庄有限公司', [s('中式烹调师', 2), s('中式面点师', 1), s('餐厅服务员', 2)]),
                    ent('西安长乐坊餐饮管理有限公司', [s('中式烹调师', 2), s('餐厅服务员', 2)]),
                    ent('西安莲湖泡馍馆有限公司', [s('中式烹调师', 2), s('中式面点师', 2)]),
                    ent('西安西关正街面食坊有限公司', [s('中式面点师', 3), s('餐厅服务员', 1)]),
                    ent('西安玉祥门大酒店有限公司', [
                      s('前厅服务员', 2),
                      s('客房服务员', 2),
                      s('中式烹调师', 1),
                    ]),
                    ent('西安大庆路宾馆有限公司', [
                      s('前厅服务员', 1),
                      s('客房服务员', 2),
                      s('餐厅服务员', 1),
                    ]),
                    ent('西安桃园湖酒店管理有限公司', [s('前厅服务员', 2), s('客房服务员', 2)]),
                    ent('西安丝路驿站国际旅行社有限公司', [s('导游', 4)]),
                    ent('西安秦风旅行社有限公司', [s('导游', 3)]),
                    ent('西安古城墙文化旅游服务有限公司', [s('导游', 2), s('讲解员', 1)]),
                    ent('西安劳动路茶社有限公司', [s('茶艺师', 3)]),
                    ent('西安西稍门快餐有限公司', [s('中式烹调师', 2), s('餐厅服务员', 2)]),
                  ],
                },
              ],
            },
            {
              key: 'yanta',
              name: '雁塔区总工会',
              level: L.DISTRICT,
              children: [
                ent(
                  '中铁一局集团有限公司',
                  [s('钢筋工', 3), s('混凝土工', 2), s('焊工', 3), s('盾构机操作工', 3), s('工程测量员', 2)],
                  { key: 'crec', shortName: '中铁一局' },
                ),
                ent('西安迅捷快递服务有限公司', [s('快递员', 5), s('快件处理员', 2), s('仓储管理员', 1)], {
                  key: 'xa_express',
                }),
                ent('西安同城即时配送服务有限公司', [s('网约配送员', 6)], { key: 'xa_delivery' }),
              ],
            },
          ],
        },
        {
          key: 'hanzhong',
          name: '汉中市总工会',
          level: L.CITY,
          children: [
            {
              key: 'lueyang',
              name: '略阳县总工会',
              level: L.DISTRICT,
              children: [
                ent(
                  '陕西略阳象山特种水泥有限公司',
                  [s('水泥生产工', 3), s('化学检验员', 2), s('电工', 1), s('钳工', 2)],
                  { key: 'xiangshan', shortName: '象山水泥' },
                ),
              ],
            },
          ],
        },
      ],
    },
    {
      key: 'hebei',
      name: '河北省总工会',
      level: L.PROVINCE,
      children: [
        {
          key: 'sjz',
          name: '石家庄市总工会',
          level: L.CITY,
          children: [
            ent('石家庄市公共交通总公司', [s('道路客运汽车驾驶员', 4), s('汽车维修工', 4), s('电工', 2)]),
            ent('石家庄华康制药有限公司', [
              s('药物制剂工', 4),
              s('化学检验员', 3),
              s('消防设施操作员', 2),
              s('保安员', 2),
            ]),
            ent('石家庄冀中智能装备有限公司', [
              s('工业机器人系统操作员', 3),
              s('工业机器人系统运维员', 3),
              s('焊工', 3, '焊工（机器人）'),
              s('加工中心操作工', 2),
              s('汽车装调工', 2),
            ]),
            {
              name: '长安区总工会',
              level: L.DISTRICT,
              children: [
                ent('石家庄长安百货商贸有限公司', [
                  s('电商直播员', 3),
                  s('电子商务师', 2),
                  s('仓储管理员', 2),
                  s('保安员', 1),
                ]),
                ent('石家庄安居建筑工程有限公司', [
                  s('砌筑工', 3),
                  s('钢筋工', 3),
                  s('混凝土工', 3),
                  s('架子工', 2),
                  s('管工', 2),
                  s('装饰装修工', 2),
                ]),
                ent('石家庄燕赵饭店有限公司', [
                  s('中式烹调师', 4),
                  s('中式面点师', 3),
                  s('茶艺师', 3),
                  s('公共营养师', 1),
                ]),
              ],
            },
            {
              name: '桥西区总工会',
              level: L.DISTRICT,
              children: [
                ent('石家庄华电安装工程有限公司', [
                  s('电工', 3),
                  s('高压电工', 3, '电工（高压）'),
                  s('电力电缆安装运维工', 3),
                  s('电梯安装维修工', 3),
                  s('制冷空调系统安装维修工', 2),
                ]),
                ent('石家庄佳美家政服务有限公司', [
                  s('家政服务员', 4),
                  s('育婴员', 3),
                  s('养老护理员', 4),
                  s('保健按摩师', 2),
                  s('公共营养师', 1),
                ]),
                ent('石家庄丽人美容美发有限公司', [s('美容师', 3), s('美发师', 3)]),
              ],
            },
            {
              name: '裕华区总工会',
              level: L.DISTRICT,
              children: [
                ent('石家庄恒信机械制造有限公司', [
                  s('车工', 2),
                  s('数控车工', 3),
                  s('铣工', 2),
                  s('数控铣工', 2),
                  s('钳工', 3),
                  s('模具工', 2),
                  s('焊工', 2),
                ]),
                ent('石家庄顺安快递服务有限公司', [
                  s('快递员', 4),
                  s('网约配送员', 4),
                  s('仓储管理员', 2),
                  s('叉车司机', 2),
                  s('起重装卸机械操作工', 2),
                ]),
                ent('石家庄云尚信息技术有限公司', [
                  s('网络与信息安全管理员', 3),
                  s('人工智能训练师', 3),
                  s('电子商务师', 1),
                ]),
              ],
            },
            {
              name: '正定县总工会',
              level: L.DISTRICT,
              children: [ent('石家庄正定现代农业发展有限公司', [s('农业技术员', 4), s('无人机驾驶员', 3)])],
            },
          ],
        },
      ],
    },
    {
      key: 'henan',
      name: '河南省总工会',
      level: L.PROVINCE,
      children: [
        ent('河南豫能电力检修有限公司', [s('电工', 4), s('电力电缆安装运维工', 2), s('焊工', 2)], {
          key: 'yuneng',
        }),
        ent('河南中豫化工有限公司', [s('化学检验员', 3), s('消防设施操作员', 2)], { key: 'zhongyu' }),
        {
          key: 'zhengzhou',
          name: '郑州市总工会',
          level: L.CITY,
          children: [
            ent('郑州航空港顺达物流有限公司', [s('快递员', 3), s('叉车司机', 2), s('仓储管理员', 2)], {
              key: 'zz_logistics',
            }),
            {
              name: '中原区总工会',
              level: L.DISTRICT,
              children: [
                ent(
                  '郑州中原重工机械有限公司',
                  [s('焊工', 3), s('车工', 2), s('数控车工', 2), s('钳工', 2)],
                  {
                    key: 'zz_heavy',
                  },
                ),
              ],
            },
            {
              name: '金水区总工会',
              level: L.DISTRICT,
              children: [
                ent('郑州金水建设集团有限公司', [s('钢筋工', 3), s('混凝土工', 2), s('架子工', 2)], {
                  key: 'zz_build',
                }),
              ],
            },
          ],
        },
      ],
    },
    {
      key: 'heilongjiang',
      name: '黑龙江省总工会',
      level: L.PROVINCE,
      children: [
        ent('北大荒农垦集团有限公司', [s('农业技术员', 2)], {
          key: 'bdh',
          shortName: '北大荒集团',
          children: [
            ent(
              '北大荒农垦集团有限公司建三江分公司',
              [s('农机驾驶操作员', 3), s('农业技术员', 2), s('无人机驾驶员', 2)],
              { key: 'bdh_jsj', shortName: '建三江分公司' },
            ),
            ent(
              '北大荒农垦集团有限公司红兴隆分公司',
              [s('农机驾驶操作员', 2), s('农业技术员', 2), s('无人机驾驶员', 1)],
              { key: 'bdh_hxl', shortName: '红兴隆分公司' },
            ),
            ent('北大荒农垦集团有限公司宝泉岭分公司', [s('农业技术员', 2), s('农机驾驶操作员', 2)], {
              key: 'bdh_bql',
              shortName: '宝泉岭分公司',
              children: [
                ent('黑龙江省梧桐河农场有限公司', [s('农业技术员', 2), s('种子检验员', 2)], {
                  key: 'bdh_wth',
                  shortName: '梧桐河农场',
                }),
              ],
            }),
            ent('北大荒农垦集团有限公司九三分公司', [s('农业技术员', 2), s('农机驾驶操作员', 2)], {
              key: 'bdh_js',
              shortName: '九三分公司',
              children: [
                ent(
                  '黑龙江省鹤山农场有限公司',
                  [s('农业技术员', 2), s('无人机驾驶员', 2), s('农机驾驶操作员', 1)],
                  { key: 'bdh_hs', shortName: '鹤山农场' },
                ),
              ],
            }),
            ent('北大荒农垦集团有限公司牡丹江分公司', [s('农业技术员', 2), s('农机驾驶操作员', 2)], {
              key: 'bdh_mdj',
              shortName: '牡丹江分公司',
            }),
            ent(
              '北大荒信息有限公司',
              [s('网络与信息安全管理员', 2), s('人工智能训练师', 2), s('软件开发工程师', 2)],
              { key: 'bdh_info' },
            ),
          ],
        }),
      ],
    },
  ],
};

// ------------------------------------------------------------------ names

// prettier-ignore
const SURNAMES = [
  '王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙', '胡', '朱', '高', '林', '何', '郭',
  '马', '罗', '梁', '宋', '郑', '谢', '韩', '唐', '冯', '于', '董', '肖', '程', '曹', '袁', '邓', '许', '傅',
  '沈', '曾', '彭', '吕', '苏', '卢', '蒋', '蔡', '贾', '丁', '魏', '薛', '叶', '阎', '余', '潘', '杜', '戴',
  '夏', '钟', '汪', '田', '任', '姜', '范', '方', '石', '姚', '谭', '廖', '邹', '熊', '金', '陆', '郝', '孔',
  '白', '崔', '康', '毛', '邱', '秦', '江', '史', '顾', '侯', '邵', '孟', '龙', '万', '段', '雷', '钱', '汤',
  '尹', '常', '武', '乔', '贺', '龚', '文', '牛', '樊', '葛', '党',
];

// prettier-ignore
const MALE_CHARS = [
  '建', '国', '伟', '强', '军', '磊', '洋', '勇', '杰', '涛', '明', '超', '斌', '鹏', '辉', '华', '刚', '峰',
  '亮', '波', '宇', '浩', '凯', '东', '林', '平', '志', '海', '飞', '龙', '俊', '文', '健', '晨', '博', '鑫',
  '永', '春', '庆', '兵', '成', '新', '德', '宏', '振', '利', '忠', '光', '安', '荣', '祥', '朝', '武', '松',
];

// prettier-ignore
const FEMALE_CHARS = [
  '丽', '娟', '敏', '静', '燕', '艳', '芳', '霞', '玲', '婷', '雪', '琳', '莉', '慧', '洁', '娜', '红', '梅',
  '兰', '颖', '倩', '秀', '英', '萍', '佳', '欣', '悦', '晶', '蕾', '媛', '丹', '璐', '月', '琴', '雯', '薇',
];

function nameMaker(rng: () => number) {
  const used = new Set<string>();
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
  return (gender: Gender | null): string => {
    const chars = gender === Gender.FEMALE ? FEMALE_CHARS : gender === Gender.MALE ? MALE_CHARS : null;
    for (;;) {
      // Squaring favours the common surnames at the head of the list.
      const surname = SURNAMES[Math.floor(rng() * rng() * SURNAMES.length)]!;
      const pool = chars ?? (rng() < 0.5 ? FEMALE_CHARS : MALE_CHARS);
      const first = pick(pool);
      let given = first;
      if (rng() < 0.72) {
        let second = pick(pool);
        if (second === first) second = pick(pool);
        given += second;
      }
      const name = surname + given;
      if (!used.has(name)) {
        used.add(name);
        return name;
      }
    }
  };
}

// ------------------------------------------------------------------ honors

interface HonorSpec {
  title: string;
  kind: HonorKind;
  level: OrganizationLevel;
  awardingBody: string;
  /** Keys of the organizations whose workers may hold it. */
  under: string[];
  count: number;
  /** Years to choose from (default 2015–2025). */
  years?: number[];
}

const H = HonorKind;

// prettier-ignore
const HONORS: HonorSpec[] = [
  // 全国劳动模范 are awarded every five years.
  ...(['shaanxi', 'sjz', 'henan', 'bdh'] as const).map(
    (k, i): HonorSpec => ({
      title: '全国劳动模范',
      kind: H.MODEL_WORKER,
      level: L.NATIONAL,
      awardingBody: '中共中央 国务院',
      under: [k],
      count: 1,
      years: [[2020], [2015], [2020], [2025]][i]!,
    }),
  ),
  { title: '陕西省劳动模范', kind: H.MODEL_WORKER, level: L.PROVINCE, awardingBody: '陕西省人民政府', under: ['shaanxi'], count: 3 },
  { title: '河北省劳动模范', kind: H.MODEL_WORKER, level: L.PROVINCE, awardingBody: '河北省人民政府', under: ['sjz'], count: 2 },
  { title: '河南省劳动模范', kind: H.MODEL_WORKER, level: L.PROVINCE, awardingBody: '河南省人民政府', under: ['henan'], count: 2 },
  { title: '黑龙江省劳动模范', kind: H.MODEL_WORKER, level: L.PROVINCE, awardingBody: '黑龙江省人民政府', under: ['bdh'], count: 2 },
  { title: '汉中市劳动模范', kind: H.MODEL_WORKER, level: L.CITY, awardingBody: '汉中市人民政府', under: ['lueyang'], count: 1 },
  { title: '全国五一劳动奖章', kind: H.MAY_DAY_LABOR_MEDAL, level: L.NATIONAL, awardingBody: '中华全国总工会', under: ['crec', 'scg', 'jiaokong'], count: 2 },
  { title: '全国五一劳动奖章', kind: H.MAY_DAY_LABOR_MEDAL, level: L.NATIONAL, awardingBody: '中华全国总工会', under: ['sjz'], count: 1 },
  { title: '全国五一劳动奖章', kind: H.MAY_DAY_LABOR_MEDAL, level: L.NATIONAL, awardingBody: '中华全国总工会', under: ['henan'], count: 1 },
  { title: '全国五一劳动奖章', kind: H.MAY_DAY_LABOR_MEDAL, level: L.NATIONAL, awardingBody: '中华全国总工会', under: ['bdh'], count: 1 },
  { title: '河北省五一劳动奖章', kind: H.MAY_DAY_LABOR_MEDAL, level: L.PROVINCE, awardingBody: '河北省总工会', under: ['sjz'], count: 2 },
  { title: '陕西省五一劳动奖章', kind: H.MAY_DAY_LABOR_MEDAL, level: L.PROVINCE, awardingBody: '陕西省总工会', under: ['shaanxi'], count: 1 },
  { title: '石家庄市技能状元', kind: H.SKILLS_CHAMPION, level: L.CITY, awardingBody: '石家庄市总工会', under: ['sjz'], count: 3 },
  { title: '郑州市技能状元', kind: H.SKILLS_CHAMPION, level: L.CITY, awardingBody: '郑州市总工会', under: ['zhengzhou'], count: 1 },
  { title: '三秦工匠', kind: H.CRAFTSMAN, level: L.PROVINCE, awardingBody: '陕西省总工会', under: ['crec', 'scg', 'jiaokong', 'xiangshan'], count: 3 },
  { title: '兴州工匠', kind: H.CRAFTSMAN, level: L.DISTRICT, awardingBody: '略阳县总工会', under: ['xiangshan'], count: 2 },
  // A 中铁一局 worker who earned the title on a project in 山东.
  { title: '齐鲁大工匠', kind: H.CRAFTSMAN, level: L.PROVINCE, awardingBody: '山东省总工会', under: ['crec'], count: 1 },
  { title: '燕赵工匠', kind: H.CRAFTSMAN, level: L.PROVINCE, awardingBody: '河北省总工会', under: ['sjz'], count: 2 },
  { title: '中原大工匠', kind: H.CRAFTSMAN, level: L.PROVINCE, awardingBody: '河南省总工会', under: ['henan'], count: 2 },
  { title: '龙江工匠', kind: H.CRAFTSMAN, level: L.PROVINCE, awardingBody: '黑龙江省总工会', under: ['bdh'], count: 2 },
  { title: '全国技术能手', kind: H.TECHNICAL_EXPERT, level: L.NATIONAL, awardingBody: '人力资源和社会保障部', under: ['sjz'], count: 1 },
  { title: '河北省技术能手', kind: H.TECHNICAL_EXPERT, level: L.PROVINCE, awardingBody: '河北省人力资源和社会保障厅', under: ['sjz'], count: 3 },
  { title: '石家庄市技术能手', kind: H.TECHNICAL_EXPERT, level: L.CITY, awardingBody: '石家庄市人力资源和社会保障局', under: ['sjz'], count: 3 },
  { title: '陕西省技术能手', kind: H.TECHNICAL_EXPERT, level: L.PROVINCE, awardingBody: '陕西省人力资源和社会保障厅', under: ['shaanxi'], count: 2 },
  { title: '陕西省重点项目劳动竞赛标兵', kind: H.COMPETITION_STANDARD_BEARER, level: L.PROVINCE, awardingBody: '陕西省总工会', under: ['crec', 'scg', 'jiaokong'], count: 4, years: [2021, 2022, 2023] },
  { title: '河南省重点工程建设竞赛标兵', kind: H.COMPETITION_STANDARD_BEARER, level: L.PROVINCE, awardingBody: '河南省总工会', under: ['henan'], count: 1 },
  { title: '西安市金牌工人', kind: H.GOLD_MEDAL_WORKER, level: L.CITY, awardingBody: '西安市总工会', under: ['xiguan'], count: 2 },
  { title: '石家庄市金牌工人', kind: H.GOLD_MEDAL_WORKER, level: L.CITY, awardingBody: '石家庄市总工会', under: ['sjz'], count: 2 },
  { title: '北大荒集团金牌工人', kind: H.GOLD_MEDAL_WORKER, level: L.ENTERPRISE, awardingBody: '北大荒农垦集团有限公司工会', under: ['bdh'], count: 2 },
];

/** Chance that an honor goes to someone already honored (model workers collect titles). */
const REUSE_HONOREE = 0.35;

/** Service occupations: their workers earn model-worker and expert titles, not craftsman (工匠) ones. */
const SERVICE_OCCUPATIONS = new Set([
  '收费员',
  '路产管理员',
  '餐厅服务员',
  '前厅服务员',
  '客房服务员',
  '导游',
  '讲解员',
  '保安员',
  '仓储管理员',
  '快递员',
  '快件处理员',
  '网约配送员',
  '电商直播员',
  '电子商务师',
  '家政服务员',
  '育婴员',
  '养老护理员',
  '美容师',
  '美发师',
  '公共营养师',
  '保健按摩师',
  '道路客运汽车驾驶员',
  '茶艺师',
  '人工智能训练师',
]);

// ------------------------------------------------------------------ competitions

interface TradeSpec {
  name: string;
  theory: number;
  capacity: number;
  venue: string;
  date: string;
  days?: number;
  code?: string | null;
}

const SJZ_VENUES = {
  mech: '石家庄市技师学院实训楼',
  build: '石家庄市职工技能实训基地',
  service: '石家庄工匠学院',
  digital: '河北工业职业技术大学（石家庄）实训中心',
  logistics: '石家庄国际陆港物流园',
  farm: '石家庄市正定县现代农业示范园',
} as const;

/** The 50 trades 石家庄市总工会 promised for 2024: [name, theory weight, venue]. */
const SJZ_TRADES: [string, 20 | 30, keyof typeof SJZ_VENUES][] = [
  ['焊工', 20, 'mech'],
  ['焊工（机器人）', 20, 'mech'],
  ['电工', 20, 'build'],
  ['电工（高压）', 30, 'build'],
  ['车工', 20, 'mech'],
  ['数控车工', 20, 'mech'],
  ['铣工', 20, 'mech'],
  ['数控铣工', 20, 'mech'],
  ['钳工', 20, 'mech'],
  ['模具工', 20, 'mech'],
  ['加工中心操作工', 20, 'mech'],
  ['汽车维修工', 30, 'mech'],
  ['汽车装调工', 20, 'mech'],
  ['家政服务员', 30, 'service'],
  ['育婴员', 30, 'service'],
  ['养老护理员', 30, 'service'],
  ['中式烹调师', 20, 'service'],
  ['中式面点师', 20, 'service'],
  ['茶艺师', 30, 'service'],
  ['快递员', 30, 'logistics'],
  ['电商直播员', 30, 'digital'],
  ['网约配送员', 30, 'logistics'],
  ['砌筑工', 20, 'build'],
  ['钢筋工', 20, 'build'],
  ['混凝土工', 20, 'build'],
  ['架子工', 20, 'build'],
  ['管工', 20, 'build'],
  ['装饰装修工', 20, 'build'],
  ['电梯安装维修工', 30, 'build'],
  ['化学检验员', 30, 'digital'],
  ['制冷空调系统安装维修工', 30, 'build'],
  ['美容师', 20, 'service'],
  ['美发师', 20, 'service'],
  ['保安员', 30, 'service'],
  ['消防设施操作员', 30, 'build'],
  ['仓储管理员', 30, 'logistics'],
  ['叉车司机', 20, 'logistics'],
  ['起重装卸机械操作工', 20, 'logistics'],
  ['工业机器人系统操作员', 30, 'mech'],
  ['工业机器人系统运维员', 30, 'mech'],
  ['无人机驾驶员', 30, 'farm'],
  ['网络与信息安全管理员', 30, 'digital'],
  ['人工智能训练师', 30, 'digital'],
  ['电子商务师', 30, 'digital'],
  ['农业技术员', 30, 'farm'],
  ['药物制剂工', 30, 'digital'],
  ['公共营养师', 30, 'service'],
  ['保健按摩师', 20, 'service'],
  ['道路客运汽车驾驶员', 30, 'logistics'],
  ['电力电缆安装运维工', 30, 'build'],
];

const SJZ_DESCRIPTION =
  '石家庄市总工会2024年服务职工十件实事之一：举办至少50个工种职工职业技能竞赛。' +
  '大赛面向全市职工，各工种设理论知识（笔试）和实际操作两部分，理论占20%—30%、实操占70%—80%；' +
  '快递员等新就业形态工种合并计算“提货装车技能”实操和“配送质量知识考核”成绩。' +
  '各工种评出一等奖、二等奖、三等奖和优胜奖，成绩优异者按规定推荐申报石家庄市技术能手和五一劳动奖章。';

const SHAANXI_DESCRIPTION =
  '2024年陕西省重点项目劳动和技能竞赛暨“十四五”全国引领性劳动和技能竞赛在西安东站项目建设现场启动。' +
  '竞赛围绕工程创优、质量争优、安全生产、技能提升、技术创新、班组建设等6个方面开展。' +
  '围绕全省重大工程、重大项目、重点产业实施劳动竞赛“十百千万”工程：打造十个示范性竞赛项目，' +
  '抓好百个重点竞赛项目，选树千个竞赛标兵，推动指导万家企业开展各具特色的竞赛。' +
  '陕西省总工会安排1500万元鼓励激励资金，支持基层工会开展劳动和技能竞赛。';

const XIGUAN_DESCRIPTION =
  '西关街道辖区参与开展劳动竞赛的企业超过100家、参赛职工超过500人，技能竞赛工种涵盖餐饮、旅游等多个行业。' +
  '本次比武设中式烹调师、中式面点师、餐厅服务员、客房服务员、导游、茶艺师六个工种，理论与实操合并计分。';

const XIAN_2023_DESCRIPTION =
  '面向快递员、网约配送员等新就业形态劳动者。快递员赛项合并计算“提货装车技能”（实操）' +
  '和“配送质量知识考核”（理论）成绩；网约配送员赛项考核安全骑行、订单处理与服务规范。成绩已公示。';

const HENAN_DESCRIPTION =
  '河南省总工会组织开展“安康杯”竞赛，以安全生产、职工安康为主题，覆盖全省各类企业，' +
  '每年参赛企业4万多家、参赛职工近千万人。理论为安全生产知识考核，实操为现场安全管理评比。' +
  '河南每年还在全省开展200项重点工程建设竞赛，在1000家重点企业开展节能减排绿色发展竞赛。';

const BDH_2023_DESCRIPTION =
  '北大荒集团各分公司围绕春耕备耕、机械化作业与数字农业开展劳动竞赛，' +
  '以作业质量、农时进度、安全生产和新技术应用为主要指标。';

const BDH_2025_DESCRIPTION =
  '北大荒集团工会筹备中的农业机械操作技能竞赛，拟设农机驾驶操作、植保无人机驾驶和农业技术三个赛项。';

/** The forward path of the lifecycle, to record how each competition reached its state. */
const STATUS_PATH = [
  CompetitionStatus.DRAFT,
  CompetitionStatus.REGISTRATION_OPEN,
  CompetitionStatus.RUNNING,
  CompetitionStatus.SCORING_CLOSED,
  CompetitionStatus.PUBLISHED,
  CompetitionStatus.FINAL,
  CompetitionStatus.ARCHIVED,
];

// ------------------------------------------------------------------ the seeder

interface Worker {
  person: Person;
  org: Organization;
  /** Keys (and names) of the employer and all its ancestors. */
  under: Set<string>;
  occupation: string;
  trade: string;
}

export async function seedDemo(em: EntityManager, opts: SeedOptions = {}): Promise<SeedSummary> {
  const log = opts.log ?? (() => {});
  const adminPassword = opts.adminPassword ?? randomBytes(12).toString('base64url');
  // scrypt is slow on purpose: hash once, share the hash between the demo accounts.
  const passwordHash = await hashPassword(adminPassword);

  return em.transactional(async (tx) => {
    const rng = mulberry32(SEED);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;

    // ---------------------------------------------------------- unions, level by level
    const orgs = new Map<string, Organization>();
    const ancestry = new Map<Organization, string[]>();
    const staffOf = new Map<Organization, Staff[]>();
    const orderedOrgs: Organization[] = [];
    let layer: { spec: OrgSpec; parent: Organization | null; under: string[] }[] = [
      { spec: TREE, parent: null, under: [] },
    ];
    while (layer.length) {
      const next: typeof layer = [];
      for (const { spec, parent, under } of layer) {
        if (parent && !canNest(parent.level, spec.level)) {
          throw new Error(`${spec.name} (${spec.level}) cannot sit under ${parent.name} (${parent.level})`);
        }
        const org = tx.create(Organization, {
          name: spec.name,
          shortName: spec.shortName ?? null,
          level: spec.level,
          parent: parent ?? null,
        });
        const keys = [...under, spec.name, ...(spec.key ? [spec.key] : [])];
        if (orgs.has(spec.name) || (spec.key && orgs.has(spec.key))) {
          throw new Error(`Duplicate organization ${spec.key ?? spec.name} in the demo tree`);
        }
        orgs.set(spec.name, org);
        if (spec.key) orgs.set(spec.key, org);
        ancestry.set(org, keys);
        staffOf.set(org, spec.staff ?? []);
        orderedOrgs.push(org);
        for (const child of spec.children ?? []) next.push({ spec: child, parent: org, under: keys });
      }
      // Parents must exist before their children: the path trigger reads them.
      await tx.flush();
      layer = next;
    }
    const org = (key: string): Organization => {
      const o = orgs.get(key);
      if (!o) throw new Error(`No organization ${key} in the demo tree`);
      return o;
    };
    log(`Seeding unions… ${orderedOrgs.length}`);

    // ---------------------------------------------------------- people
    const makeName = nameMaker(rng);
    const workers: Worker[] = [];
    for (const o of orderedOrgs) {
      for (const st of staffOf.get(o)!) {
        for (let i = 0; i < st.count; i += 1) {
          const female = rng() < (FEMALE_SHARE[st.occupation] ?? 0.1);
          const gender = rng() < 0.9 ? (female ? Gender.FEMALE : Gender.MALE) : null;
          const birthYear = rng() < 0.85 ? 1968 + Math.floor(rng() * 34) : null;
          const person = tx.create(Person, {
            name: makeName(gender),
            gender,
            birthYear,
            employer: o,
            occupation: st.occupation,
            occupationCode: OCCUPATION_CODES[st.occupation] ?? null,
          });
          workers.push({
            person,
            org: o,
            under: new Set(ancestry.get(o)),
            occupation: st.occupation,
            trade: st.trade ?? st.occupation,
          });
        }
      }
    }

    // ---------------------------------------------------------- honors
    const honorsOf = new Map<Person, Set<string>>();
    let honorCount = 0;
    for (const spec of HONORS) {
      const years = spec.years ?? Array.from({ length: 11 }, (_, i) => 2015 + i);
      for (let i = 0; i < spec.count; i += 1) {
        const year = pick(years);
        const minAge = spec.level === L.NATIONAL ? 32 : 27;
        const pool = workers.filter(
          (w) =>
            spec.under.some((k) => w.under.has(k)) &&
            !honorsOf.get(w.person)?.has(spec.title) &&
            // Honors go to experienced workers; craftsman titles to industrial trades.
            (w.person.birthYear == null || year - w.person.birthYear >= minAge) &&
            (spec.kind !== H.CRAFTSMAN || !SERVICE_OCCUPATIONS.has(w.occupation)),
        );
        if (!pool.length) throw new Error(`No one left to receive ${spec.title}`);
        const honored = pool.filter((w) => honorsOf.has(w.person));
        const fresh = pool.filter((w) => !honorsOf.has(w.person));
        const from = honored.length && (rng() < REUSE_HONOREE || !fresh.length) ? honored : fresh;
        const w = pick(from);
        tx.create(Honor, {
          person: w.person,
          kind: spec.kind,
          level: spec.level,
          title: spec.title,
          year,
          awardingBody: spec.awardingBody,
        });
        honorCount += 1;
        if (!honorsOf.has(w.person)) honorsOf.set(w.person, new Set());
        honorsOf.get(w.person)!.add(spec.title);
      }
    }
    await tx.flush();
    log(`Seeding people… ${workers.length}`);
    log(`Seeding honors… ${honorCount} (held by ${honorsOf.size} people)`);

    // ---------------------------------------------------------- accounts
    // The chief judge is 石家庄's national model worker; the judge a craftsman or technical
    // expert of an industrial trade. Neither enters 石家庄's competition.
    const sjzHonorees = workers.filter((w) => w.under.has('sjz') && honorsOf.has(w.person));
    const chiefPerson = sjzHonorees.find((w) => honorsOf.get(w.person)!.has('全国劳动模范'))!.person;
    const judgePerson = sjzHonorees.find(
      (w) =>
        w.person !== chiefPerson &&
        !SERVICE_OCCUPATIONS.has(w.occupation) &&
        [...honorsOf.get(w.person)!].some((t) => /工匠|技术能手/.test(t)),
    )!.person;
    const accountSpecs: {
      username: (typeof DEMO_USERNAMES)[number];
      displayName: string;
      role: Role;
      org?: string;
      person?: Person;
    }[] = [
      { username: 'admin', displayName: '平台管理员', role: Role.PLATFORM_ADMIN },
      {
        username: 'shaanxi',
        displayName: '陕西省总工会劳动和经济工作部',
        role: Role.ORGANIZER,
        org: 'shaanxi',
      },
      { username: 'xian', displayName: '西安市总工会劳动和经济工作部', role: Role.ORGANIZER, org: 'xian' },
      {
        username: 'shijiazhuang',
        displayName: '石家庄市总工会劳动和经济工作部',
        role: Role.ORGANIZER,
        org: 'sjz',
      },
      { username: 'henan', displayName: '河南省总工会劳动和经济工作部', role: Role.ORGANIZER, org: 'henan' },
      { username: 'beidahuang', displayName: '北大荒集团工会', role: Role.ORGANIZER, org: 'bdh' },
      {
        username: 'judge1',
        displayName: `${judgePerson.name}（裁判员）`,
        role: Role.JUDGE,
        org: 'sjz',
        person: judgePerson,
      },
      {
        username: 'chief1',
        displayName: `${chiefPerson.name}（裁判长）`,
        role: Role.CHIEF_JUDGE,
        org: 'sjz',
        person: chiefPerson,
      },
      // Two more judges for the contest under way in 西安 (no person: they enter nothing).
      { username: 'judge2', displayName: '焊工裁判员二', role: Role.JUDGE, org: 'xian' },
      { username: 'judge3', displayName: '焊工裁判员三', role: Role.JUDGE, org: 'xian' },
    ];
    // With --force on a seeded database the usernames exist: keep those accounts as they are.
    const existing = new Set(
      (
        await tx.find(
          Account,
          { username: { $in: accountSpecs.map((a) => a.username) } },
          { fields: ['username'] },
        )
      ).map((a) => a.username),
    );
    const accounts = new Map<string, Account>();
    for (const a of accountSpecs) {
      if (existing.has(a.username)) {
        log(`Account ${a.username} already exists: left unchanged (its password is not the one printed)`);
        continue;
      }
      accounts.set(
        a.username,
        tx.create(Account, {
          username: a.username,
          passwordHash,
          displayName: a.displayName,
          role: a.role,
          organization: a.org ? org(a.org) : null,
          person: a.person ?? null,
        }),
      );
    }
    await tx.flush();
    log(`Seeding accounts… ${accounts.size}`);

    // ---------------------------------------------------------- competitions
    let competitionCount = 0;
    let tradeCount = 0;
    let entrantCount = 0;

    const competition = (data: {
      name: string;
      kind: CompetitionKind;
      year: number;
      host: string;
      status: CompetitionStatus;
      description: string;
      startsOn: string;
      endsOn: string;
      actor: string;
    }): Competition => {
      const c = tx.create(Competition, {
        name: data.name,
        kind: data.kind,
        year: data.year,
        host: org(data.host),
        status: data.status,
        description: data.description,
        startsOn: data.startsOn,
        endsOn: data.endsOn,
      });
      const steps = STATUS_PATH.slice(0, STATUS_PATH.indexOf(data.status) + 1);
      if (steps.includes(CompetitionStatus.PUBLISHED)) {
        // Published the day after the last day, with the usual five-day notice period (公示).
        const published = new Date(`${data.endsOn}T10:00:00+08:00`);
        published.setDate(published.getDate() + 1);
        c.resultsPublishedAt = published;
        c.noticeEndsAt = c.appealDeadline = new Date(published.getTime() + 5 * 86_400_000);
        if (steps.includes(CompetitionStatus.FINAL))
          c.resultsFinalAt = new Date(c.noticeEndsAt.getTime() + 3_600_000);
      }
      for (let i = 1; i < steps.length; i += 1) {
        const [from, to] = [steps[i - 1]!, steps[i]!];
        if (!COMPETITION_TRANSITIONS[from].includes(to)) throw new Error(`${from} → ${to} is not allowed`);
        tx.create(CompetitionStatusChange, {
          competition: c,
          fromStatus: from,
          toStatus: to,
          actor: accounts.get(data.actor) ?? null,
          reason: '演示数据',
        });
      }
      competitionCount += 1;
      return c;
    };

    const trade = (c: Competition, t: TradeSpec): Trade => {
      const days = t.days ?? 1;
      const tr = tx.create(Trade, {
        competition: c,
        name: t.name,
        occupationCode: t.code === undefined ? (OCCUPATION_CODES[t.name] ?? null) : t.code,
        theoryWeight: t.theory,
        practicalWeight: 100 - t.theory,
        capacity: t.capacity,
        venue: t.venue,
        startsAt: cst(t.date, '08:30'),
        endsAt: cst(addDays(t.date, days - 1), '17:30'),
      });
      tradeCount += 1;
      return tr;
    };

    const active = new Map<Trade, number>();
    const enter = (
      tr: Trade,
      who: { person: Person } | { team: Team } | { enterprise: Organization },
      status: EntrantStatus,
    ): Entrant => {
      if (ACTIVE_ENTRANT_STATUSES.includes(status)) {
        const n = (active.get(tr) ?? 0) + 1;
        if (n > tr.capacity) throw new Error(`${tr.name} is over its capacity of ${tr.capacity}`);
        active.set(tr, n);
      }
      entrantCount += 1;
      return tx.create(Entrant, { trade: tr, ...who, status });
    };

    // 1. 石家庄: the city skills competition with its 50 trades.
    {
      const c = competition({
        name: '2024年石家庄市职工职业技能大赛',
        kind: CompetitionKind.SKILLS,
        year: 2024,
        host: 'sjz',
        status: CompetitionStatus.REGISTRATION_OPEN,
        description: SJZ_DESCRIPTION,
        startsOn: '2024-04-01',
        endsOn: '2024-11-30',
        actor: 'shijiazhuang',
      });
      const trades = new Map<string, { trade: Trade; phase: number }>();
      const names = new Set<string>();
      SJZ_TRADES.forEach(([name, theory, venue], i) => {
        if (names.has(name)) throw new Error(`Trade ${name} appears twice`);
        names.add(name);
        const tr = trade(c, {
          name,
          theory,
          capacity: 20 + 10 * Math.floor(rng() * 19),
          venue: SJZ_VENUES[venue],
          // One event every four days from 20 April to early November.
          date: addDays('2024-04-20', i * 4),
          days: venue === 'build' ? 2 : 1,
          code: OCCUPATION_CODES[name] ?? OCCUPATION_CODES[name.replace(/（.*）$/, '')] ?? null,
        });
        // Early trades have held check-in, later ones are still reviewing registrations.
        trades.set(name, { trade: tr, phase: Math.floor((i * 3) / SJZ_TRADES.length) });
      });
      let n = 0;
      for (const w of workers) {
        if (!w.under.has('sjz') || w.person === chiefPerson || w.person === judgePerson) continue;
        const t = trades.get(w.trade);
        if (!t || rng() >= 0.75) continue;
        const r = rng();
        let status: EntrantStatus;
        if (n % 31 === 11) status = EntrantStatus.WITHDRAWN;
        else if (t.phase === 0) status = r < 0.8 ? EntrantStatus.CHECKED_IN : EntrantStatus.APPROVED;
        else if (t.phase === 1) status = r < 0.7 ? EntrantStatus.APPROVED : EntrantStatus.REGISTERED;
        else status = r < 0.75 ? EntrantStatus.REGISTERED : EntrantStatus.APPROVED;
        enter(t.trade, { person: w.person }, status);
        n += 1;
      }
      await tx.flush();
      log(`Seeding 2024年石家庄市职工职业技能大赛… ${trades.size} trades, ${n} entrants`);
      // The first trade under way gets a panel, lots and marks: a live board to look at.
      const [first] = [...trades.values()].filter((x) => x.phase === 0);
      const judge = accounts.get('judge1') ?? (await tx.findOne(Account, { username: 'judge1' }));
      const chief = accounts.get('chief1') ?? (await tx.findOne(Account, { username: 'chief1' }));
      if (first && judge && chief) {
        const { marked } = await seedJudging(tx as EntityManager, {
          tradeId: first.trade.id,
          competitionId: c.id,
          theoryWeight: first.trade.theoryWeight,
          judgeId: judge.id,
          chiefId: chief.id,
          judgeEmployerId: judgePerson.employer.id,
          rng,
        });
        log(`Seeding judging of ${first.trade.name}… lots drawn, ${marked} entrants marked`);
      }
    }

    // 1b. 西安: a contest on its day, under way (RUNNING, lots drawn, three judges, part of the
    // entrants marked): what the venue screen shows, and what `npm run demo:venue` plays on.
    {
      const c = competition({
        name: VENUE_COMPETITION,
        kind: CompetitionKind.SKILLS,
        year: 2024,
        host: 'xian',
        status: CompetitionStatus.RUNNING,
        description: '西安市总工会主办的职工职业技能大赛，焊工赛项今日在西安技师学院实训中心进行。',
        startsOn: '2024-05-18',
        endsOn: '2024-05-18',
        actor: 'xian',
      });
      const tr = trade(c, {
        name: VENUE_TRADE,
        theory: 30,
        capacity: 30,
        venue: '西安技师学院焊接实训中心',
        date: '2024-05-18',
        code: OCCUPATION_CODES['焊工'],
      });
      const pool = workers.filter(
        (w) => w.under.has('xian') && w.person !== chiefPerson && w.person !== judgePerson,
      );
      const chosen = pool.slice(0, 12);
      for (const w of chosen) enter(tr, { person: w.person }, EntrantStatus.CHECKED_IN);
      await tx.flush();
      const judge = accounts.get('judge1') ?? (await tx.findOne(Account, { username: 'judge1' }));
      const chief = accounts.get('chief1') ?? (await tx.findOne(Account, { username: 'chief1' }));
      const more = [
        accounts.get('judge2') ?? (await tx.findOne(Account, { username: 'judge2' })),
        accounts.get('judge3') ?? (await tx.findOne(Account, { username: 'judge3' })),
      ];
      if (judge && chief && more.every(Boolean)) {
        const { marked } = await seedJudging(tx as EntityManager, {
          tradeId: tr.id,
          competitionId: c.id,
          theoryWeight: tr.theoryWeight,
          judgeId: judge.id,
          chiefId: chief.id,
          judgeEmployerId: null,
          rng,
          moreJudgeIds: more.map((a) => a!.id),
          markLimit: 5,
          tolerance: 3,
        });
        log(
          `Seeding ${VENUE_COMPETITION} · ${VENUE_TRADE}… under way, ${chosen.length} entrants, ${marked} marked`,
        );
      }
    }

    // 2. 陕西: the key-project labor competition, with crews, teams and enterprises.
    {
      const c = competition({
        name: '2024年陕西省重点工程项目劳动竞赛',
        kind: CompetitionKind.LABOR,
        year: 2024,
        host: 'shaanxi',
        status: CompetitionStatus.RUNNING,
        description: SHAANXI_DESCRIPTION,
        startsOn: '2024-03-20',
        endsOn: '2024-12-31',
        actor: 'shaanxi',
      });
      const venue = '西安东站等全省重点项目建设现场';
      const projects = trade(c, {
        name: '重点项目建设赛',
        theory: 0,
        capacity: 100,
        venue,
        date: '2024-04-01',
        days: 270,
        code: null,
      });
      const crews = trade(c, {
        name: '班组建设赛',
        theory: 0,
        capacity: 1000,
        venue,
        date: '2024-04-01',
        days: 270,
        code: null,
      });
      for (const k of ['scg', 'crec', 'jiaokong', 'xiangshan']) {
        enter(projects, { enterprise: org(k) }, EntrantStatus.APPROVED);
      }
      const taken = new Set<Person>();
      const members = (k: string, wanted: [string, number][]): Person[] =>
        wanted.flatMap(([occupation, count]) => {
          const found = workers
            .filter((w) => w.org === org(k) && w.occupation === occupation && !taken.has(w.person))
            .slice(0, count)
            .map((w) => w.person);
          if (found.length < count) throw new Error(`Not enough ${occupation} at ${k} for a team`);
          found.forEach((p) => taken.add(p));
          return found;
        });
      // prettier-ignore
      const teams: [string, TeamKind, string, [string, number][], EntrantStatus][] = [
        ['秦岭隧道掘进班组', TeamKind.CREW, 'crec', [['盾构机操作工', 3], ['工程测量员', 1]], EntrantStatus.APPROVED],
        ['西安东站项目钢筋班组', TeamKind.CREW, 'crec', [['钢筋工', 3], ['焊工', 1]], EntrantStatus.APPROVED],
        ['西安东站站房混凝土班组', TeamKind.CREW, 'scg', [['混凝土工', 3], ['架子工', 1]], EntrantStatus.APPROVED],
        ['陕建青年突击队', TeamKind.TEAM, 'scg', [['砌筑工', 2], ['焊工', 2], ['电工', 1]], EntrantStatus.WITHDRAWN],
        ['路面养护班组', TeamKind.CREW, 'jiaokong', [['公路养护工', 4]], EntrantStatus.APPROVED],
        ['机电维护创新团队', TeamKind.TEAM, 'jiaokong', [['电工', 3], ['路产管理员', 1]], EntrantStatus.APPROVED],
      ];
      for (const [name, kind, k, wanted, status] of teams) {
        const team = tx.create(Team, { name, kind, organization: org(k) });
        for (const person of members(k, wanted)) tx.create(TeamMember, { team, person });
        enter(crews, { team }, status);
      }
      await tx.flush();
      log(`Seeding 2024年陕西省重点工程项目劳动竞赛… 2 trades, ${teams.length} teams, 4 enterprises`);
    }

    // 3. 西关街道: catering and tourism, scoring closed.
    {
      const c = competition({
        name: '2024年西关街道餐饮旅游行业职工技能比武',
        kind: CompetitionKind.SKILLS,
        year: 2024,
        host: 'xiguan',
        status: CompetitionStatus.SCORING_CLOSED,
        description: XIGUAN_DESCRIPTION,
        startsOn: '2024-09-10',
        endsOn: '2024-09-12',
        actor: 'xian',
      });
      const kitchen = '西关街道职工技能培训中心';
      const specs: TradeSpec[] = [
        { name: '中式烹调师', theory: 20, capacity: 40, venue: kitchen, date: '2024-09-10' },
        { name: '中式面点师', theory: 20, capacity: 30, venue: kitchen, date: '2024-09-10' },
        { name: '餐厅服务员', theory: 30, capacity: 30, venue: kitchen, date: '2024-09-11' },
        { name: '客房服务员', theory: 30, capacity: 20, venue: '西安玉祥门大酒店', date: '2024-09-11' },
        { name: '导游', theory: 30, capacity: 30, venue: '西安城墙安定门（西门）景区', date: '2024-09-12' },
        { name: '茶艺师', theory: 30, capacity: 20, venue: '西安劳动路茶社', date: '2024-09-12' },
      ];
      const trades = new Map(specs.map((t) => [t.name, trade(c, t)]));
      let n = 0;
      for (const w of workers) {
        const t = trades.get(w.trade);
        if (!w.under.has('xiguan') || !t) continue;
        const status =
          n === 5
            ? EntrantStatus.WITHDRAWN
            : n === 17
              ? EntrantStatus.DISQUALIFIED
              : EntrantStatus.CHECKED_IN;
        enter(t, { person: w.person }, status);
        n += 1;
      }
      await tx.flush();
      log(`Seeding 2024年西关街道餐饮旅游行业职工技能比武… ${trades.size} trades, ${n} entrants`);
    }

    // 4. 西安 2023: new-economy workers, results published.
    {
      const c = competition({
        name: '2023年西安市新业态劳动者技能竞赛',
        kind: CompetitionKind.SKILLS,
        year: 2023,
        host: 'xian',
        status: CompetitionStatus.PUBLISHED,
        description: XIAN_2023_DESCRIPTION,
        startsOn: '2023-10-20',
        endsOn: '2023-10-21',
        actor: 'xian',
      });
      const venue = '西安市职工技能实训基地';
      const trades = new Map(
        [
          { name: '快递员', theory: 30, capacity: 50, venue, date: '2023-10-20' },
          { name: '网约配送员', theory: 30, capacity: 50, venue, date: '2023-10-21' },
        ].map((t) => [t.name, trade(c, t)]),
      );
      let n = 0;
      for (const w of workers) {
        const t = trades.get(w.trade);
        if (!t || !(w.under.has('xa_express') || w.under.has('xa_delivery'))) continue;
        enter(t, { person: w.person }, n === 3 ? EntrantStatus.WITHDRAWN : EntrantStatus.CHECKED_IN);
        n += 1;
      }
      await tx.flush();
      log(`Seeding 2023年西安市新业态劳动者技能竞赛… ${trades.size} trades, ${n} entrants`);
    }

    // 5. 河南: the 安康杯 safety competition; the scale lives in the description.
    {
      const c = competition({
        name: '2024年河南省“安康杯”竞赛',
        kind: CompetitionKind.LABOR,
        year: 2024,
        host: 'henan',
        status: CompetitionStatus.RUNNING,
        description: HENAN_DESCRIPTION,
        startsOn: '2024-01-01',
        endsOn: '2024-12-31',
        actor: 'henan',
      });
      const t = trade(c, {
        name: '企业安全生产赛',
        theory: 30,
        capacity: 50000,
        venue: '河南省各参赛企业生产现场',
        date: '2024-03-01',
        days: 270,
        code: null,
      });
      const entrants: [string, EntrantStatus][] = [
        ['yuneng', EntrantStatus.APPROVED],
        ['zhongyu', EntrantStatus.APPROVED],
        ['zz_heavy', EntrantStatus.APPROVED],
        ['zz_build', EntrantStatus.APPROVED],
        ['zz_logistics', EntrantStatus.REGISTERED],
      ];
      for (const [k, status] of entrants) enter(t, { enterprise: org(k) }, status);
      await tx.flush();
      log(`Seeding 2024年河南省“安康杯”竞赛… 1 trade, ${entrants.length} enterprises`);
    }

    // 6. 北大荒: last year's spring-ploughing contest (archived) and next year's draft.
    {
      const c = competition({
        name: '2023年北大荒集团春耕生产劳动竞赛',
        kind: CompetitionKind.LABOR,
        year: 2023,
        host: 'bdh',
        status: CompetitionStatus.ARCHIVED,
        description: BDH_2023_DESCRIPTION,
        startsOn: '2023-04-01',
        endsOn: '2023-06-30',
        actor: 'beidahuang',
      });
      const t = trade(c, {
        name: '春耕生产赛',
        theory: 0,
        capacity: 20,
        venue: '北大荒集团各分公司生产现场',
        date: '2023-04-10',
        days: 60,
        code: null,
      });
      const farms = ['bdh_jsj', 'bdh_hxl', 'bdh_bql', 'bdh_js', 'bdh_mdj', 'bdh_wth', 'bdh_hs'];
      for (const k of farms) enter(t, { enterprise: org(k) }, EntrantStatus.APPROVED);

      const draft = competition({
        name: '2025年北大荒集团农业机械操作技能竞赛',
        kind: CompetitionKind.SKILLS,
        year: 2025,
        host: 'bdh',
        status: CompetitionStatus.DRAFT,
        description: BDH_2025_DESCRIPTION,
        startsOn: '2025-07-15',
        endsOn: '2025-07-17',
        actor: 'beidahuang',
      });
      const field = '北大荒集团建三江分公司七星农场现代农业示范区';
      trade(draft, { name: '农机驾驶操作员', theory: 20, capacity: 60, venue: field, date: '2025-07-15' });
      trade(draft, { name: '无人机驾驶员', theory: 30, capacity: 40, venue: field, date: '2025-07-16' });
      trade(draft, { name: '农业技术员', theory: 30, capacity: 40, venue: field, date: '2025-07-17' });
      await tx.flush();
      log(`Seeding 北大荒集团 competitions… 2 competitions, 4 trades, ${farms.length} enterprises`);
    }

    const st = await seedStudios(tx as EntityManager, { rng, org });
    log(
      `Seeding innovation studios… ${st.studios} studios (${st.bdhStudios} under 北大荒集团, ${st.named} named), ` +
        `${st.alliances} alliances, ${st.members} members, ${st.achievements} achievements, ${st.events} events; ` +
        `${st.enterprises} enterprises, ${st.people} workers and ${st.honors} honors added`,
    );
    const kj = await seedCampaign(tx as EntityManager, { rng, org, passwordHash });
    log(
      `Seeding ${kj.name}… ${kj.categories} categories, ${kj.submissions} submissions (${kj.ineligible} ineligible), ` +
        `${kj.rounds} rounds, awards ${Object.values(kj.awards).join('/')}; ${kj.studios} studios, ${kj.teams} crews, ` +
        `${kj.units} branches and ${kj.people} people added; ${kj.reviewAssignments} reviews, ${kj.marks} marks, ` +
        `${kj.auditEvents} audit events, ${kj.honors} honors; accounts ${kj.usernames.join(', ')} share the demo password`,
    );
    const rc = await chainDemoRegistry(tx as EntityManager);
    log(`Chaining the registry… ${rc.events} studio steps on ${rc.chains} host registry chains`);

    const summary: SeedSummary = {
      organizations: orderedOrgs.length,
      people: workers.length,
      honors: honorCount,
      competitions: competitionCount,
      trades: tradeCount,
      entrants: entrantCount,
      accounts: accounts.size,
      adminPassword,
    };
    log(
      `Demo data ready: ${summary.organizations} organizations, ${summary.people} people, ` +
        `${summary.honors} honors, ${summary.competitions} competitions, ${summary.trades} trades, ` +
        `${summary.entrants} entrants, ${summary.accounts} accounts`,
    );
    return summary;
  });
}
