import type { EntityManager } from '@mikro-orm/postgresql';
import { Role } from '../src/modules/account/account.entity';
import { type AuditKind, GENESIS_HASH, hashEvent } from '../src/modules/audit/audit.service';
import { recordCampaignHonors } from '../src/modules/campaign/honors';
import { AdvanceBy, RoundKind } from '../src/modules/campaign/campaign.types';
import { COMPETITION_TRANSITIONS, CompetitionStatus } from '../src/modules/competition/competition.entity';
import { refreshBoard } from '../src/modules/leaderboard/board-write';
import type { Organization } from '../src/modules/organization/organization.entity';
import { Gender, HonorKind } from '../src/modules/person/person.entity';
import { assignReviewers } from '../src/modules/scoring/assignment';
import { commitmentOf, drawNumbers, lotDigits } from '../src/modules/scoring/lots';
import type { ResultsRules } from '../src/modules/scoring/results-rules';
import { computeTradeResults, type TradeResults } from '../src/modules/scoring/results.service';
import type { MarkingScheme } from '../src/modules/scoring/scheme';
import { validateScheme } from '../src/modules/scoring/scheme-validation';
import {
  MemberRole,
  STUDIO_TRANSITIONS,
  StudioLevel,
  StudioStatus,
} from '../src/modules/studio/studio.entity';
import { pgArray } from '../src/shared/db/paging';

/**
 * The demo innovation campaign, after 陕西交控运营管理公司工会's first worker science-and-technology
 * festival (首届职工科技节, July to October 2024, theme 创新发展、降本增效): 151 entries in four
 * categories across road maintenance, toll electromechanics, safety and road-asset protection;
 * eligibility review, blind expert scoring, presentations with Q&A (项目讲解、问题答疑), a final
 * round, and 10 projects, 5 videos, 5 methods and 5 studios awarded.
 *
 * Written the way the API writes it (the campaign set-up, submissions, review-panel, lots, marks,
 * re-check and publication services): rounds are trades with marking schemes and results rules; eligible
 * submissions enter round 1 as checked-in entrants; reviewers are assigned with the service's
 * balanced, conflict-free algorithm (a judge never reviews an entry of their own unit or of a
 * studio they belong to); lots are drawn with committed seeds; marks carry MARK_CREATED audit
 * events; boards are refreshed; the lead judge locks each round; the top N go on with
 * round_advance rows; results are published (identities revealed) and made final, and the
 * winners' honors recorded (honors.ts). The campaign's audit chain is hashed exactly as
 * `appendAudit` hashes it, written in one batch with the dates things happened on.
 *
 * The enterprise gets the branches, workers, crews and studios a festival of this size needs;
 * eight expert judges and a lead judge get accounts. Deterministic: it draws on the demo's PRNG.
 */

export interface CampaignSeedSummary {
  competitionId: number;
  name: string;
  categories: number;
  submissions: number;
  ineligible: number;
  rounds: number;
  /** Awarded per category code, from the final rounds' results. */
  awards: Record<string, number>;
  units: number;
  people: number;
  teams: number;
  studios: number;
  judges: number;
  reviewAssignments: number;
  marks: number;
  auditEvents: number;
  honors: number;
  studioAwards: number;
  /** Usernames of the accounts added (organizer, experts, lead judge). */
  usernames: string[];
}

type Domain = '道路养护' | '收费机电' | '安全生产' | '路产保护';

// ------------------------------------------------------------------ the enterprise's units

interface UnitSpec {
  key: string;
  name: string;
  short: string;
  staff: [string, number][];
}

const REGIONAL: [string, number][] = [
  ['公路养护工', 3],
  ['收费员', 3],
  ['电工', 2],
  ['路产管理员', 2],
  ['安全员', 2],
];

const UNITS: UnitSpec[] = [
  { key: 'xa', name: '陕西交控运营管理公司西安分公司', short: '西安分公司', staff: REGIONAL },
  { key: 'bj', name: '陕西交控运营管理公司宝鸡分公司', short: '宝鸡分公司', staff: REGIONAL },
  { key: 'hz', name: '陕西交控运营管理公司汉中分公司', short: '汉中分公司', staff: REGIONAL },
  { key: 'yl', name: '陕西交控运营管理公司榆林分公司', short: '榆林分公司', staff: REGIONAL },
  { key: 'ya', name: '陕西交控运营管理公司延安分公司', short: '延安分公司', staff: REGIONAL },
  { key: 'sl', name: '陕西交控运营管理公司商洛分公司', short: '商洛分公司', staff: REGIONAL },
  {
    key: 'jd',
    name: '陕西交控运营管理公司机电信息分公司',
    short: '机电信息分公司',
    staff: [
      ['电工', 8],
      ['收费员', 2],
      ['安全员', 1],
    ],
  },
  {
    key: 'yh',
    name: '陕西交控运营管理公司养护工程分公司',
    short: '养护工程分公司',
    staff: [
      ['公路养护工', 8],
      ['工程测量员', 2],
      ['安全员', 2],
    ],
  },
];

const OCCUPATION_CODES: Record<string, string> = {
  公路养护工: '6-29-04-01',
  电工: '6-31-01-03',
  工程测量员: '4-08-03-04',
};

const FEMALE_SHARE: Record<string, number> = { 收费员: 0.7, 安全员: 0.2, 路产管理员: 0.15 };

function domainOf(occupation: string, coin: number): Domain {
  if (occupation === '公路养护工' || occupation === '工程测量员') return '道路养护';
  if (occupation === '电工') return '收费机电';
  if (occupation === '路产管理员') return '路产保护';
  if (occupation === '收费员') return coin < 0.5 ? '收费机电' : '安全生产';
  return '安全生产';
}

// prettier-ignore
const SURNAMES = [
  '王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙', '胡', '朱', '高', '林', '何', '郭',
  '马', '罗', '梁', '宋', '郑', '谢', '韩', '唐', '冯', '于', '董', '肖', '程', '曹', '袁', '邓', '许', '傅',
  '雷', '贺', '党', '樊', '薛', '屈', '惠', '寇', '田', '任', '姚', '师', '白', '杜', '魏', '侯', '史', '常',
];
// prettier-ignore
const MALE_CHARS = [
  '建', '国', '伟', '强', '军', '磊', '洋', '勇', '杰', '涛', '明', '超', '斌', '鹏', '辉', '华', '刚', '峰',
  '亮', '波', '宇', '浩', '凯', '东', '林', '平', '志', '海', '飞', '龙', '俊', '文', '健', '晨', '博', '鑫',
];
// prettier-ignore
const FEMALE_CHARS = [
  '丽', '娟', '敏', '静', '燕', '艳', '芳', '霞', '玲', '婷', '雪', '琳', '莉', '慧', '洁', '娜', '红', '梅',
  '兰', '颖', '倩', '秀', '英', '萍', '佳', '欣', '悦', '晶', '蕾', '媛', '丹', '璐', '月', '琴', '雯', '薇',
];

// ------------------------------------------------------------------ the experts

interface ExpertSpec {
  username: string;
  /** A unit of the enterprise, or an enterprise elsewhere in the demo tree. */
  unit?: string;
  elsewhere?: string;
  occupation: string;
  gender: Gender;
  /** Key of a studio of the enterprise the expert is a member of (技术顾问). */
  studio?: string;
}

const EXPERTS: ExpertSpec[] = [
  { username: 'jk_expert1', unit: 'jd', occupation: '机电高级工程师', gender: Gender.MALE, studio: 'S9' },
  { username: 'jk_expert2', unit: 'yh', occupation: '道路桥梁高级工程师', gender: Gender.MALE },
  { username: 'jk_expert3', unit: 'xa', occupation: '注册安全工程师', gender: Gender.FEMALE, studio: 'S2' },
  { username: 'jk_expert4', unit: 'bj', occupation: '路政管理高级主管', gender: Gender.MALE },
  { username: 'jk_expert5', elsewhere: 'crec', occupation: '桥隧高级工程师', gender: Gender.MALE },
  { username: 'jk_expert6', elsewhere: 'crec', occupation: '隧道机电高级工程师', gender: Gender.MALE },
  { username: 'jk_expert7', elsewhere: 'scg', occupation: '安全管理高级工程师', gender: Gender.FEMALE },
  { username: 'jk_expert8', elsewhere: 'scg', occupation: '电气高级工程师', gender: Gender.MALE },
];

// ------------------------------------------------------------------ crews and studios

interface TeamSpec {
  name: string;
  unit: string;
  kind: 'TEAM' | 'CREW';
  domain: Domain;
  size: number;
}

/** The two crews of the key-project competition at the head office take part too (found by name). */
const EXISTING_TEAMS: { name: string; domain: Domain }[] = [
  { name: '路面养护班组', domain: '道路养护' },
  { name: '机电维护创新团队', domain: '收费机电' },
];

const TEAMS: TeamSpec[] = [
  { name: '西安分公司路面养护QC小组', unit: 'xa', kind: 'TEAM', domain: '道路养护', size: 3 },
  { name: '西安分公司收费机电维护班', unit: 'xa', kind: 'CREW', domain: '收费机电', size: 3 },
  { name: '宝鸡分公司路政大队创新小组', unit: 'bj', kind: 'TEAM', domain: '路产保护', size: 3 },
  { name: '汉中分公司隧道机电运维班', unit: 'hz', kind: 'CREW', domain: '收费机电', size: 3 },
  { name: '汉中分公司秦岭隧道安全保畅组', unit: 'hz', kind: 'TEAM', domain: '安全生产', size: 3 },
  { name: '榆林分公司冬季除雪保畅突击队', unit: 'yl', kind: 'TEAM', domain: '道路养护', size: 4 },
  { name: '延安分公司收费站安全管理小组', unit: 'ya', kind: 'TEAM', domain: '安全生产', size: 3 },
  { name: '商洛分公司路产巡查班', unit: 'sl', kind: 'CREW', domain: '路产保护', size: 3 },
  { name: '机电信息分公司ETC门架运维创新团队', unit: 'jd', kind: 'TEAM', domain: '收费机电', size: 4 },
  { name: '机电信息分公司通信监控维护班', unit: 'jd', kind: 'CREW', domain: '收费机电', size: 4 },
  { name: '养护工程分公司桥梁养护技术攻关组', unit: 'yh', kind: 'TEAM', domain: '道路养护', size: 4 },
  { name: '养护工程分公司沥青路面预防性养护QC小组', unit: 'yh', kind: 'TEAM', domain: '道路养护', size: 4 },
];

interface StudioSpec {
  key: string;
  unit: string;
  domain: Domain;
  /** The name; `{leader}` is replaced by the leader's name. */
  name: string;
  level: StudioLevel;
  namedOn: string;
  document: string;
  /** The honor the name asks of the leader, given when the leader has none of that kind. */
  honor?: [HonorKind, string, string, string, number];
}

const JK = '陕西交控运营管理公司';
const MODEL: [HonorKind, string, string, string, number] = [
  HonorKind.MODEL_WORKER,
  '陕西省劳动模范',
  'PROVINCE',
  '陕西省人民政府',
  2020,
];

const STUDIOS: StudioSpec[] = [
  {
    key: 'S1',
    unit: 'hq',
    domain: '收费机电',
    name: '{leader}劳模创新工作室',
    level: StudioLevel.PROVINCIAL,
    namedOn: '2021-04-26',
    document: '陕工发〔2021〕9号',
    honor: MODEL,
  },
  {
    key: 'S2',
    unit: 'hq',
    domain: '安全生产',
    name: '交控运营安全生产创新工作室',
    level: StudioLevel.ENTERPRISE,
    namedOn: '2022-05-10',
    document: '陕交控运工〔2022〕15号',
  },
  {
    key: 'S3',
    unit: 'jd',
    domain: '收费机电',
    name: '{leader}工匠创新工作室',
    level: StudioLevel.PROVINCIAL,
    namedOn: '2022-04-27',
    document: '陕工发〔2022〕11号',
    honor: [HonorKind.CRAFTSMAN, '三秦工匠', 'PROVINCE', '陕西省总工会', 2021],
  },
  {
    key: 'S4',
    unit: 'jd',
    domain: '收费机电',
    name: '机电信息分公司ETC门架运维创新工作室',
    level: StudioLevel.ENTERPRISE,
    namedOn: '2023-05-12',
    document: '陕交控运工〔2023〕21号',
  },
  {
    key: 'S5',
    unit: 'yh',
    domain: '道路养护',
    name: '{leader}工匠创新工作室',
    level: StudioLevel.ENTERPRISE,
    namedOn: '2021-05-14',
    document: '陕交控运工〔2021〕12号',
    honor: [HonorKind.CRAFTSMAN, '交控工匠', 'ENTERPRISE', JK, 2020],
  },
  {
    key: 'S6',
    unit: 'yh',
    domain: '道路养护',
    name: '养护工程分公司桥隧养护创新工作室',
    level: StudioLevel.ENTERPRISE,
    namedOn: '2022-05-10',
    document: '陕交控运工〔2022〕15号',
  },
  {
    key: 'S7',
    unit: 'xa',
    domain: '道路养护',
    name: '西安分公司路面快速修补创新工作室',
    level: StudioLevel.ENTERPRISE,
    namedOn: '2023-05-12',
    document: '陕交控运工〔2023〕21号',
  },
  {
    key: 'S8',
    unit: 'bj',
    domain: '路产保护',
    name: '宝鸡分公司路产保护创新工作室',
    level: StudioLevel.ENTERPRISE,
    namedOn: '2022-05-10',
    document: '陕交控运工〔2022〕15号',
  },
  {
    key: 'S9',
    unit: 'hz',
    domain: '收费机电',
    name: '汉中分公司秦岭隧道机电创新工作室',
    level: StudioLevel.ENTERPRISE,
    namedOn: '2023-05-12',
    document: '陕交控运工〔2023〕21号',
  },
  {
    key: 'S10',
    unit: 'yl',
    domain: '道路养护',
    name: '{leader}创新工作室',
    level: StudioLevel.ENTERPRISE,
    namedOn: '2023-05-12',
    document: '陕交控运工〔2023〕21号',
    honor: [HonorKind.GOLD_MEDAL_WORKER, '交控金牌工人', 'ENTERPRISE', `${JK}工会`, 2022],
  },
];

// ------------------------------------------------------------------ what was submitted

// prettier-ignore
const PROJECTS: Record<Domain, string[]> = {
  道路养护: [
    '沥青路面坑槽冷补快速修复技术研究与应用', '高速公路桥梁伸缩缝病害快速更换工艺研究',
    '基于无人机巡检的边坡病害识别与预警系统', '路面裂缝灌缝机加热温控装置改进',
    '隧道衬砌病害智能检测车研制', '冬季除雪融冰撒布车智能控制系统',
    '高速公路沥青路面预防性养护决策模型研究', '桥梁支座脱空检测装置研制', '涵洞淤积快速清理装置研制',
    '中央分隔带绿篱修剪一体机改进', '路面标线除旧划新一体化施工工艺', '基于BIM的桥梁养护管理平台开发',
    '高速公路排水边沟自动清淤装置', '路面病害AI视频自动识别与上报系统', '护栏立柱快速拔除与安装装置研制',
    '泡沫沥青冷再生技术在养护工程中的应用', '桥梁泄水管防堵塞改造技术', '养护作业机械油耗监测与降耗管理系统',
  ],
  收费机电: [
    'ETC门架系统故障远程诊断平台研发', '收费车道设备一体化智能运维系统', '基于AI识别的收费站车型自动校核系统',
    '隧道照明智能调光节能改造', '收费站供配电系统在线监测与预警', '治超称重检测设备精度自动校准装置',
    '自助缴费终端卡纸故障自动处置改进', '车道栏杆机防砸车控制器研制', '机电设备备品备件智能管理平台',
    '收费站UPS蓄电池在线监测系统', '光纤通信链路故障快速定位仪研制', '高速公路监控摄像机自动除雾除尘装置',
    'ETC特情车辆快速处置系统', '收费广场雾天智能诱导系统', '隧道通风风机变频节能控制改造',
    '收费站无人值守配电房巡检机器人', 'ETC门架系统防雷接地改造', '收费数据稽核分析平台开发',
  ],
  安全生产: [
    '养护作业区智能安全预警系统', '高速公路锥桶自动收放车研制', '防撞缓冲车主动预警装置研制',
    '隧道火灾早期预警与联动处置系统', '危化品运输车辆通行监管平台', '夜间养护作业人员定位与越界报警系统',
    '收费广场行人闯入智能告警系统', '高速公路团雾监测预警系统', '应急救援物资智能调度平台',
    '养护作业安全交底VR培训系统', '长下坡路段货车制动失效预警系统', '桥下空间安全监测系统',
    '收费站消防设施巡检二维码管理系统', '恶劣天气道路结冰预警与处置系统',
  ],
  路产保护: [
    '基于无人机的路产巡查与违法占道识别系统', '路产损失快速勘验定损小程序开发', '护栏损坏肇事车辆追偿取证系统',
    '超限运输车辆非现场执法系统', '高速公路用地界桩北斗定位管理平台', '路域环境违法建筑遥感监测',
    '桥下空间违规占用智能监控', '路政巡查车载视频智能分析系统', '高速公路广告牌安全监测系统',
    '路产档案数字化管理平台', '公路用地红线电子围栏系统', '路产损坏赔补偿标准化计算工具',
  ],
};

// prettier-ignore
const GADGETS: Record<Domain, string[]> = {
  道路养护: [
    '坑槽冷补料保温箱', '简易灌缝导流器', '伸缩缝清理钩', '边沟清淤铲', '手推式标线划线器', '除雪铲快速挂接装置',
    '路面取芯定位架', '绿篱修剪防护罩', '沥青摊铺温度测量标尺', '排水管疏通器', '检查井盖提升器',
    '护栏螺栓快拆扳手', '裂缝宽度测量卡', '冷补料手扶压实夯',
  ],
  收费机电: [
    '栏杆机臂快速更换卡具', '车道线缆理线器', 'ETC天线调试支架', '费额显示屏清洁刷', '光纤熔接定位夹',
    '机柜防尘滤网', '线缆标签打印模板', '车检器线圈测试仪', '自助缴费机卡纸疏通工具', '摄像机伸缩清洁杆',
    '蓄电池内阻快速测试夹', 'OBU电子标签检测盒', '车道摄像机角度校准仪',
  ],
  安全生产: [
    '锥桶摆放辅助器', '反光背心LED灯带', '作业区声光报警桩', '简易防坠网挂架', '便携式限速提示牌',
    '隧道应急照明检测器', '安全带移动挂点装置', '车载警示灯快装架', '灭火器巡检记录卡', '作业区入侵报警绊线',
    '收费亭防滑踏步', '高温作业降温背心',
  ],
  路产保护: [
    '护栏损坏测量尺', '路产勘验标记喷枪', '便携式界桩探测仪', '无人机巡查喊话器', '路政取证照片定位器',
    '抛洒物快速清理钩', '路产巡查记录夹', '防火隔离带警示标识',
  ],
};

// prettier-ignore
const METHODS: Record<Domain, string[]> = {
  道路养护: [
    '沥青路面坑槽“切、清、涂、填、压”五步修补法', '桥梁伸缩缝“三查两清”养护工作法',
    '冬季除雪“先撒后推、分段包干”作业法', '路面裂缝“一清二吹三灌”灌缝操作法',
    '隧道土建结构“定人定岗定责”巡查工作法', '高边坡“看、敲、听、记”四步巡查法',
    '波形护栏“快拆快装”修复操作法', '桥梁经常性检查“十步”工作法', '养护机械“日保周检”保养工作法',
    '路面标线“一放二划三检”施划操作法', '预防性养护“时机三判”决策工作法',
  ],
  收费机电: [
    'ETC门架故障“望闻问切”诊断法', '收费车道设备“三级”巡检工作法', '机电故障“五分钟”快速响应工作法',
    '高低压配电“六步”倒闸操作法', '隧道照明故障“分段排查”操作法', '通信光缆故障“OTDR三点定位”操作法',
    'UPS蓄电池“内阻比对”维护操作法', '治超称重设备“双向标定”操作法', '收费数据“三核对”稽核工作法',
    '车道设备故障“先软后硬”排查法', '收费亭电气线路“三线分离”敷设操作法',
  ],
  安全生产: [
    '养护作业区“七区”规范布设工作法', '夜间作业“四必须”安全确认工作法', '收费广场“一站一策”安全管理工作法',
    '隧道突发事件“一分钟”应急处置工作法', '交通事故现场“三步”安全防护操作法',
    '高温季节作业“两错峰”管理工作法', '危化品车辆事故“五不”处置工作法', '安全隐患排查“四清单”工作法',
  ],
  路产保护: [
    '路产损失“一看二量三算四签”勘验工作法', '路政巡查“三定三查”工作法', '超限车辆“精准劝返”工作法',
    '违法占道“两快一稳”处置工作法', '路产赔补偿“阳光办案”工作法', '桥下空间“网格化”巡查工作法',
    '路域环境“随巡随清”整治工作法',
  ],
};

const PROBLEMS: Record<Domain, string[]> = {
  道路养护: [
    '针对高速公路养护作业效率低、成本高的问题',
    '针对路面和桥隧病害发现不及时、处治工序繁琐的问题',
    '针对养护作业人工强度大、机械化程度不高的问题',
  ],
  收费机电: [
    '针对收费车道和ETC门架设备故障多、排查耗时长的问题',
    '针对机电设备运维依赖人工巡检、能耗偏高的问题',
    '针对机电系统故障定位难、处置时间长的问题',
  ],
  安全生产: [
    '针对养护作业区和收费广场人员安全风险突出的问题',
    '针对一线作业人员安全防护手段不足的问题',
    '针对突发事件发现晚、处置慢的问题',
  ],
  路产保护: [
    '针对路产损坏取证难、赔补偿追缴慢的问题',
    '针对路产侵占和损坏行为发现不及时的问题',
    '针对路政巡查覆盖面有限、案件办理不规范的问题',
  ],
};

const KEYWORD_TAGS: [RegExp, string][] = [
  [/无人机/, '无人机'],
  [/AI|智能识别|自动识别/, '人工智能'],
  [/北斗/, '北斗'],
  [/ETC|OBU/, 'ETC'],
  [/隧道/, '隧道'],
  [/桥/, '桥梁'],
  [/节能|降耗|变频|调光/, '节能降耗'],
  [/预警|监测|告警|报警/, '监测预警'],
  [/除雪|结冰|融冰/, '冬季保畅'],
  [/应急|救援|处置/, '应急处置'],
  [/超限|称重|治超/, '治超'],
  [/平台|系统|小程序|数字化/, '信息化'],
  [/快速|快拆|快装/, '提质增效'],
];

interface CategorySpec {
  code: 'PROJECT' | 'VIDEO' | 'METHOD' | 'STUDIO';
  name: string;
  quota: number;
  submissions: number;
  /** Submissions by crews and teams (the rest by workers; studios in their own category). */
  teams: number;
  ineligible: string[];
  /** How many go on after round 1 and after round 2. */
  advance: [number, number];
  /** Award tiers of the final round (一等奖, 二等奖, 三等奖), adding up to the quota. */
  tiers: number[];
  /** Round-1 and final criteria: [module code, name, weight]. */
  criteria: [string, string, number][];
}

const CATEGORIES: CategorySpec[] = [
  {
    code: 'PROJECT',
    name: '优秀科技创新项目',
    quota: 10,
    submissions: 60,
    teams: 14,
    ineligible: [
      '项目尚未在运营一线投入应用，不符合征集要求',
      '与本单位另一申报项目内容重复',
      '申报材料不全：缺少应用证明和效益测算',
    ],
    advance: [24, 15],
    tiers: [2, 3, 5],
    criteria: [
      ['I', '创新性', 30],
      ['U', '实用性', 30],
      ['E', '经济效益', 20],
      ['R', '可推广性', 20],
    ],
  },
  {
    code: 'VIDEO',
    name: '职工小发明小创造短视频',
    quota: 5,
    submissions: 44,
    teams: 3,
    ineligible: ['视频时长超过5分钟的征集要求', '视频链接无法打开，逾期未补交'],
    advance: [15, 8],
    tiers: [1, 2, 2],
    criteria: [
      ['I', '创新性', 30],
      ['U', '实用性', 30],
      ['V', '视频表现', 20],
      ['R', '可推广性', 20],
    ],
  },
  {
    code: 'METHOD',
    name: '职工先进操作(工作)法',
    quota: 5,
    submissions: 37,
    teams: 2,
    ineligible: ['申报内容为管理制度汇编，不属于操作(工作)法'],
    advance: [12, 8],
    tiers: [1, 2, 2],
    criteria: [
      ['I', '创新性', 25],
      ['U', '实用性', 30],
      ['E', '安全和经济效益', 20],
      ['R', '可复制推广', 25],
    ],
  },
  {
    code: 'STUDIO',
    name: '职工优秀创新工作室',
    quota: 5,
    submissions: STUDIOS.length,
    teams: 0,
    ineligible: [],
    advance: [8, 7],
    tiers: [1, 2, 2],
    criteria: [
      ['A', '创新成果', 30],
      ['T', '团队建设', 20],
      ['E', '经济效益', 25],
      ['R', '示范带动', 25],
    ],
  },
];

const PRESENTATION_CRITERIA: [string, string, number][] = [
  ['P', '项目讲解', 25],
  ['Q', '问题答疑', 25],
  ['I', '创新性', 25],
  ['E', '应用成效', 25],
];

const NAME = '2024年陕西交控运营管理公司第一届职工科技节';
const DESCRIPTION =
  '为激发职工劳动热情、创新活力和创造潜能，陕西交控运营管理公司工会于2024年7月至10月举办以“创新发展、' +
  '降本增效”为主题的首届职工科技节。科技节设优秀科技创新项目、职工小发明小创造短视频、职工先进操作(工作)法、' +
  '职工优秀创新工作室四类，征集道路养护、收费机电、安全生产、路产保护等运营业务领域创新成果151项，经资格审查、' +
  '专家评审、项目讲解与问题答疑、终评，评出优秀科技创新项目10项、职工小发明小创造短视频5条、职工先进操作(工作)法' +
  '5项、职工优秀创新工作室5个，获首届科技节优秀创新成果奖。';
const FILES = 'https://kjj.jiaokong.example.cn/2024';
const VENUE = '陕西交控运营管理公司本部职工创新实践基地';
const K_SCORING = 3;
const K_PANEL = 5;

// ------------------------------------------------------------------ helpers

/** A moment in China Standard Time. */
function cst(date: string, time: string): Date {
  return new Date(`${date}T${time}:00+08:00`);
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

interface Worker {
  id: number;
  name: string;
  unit: string;
  path: string;
  domain: Domain;
  honors: Set<HonorKind>;
  submitted: number;
  categories: Set<string>;
}

interface Submitter {
  personId: number | null;
  teamId: number | null;
  studioId: number | null;
  /** The entrant's unit: the worker's employer, the crew's or the studio's host. */
  unitId: number;
  unitPath: string;
}

interface Sub {
  id: number;
  category: CategorySpec;
  title: string;
  /** The title without the submitter's name or a prefix. */
  core: string;
  domain: Domain;
  who: Submitter;
  /** Latent quality, 0–1: what the experts see in it. */
  quality: number;
  eligible: boolean;
}

interface Judge {
  accountId: number;
  personId: number;
  path: string;
  studios: Set<number>;
  /** Harsh (negative) or lenient, in points of 10. */
  bias: number;
  device: string;
}

interface Round {
  tradeId: number;
  kind: RoundKind;
  scheme: MarkingScheme;
  count: number | null;
  /** Award or advancement cut-offs that must not split a tie. */
  cutoffs: number[];
}

interface Entrant {
  id: number;
  sub: Sub;
}

interface QueuedEvent {
  at: Date;
  kind: AuditKind;
  actorId: number | null;
  deviceId?: string;
  idempotencyKey?: string;
  subject: Record<string, unknown>;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

function scheme(criteria: [string, string, number][], panel: boolean): MarkingScheme {
  const aggregation = panel ? { method: 'TRIMMED_MEAN', trim: 1, minJudges: 5 } : { method: 'MEAN' };
  const { scheme: valid, errors } = validateScheme({
    modules: criteria.map(([code, name, weight]) => ({
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
              aggregation,
              tolerance: null,
            },
          ],
        },
      ],
    })),
  });
  if (!valid) throw new Error(`The campaign's marking scheme is invalid: ${JSON.stringify(errors)}`);
  return valid;
}

function within(unitPath: string, judgePath: string): boolean {
  return unitPath === judgePath || unitPath.startsWith(`${judgePath}.`);
}

// ------------------------------------------------------------------ the seeder

export async function seedCampaign(
  tx: EntityManager,
  opts: { rng: () => number; org: (key: string) => Organization; passwordHash: string },
): Promise<CampaignSeedSummary> {
  const { rng, org } = opts;
  const int = (lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
  const shuffled = <T>(xs: readonly T[]): T[] => {
    const out = [...xs];
    for (let i = out.length - 1; i > 0; i -= 1) {
      const j = Math.floor(rng() * (i + 1));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  };
  /** A working-hours moment between two days, to the second. */
  const moment = (from: string, to: string): Date => {
    const span = Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);
    const day = addDays(from, int(0, span));
    return new Date(Date.parse(`${day}T08:30:00+08:00`) + int(0, 9 * 3600) * 1000);
  };
  /** 32 bytes of hex from the PRNG: lot seeds stay reproducible. */
  const seedHex = () =>
    Array.from({ length: 8 }, () =>
      Math.floor(rng() * 2 ** 32)
        .toString(16)
        .padStart(8, '0'),
    ).join('');

  const hq = org('jiaokong');
  const audit: QueuedEvent[] = [];

  // ---------------------------------------------------------- units
  const units = await tx.execute<{ id: number; name: string; path: string }[]>(
    `insert into organization (name, short_name, level, parent_id)
     select x.name, x.short, 'ENTERPRISE', ? from jsonb_to_recordset(?::jsonb) as x(name text, short text)
     returning id, name, path::text as path`,
    [hq.id, JSON.stringify(UNITS.map((u) => ({ name: u.name, short: u.short })))],
  );
  const [hqRow] = await tx.execute<{ path: string }[]>(
    'select path::text as path from organization where id = ?',
    [hq.id],
  );
  const unit = new Map<string, { id: number; path: string; short: string }>([
    ['hq', { id: hq.id, path: hqRow!.path, short: '交控运营' }],
  ]);
  for (const u of UNITS) {
    const row = units.find((r) => r.name === u.name)!;
    unit.set(u.key, { id: row.id, path: row.path, short: u.short });
  }

  // ---------------------------------------------------------- workers (and the experts)
  const usedNames = new Set(
    (await tx.execute<{ name: string }[]>('select distinct name from person')).map((r) => r.name),
  );
  const makeName = (gender: Gender): string => {
    for (;;) {
      const surname = SURNAMES[Math.floor(rng() * rng() * SURNAMES.length)]!;
      const pool = gender === Gender.FEMALE ? FEMALE_CHARS : MALE_CHARS;
      let given = pick(pool);
      if (rng() < 0.75) given += pick(pool.filter((c) => c !== given));
      const name = surname + given;
      if (!usedNames.has(name)) {
        usedNames.add(name);
        return name;
      }
    }
  };
  // The head office's workers are already there (some with honors); read before the new
  // ones (the lead judge among them) join it.
  const existing = await tx.execute<{ id: number; name: string; occupation: string; kinds: HonorKind[] }[]>(
    `select p.id, p.name, p.occupation,
            coalesce(array_agg(h.kind) filter (where h.id is not null), '{}') as kinds
       from person p left join honor h on h.person_id = p.id
      where p.employer_id = ? group by p.id order by p.id`,
    [hq.id],
  );
  interface NewPerson {
    name: string;
    gender: Gender;
    birth_year: number;
    employer_id: number;
    occupation: string;
    occupation_code: string | null;
    unit: string;
  }
  const hires: NewPerson[] = [];
  for (const u of UNITS) {
    for (const [occupation, count] of u.staff) {
      for (let i = 0; i < count; i += 1) {
        const gender = rng() < (FEMALE_SHARE[occupation] ?? 0.05) ? Gender.FEMALE : Gender.MALE;
        hires.push({
          name: makeName(gender),
          gender,
          birth_year: int(1970, 1999),
          employer_id: unit.get(u.key)!.id,
          occupation,
          occupation_code: OCCUPATION_CODES[occupation] ?? null,
          unit: u.key,
        });
      }
    }
  }
  for (const x of EXPERTS) {
    hires.push({
      name: makeName(x.gender),
      gender: x.gender,
      birth_year: int(1966, 1982),
      employer_id: x.unit ? unit.get(x.unit)!.id : org(x.elsewhere!).id,
      occupation: x.occupation,
      occupation_code: null,
      unit: x.unit ?? x.elsewhere!,
    });
  }
  const lead: NewPerson = {
    name: makeName(Gender.MALE),
    gender: Gender.MALE,
    birth_year: 1968,
    employer_id: hq.id,
    occupation: '总工程师',
    occupation_code: null,
    unit: 'hq',
  };
  hires.push(lead);
  const hired = await tx.execute<{ id: number; name: string }[]>(
    `insert into person (name, gender, birth_year, employer_id, occupation, occupation_code)
     select name, gender, birth_year, employer_id, occupation, occupation_code
       from jsonb_to_recordset(?::jsonb) as x(name text, gender text, birth_year int, employer_id int,
            occupation text, occupation_code text)
     returning id, name`,
    [JSON.stringify(hires.map(({ unit: _unit, ...p }) => p))],
  );
  const personId = new Map(hired.map((r) => [r.name, r.id]));

  const workers: Worker[] = existing.map((p) => ({
    id: p.id,
    name: p.name,
    unit: 'hq',
    path: unit.get('hq')!.path,
    domain: domainOf(p.occupation, rng()),
    honors: new Set(p.kinds),
    submitted: 0,
    categories: new Set(),
  }));
  for (const p of hires.slice(0, hires.length - EXPERTS.length - 1)) {
    workers.push({
      id: personId.get(p.name)!,
      name: p.name,
      unit: p.unit,
      path: unit.get(p.unit)!.path,
      domain: domainOf(p.occupation, rng()),
      honors: new Set(),
      submitted: 0,
      categories: new Set(),
    });
  }

  // ---------------------------------------------------------- accounts
  const taken = new Set(
    (await tx.execute<{ username: string }[]>('select username from account')).map((r) => r.username),
  );
  const free = (base: string) => {
    let name = base;
    for (let k = 2; taken.has(name); k += 1) name = `${base}-${k}`;
    taken.add(name);
    return name;
  };
  const expertPeople = hires.slice(hires.length - EXPERTS.length - 1, hires.length - 1);
  const accountSpecs = [
    { username: free('jiaokong'), display: `${JK}工会`, role: Role.ORGANIZER, person: null as number | null },
    ...EXPERTS.map((x, i) => ({
      username: free(x.username),
      display: `${expertPeople[i]!.name}（评审专家）`,
      role: Role.JUDGE,
      person: personId.get(expertPeople[i]!.name)!,
    })),
    {
      username: free('jk_lead'),
      display: `${lead.name}（评审组组长）`,
      role: Role.CHIEF_JUDGE,
      person: personId.get(lead.name)!,
    },
  ];
  const accountRows = await tx.execute<{ id: number; username: string }[]>(
    `insert into account (username, password_hash, display_name, role, organization_id, person_id)
     select username, ?, display, role, ?, person from jsonb_to_recordset(?::jsonb)
            as x(username text, display text, role text, person int)
     returning id, username`,
    [opts.passwordHash, hq.id, JSON.stringify(accountSpecs)],
  );
  const accountOf = (username: string) => accountRows.find((a) => a.username === username)!.id;
  const organizer = accountOf(accountSpecs[0]!.username);
  const leadId = accountOf(accountSpecs.at(-1)!.username);
  const [shaanxi] = await tx.execute<{ id: number }[]>(
    `select id from account where username = 'shaanxi' and organization_id = ?`,
    [org('shaanxi').id],
  );
  const expertPaths = await tx.execute<{ id: number; path: string }[]>(
    `select p.id, o.path::text as path from person p join organization o on o.id = p.employer_id
      where p.id = any(?::int[])`,
    [pgArray(expertPeople.map((p) => personId.get(p.name)!))],
  );
  const judges: Judge[] = EXPERTS.map((_, i) => {
    const pid = personId.get(expertPeople[i]!.name)!;
    return {
      accountId: accountOf(accountSpecs[i + 1]!.username),
      personId: pid,
      path: expertPaths.find((r) => r.id === pid)!.path,
      studios: new Set<number>(),
      bias: Math.round((rng() * 1.4 - 0.8) * 10) / 10,
      device: `expert-tablet-${i + 1}`,
    };
  });

  // ---------------------------------------------------------- crews
  const crewRows = await tx.execute<{ id: number; name: string }[]>(
    `select id, name from team where organization_id = ? and name = any(?::text[]) order by id`,
    [hq.id, pgArray(EXISTING_TEAMS.map((t) => t.name))],
  );
  const newCrews = await tx.execute<{ id: number; name: string }[]>(
    `insert into team (name, kind, organization_id, created_at)
     select name, kind, organization_id, '2024-06-15T09:00:00+08:00'
       from jsonb_to_recordset(?::jsonb) as x(name text, kind text, organization_id int)
     returning id, name`,
    [
      JSON.stringify(
        TEAMS.map((t) => ({ name: t.name, kind: t.kind, organization_id: unit.get(t.unit)!.id })),
      ),
    ],
  );
  const teamMembers: { team_id: number; person_id: number }[] = [];
  const teams: { id: number; name: string; domain: Domain; who: Submitter; submitted: number }[] = [];
  for (const t of EXISTING_TEAMS) {
    const row = crewRows.find((r) => r.name === t.name);
    if (!row) continue;
    const u = unit.get('hq')!;
    teams.push({
      id: row.id,
      name: t.name,
      domain: t.domain,
      who: { personId: null, teamId: row.id, studioId: null, unitId: u.id, unitPath: u.path },
      submitted: 0,
    });
  }
  for (const t of TEAMS) {
    const row = newCrews.find((r) => r.name === t.name)!;
    const u = unit.get(t.unit)!;
    const here = workers.filter((w) => w.unit === t.unit);
    const matching = shuffled(here.filter((w) => w.domain === t.domain));
    const others = shuffled(here.filter((w) => w.domain !== t.domain));
    for (const w of [...matching, ...others].slice(0, t.size))
      teamMembers.push({ team_id: row.id, person_id: w.id });
    teams.push({
      id: row.id,
      name: t.name,
      domain: t.domain,
      who: { personId: null, teamId: row.id, studioId: null, unitId: u.id, unitPath: u.path },
      submitted: 0,
    });
  }
  await tx.execute(
    `insert into team_member (team_id, person_id)
     select team_id, person_id from jsonb_to_recordset(?::jsonb) as x(team_id int, person_id int)`,
    [JSON.stringify(teamMembers)],
  );

  // ---------------------------------------------------------- studios (named, with members)
  const honors: {
    person_id: number;
    kind: string;
    level: string;
    title: string;
    year: number;
    body: string;
  }[] = [];
  const inStudio = new Set<number>();
  interface StudioPlan {
    spec: StudioSpec;
    name: string;
    leader: Worker;
    members: { personId: number; role: MemberRole }[];
    id: number;
  }
  const studioPlans: StudioPlan[] = [];
  for (const s of STUDIOS) {
    const here = workers.filter((w) => w.unit === s.unit && !inStudio.has(w.id));
    const ranked = [
      ...here.filter((w) => w.domain === s.domain && w.honors.size),
      ...shuffled(here.filter((w) => w.domain === s.domain && !w.honors.size)),
      ...shuffled(here.filter((w) => w.domain !== s.domain)),
    ];
    const leader = ranked[0]!;
    inStudio.add(leader.id);
    if (s.honor && !leader.honors.has(s.honor[0])) {
      const [kind, title, level, body, year] = s.honor;
      honors.push({ person_id: leader.id, kind, level, title, year, body });
      leader.honors.add(kind);
    }
    const members = ranked
      .slice(1, 1 + int(2, 4))
      .map((w, i) => ({ personId: w.id, role: i === 0 ? MemberRole.CORE : MemberRole.MEMBER }));
    members.forEach((m) => inStudio.add(m.personId));
    studioPlans.push({
      spec: s,
      name: s.name.replace('{leader}', leader.name),
      leader,
      members: [{ personId: leader.id, role: MemberRole.LEADER }, ...members],
      id: 0,
    });
  }
  // Two experts advise studios of other units: a conflict of interest the assignment avoids.
  EXPERTS.forEach((x, i) => {
    const plan = x.studio && studioPlans.find((p) => p.spec.key === x.studio);
    if (plan) plan.members.push({ personId: judges[i]!.personId, role: MemberRole.CORE });
  });
  const studioRows = await tx.execute<{ id: number; name: string }[]>(
    `insert into studio (name, host_id, level, field, leader_id, status, named_on, naming_union_id, document_number,
                         created_at, updated_at)
     select name, host_id, level, field, leader_id, 'NAMED', named_on, naming_union_id, document_number,
            created_at, created_at
       from jsonb_to_recordset(?::jsonb) as x(name text, host_id int, level text, field text, leader_id int,
            named_on date, naming_union_id int, document_number text, created_at timestamptz)
     returning id, name`,
    [
      JSON.stringify(
        studioPlans.map((p) => ({
          name: p.name,
          host_id: unit.get(p.spec.unit)!.id,
          level: p.spec.level,
          field: p.spec.domain,
          leader_id: p.leader.id,
          named_on: p.spec.namedOn,
          naming_union_id: p.spec.level === StudioLevel.PROVINCIAL ? org('shaanxi').id : hq.id,
          document_number: p.spec.document,
          created_at: cst(addDays(p.spec.namedOn, -90), '09:00').toISOString(),
        })),
      ),
    ],
  );
  const studioEvents: Record<string, unknown>[] = [];
  const S = StudioStatus;
  for (const p of studioPlans) {
    p.id = studioRows.find((r) => r.name === p.name)!.id;
    const applied = addDays(p.spec.namedOn, -90);
    const provincial = p.spec.level === StudioLevel.PROVINCIAL;
    const ev = (
      kind: string,
      on: string,
      hhmm: string,
      details: object,
      actor: number | null,
      from?: StudioStatus,
      to?: StudioStatus,
    ) => {
      if (from && to && !STUDIO_TRANSITIONS[from].includes(to))
        throw new Error(`${from} → ${to} is not allowed`);
      studioEvents.push({
        studio_id: p.id,
        kind,
        from_status: from ?? null,
        to_status: to ?? null,
        details,
        actor_id: actor,
        at: cst(on, hhmm).toISOString(),
      });
    };
    ev('APPLIED', applied, '09:00', { level: p.spec.level }, organizer, undefined, S.APPLIED);
    for (const m of p.members) {
      if (m.role !== MemberRole.LEADER)
        ev('MEMBER_SET', applied, '09:30', { personId: m.personId, role: m.role }, organizer);
    }
    ev('UNDER_REVIEW', addDays(p.spec.namedOn, -30), '10:00', {}, organizer, S.APPLIED, S.UNDER_REVIEW);
    ev(
      'NAMED',
      p.spec.namedOn,
      '10:00',
      {
        namedOn: p.spec.namedOn,
        namingUnionId: provincial ? org('shaanxi').id : hq.id,
        documentNumber: p.spec.document,
      },
      provincial ? (shaanxi?.id ?? null) : organizer,
      S.UNDER_REVIEW,
      S.NAMED,
    );
  }
  await tx.execute(
    `insert into studio_member (studio_id, person_id, role, joined_on)
     select studio_id, person_id, role, joined_on
       from jsonb_to_recordset(?::jsonb) as x(studio_id int, person_id int, role text, joined_on date)`,
    [
      JSON.stringify(
        studioPlans.flatMap((p) =>
          p.members.map((m) => ({
            studio_id: p.id,
            person_id: m.personId,
            role: m.role,
            joined_on: addDays(p.spec.namedOn, -90),
          })),
        ),
      ),
    ],
  );
  await tx.execute(
    `insert into studio_event (studio_id, kind, from_status, to_status, details, actor_id, at)
     select studio_id, kind, from_status, to_status, details, actor_id, at
       from rows from (jsonb_to_recordset(?::jsonb) as (studio_id int, kind text, from_status text,
            to_status text, details jsonb, actor_id int, at timestamptz)) with ordinality
            as x(studio_id, kind, from_status, to_status, details, actor_id, at, n)
      order by at, n`,
    [JSON.stringify(studioEvents)],
  );
  if (honors.length) {
    await tx.execute(
      `insert into honor (person_id, kind, level, title, year, awarding_body)
       select person_id, kind, level, title, year, body from jsonb_to_recordset(?::jsonb)
              as x(person_id int, kind text, level text, title text, year int, body text)`,
      [JSON.stringify(honors)],
    );
  }
  for (const j of judges) {
    for (const p of studioPlans) if (p.members.some((m) => m.personId === j.personId)) j.studios.add(p.id);
  }

  // ---------------------------------------------------------- the campaign, its categories and rounds
  const [competition] = await tx.execute<{ id: number }[]>(
    `insert into competition (name, kind, year, host_id, status, description, starts_on, ends_on,
                              submissions_open_at, submissions_close_at, results_published_at, notice_ends_at,
                              appeal_deadline, results_final_at, created_at, updated_at)
     values (?, 'INNOVATION', 2024, ?, 'FINAL', ?, '2024-07-01', '2024-10-31', ?, ?, ?, ?, ?, ?, ?, ?)
     returning id`,
    [
      NAME,
      hq.id,
      DESCRIPTION,
      cst('2024-07-01', '00:00'),
      new Date(Date.parse('2024-09-01T00:00:00+08:00') - 1000),
      cst('2024-10-28', '10:00'),
      cst('2024-11-02', '10:00'),
      cst('2024-11-02', '10:00'),
      cst('2024-11-04', '10:00'),
      cst('2024-06-20', '09:00'),
      cst('2024-11-04', '10:00'),
    ],
  );
  const competitionId = competition!.id;
  const history: [CompetitionStatus, CompetitionStatus, Date, string | null][] = [
    [
      CompetitionStatus.DRAFT,
      CompetitionStatus.REGISTRATION_OPEN,
      cst('2024-07-01', '09:00'),
      '科技节启动，开始征集创新成果',
    ],
    [
      CompetitionStatus.REGISTRATION_OPEN,
      CompetitionStatus.RUNNING,
      cst('2024-09-04', '09:00'),
      '征集和资格审查结束，进入专家评审',
    ],
    [CompetitionStatus.RUNNING, CompetitionStatus.SCORING_CLOSED, cst('2024-10-25', '09:00'), '终评结束'],
    [CompetitionStatus.SCORING_CLOSED, CompetitionStatus.PUBLISHED, cst('2024-10-28', '10:00'), null],
    [CompetitionStatus.PUBLISHED, CompetitionStatus.FINAL, cst('2024-11-04', '10:00'), null],
  ];
  for (const [from, to] of history)
    if (!COMPETITION_TRANSITIONS[from].includes(to)) throw new Error(`${from} → ${to} is not allowed`);
  await tx.execute(
    `insert into competition_status_change (competition_id, from_status, to_status, actor_id, reason, created_at)
     select ?, from_status, to_status, ?, reason, created_at
       from jsonb_to_recordset(?::jsonb) as x(from_status text, to_status text, reason text, created_at timestamptz)`,
    [
      competitionId,
      organizer,
      JSON.stringify(
        history.map(([from, to, on, reason]) => ({
          from_status: from,
          to_status: to,
          reason,
          created_at: on,
        })),
      ),
    ],
  );
  const categoryRows = await tx.execute<{ id: number; code: string }[]>(
    `insert into campaign_category (competition_id, code, name, award_quota)
     select ?, code, name, quota from jsonb_to_recordset(?::jsonb) as x(code text, name text, quota int)
     returning id, code`,
    [competitionId, JSON.stringify(CATEGORIES.map((c) => ({ code: c.code, name: c.name, quota: c.quota })))],
  );
  const categoryId = new Map(categoryRows.map((r) => [r.code, r.id]));

  // Three rounds each, as addRound writes them; set up before the festival opens.
  const setupAt = cst('2024-06-25', '10:00');
  const roundsOf = new Map<string, Round[]>();
  const schedule = [
    {
      kind: RoundKind.SCORING,
      label: '专家评审',
      blind: true,
      from: cst('2024-09-05', '08:30'),
      to: cst('2024-09-20', '17:30'),
    },
    {
      kind: RoundKind.PRESENTATION,
      label: '讲解答疑',
      blind: false,
      from: cst('2024-10-10', '08:30'),
      to: cst('2024-10-12', '17:30'),
    },
    {
      kind: RoundKind.FINAL,
      label: '终评',
      blind: false,
      from: cst('2024-10-24', '08:30'),
      to: cst('2024-10-24', '17:30'),
    },
  ];
  for (const c of CATEGORIES) {
    const rounds: Round[] = [];
    for (const [i, r] of schedule.entries()) {
      const count = r.kind === RoundKind.FINAL ? null : c.advance[i]!;
      const sch =
        r.kind === RoundKind.PRESENTATION
          ? scheme(PRESENTATION_CRITERIA, true)
          : scheme(c.criteria, r.kind === RoundKind.FINAL);
      const advance = count === null ? null : { by: AdvanceBy.TOP_N, count, minTotal: null };
      const initial: ResultsRules | null =
        r.kind === RoundKind.FINAL
          ? { tieBreak: [], awards: { by: 'COUNT', tiers: [{ tier: 'FIRST', count: c.quota }] }, titles: [] }
          : null;
      const tiers = ['FIRST', 'SECOND', 'THIRD'] as const;
      // Per-judge normalisation (each submission has its own panel); ties broken by the heaviest criteria.
      const rules: ResultsRules = {
        tieBreak: [...sch.modules]
          .sort((a, b) => b.weight - a.weight)
          .map((m) => ({ kind: 'MODULE', code: m.code })),
        awards:
          r.kind === RoundKind.FINAL
            ? { by: 'COUNT', tiers: c.tiers.map((n, k) => ({ tier: tiers[k]!, count: n })) }
            : null,
        titles: [],
        normalization: 'ZSCORE',
      };
      const [trade] = await tx.execute<{ id: number }[]>(
        `insert into trade (competition_id, name, theory_weight, practical_weight, capacity, venue, starts_at, ends_at,
                            category_id, round_no, round_kind, advance_rule, blind, marking_scheme, results_rules,
                            created_at, updated_at)
         values (?, ?, 0, 100, 1000000, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?::jsonb, ?::jsonb, ?, ?) returning id`,
        [
          competitionId,
          `${c.name}·第${i + 1}轮${r.label}`.slice(0, 100),
          r.kind === RoundKind.SCORING ? '网络评审（专家评审系统）' : VENUE,
          r.kind === RoundKind.PRESENTATION ? cst(presentationDay(c.code), '08:30') : r.from,
          r.kind === RoundKind.PRESENTATION ? cst(presentationDay(c.code), '17:30') : r.to,
          categoryId.get(c.code),
          i + 1,
          r.kind,
          JSON.stringify(advance),
          r.blind,
          JSON.stringify(sch),
          JSON.stringify(rules),
          setupAt,
          setupAt,
        ],
      );
      rounds.push({
        tradeId: trade!.id,
        kind: r.kind,
        scheme: sch,
        count,
        cutoffs:
          count === null
            ? c.tiers.map((_, k) => c.tiers.slice(0, k + 1).reduce((a, b) => a + b, 0))
            : [count],
      });
      audit.push({
        at: new Date(setupAt.getTime() + audit.length * 1000),
        kind: 'RESULTS_RULES_SET',
        actorId: organizer,
        subject: { tradeId: trade!.id },
        before: initial ? { rules: initial } : null,
        after: { rules },
      });
    }
    roundsOf.set(c.code, rounds);
  }
  const allRounds = [...roundsOf.values()].flat();
  // The lead judge chairs every round.
  await tx.execute(
    `insert into judge_assignment (trade_id, account_id, role, created_at)
     select t, ?, 'CHIEF_JUDGE', ? from unnest(?::int[]) as t`,
    [leadId, setupAt, pgArray(allRounds.map((r) => r.tradeId))],
  );

  // ---------------------------------------------------------- submissions (July–August) and 资格审查
  const subs: Sub[] = [];
  const attachmentsOf = new Map<Sub, Record<string, unknown>[]>();
  const summaryOf = new Map<Sub, string>();
  const tagsOf = new Map<Sub, string[]>();
  const submittedAt = new Map<Sub, Date>();
  const quality = () => 0.5 + 0.45 * ((rng() + rng() + rng()) / 3);
  for (const c of CATEGORIES) {
    const pool: Record<Domain, string[]> =
      c.code === 'PROJECT' ? PROJECTS : c.code === 'VIDEO' ? GADGETS : METHODS;
    if (c.code === 'STUDIO') {
      for (const p of studioPlans) {
        const u = unit.get(p.spec.unit)!;
        subs.push({
          id: 0,
          category: c,
          title: p.name,
          core: p.name,
          domain: p.spec.domain,
          who: { personId: null, teamId: null, studioId: p.id, unitId: u.id, unitPath: u.path },
          quality: quality(),
          eligible: true,
        });
      }
      continue;
    }
    const titles = shuffled(
      (Object.keys(pool) as Domain[]).flatMap((d) => pool[d].map((core) => ({ core, domain: d }))),
    ).slice(0, c.submissions);
    const open = [...titles];
    const take = (d: Domain) => {
      const i = open.findIndex((t) => t.domain === d);
      return i < 0 ? null : open.splice(i, 1)[0]!;
    };
    // Crews first: each enters a title of its own field; the fewest entries so far go first.
    const crews = shuffled(teams).sort((a, b) => a.submitted - b.submitted);
    let crewEntries = 0;
    for (const team of crews) {
      if (crewEntries >= c.teams) break;
      const t = take(team.domain);
      if (!t) continue;
      team.submitted += 1;
      crewEntries += 1;
      subs.push({
        id: 0,
        category: c,
        title: titleOf(c.code, t.core, team.name, rng),
        core: t.core,
        domain: t.domain,
        who: team.who,
        quality: quality(),
        eligible: true,
      });
    }
    for (const t of open) {
      const fits = workers.filter((w) => w.domain === t.domain && !w.categories.has(c.code));
      const candidates = fits.length ? fits : workers.filter((w) => !w.categories.has(c.code));
      const least = Math.min(...candidates.map((w) => w.submitted));
      const w = pick(candidates.filter((x) => x.submitted === least));
      w.submitted += 1;
      w.categories.add(c.code);
      const u = unit.get(w.unit)!;
      subs.push({
        id: 0,
        category: c,
        title: titleOf(c.code, t.core, w.name, rng),
        core: t.core,
        domain: t.domain,
        who: { personId: w.id, teamId: null, studioId: null, unitId: u.id, unitPath: u.path },
        quality: quality(),
        eligible: true,
      });
    }
  }
  if (subs.length !== 151 || new Set(subs.map((s) => s.title)).size !== subs.length)
    throw new Error(`The campaign needs 151 distinct submissions, not ${subs.length}`);
  // A few fail the eligibility review, each with its reason.
  const reasons = new Map<Sub, string>();
  for (const c of CATEGORIES) {
    const here = shuffled(subs.filter((s) => s.category === c));
    c.ineligible.forEach((reason, i) => {
      here[i]!.eligible = false;
      reasons.set(here[i]!, reason);
    });
  }
  for (const s of subs) {
    const c = s.category;
    const at = s.who.studioId ? moment('2024-08-10', '2024-08-30') : moment('2024-07-01', '2024-08-31');
    submittedAt.set(s, at);
    const n = subs.indexOf(s) + 1;
    const dir = `${FILES}/${c.code.toLowerCase()}/${String(n).padStart(3, '0')}`;
    /** Bytes: lo–hi MiB, times `seconds` for a video (MiB per second). */
    const mb = (lo: number, hi: number, seconds = 1) =>
      Math.round((lo + rng() * (hi - lo)) * seconds * 1_048_576);
    const files: Record<string, unknown>[] = [];
    const file = (
      kind: string,
      name: string,
      title: string,
      mimeType: string,
      sizeBytes: number,
      durationSeconds: number | null = null,
    ) => files.push({ kind, url: `${dir}/${name}`, title, mimeType, sizeBytes, durationSeconds });
    if (c.code === 'PROJECT') {
      file('DOCUMENT', 'application.pdf', '项目申报书', 'application/pdf', mb(1, 8));
      file('IMAGE', 'site.jpg', '现场应用照片', 'image/jpeg', mb(1, 5));
      if (rng() < 0.6)
        file(
          'DOCUMENT',
          'benefit.xlsx',
          '经济效益测算表',
          'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
          mb(0.1, 1),
        );
      if (rng() < 0.3) {
        const d = int(90, 240);
        file('VIDEO', 'demo.mp4', '项目演示视频', 'video/mp4', mb(0.5, 1.2, d), d);
      }
    } else if (c.code === 'VIDEO') {
      const d = reasons.get(s)?.includes('时长') ? int(330, 420) : int(60, 295);
      file('VIDEO', 'video.mp4', s.title, 'video/mp4', mb(0.6, 1.5, d), d);
      file('IMAGE', 'cover.jpg', '视频封面', 'image/jpeg', mb(0.2, 1));
    } else if (c.code === 'METHOD') {
      file('DOCUMENT', 'method.pdf', '操作(工作)法说明书', 'application/pdf', mb(1, 6));
      file('IMAGE', 'flow.png', '操作流程图', 'image/png', mb(0.3, 2));
      if (rng() < 0.4) {
        const d = int(120, 300);
        file('VIDEO', 'demo.mp4', '操作演示视频', 'video/mp4', mb(0.5, 1.2, d), d);
      }
    } else {
      file('DOCUMENT', 'report.pdf', '工作室建设情况汇报', 'application/pdf', mb(2, 10));
      file('DOCUMENT', 'results.pdf', '创新成果汇编', 'application/pdf', mb(5, 20));
      file('IMAGE', 'studio.jpg', '工作室风采', 'image/jpeg', mb(1, 5));
      if (rng() < 0.5) {
        const d = int(180, 300);
        file('VIDEO', 'promo.mp4', '工作室宣传片', 'video/mp4', mb(0.8, 1.5, d), d);
      }
    }
    attachmentsOf.set(s, files);
    const effect = pick([
      `作业效率提高${int(20, 60)}%`,
      `年节约成本约${int(3, 80)}万元`,
      `故障处置时间缩短${int(20, 70)}%`,
      `相关作业安全风险明显降低，已在${int(2, 12)}个站所推广`,
    ]);
    const plan = studioPlans.find((p) => p.id === s.who.studioId);
    summaryOf.set(
      s,
      plan
        ? `工作室现有成员${plan.members.length}人，围绕${plan.spec.domain}开展技术攻关和师带徒，近三年完成创新成果${int(6, 30)}项、` +
            `获授权专利${int(2, 15)}项，创造经济效益约${int(50, 600)}万元。`
        : `${pick(PROBLEMS[s.domain])}，${c.code === 'VIDEO' ? '自制' : c.code === 'METHOD' ? '总结提炼' : '研发'}` +
            `${c.code === 'METHOD' ? s.core : `“${s.core}”`}。应用以来${effect}。`,
    );
    const tags = [
      s.domain,
      ...KEYWORD_TAGS.filter(([re]) => re.test(s.title)).map(([, t]) => t),
      ...(c.code === 'VIDEO'
        ? ['小发明小创造']
        : c.code === 'METHOD'
          ? ['先进操作法']
          : c.code === 'STUDIO'
            ? ['创新工作室']
            : []),
      ...(rng() < 0.6 ? ['降本增效'] : []),
    ];
    tagsOf.set(s, [...new Set(tags)].slice(0, 10));
  }
  const ordered = [...subs].sort((a, b) => submittedAt.get(a)!.getTime() - submittedAt.get(b)!.getTime());
  const subRows = await tx.execute<{ id: number; title: string }[]>(
    `insert into submission (competition_id, category_id, title, summary, person_id, team_id, studio_id, attachments,
                             tags, eligibility, eligibility_reason, submitted_by, submitted_at)
     select ?, category_id, title, summary, person_id, team_id, studio_id, attachments,
            array(select jsonb_array_elements_text(tags)), eligibility, reason, ?, submitted_at
       from rows from (jsonb_to_recordset(?::jsonb) as (category_id int, title text, summary text, person_id int,
            team_id int, studio_id int, attachments jsonb, tags jsonb, eligibility text, reason text,
            submitted_at timestamptz)) with ordinality as x(category_id, title, summary, person_id, team_id,
            studio_id, attachments, tags, eligibility, reason, submitted_at, n)
      order by n
     returning id, title`,
    [
      competitionId,
      organizer,
      JSON.stringify(
        ordered.map((s) => ({
          category_id: categoryId.get(s.category.code),
          title: s.title,
          summary: summaryOf.get(s),
          person_id: s.who.personId,
          team_id: s.who.teamId,
          studio_id: s.who.studioId,
          attachments: attachmentsOf.get(s),
          tags: tagsOf.get(s),
          eligibility: s.eligible ? 'ELIGIBLE' : 'INELIGIBLE',
          reason: reasons.get(s) ?? null,
          submitted_at: submittedAt.get(s),
        })),
      ),
    ],
  );
  const subByTitle = new Map(subs.map((s) => [s.title, s]));
  for (const r of subRows) subByTitle.get(r.title)!.id = r.id;

  /** Creates the submissions' entrants in a round: checked in, as `enterRound` does. */
  const enter = async (tradeId: number, list: Sub[], at: Date): Promise<Entrant[]> => {
    const rows = await tx.execute<{ id: number; submission_id: number }[]>(
      `insert into entrant (trade_id, person_id, team_id, organization_id, status, submission_id, created_at, updated_at)
       select ?, person_id, team_id, organization_id, 'CHECKED_IN', submission_id, ?, ?
         from jsonb_to_recordset(?::jsonb) as x(person_id int, team_id int, organization_id int, submission_id int)
       returning id, submission_id`,
      [
        tradeId,
        at,
        at,
        JSON.stringify(
          list.map((s) => ({
            person_id: s.who.personId,
            team_id: s.who.teamId,
            organization_id: s.who.studioId ? s.who.unitId : null,
            submission_id: s.id,
          })),
        ),
      ],
    );
    const byId = new Map(list.map((s) => [s.id, s]));
    return rows.map((r) => ({ id: r.id, sub: byId.get(r.submission_id)! })).sort((a, b) => a.id - b.id);
  };

  /** Lots for a round's entrants, with a committed seed from the PRNG (drawPending's algorithm). */
  const draw = async (tradeId: number, entrants: Entrant[], at: Date) => {
    const seed = seedHex();
    const digits = lotDigits(entrants.length);
    const ids = entrants.map((e) => e.id);
    const numbers = drawNumbers(seed, tradeId, 1, ids, new Set(), digits);
    const [d] = await tx.execute<{ id: number }[]>(
      `insert into lot_draw (trade_id, seq, seed, commitment, digits, entrant_count, drawn_by, drawn_at)
       values (?, 1, ?, ?, ?, ?, ?, ?) returning id`,
      [tradeId, seed, commitmentOf(seed), digits, entrants.length, leadId, at],
    );
    await tx.execute(
      `update entrant e set lot_number = v.n, lot_code = lpad(v.n::text, ?, '0'), lot_draw_id = ?
         from unnest(?::int[], ?::int[]) as v(id, n) where e.id = v.id`,
      [digits, d!.id, pgArray(ids), pgArray(ids.map((id) => numbers.get(id)!))],
    );
    audit.push({
      at,
      kind: 'LOTS_DRAWN',
      actorId: leadId,
      subject: { tradeId, seq: 1 },
      after: { commitment: commitmentOf(seed), entrantCount: entrants.length, digits },
    });
  };

  // ---------------------------------------------------------- the rounds
  const reviewed = cst('2024-09-03', '17:00');
  let entrantsOf = new Map<string, Entrant[]>();
  for (const c of CATEGORIES) {
    const eligible = subs
      .filter((s) => s.category === c && s.eligible)
      .sort((a, b) => submittedAt.get(a)!.getTime() - submittedAt.get(b)!.getTime());
    entrantsOf.set(c.code, await enter(roundsOf.get(c.code)![0]!.tradeId, eligible, reviewed));
  }
  let marks = 0;
  let assignments = 0;
  const finals = new Map<string, TradeResults>();
  /** Each round's results as signed off (nothing changes them afterwards). */
  const signedOff = new Map<number, TradeResults>();
  for (const [r, when] of schedule.entries()) {
    const next = new Map<string, Entrant[]>();
    for (const c of CATEGORIES) {
      const round = roundsOf.get(c.code)![r]!;
      const entrants = entrantsOf.get(c.code)!;
      const window =
        round.kind === RoundKind.PRESENTATION
          ? { from: cst(presentationDay(c.code), '08:30'), to: cst(presentationDay(c.code), '17:30') }
          : { from: when.from, to: when.to };
      // Reviewers: balanced, never the judge's own unit (or above it) or a studio they belong to.
      const k = round.kind === RoundKind.SCORING ? K_SCORING : K_PANEL;
      const plan = assignReviewers({
        items: entrants.map((e) => ({
          id: e.id,
          conflicts: new Set(
            judges
              .filter(
                (j) =>
                  within(e.sub.who.unitPath, j.path) ||
                  (e.sub.who.studioId !== null && j.studios.has(e.sub.who.studioId)),
              )
              .map((j) => j.accountId),
          ),
        })),
        judges: judges.map((j) => j.accountId),
        perSubmission: k,
        maxPerJudge: Math.ceil((entrants.length * k) / judges.length) + 1,
      });
      const pairs = [...plan].flatMap(([entrant, js]) => js.map((j) => [entrant, j] as const));
      await tx.execute(
        `insert into review_assignment (trade_id, entrant_id, judge_id)
         select ?, v.e, v.j from unnest(?::int[], ?::int[]) as v(e, j)`,
        [round.tradeId, pgArray(pairs.map((x) => x[0])), pgArray(pairs.map((x) => x[1]))],
      );
      await tx.execute(
        `insert into judge_assignment (trade_id, account_id, role, created_at)
         select ?, j, 'JUDGE', ? from unnest(?::int[]) as j`,
        [round.tradeId, window.from, pgArray(judges.map((j) => j.accountId))],
      );
      await tx.execute('update trade set per_entrant_panels = true where id = ?', [round.tradeId]);
      assignments += pairs.length;
      if (r === 0) await draw(round.tradeId, entrants, cst('2024-09-04', '10:00'));

      // Marks: the entry's quality as each expert sees it (harsh or lenient), in half points.
      const rows: { entrant: number; aspect: string; judge: number; value: number; at: Date }[] = [];
      const aspects = round.scheme.modules.flatMap((m) =>
        m.criteria.flatMap((x) => x.aspects.map((a) => a.code)),
      );
      const judgeOf = new Map(judges.map((j) => [j.accountId, j]));
      for (const e of entrants) {
        const form = (rng() - 0.5) * 0.08;
        const slant = new Map(aspects.map((a) => [a, (rng() - 0.5) * 0.12]));
        for (const jid of plan.get(e.id)!) {
          const j = judgeOf.get(jid)!;
          const at =
            round.kind === RoundKind.SCORING
              ? moment(window.from.toISOString().slice(0, 10), window.to.toISOString().slice(0, 10))
              : new Date(window.from.getTime() + int(30, 8 * 60) * 60_000);
          for (const a of aspects) {
            const raw = 10 * (e.sub.quality + form + slant.get(a)!) + j.bias + (rng() - 0.5) * 1.2;
            rows.push({
              entrant: e.id,
              aspect: a,
              judge: jid,
              value: Math.min(10, Math.max(0, Math.round(raw * 2) / 2)),
              at,
            });
          }
        }
      }
      await tx.execute(
        `insert into mark (trade_id, entrant_id, aspect_code, judge_id, value, device_id, created_at, updated_at)
         select ?, e, a, j, v, d, t, t
           from unnest(?::int[], ?::text[], ?::int[], ?::numeric[], ?::text[], ?::timestamptz[]) as x(e, a, j, v, d, t)`,
        [
          round.tradeId,
          pgArray(rows.map((m) => m.entrant)),
          pgArray(rows.map((m) => m.aspect)),
          pgArray(rows.map((m) => m.judge)),
          pgArray(rows.map((m) => m.value)),
          pgArray(rows.map((m) => judgeOf.get(m.judge)!.device)),
          pgArray(rows.map((m) => m.at.toISOString())),
        ],
      );
      // No tie may straddle a cut (who goes on, who is awarded): the lead judge would have the
      // experts look again; here the better-placed of a tied pair gets half a point more.
      let results = await computeTradeResults(tx, round.tradeId, round.scheme);
      for (let guard = 0; ; guard += 1) {
        const cut = round.cutoffs.find((n) => results.entries.filter((x) => x.rank <= n).length !== n);
        if (cut === undefined) break;
        if (guard > 40) throw new Error(`A tie straddles the cut of round ${round.tradeId}`);
        const rank = results.entries[cut - 1]!.rank;
        const tied = results.entries.filter((x) => x.rank === rank).map((x) => x.entrant.id);
        const m =
          rows.find((x) => x.entrant === tied[0] && x.value < 10) ??
          rows.find((x) => tied.slice(1).includes(x.entrant) && x.value > 0)!;
        m.value += m.entrant === tied[0] ? 0.5 : -0.5;
        await tx.execute(
          'update mark set value = ? where entrant_id = ? and aspect_code = ? and judge_id = ?',
          [m.value, m.entrant, m.aspect, m.judge],
        );
        results = await computeTradeResults(tx, round.tradeId, round.scheme);
      }
      for (const m of rows) {
        audit.push({
          at: m.at,
          kind: 'MARK_CREATED',
          actorId: m.judge,
          deviceId: judgeOf.get(m.judge)!.device,
          idempotencyKey: `kjj-${round.tradeId}-${m.entrant}-${m.aspect}-${m.judge}`,
          subject: { entrantId: m.entrant, tradeId: round.tradeId, aspectCode: m.aspect, judgeId: m.judge },
          after: { value: m.value, version: 1 },
        });
      }
      marks += rows.length;
      signedOff.set(round.tradeId, results);
      await refreshBoard(tx, round.tradeId, null);

      // The lead judge signs the round off.
      const locked = new Date(
        window.to.getTime() + (round.kind === RoundKind.SCORING ? 3 * 86_400_000 : 1_800_000),
      );
      await tx.execute('update trade set marks_locked_at = ? where id = ?', [locked, round.tradeId]);
      audit.push({ at: locked, kind: 'TRADE_LOCKED', actorId: leadId, subject: { tradeId: round.tradeId } });

      if (round.count === null) {
        finals.set(c.code, results);
        continue;
      }
      // The top N go on: entrants of the next round, lots for them, round_advance rows, an event.
      const nextRound = roundsOf.get(c.code)![r + 1]!;
      const advancedAt = new Date(locked.getTime() + (round.kind === RoundKind.SCORING ? 18 : 2) * 3_600_000);
      const picks = results.entries.filter((x) => x.rank <= round.count!);
      const byEntrant = new Map(entrants.map((e) => [e.id, e]));
      const moved = await enter(
        nextRound.tradeId,
        picks.map((x) => byEntrant.get(x.entrant.id)!.sub),
        advancedAt,
      );
      const nextOf = new Map(moved.map((e) => [e.sub.id, e.id]));
      const reasonsOf = picks.map((x) => ({
        entrantId: x.entrant.id,
        reason: `rank ${x.rank} ≤ ${round.count}`,
      }));
      await tx.execute(
        `insert into round_advance (trade_id, entrant_id, next_entrant_id, reason, decided_by, decided_at)
         select ?, e, n, r, ?, ? from unnest(?::int[], ?::int[], ?::text[]) as x(e, n, r)`,
        [
          round.tradeId,
          leadId,
          advancedAt,
          pgArray(reasonsOf.map((x) => x.entrantId)),
          pgArray(reasonsOf.map((x) => nextOf.get(byEntrant.get(x.entrantId)!.sub.id)!)),
          pgArray(reasonsOf.map((x) => x.reason)),
        ],
      );
      await draw(nextRound.tradeId, moved, advancedAt);
      audit.push({
        at: new Date(advancedAt.getTime() + 1000),
        kind: 'ROUND_ADVANCED',
        actorId: leadId,
        subject: { tradeId: round.tradeId, nextTradeId: nextRound.tradeId },
        after: { rule: { by: AdvanceBy.TOP_N, count: round.count, minTotal: null }, advanced: reasonsOf },
      });
      next.set(c.code, moved);
    }
    entrantsOf = next;
  }

  // ---------------------------------------------------------- 公示 publication, then final results
  // Rank, total and tier of every entrant, as publication and finality record them.
  const results = [...signedOff]
    .sort((a, b) => a[0] - b[0])
    .map(([tradeId, res]) => ({
      tradeId,
      entries: res.entries.map((e) => [e.entrant.id, e.rank, e.total, e.awardTier]),
    }));
  const published = cst('2024-10-28', '10:00');
  const noticeEnds = cst('2024-11-02', '10:00');
  const draws = await tx.execute<
    { trade_id: number; seq: number; seed: string; commitment: string; digits: number }[]
  >(
    `select d.trade_id, d.seq, d.seed, d.commitment, d.digits from lot_draw d join trade t on t.id = d.trade_id
      where t.competition_id = ? order by d.trade_id, d.seq`,
    [competitionId],
  );
  const lots = await tx.execute<{ trade_id: number; id: number; lot_number: number }[]>(
    `select e.trade_id, e.id, e.lot_number from entrant e join trade t on t.id = e.trade_id
      where t.competition_id = ? and e.lot_number is not null order by e.trade_id, e.lot_number`,
    [competitionId],
  );
  for (const [i, d] of draws.entries()) {
    audit.push({
      at: new Date(published.getTime() + i),
      kind: 'IDENTITIES_REVEALED',
      actorId: organizer,
      subject: { tradeId: d.trade_id },
      after: {
        draws: [{ seq: d.seq, seed: d.seed, commitment: d.commitment, digits: d.digits }],
        lots: lots
          .filter((l) => l.trade_id === d.trade_id)
          .map((l) => ({ lotNumber: l.lot_number, entrantId: l.id })),
      },
    });
  }
  await tx.execute(
    `update lot_draw d set revealed_at = ? from trade t where t.id = d.trade_id and t.competition_id = ?`,
    [published, competitionId],
  );
  audit.push({
    at: new Date(published.getTime() + 1000),
    kind: 'RESULTS_PUBLISHED',
    actorId: organizer,
    subject: { competitionId },
    after: { noticeEndsAt: noticeEnds.toISOString(), appealDeadline: noticeEnds.toISOString(), results },
  });
  const finalAt = cst('2024-11-04', '10:00');
  const recorded = await recordCampaignHonors(tx, competitionId);
  // Awarded on the day the results became final.
  await tx.execute(
    `update achievement set achieved_on = ? where kind = 'AWARD' and title like ? and studio_id = any(?::int[])`,
    ['2024-11-04', `${NAME}%`, pgArray(studioPlans.map((p) => p.id))],
  );
  audit.push({
    at: finalAt,
    kind: 'HONORS_RECORDED',
    actorId: organizer,
    subject: { competitionId },
    after: { ...recorded },
  });
  audit.push({
    at: new Date(finalAt.getTime() + 1000),
    kind: 'RESULTS_FINAL',
    actorId: organizer,
    subject: { competitionId },
    after: { results },
  });
  const auditEvents = await writeChain(tx, competitionId, audit);

  const awards: Record<string, number> = {};
  for (const [code, res] of finals) awards[code] = res.entries.filter((e) => e.awardTier).length;
  for (const c of CATEGORIES)
    if (awards[c.code] !== c.quota) throw new Error(`${c.name}: ${awards[c.code]} awarded, quota ${c.quota}`);
  return {
    competitionId,
    name: NAME,
    categories: CATEGORIES.length,
    submissions: subs.length,
    ineligible: subs.filter((s) => !s.eligible).length,
    rounds: allRounds.length,
    awards,
    units: UNITS.length,
    people: hires.length,
    teams: TEAMS.length,
    studios: studioPlans.length,
    judges: judges.length,
    reviewAssignments: assignments,
    marks,
    auditEvents,
    honors: recorded.honors,
    studioAwards: recorded.studioAwards,
    usernames: accountSpecs.map((a) => a.username),
  };
}

/** Presentations (讲解答疑): one category a day or half-day, 10–12 October. */
function presentationDay(code: string): string {
  return { PROJECT: '2024-10-10', VIDEO: '2024-10-11', METHOD: '2024-10-11', STUDIO: '2024-10-12' }[code]!;
}

function titleOf(code: string, core: string, who: string, rng: () => number): string {
  if (code === 'METHOD') return `${who}${core}`;
  if (code === 'VIDEO') return `${['', '自制', '巧做', '小发明：'][Math.floor(rng() * 4)]}${core}`;
  return core;
}

/**
 * Appends the events to the competition's audit chain in the order they happened, hashed as
 * `appendAudit` hashes them (`hashEvent`, GENESIS_HASH first), in batches. The competition is new
 * and uncommitted, so no one else appends to its chain meanwhile.
 */
async function writeChain(tx: EntityManager, competitionId: number, events: QueuedEvent[]): Promise<number> {
  const ordered = events
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.at.getTime() - b.e.at.getTime() || a.i - b.i)
    .map((x) => x.e);
  const [last] = await tx.execute<{ seq: number; hash: string }[]>(
    'select seq, hash from audit_event where competition_id = ? order by seq desc limit 1',
    [competitionId],
  );
  let prev = last?.hash ?? GENESIS_HASH;
  let seq = last?.seq ?? 0;
  const rows = ordered.map((e) => {
    seq += 1;
    const row = {
      competition_id: competitionId,
      seq,
      kind: e.kind,
      actor_id: e.actorId,
      device_id: e.deviceId ?? null,
      idempotency_key: e.idempotencyKey ?? null,
      subject: e.subject,
      before: e.before ?? null,
      after: e.after ?? null,
      created_at: new Date(Math.floor(e.at.getTime())),
      prev_hash: prev,
    };
    prev = hashEvent(row);
    return { ...row, hash: prev };
  });
  for (let i = 0; i < rows.length; i += 1000) {
    await tx.execute(
      `insert into audit_event (competition_id, seq, kind, actor_id, device_id, idempotency_key, subject, before, after,
                                created_at, prev_hash, hash)
       select competition_id, seq, kind, actor_id, device_id, idempotency_key, subject,
              nullif(before, 'null'::jsonb), nullif(after, 'null'::jsonb), created_at, prev_hash, hash
         from jsonb_to_recordset(?::jsonb) as x(competition_id int, seq int, kind text, actor_id int, device_id text,
              idempotency_key text, subject jsonb, before jsonb, after jsonb, created_at timestamptz, prev_hash text,
              hash text)
        order by seq`,
      [JSON.stringify(rows.slice(i, i + 1000))],
    );
  }
  return rows.length;
}
