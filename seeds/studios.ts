import type { EntityManager } from '@mikro-orm/postgresql';
import { Organization, OrganizationLevel } from '../src/modules/organization/organization.entity';
import { Gender, Honor, HonorKind, Person } from '../src/modules/person/person.entity';
import {
  Achievement,
  AchievementKind,
  Alliance,
  AssessmentResult,
  MemberRole,
  PatentStatus,
  PatentType,
  STUDIO_TRANSITIONS,
  Studio,
  StudioLevel,
  StudioStatus,
} from '../src/modules/studio/studio.entity';

/**
 * The innovation-studio registry of the demo data (劳模和工匠人才创新工作室), from the figures in
 * the domain notes: 北大荒集团's unions have named 107 studios and formed 5 studio alliances
 * (创新工作室联盟); 数字北大荒劳模工匠创新工作室 of 北大荒信息有限公司 is a provincial project;
 * 鹤山农场赵晓辉创新工作室 (九三分公司) and 梧桐河农场有限公司劳模创新工作室 are named in the article.
 * A few municipal studios in 石家庄 make the rollups differ by subtree.
 *
 * Studios are written the way the API writes them: the leader is employed under the host, the
 * naming union has the rank the level asks for, every lifecycle move (and every member set) is a
 * studio_event, assessments are ASSESSED events, achievements are attributed to members. The
 * farms and workers the studios need are added here. Deterministic: it draws on the demo's PRNG.
 */

export interface StudioSeedSummary {
  studios: number;
  /** Studios hosted under 北大荒农垦集团有限公司. */
  bdhStudios: number;
  /** Studios that were named (NAMED or, later, REVOKED). */
  named: number;
  alliances: number;
  members: number;
  events: number;
  achievements: number;
  /** Enterprises added under 北大荒集团. */
  enterprises: number;
  /** Workers added (leaders and members the hosts did not have yet). */
  people: number;
  /** Honors given to leaders who had none fitting their studio. */
  honors: number;
}

// ------------------------------------------------------------------ fields of work

interface FieldSpec {
  /** Occupations of the workers a studio of this field recruits. */
  occupations: string[];
  female: number;
  /** Topics for studios named after their work, e.g. 七星农场寒地水稻创新工作室. */
  topics: string[];
  /** Equipment and systems the studio improves: patents and technical innovations. */
  parts: string[];
  /** Cores of advanced operation methods (先进操作法), prefixed with the leader's name. */
  methods: string[];
  /** For methods and systems: patents titled 一种基于 + part + 的 + ending (and no design patents). */
  patentEndings?: string[];
}

const FIELDS: Record<string, FieldSpec> = {
  水稻种植: {
    occupations: ['农业技术员', '农业技术员', '农机驾驶操作员'],
    female: 0.2,
    topics: ['寒地水稻', '水稻育秧', '水稻智能浸种催芽', '水稻绿色种植', '水稻侧深施肥'],
    parts: ['水稻育秧大棚', '秧盘', '浸种催芽箱', '侧深施肥器', '插秧机秧箱', '稻田水位监测仪', '钵育摆栽机'],
    methods: ['水稻智能浸种催芽', '寒地水稻钵育摆栽', '水稻侧深施肥', '水稻叶龄诊断'],
  },
  旱田作物种植: {
    occupations: ['农业技术员', '农机驾驶操作员'],
    female: 0.15,
    topics: ['大豆高产栽培', '玉米密植高产', '大豆玉米带状复合种植', '旱田保护性耕作'],
    parts: ['大豆精量播种机', '玉米排种器', '中耕追肥机', '大豆收获割台', '垄作起垄器', '深松整地机'],
    methods: ['大豆窄行密植', '玉米精量播种', '大豆垄三栽培'],
  },
  种子检验: {
    occupations: ['种子检验员', '农业技术员'],
    female: 0.55,
    topics: ['种子检验', '良种繁育'],
    parts: ['种子发芽箱', '种子水分测定仪', '扦样器', '种子净度分析台', '考种装置'],
    methods: ['种子发芽率快速检测', '种子纯度田间鉴定'],
  },
  土壤肥料: {
    occupations: ['农业技术员'],
    female: 0.3,
    topics: ['黑土地保护', '测土配方施肥', '秸秆还田'],
    parts: ['土壤取样器', '秸秆还田机', '测土配方施肥机', '有机肥撒施机', '土壤墒情监测站'],
    methods: ['秸秆翻埋还田', '黑土地保护性耕作'],
  },
  农机: {
    occupations: ['农机驾驶操作员', '农机修理工', '农机修理工', '焊工'],
    female: 0.05,
    topics: ['农机维修', '智能农机', '大马力拖拉机维修', '收获机械改装', '农机具改装'],
    parts: [
      '拖拉机液压提升器',
      '收获机割台',
      '深松机铲柄',
      '播种机排种器',
      '旋耕机刀轴',
      '农机具挂接装置',
      '喷杆喷雾机',
    ],
    methods: ['大马力拖拉机液压故障排查', '收获机割台快速调整', '农机具精准对行作业'],
  },
  植保无人机: {
    occupations: ['无人机驾驶员', '无人机驾驶员', '农业技术员'],
    female: 0.15,
    topics: ['植保无人机', '航化作业', '飞防植保'],
    parts: ['植保无人机药箱', '无人机喷头', '无人机电池', '无人机起降平台', '药液配比装置'],
    methods: ['植保无人机变量喷施', '无人机飞防精准作业'],
  },
  数字农业: {
    occupations: ['网络与信息安全管理员', '人工智能训练师', '软件开发工程师', '农业数字化技术员'],
    female: 0.4,
    topics: ['数字农业', '农业物联网', '智慧农场', '卫星遥感监测', '农机北斗导航'],
    parts: [
      '农机北斗终端',
      '田间物联网监测站',
      '遥感影像分析系统',
      '农业数据中台',
      '智能灌溉控制系统',
      '农事作业监管平台',
    ],
    methods: ['农机北斗导航精准作业', '遥感影像地块识别', '农业数据快速治理'],
    patentEndings: ['农田数据采集方法', '作物长势监测方法', '农机作业调度方法', '病虫害预警方法'],
  },
  粮食仓储: {
    occupations: ['粮油保管员', '粮油保管员', '电工'],
    female: 0.3,
    topics: ['粮食仓储', '智能粮库', '粮食烘干', '储粮保管'],
    parts: ['粮仓通风系统', '粮情测控系统', '粮食烘干塔', '粮仓环流熏蒸装置', '输粮皮带机', '扦样机'],
    methods: ['储粮通风降温', '粮情测控巡检', '粮食烘干节能'],
  },
  农产品加工: {
    occupations: ['制米工', '制米工', '化学检验员'],
    female: 0.35,
    topics: ['大米加工', '粮油加工', '杂粮加工'],
    parts: ['砻谷机', '碾米机', '色选机', '大米抛光机', '稻壳输送装置', '包装码垛机'],
    methods: ['碾米精度控制', '色选机参数调校'],
  },
  乳品加工: {
    occupations: ['乳品加工工', '乳品加工工', '化学检验员', '奶牛饲养员'],
    female: 0.45,
    topics: ['乳品质量检测', '液态奶工艺', '奶粉生产', '奶牛养殖'],
    parts: ['杀菌机', '均质机', '灌装机', 'CIP清洗系统', '奶罐车取样器', '挤奶设备'],
    methods: ['乳品杀菌温度控制', 'CIP在线清洗'],
  },
  电力: {
    occupations: ['电工', '高压电工', '电力电缆安装运维工'],
    female: 0.05,
    topics: ['配电运维', '电力检修', '农网改造'],
    parts: ['配电变压器', '10千伏线路', '农网台区', '电力计量箱', '绝缘操作杆', '灌溉泵站供电系统'],
    methods: ['配电线路带电作业', '台区线损排查'],
  },
  水利: {
    occupations: ['泵站运行工', '灌排工程工'],
    female: 0.1,
    topics: ['农田水利', '灌区节水', '泵站运维', '水利工程'],
    parts: ['灌区量水设施', '泵站机组', '渠道闸门', '排涝泵站', '节水灌溉管网', '水位遥测站'],
    methods: ['泵站机组巡检', '灌区精准配水'],
  },
  // 石家庄
  电力安装: {
    occupations: ['电工', '高压电工'],
    female: 0.05,
    topics: ['电力安装', '电梯安装维修'],
    parts: ['电缆终端头', '配电柜', '电梯门机', '制冷机组'],
    methods: ['电缆终端头制作', '电梯门机调试'],
  },
  数控加工: {
    occupations: ['数控车工', '钳工'],
    female: 0.05,
    topics: ['数控加工', '模具制造'],
    parts: ['数控车床夹具', '模具顶出机构', '铣削刀具', '量检具'],
    methods: ['薄壁件数控车削', '模具快速修配'],
  },
};

/** Codes in the style of the national occupational classification (illustrative, as in demo.ts). */
const OCCUPATION_CODES: Record<string, string> = {
  农业技术员: '5-05-01-01',
  农机驾驶操作员: '5-05-02-01',
  无人机驾驶员: '4-99-00-00',
  网络与信息安全管理员: '4-04-04-02',
  人工智能训练师: '4-04-05-05',
  电工: '6-31-01-03',
  高压电工: '6-31-01-03',
  电力电缆安装运维工: '6-29-03-07',
  化学检验员: '6-31-03-01',
  焊工: '6-18-02-04',
  数控车工: '6-18-01-01',
  钳工: '6-20-01-01',
};

const PATENT_ENDINGS = [
  '防堵装置',
  '快速更换装置',
  '自动调节装置',
  '监测装置',
  '防护装置',
  '清洗装置',
  '辅助支架',
];
const INNOVATION_ENDINGS = ['改造', '节能改造', '智能化升级', '故障快速诊断', '结构优化', '国产化替代'];

// ------------------------------------------------------------------ hosts

interface HostSpec {
  /** Key of an organization of demo.ts, or of one added here. */
  key: string;
  /** For an enterprise added here: its full name and the key of its parent. */
  add?: { name: string; parent: string };
  short: string;
  /** The 分公司 it belongs to (its union may name enterprise studios). */
  branch: string | null;
  /** One studio per entry. */
  fields: string[];
}

// prettier-ignore
const BDH_HOSTS: HostSpec[] = [
  { key: 'bdh', short: '北大荒集团', branch: null, fields: ['土壤肥料', '水稻种植', '农机'] },
  { key: 'bdh_jsj', short: '建三江分公司', branch: 'bdh_jsj', fields: ['水稻种植', '农机', '植保无人机', '水利', '电力', '数字农业', '水稻种植'] },
  { key: 'bdh_hxl', short: '红兴隆分公司', branch: 'bdh_hxl', fields: ['旱田作物种植', '农机', '水利', '植保无人机', '电力', '土壤肥料'] },
  { key: 'bdh_bql', short: '宝泉岭分公司', branch: 'bdh_bql', fields: ['水稻种植', '农机', '电力', '水利', '植保无人机'] },
  { key: 'bdh_wth', short: '梧桐河农场', branch: 'bdh_bql', fields: ['种子检验', '水稻种植', '农机', '植保无人机', '水利'] },
  { key: 'bdh_js', short: '九三分公司', branch: 'bdh_js', fields: ['旱田作物种植', '农机', '土壤肥料', '电力', '农产品加工'] },
  { key: 'bdh_hs', short: '鹤山农场', branch: 'bdh_js', fields: ['数字农业', '旱田作物种植', '农机', '植保无人机', '种子检验'] },
  { key: 'bdh_mdj', short: '牡丹江分公司', branch: 'bdh_mdj', fields: ['水稻种植', '农机', '水利', '电力', '植保无人机', '农产品加工'] },
  { key: 'bdh_info', short: '北大荒信息公司', branch: null, fields: ['数字农业', '数字农业', '数字农业', '数字农业', '数字农业'] },
  { key: 'bdh_qx', add: { name: '黑龙江省七星农场有限公司', parent: 'bdh_jsj' }, short: '七星农场', branch: 'bdh_jsj',
    fields: ['水稻种植', '水稻种植', '水稻种植', '农机', '农机', '植保无人机', '水利', '电力', '数字农业'] },
  { key: 'bdh_cy', add: { name: '黑龙江省创业农场有限公司', parent: 'bdh_jsj' }, short: '创业农场', branch: 'bdh_jsj',
    fields: ['水稻种植', '水稻种植', '农机', '植保无人机', '水利', '种子检验'] },
  { key: 'bdh_yy', add: { name: '黑龙江省友谊农场有限公司', parent: 'bdh_hxl' }, short: '友谊农场', branch: 'bdh_hxl',
    fields: ['旱田作物种植', '旱田作物种植', '农机', '农机', '植保无人机', '电力', '土壤肥料'] },
  { key: 'bdh_853', add: { name: '黑龙江省八五三农场有限公司', parent: 'bdh_hxl' }, short: '八五三农场', branch: 'bdh_hxl',
    fields: ['水稻种植', '旱田作物种植', '农机', '水利', '植保无人机', '电力'] },
  { key: 'bdh_bqlf', add: { name: '黑龙江省宝泉岭农场有限公司', parent: 'bdh_bql' }, short: '宝泉岭农场', branch: 'bdh_bql',
    fields: ['水稻种植', '农机', '植保无人机', '水利', '种子检验', '电力'] },
  { key: 'bdh_jshan', add: { name: '黑龙江省尖山农场有限公司', parent: 'bdh_js' }, short: '尖山农场', branch: 'bdh_js',
    fields: ['旱田作物种植', '旱田作物种植', '农机', '植保无人机', '土壤肥料', '数字农业'] },
  { key: 'bdh_xkh', add: { name: '黑龙江省兴凯湖农场有限公司', parent: 'bdh_mdj' }, short: '兴凯湖农场', branch: 'bdh_mdj',
    fields: ['水稻种植', '水稻种植', '农机', '水利', '植保无人机', '电力'] },
  { key: 'bdh_grain', add: { name: '北大荒粮食集团有限公司', parent: 'bdh' }, short: '北大荒粮食集团', branch: null,
    fields: ['粮食仓储', '粮食仓储', '粮食仓储', '粮食仓储', '农产品加工', '农产品加工', '农产品加工', '电力'] },
  { key: 'bdh_agserv', add: { name: '北大荒农服集团有限公司', parent: 'bdh' }, short: '北大荒农服集团', branch: null,
    fields: ['农机', '农机', '农机', '农机', '植保无人机', '植保无人机', '数字农业'] },
  { key: 'bdh_wds', add: { name: '北大荒完达山乳业股份有限公司', parent: 'bdh' }, short: '完达山乳业', branch: null,
    fields: ['乳品加工', '乳品加工', '乳品加工', '乳品加工', '电力', '农产品加工'] },
];

/** Studios with a fixed name, level and naming (the first studio of their host). */
interface Special {
  host: string;
  name?: string;
  /** A leader to create under this name (else one is chosen at the host). */
  leaderName?: string;
  leaderGender?: Gender;
  level: StudioLevel;
  union: string;
  year: number;
}

const SPECIALS: Special[] = [
  // 北大荒信息有限公司工会重点打造的省级创新引领项目.
  {
    host: 'bdh_info',
    name: '数字北大荒劳模工匠创新工作室',
    level: StudioLevel.PROVINCIAL,
    union: 'heilongjiang',
    year: 2022,
  },
  // 九三分公司工会重点打造的鹤山农场赵晓辉创新工作室.
  {
    host: 'bdh_hs',
    name: '鹤山农场赵晓辉创新工作室',
    leaderName: '赵晓辉',
    leaderGender: Gender.MALE,
    level: StudioLevel.ENTERPRISE,
    union: 'bdh_js',
    year: 2021,
  },
  // 梧桐河农场有限公司劳模创新工作室 (种子检验室).
  {
    host: 'bdh_wth',
    name: '梧桐河农场有限公司劳模创新工作室',
    level: StudioLevel.ENTERPRISE,
    union: 'bdh_bql',
    year: 2020,
  },
  { host: 'bdh_qx', level: StudioLevel.PROVINCIAL, union: 'heilongjiang', year: 2021 },
  { host: 'bdh_agserv', level: StudioLevel.PROVINCIAL, union: 'heilongjiang', year: 2022 },
  { host: 'bdh_grain', level: StudioLevel.PROVINCIAL, union: 'heilongjiang', year: 2023 },
];

/** Naming rounds: the union names a batch of studios around 五一 by one document. */
const BDH_ROUNDS: Record<number, [string, string]> = {
  2019: ['2019-04-26', '北大荒工发〔2019〕18号'],
  2020: ['2020-04-28', '北大荒工发〔2020〕15号'],
  2021: ['2021-04-27', '北大荒工发〔2021〕21号'],
  2022: ['2022-04-27', '北大荒工发〔2022〕9号'],
  2023: ['2023-04-26', '北大荒工发〔2023〕12号'],
  2024: ['2024-04-26', '北大荒工发〔2024〕10号'],
};
const PROVINCE_ROUNDS: Record<number, [string, string]> = {
  2021: ['2021-04-29', '黑工发〔2021〕14号'],
  2022: ['2022-04-28', '黑工发〔2022〕11号'],
  2023: ['2023-04-27', '黑工发〔2023〕9号'],
};
/** Document prefixes of the 分公司 unions. */
const BRANCH_UNIONS: Record<string, string> = {
  bdh_jsj: '建分工发',
  bdh_hxl: '红分工发',
  bdh_bql: '宝分工发',
  bdh_js: '九分工发',
  bdh_mdj: '牡分工发',
};
/** Years enterprise studios were named in, weighted (the 2024 round is the latest). */
const NAMED_YEARS = [
  2019, 2019, 2020, 2020, 2021, 2021, 2021, 2022, 2022, 2022, 2022, 2023, 2023, 2023, 2023, 2024, 2024, 2024,
];

interface SjzSpec {
  host: string;
  short: string;
  field: string;
  status: StudioStatus;
  named?: [string, string];
}

const SJZ_STUDIOS: SjzSpec[] = [
  {
    host: '石家庄华电安装工程有限公司',
    short: '华电安装',
    field: '电力安装',
    status: StudioStatus.NAMED,
    named: ['2023-04-27', '石工发〔2023〕16号'],
  },
  {
    host: '石家庄恒信机械制造有限公司',
    short: '恒信机械',
    field: '数控加工',
    status: StudioStatus.NAMED,
    named: ['2024-04-28', '石工发〔2024〕21号'],
  },
  // One of the 100 municipal studios 石家庄 plans for 2024, still under review.
  {
    host: '石家庄正定现代农业发展有限公司',
    short: '正定农业',
    field: '植保无人机',
    status: StudioStatus.UNDER_REVIEW,
  },
];

interface AllianceSpec {
  name: string;
  fields: string[];
  /** Host key of the lead studio (its first studio), or null: the earliest named studio of the fields. */
  lead: string | null;
  foundedOn: string;
}

const ALLIANCES: AllianceSpec[] = [
  {
    name: '北大荒集团现代农业种植创新工作室联盟',
    fields: ['水稻种植', '旱田作物种植', '种子检验', '土壤肥料'],
    lead: 'bdh_qx',
    foundedOn: '2021-11-18',
  },
  {
    name: '北大荒集团智慧农业创新工作室联盟',
    fields: ['数字农业', '植保无人机'],
    lead: 'bdh_info',
    foundedOn: '2022-06-16',
  },
  { name: '北大荒集团农机装备创新工作室联盟', fields: ['农机'], lead: 'bdh_agserv', foundedOn: '2022-09-20' },
  { name: '北大荒集团水利电力创新工作室联盟', fields: ['电力', '水利'], lead: null, foundedOn: '2023-05-18' },
  {
    name: '北大荒集团粮食产业创新工作室联盟',
    fields: ['粮食仓储', '农产品加工', '乳品加工'],
    lead: 'bdh_grain',
    foundedOn: '2023-08-25',
  },
];

// ------------------------------------------------------------------ names

// prettier-ignore
const SURNAMES = [
  '王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙', '胡', '朱', '高', '林', '何', '郭',
  '马', '罗', '梁', '宋', '郑', '谢', '韩', '唐', '冯', '于', '董', '肖', '程', '曹', '袁', '邓', '许', '傅',
  '沈', '曾', '彭', '吕', '苏', '卢', '蒋', '蔡', '贾', '丁', '魏', '薛', '叶', '阎', '潘', '杜', '戴', '姜',
  '田', '任', '范', '方', '石', '姚', '谭', '邹', '金', '陆', '郝', '孔', '白', '崔', '康', '毛', '秦', '史',
  '侯', '邵', '孟', '段', '雷', '尹', '常', '武', '乔', '贺', '牛', '葛', '关', '佟', '隋', '栾',
];
// prettier-ignore
const MALE_CHARS = [
  '建', '国', '伟', '强', '军', '磊', '洋', '勇', '杰', '涛', '明', '超', '斌', '鹏', '辉', '华', '刚', '峰',
  '亮', '波', '宇', '浩', '凯', '东', '林', '平', '志', '海', '飞', '龙', '俊', '文', '健', '晨', '博', '鑫',
  '永', '春', '庆', '兵', '成', '新', '德', '宏', '振', '利', '忠', '光', '安', '荣', '祥', '垦', '丰', '江',
];
// prettier-ignore
const FEMALE_CHARS = [
  '丽', '娟', '敏', '静', '燕', '艳', '芳', '霞', '玲', '婷', '雪', '琳', '莉', '慧', '洁', '娜', '红', '梅',
  '兰', '颖', '倩', '秀', '英', '萍', '佳', '欣', '悦', '晶', '蕾', '媛', '丹', '璐', '月', '琴', '雯', '薇',
];

// ------------------------------------------------------------------ helpers

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** A moment in China Standard Time, as text for PostgreSQL. */
function at(date: string, time: string): string {
  return `${date}T${time}:00+08:00`;
}

/** Check digit of a Chinese patent application number (12 digits since 2003). */
function patentCheckDigit(digits: string): string {
  const weights = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5];
  const sum = [...digits].reduce((a, d, i) => a + Number(d) * weights[i]!, 0) % 11;
  return sum === 10 ? 'X' : String(sum);
}

interface Worker {
  person: Person;
  name: string;
  honors: Set<HonorKind>;
}

interface MemberPlan {
  worker: Worker;
  role: MemberRole;
  joinedOn: string;
}

interface Assessment {
  year: number;
  result: AssessmentResult;
  on: string;
}

interface Plan {
  host: Organization;
  hostShort: string;
  branch: string | null;
  field: string;
  spec: FieldSpec;
  special: Special | null;
  level: StudioLevel;
  status: StudioStatus;
  name: string;
  bdh: boolean;
  /** Account usernames acting for the host and for the naming union. */
  hostActor: string;
  unionActor: string;
  union: Organization | null;
  namedOn: string | null;
  document: string | null;
  appliedOn: string;
  reviewedOn: string | null;
  closedOn: string | null;
  closeReason: string | null;
  assessments: Assessment[];
  leader: Worker | null;
  members: MemberPlan[];
  studio: Studio | null;
}

// ------------------------------------------------------------------ the seeder

export async function seedStudios(
  tx: EntityManager,
  opts: { rng: () => number; org: (key: string) => Organization },
): Promise<StudioSeedSummary> {
  const { rng, org } = opts;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
  const int = (lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
  const chance = (p: number) => rng() < p;
  const shuffled = <T>(xs: readonly T[]): T[] => {
    const out = [...xs];
    for (let i = out.length - 1; i > 0; i -= 1) {
      const j = Math.floor(rng() * (i + 1));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  };
  const dayIn = (from: string, to: string): string => {
    const span = Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
    return addDays(from, span > 0 ? int(0, span) : 0);
  };
  const time = () => `${String(int(8, 16)).padStart(2, '0')}:${String(int(0, 5) * 10).padStart(2, '0')}`;

  // ---------------------------------------------------------- enterprises under 北大荒集团
  const orgs = new Map<string, Organization>();
  let enterprises = 0;
  for (const h of BDH_HOSTS) {
    if (h.add) {
      orgs.set(
        h.key,
        tx.create(Organization, {
          name: h.add.name,
          shortName: h.short,
          level: OrganizationLevel.ENTERPRISE,
          parent: orgs.get(h.add.parent) ?? org(h.add.parent),
        }),
      );
      enterprises += 1;
    } else {
      orgs.set(h.key, org(h.key));
    }
  }
  for (const s of SJZ_STUDIOS) orgs.set(s.host, org(s.host));
  const unionOf = (key: string) => orgs.get(key) ?? org(key);

  // ---------------------------------------------------------- who is there already
  const existingHosts = [...orgs.values()].filter((o) => o.id);
  const rows = await tx.execute<{ id: number; name: string; employer_id: number; kinds: HonorKind[] }[]>(
    `select p.id, p.name, p.employer_id,
            coalesce(array_agg(h.kind order by h.year desc, h.id) filter (where h.id is not null), '{}') as kinds
       from person p left join honor h on h.person_id = p.id
      where p.employer_id in (${existingHosts.map(() => '?').join(', ')})
      group by p.id order by p.id`,
    existingHosts.map((o) => o.id),
  );
  const usedNames = new Set(
    (await tx.execute<{ name: string }[]>('select distinct name from person')).map((r) => r.name),
  );
  const accountIds = new Map(
    (
      await tx.execute<{ id: number; username: string }[]>(
        `select id, username from account where username in ('admin', 'beidahuang', 'shijiazhuang')`,
      )
    ).map((r) => [r.username, r.id]),
  );
  const takenAlliances = new Set(
    (await tx.execute<{ name: string }[]>('select name from alliance')).map((r) => r.name),
  );

  /** Honored workers first (most honors first), then the others, in the order they were added. */
  const poolOf = new Map<Organization, Worker[]>();
  for (const o of orgs.values()) {
    const here = rows
      .filter((r) => r.employer_id === o.id)
      .map((r): Worker => ({
        person: tx.getReference(Person, r.id),
        name: r.name,
        honors: new Set(r.kinds),
      }));
    here.sort((a, b) => b.honors.size - a.honors.size);
    poolOf.set(o, here);
  }

  // ---------------------------------------------------------- new workers
  let people = 0;
  const makeName = (gender: Gender | null): string => {
    for (;;) {
      const surname = SURNAMES[Math.floor(rng() * rng() * SURNAMES.length)]!;
      const chars = gender === Gender.FEMALE ? FEMALE_CHARS : gender === Gender.MALE ? MALE_CHARS : null;
      const pool = chars ?? (chance(0.5) ? FEMALE_CHARS : MALE_CHARS);
      let given = pick(pool);
      if (chance(0.75)) given += pick(pool.filter((c) => c !== given));
      const name = surname + given;
      if (!usedNames.has(name)) {
        usedNames.add(name);
        return name;
      }
    }
  };
  const hire = (
    employer: Organization,
    spec: FieldSpec,
    kind: 'leader' | 'member' | 'apprentice',
    fixed?: { name: string; gender: Gender },
  ): Worker => {
    const female = chance(spec.female);
    const gender = fixed?.gender ?? (chance(0.92) ? (female ? Gender.FEMALE : Gender.MALE) : null);
    const name = fixed?.name ?? makeName(gender);
    usedNames.add(name);
    const occupation = pick(spec.occupations);
    const birthYear =
      kind === 'leader' ? int(1966, 1986) : kind === 'apprentice' ? int(1996, 2004) : int(1970, 1995);
    const person = tx.create(Person, {
      name,
      gender,
      birthYear: kind === 'member' && chance(0.1) ? null : birthYear,
      employer,
      occupation,
      occupationCode: OCCUPATION_CODES[occupation] ?? null,
    });
    people += 1;
    return { person, name, honors: new Set() };
  };

  // ---------------------------------------------------------- the studios, their level and fate
  const plans: Plan[] = [];
  const base = (host: Organization, hostShort: string, field: string) => ({
    host,
    hostShort,
    field,
    spec: FIELDS[field]!,
    union: null,
    namedOn: null,
    document: null,
    appliedOn: '',
    reviewedOn: null,
    closedOn: null,
    closeReason: null,
    assessments: [],
    leader: null,
    members: [],
    studio: null,
    name: '',
  });
  for (const h of BDH_HOSTS) {
    h.fields.forEach((field, i) => {
      const special = i === 0 ? (SPECIALS.find((s) => s.host === h.key) ?? null) : null;
      plans.push({
        ...base(orgs.get(h.key)!, h.short, field),
        branch: h.branch,
        special,
        level: special?.level ?? StudioLevel.ENTERPRISE,
        status: StudioStatus.NAMED,
        bdh: true,
        hostActor: 'beidahuang',
        unionActor: special?.level === StudioLevel.PROVINCIAL ? 'admin' : 'beidahuang',
      });
    });
  }
  for (const s of SJZ_STUDIOS) {
    plans.push({
      ...base(orgs.get(s.host)!, s.short, s.field),
      branch: null,
      special: null,
      level: StudioLevel.MUNICIPAL,
      status: s.status,
      bdh: false,
      hostActor: 'shijiazhuang',
      unionActor: 'shijiazhuang',
    });
  }

  // A few applications in progress, one rejected, two named and later revoked; the rest named.
  const ordinary = shuffled(plans.filter((p) => p.bdh && !p.special));
  const fates: StudioStatus[] = [
    StudioStatus.APPLIED,
    StudioStatus.APPLIED,
    StudioStatus.APPLIED,
    StudioStatus.UNDER_REVIEW,
    StudioStatus.UNDER_REVIEW,
    StudioStatus.UNDER_REVIEW,
    StudioStatus.REJECTED,
    StudioStatus.REVOKED,
    StudioStatus.REVOKED,
  ];
  fates.forEach((f, i) => (ordinary[i]!.status = f));
  let revokedSeen = 0;

  for (const p of plans) {
    const sjz = SJZ_STUDIOS.find((s) => s.host === p.host.name && s.field === p.field);
    // Naming: by the level's rank; an enterprise studio by 北大荒集团 or its 分公司.
    if (p.status === StudioStatus.NAMED || p.status === StudioStatus.REVOKED) {
      let year: number;
      if (sjz) {
        [p.namedOn, p.document] = sjz.named!;
        p.union = org('sjz');
        year = Number(p.namedOn.slice(0, 4));
      } else if (p.level === StudioLevel.PROVINCIAL) {
        year = p.special!.year;
        [p.namedOn, p.document] = PROVINCE_ROUNDS[year]!;
        p.union = unionOf(p.special!.union);
      } else {
        year =
          p.special?.year ?? (p.status === StudioStatus.REVOKED ? 2019 + revokedSeen++ : pick(NAMED_YEARS));
        const unionKey = p.special?.union ?? (p.branch && chance(0.4) ? p.branch : 'bdh');
        p.union = unionOf(unionKey);
        if (unionKey === 'bdh') {
          [p.namedOn, p.document] = BDH_ROUNDS[year]!;
        } else {
          const k = Object.keys(BRANCH_UNIONS).indexOf(unionKey);
          p.namedOn = `${year}-05-${String(8 + 3 * k).padStart(2, '0')}`;
          p.document = `${BRANCH_UNIONS[unionKey]}〔${year}〕${((year * 7 + k * 5) % 17) + 3}号`;
        }
      }
      p.appliedOn = addDays(p.namedOn, -int(70, 140));
      p.reviewedOn = addDays(p.namedOn, -int(15, 40));
      // Annual assessments (年度考核) for 2023 and 2024, early the next year.
      for (const y of [2023, 2024]) {
        if (p.namedOn > `${y}-06-30`) continue;
        const on = `${y + 1}-01-${String(int(10, 24)).padStart(2, '0')}`;
        let result = chance(0.85) ? AssessmentResult.PASS : AssessmentResult.NEEDS_IMPROVEMENT;
        if (p.status === StudioStatus.REVOKED) {
          // One failed 2023 and lost its name; the other was told to improve, then failed 2024.
          const firstRevoked = year === 2019;
          if (y === 2024 && firstRevoked) break;
          result =
            (firstRevoked && y === 2023) || y === 2024
              ? AssessmentResult.FAIL
              : AssessmentResult.NEEDS_IMPROVEMENT;
        }
        p.assessments.push({ year: y, result, on });
        if (result === AssessmentResult.FAIL) {
          p.closedOn = `${y + 1}-03-${String(int(10, 20)).padStart(2, '0')}`;
          p.closeReason = `${y}年度考核不合格，撤销创新工作室命名`;
          break;
        }
      }
    } else if (p.status === StudioStatus.REJECTED) {
      p.appliedOn = dayIn('2024-02-01', '2024-02-28');
      p.reviewedOn = addDays(p.appliedOn, int(10, 20));
      p.closedOn = BDH_ROUNDS[2024]![0];
      p.closeReason = '创新成果和示范带动作用不足，本批次不予命名';
    } else if (p.status === StudioStatus.UNDER_REVIEW) {
      p.appliedOn = sjz ? '2024-09-20' : dayIn('2024-10-08', '2024-11-29');
      p.reviewedOn = addDays(p.appliedOn, int(20, 45));
    } else {
      p.appliedOn = dayIn('2025-02-17', '2025-03-21');
    }
  }

  // ---------------------------------------------------------- leaders, members, names, honors
  let honors = 0;
  const honor = (w: Worker, kind: HonorKind, p: Plan) => {
    const provincial = p.level === StudioLevel.PROVINCIAL;
    // prettier-ignore
    const titles: Partial<Record<HonorKind, [string, OrganizationLevel, string]>> = p.bdh
      ? {
          MODEL_WORKER: provincial
            ? ['黑龙江省劳动模范', OrganizationLevel.PROVINCE, '黑龙江省人民政府']
            : ['北大荒集团劳动模范', OrganizationLevel.ENTERPRISE, '北大荒农垦集团有限公司'],
          CRAFTSMAN: provincial
            ? ['龙江工匠', OrganizationLevel.PROVINCE, '黑龙江省总工会']
            : ['北大荒工匠', OrganizationLevel.ENTERPRISE, '北大荒农垦集团有限公司工会'],
          TECHNICAL_EXPERT: ['黑龙江省技术能手', OrganizationLevel.PROVINCE, '黑龙江省人力资源和社会保障厅'],
          GOLD_MEDAL_WORKER: ['北大荒集团金牌工人', OrganizationLevel.ENTERPRISE, '北大荒农垦集团有限公司工会'],
        }
      : {
          MODEL_WORKER: ['石家庄市劳动模范', OrganizationLevel.CITY, '石家庄市人民政府'],
          CRAFTSMAN: ['燕赵工匠', OrganizationLevel.PROVINCE, '河北省总工会'],
          TECHNICAL_EXPERT: ['石家庄市技术能手', OrganizationLevel.CITY, '石家庄市人力资源和社会保障局'],
          GOLD_MEDAL_WORKER: ['石家庄市金牌工人', OrganizationLevel.CITY, '石家庄市总工会'],
        };
    const [title, level, awardingBody] = titles[kind]!;
    const before = Number((p.namedOn ?? p.appliedOn).slice(0, 4));
    tx.create(Honor, {
      person: w.person,
      kind,
      level,
      title,
      year: before - int(1, 5),
      awardingBody,
    });
    w.honors.add(kind);
    honors += 1;
  };

  const studioNames = new Set<string>();
  for (const p of plans) {
    const pool = poolOf.get(p.host)!;
    // The leader: an honored worker of the host if one is free, else a colleague or a new hire
    // (石家庄's studios are led by workers of the demo data).
    const fixed = p.special?.leaderName;
    const leader = fixed
      ? hire(p.host, p.spec, 'leader', { name: fixed, gender: p.special!.leaderGender ?? Gender.MALE })
      : pool[0]?.honors.size || (pool.length && (!p.bdh || chance(0.3)))
        ? pool.shift()!
        : hire(p.host, p.spec, 'leader');
    p.leader = leader;
    p.members.push({ worker: leader, role: MemberRole.LEADER, joinedOn: p.appliedOn });

    // The name follows the leader's standing: 劳模 → 劳模创新工作室, 工匠 → 工匠创新工作室.
    const topic = () => {
      for (const t of shuffled(p.spec.topics)) {
        const suffix = leader.honors.has(HonorKind.MODEL_WORKER)
          ? '劳模创新工作室'
          : leader.honors.has(HonorKind.CRAFTSMAN)
            ? '工匠创新工作室'
            : '创新工作室';
        const name = `${p.hostShort}${t}${suffix}`;
        if (!studioNames.has(name)) return name;
      }
      return `${p.hostShort}${leader.name}创新工作室`;
    };
    if (p.special?.name) {
      p.name = p.special.name;
      if (p.special.name.includes('劳模') && !leader.honors.has(HonorKind.MODEL_WORKER))
        honor(leader, HonorKind.MODEL_WORKER, p);
      if (p.special.name.includes('工匠') && !leader.honors.has(HonorKind.CRAFTSMAN))
        honor(leader, HonorKind.CRAFTSMAN, p);
      if (!leader.honors.size) honor(leader, HonorKind.MODEL_WORKER, p);
    } else if (leader.honors.has(HonorKind.MODEL_WORKER)) {
      p.name = chance(0.7) ? `${leader.name}劳模创新工作室` : topic();
    } else if (leader.honors.has(HonorKind.CRAFTSMAN)) {
      p.name = chance(0.7) ? `${leader.name}工匠创新工作室` : topic();
    } else if (leader.honors.size) {
      p.name = chance(0.5) ? `${leader.name}创新工作室` : topic();
    } else {
      const r = rng();
      if (r < 0.35 || p.level === StudioLevel.PROVINCIAL) {
        honor(leader, HonorKind.MODEL_WORKER, p);
        p.name = `${leader.name}劳模创新工作室`;
      } else if (r < 0.55) {
        honor(leader, HonorKind.CRAFTSMAN, p);
        p.name = `${leader.name}工匠创新工作室`;
      } else if (r < 0.65) {
        honor(leader, HonorKind.TECHNICAL_EXPERT, p);
        p.name = `${leader.name}高技能人才创新工作室`;
      } else {
        honor(leader, chance(0.5) ? HonorKind.GOLD_MEDAL_WORKER : HonorKind.TECHNICAL_EXPERT, p);
        p.name = topic();
      }
    }
    if (studioNames.has(p.name)) throw new Error(`Two demo studios are named ${p.name}`);
    studioNames.add(p.name);

    // Members: core members and members from the start, apprentices (徒弟) joining later.
    const pending = p.status !== StudioStatus.NAMED && p.status !== StudioStatus.REVOKED;
    const count = pending ? 2 : p.special ? int(4, 6) : pick([2, 3, 3, 4, 4, 4, 5, 5, 6]);
    const apprentices = pending || count < 3 ? 0 : int(count >= 5 ? 1 : 0, 2);
    for (let j = 0; j < count; j += 1) {
      const apprentice = j >= count - apprentices;
      const role = apprentice
        ? MemberRole.APPRENTICE
        : j === 0 || (j === 1 && count >= 4)
          ? MemberRole.CORE
          : MemberRole.MEMBER;
      // Colleagues without honors join first; honored ones are kept to lead the next studios.
      const worker =
        !apprentice && pool.length && !pool.at(-1)!.honors.size
          ? pool.pop()!
          : hire(p.host, p.spec, apprentice ? 'apprentice' : 'member');
      let joinedOn = p.appliedOn;
      if (apprentice) {
        const until = p.closedOn ? addDays(p.closedOn, -60) : '2024-11-30';
        joinedOn = dayIn(
          addDays(p.namedOn!, 30),
          until < addDays(p.namedOn!, 30) ? addDays(p.namedOn!, 30) : until,
        );
      }
      p.members.push({ worker, role, joinedOn });
    }
  }

  // ---------------------------------------------------------- the rows, through the ORM
  for (const p of plans) {
    const last = p.assessments.at(-1);
    const lastEvent = p.closedOn ?? last?.on ?? p.namedOn ?? p.reviewedOn ?? p.appliedOn;
    p.studio = tx.create(Studio, {
      name: p.name,
      host: p.host,
      level: p.level,
      field: p.field,
      leader: p.leader!.person,
      status: p.status,
      namedOn: p.namedOn,
      namingUnion: p.union,
      documentNumber: p.document,
      lastAssessment: last?.result ?? null,
      lastAssessmentYear: last?.year ?? null,
      createdAt: new Date(at(p.appliedOn, '09:00')),
      updatedAt: new Date(at(lastEvent, '10:00')),
    });
  }

  // Alliances of named studios across enterprises, each with a lead studio.
  const alliances: { alliance: Alliance; studios: Plan[] }[] = [];
  for (const a of ALLIANCES) {
    const named = plans
      .filter((p) => p.bdh && p.status === StudioStatus.NAMED && a.fields.includes(p.field))
      .sort((x, y) => (x.namedOn! < y.namedOn! ? -1 : x.namedOn! > y.namedOn! ? 1 : 0));
    const lead = a.lead ? named.find((p) => p.host === orgs.get(a.lead!) && p.special) : named[0];
    if (!lead || lead.namedOn! > a.foundedOn) throw new Error(`${a.name} has no lead studio named before it`);
    const studios = [lead, ...named.filter((p) => p !== lead)].slice(0, 30);
    if (studios.length < 10) throw new Error(`${a.name} has only ${studios.length} studios`);
    let name = a.name;
    for (let k = 2; takenAlliances.has(name); k += 1) name = `${a.name}（${k}）`;
    takenAlliances.add(name);
    alliances.push({
      alliance: tx.create(Alliance, { name, leadStudio: lead.studio!, foundedOn: a.foundedOn }),
      studios,
    });
  }

  // Achievements of named studios, year by year while named, attributed to members.
  const achievements: { achievement: Achievement; by: Worker[] }[] = [];
  const patentNumbers = new Set<string>();
  for (const p of plans) {
    if (!p.namedOn) continue;
    const used = new Set<string>();
    const fresh = (make: () => string): string | null => {
      for (let k = 0; k < 8; k += 1) {
        const title = make();
        if (!used.has(title)) {
          used.add(title);
          return title;
        }
      }
      return null;
    };
    const founders = p.members.filter((m) => m.role !== MemberRole.APPRENTICE).map((m) => m.worker);
    const team = (n: number) => [founders[0]!, ...shuffled(founders.slice(1)).slice(0, n - 1)];
    const scale = p.level === StudioLevel.PROVINCIAL ? 3 : p.level === StudioLevel.MUNICIPAL ? 2 : 1;
    const add = (kind: AchievementKind, title: string | null, on: string, by: Worker[], extra = {}) => {
      if (!title) return;
      achievements.push({
        achievement: tx.create(Achievement, { studio: p.studio!, kind, title, achievedOn: on, ...extra }),
        by,
      });
    };
    const namedYear = Number(p.namedOn.slice(0, 4));
    const endYear = p.closedOn ? Number(p.closedOn.slice(0, 4)) - 1 : 2024;
    for (let y = Math.max(namedYear, 2021); y <= endYear; y += 1) {
      const from = y === namedYear ? addDays(p.namedOn, 20) : `${y}-01-06`;
      const to = `${y}-12-20`;
      const on = () => dayIn(from, to);
      for (let k = int(1, 2); k > 0; k -= 1) {
        add(
          AchievementKind.TECHNICAL_INNOVATION,
          fresh(() => `${pick(p.spec.parts)}${pick(INNOVATION_ENDINGS)}`),
          on(),
          team(int(1, 3)),
        );
      }
      for (let k = int(0, scale === 1 ? 2 : 3); k > 0; k -= 1) {
        const methods = p.spec.patentEndings;
        const type = chance(0.2)
          ? PatentType.INVENTION
          : methods || chance(0.9)
            ? PatentType.UTILITY_MODEL
            : PatentType.DESIGN;
        const title = fresh(() =>
          type === PatentType.DESIGN
            ? pick(p.spec.parts)
            : methods
              ? `一种基于${pick(p.spec.parts)}的${pick(methods)}`
              : `一种${pick(p.spec.parts)}${pick(PATENT_ENDINGS)}`,
        );
        // Utility models and designs are granted within a year; inventions take two or three.
        const status =
          type === PatentType.INVENTION
            ? y <= 2021
              ? PatentStatus.GRANTED
              : PatentStatus.FILED
            : y === 2024 && chance(0.5)
              ? PatentStatus.FILED
              : y <= 2021 && chance(0.15)
                ? PatentStatus.LAPSED
                : PatentStatus.GRANTED;
        let digits: string;
        do {
          digits = `${y}${type === PatentType.INVENTION ? 1 : type === PatentType.UTILITY_MODEL ? 2 : 3}${String(int(0, 9_999_999)).padStart(7, '0')}`;
        } while (patentNumbers.has(digits));
        patentNumbers.add(digits);
        const number = `${status === PatentStatus.FILED ? '' : 'ZL'}${digits}.${patentCheckDigit(digits)}`;
        add(AchievementKind.PATENT, title, on(), team(int(1, 3)), {
          patentNumber: number,
          patentType: type,
          patentStatus: status,
        });
      }
      if (chance(0.4)) {
        add(
          AchievementKind.OPERATION_METHOD,
          fresh(() => `${p.leader!.name}${pick(p.spec.methods)}操作法`),
          on(),
          [p.leader!],
        );
      }
      if (y >= 2022 && (y > namedYear || p.namedOn < `${y}-07-01`)) {
        const benefit = (int(30, 600) * 10_000 + int(0, 99) * 100) * scale;
        add(AchievementKind.ECONOMIC_BENEFIT, `${y}年度创新成果创造经济效益`, `${y}-12-31`, [p.leader!], {
          benefitYuan: benefit,
        });
      }
      if (y >= 2023) {
        add(AchievementKind.APPRENTICES, `${y}年度师带徒`, `${y}-12-25`, team(int(1, 2)), {
          apprentices: int(3, 24) * scale,
        });
      }
      if (chance(0.3)) {
        const award = p.bdh
          ? pick([
              `${y}年度北大荒集团职工“五小”创新成果一等奖`,
              `${y}年度北大荒集团职工“五小”创新成果二等奖`,
              `${y}年度北大荒集团优秀劳模创新工作室`,
              `${y}年度黑龙江省职工技术创新成果三等奖`,
            ])
          : `${y}年度石家庄市职工技术创新成果奖`;
        add(
          AchievementKind.AWARD,
          fresh(() => award),
          dayIn(`${y}-10-15`, `${y}-12-28`),
          team(2),
        );
      }
    }
  }

  await tx.flush();

  // ---------------------------------------------------------- members, history, alliance members, authors
  const memberRows = plans.flatMap((p) =>
    p.members.map((m) => ({
      studio_id: p.studio!.id,
      person_id: m.worker.person.id,
      role: m.role,
      joined_on: m.joinedOn,
    })),
  );
  interface EventRow {
    studio_id: number;
    kind: string;
    from_status: StudioStatus | null;
    to_status: StudioStatus | null;
    details: Record<string, unknown>;
    actor_id: number | null;
    at: string;
  }
  const events: EventRow[] = [];
  for (const p of plans) {
    const ev = (
      kind: string,
      on: string,
      hhmm: string,
      details: Record<string, unknown>,
      actor: string,
      from: StudioStatus | null = null,
      to: StudioStatus | null = null,
    ) => {
      if (from && to && !STUDIO_TRANSITIONS[from].includes(to))
        throw new Error(`${from} → ${to} is not allowed`);
      events.push({
        studio_id: p.studio!.id,
        kind,
        from_status: from,
        to_status: to,
        details,
        actor_id: accountIds.get(actor) ?? null,
        at: at(on, hhmm),
      });
    };
    const S = StudioStatus;
    ev('APPLIED', p.appliedOn, '09:00', { level: p.level }, p.hostActor, null, S.APPLIED);
    for (const m of p.members) {
      if (m.role === MemberRole.LEADER) continue;
      ev(
        'MEMBER_SET',
        m.joinedOn,
        m.joinedOn === p.appliedOn ? '09:30' : time(),
        { personId: m.worker.person.id, role: m.role },
        p.hostActor,
      );
    }
    if (p.reviewedOn) ev('UNDER_REVIEW', p.reviewedOn, '10:00', {}, p.hostActor, S.APPLIED, S.UNDER_REVIEW);
    if (p.status === S.REJECTED) {
      ev(
        'REJECTED',
        p.closedOn!,
        '10:00',
        { reason: p.closeReason },
        p.unionActor,
        S.UNDER_REVIEW,
        S.REJECTED,
      );
    }
    if (p.namedOn) {
      ev(
        'NAMED',
        p.namedOn,
        '10:00',
        { namedOn: p.namedOn, namingUnionId: p.union!.id, documentNumber: p.document },
        p.unionActor,
        S.UNDER_REVIEW,
        S.NAMED,
      );
      for (const a of p.assessments) {
        const notes =
          a.result === AssessmentResult.PASS
            ? `${a.year}年度考核合格`
            : a.result === AssessmentResult.NEEDS_IMPROVEMENT
              ? `${a.year}年度创新成果转化不足，限期整改`
              : `${a.year}年度未开展创新活动，考核不合格`;
        ev('ASSESSED', a.on, '14:00', { year: a.year, result: a.result, notes }, p.unionActor);
      }
      if (p.status === S.REVOKED) {
        ev('REVOKED', p.closedOn!, '10:00', { reason: p.closeReason }, p.unionActor, S.NAMED, S.REVOKED);
      }
    }
  }
  // Ids in the order things happened: the history reads in id order.
  events.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const allianceRows = alliances.flatMap(({ alliance, studios }) =>
    studios.map((p) => ({ alliance_id: alliance.id, studio_id: p.studio!.id })),
  );
  const authorRows = achievements.flatMap(({ achievement, by }) =>
    [...new Set(by)].map((w) => ({ achievement_id: achievement.id, person_id: w.person.id })),
  );

  await tx.execute(
    `insert into studio_member (studio_id, person_id, role, joined_on)
     select studio_id, person_id, role, joined_on
       from jsonb_to_recordset(?::jsonb) as x(studio_id int, person_id int, role text, joined_on date)`,
    [JSON.stringify(memberRows)],
  );
  await tx.execute(
    `insert into studio_event (studio_id, kind, from_status, to_status, details, actor_id, at)
     select studio_id, kind, from_status, to_status, details, actor_id, at
       from rows from (jsonb_to_recordset(?::jsonb) as (studio_id int, kind text, from_status text,
            to_status text, details jsonb, actor_id int, at timestamptz))
            with ordinality as x(studio_id, kind, from_status, to_status, details, actor_id, at, n)
      order by n`,
    [JSON.stringify(events)],
  );
  await tx.execute(
    `insert into alliance_member (alliance_id, studio_id)
     select alliance_id, studio_id from jsonb_to_recordset(?::jsonb) as x(alliance_id int, studio_id int)`,
    [JSON.stringify(allianceRows)],
  );
  await tx.execute(
    `insert into achievement_person (achievement_id, person_id)
     select achievement_id, person_id from jsonb_to_recordset(?::jsonb) as x(achievement_id int, person_id int)`,
    [JSON.stringify(authorRows)],
  );

  return {
    studios: plans.length,
    bdhStudios: plans.filter((p) => p.bdh).length,
    named: plans.filter((p) => p.namedOn).length,
    alliances: alliances.length,
    members: memberRows.length,
    events: events.length,
    achievements: achievements.length,
    enterprises,
    people,
    honors,
  };
}
