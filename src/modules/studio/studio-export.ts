import type { Context } from '../../shared/graphql/context';
import { tabularFile, type TabularFile } from '../../shared/spreadsheet';
import { listStudios } from './studio-queries.service';
import type { Studio } from './studio.entity';
import type { StudioFilter } from './studio.types';
import { MAX_PAGE_SIZE, pageRequest } from '../../shared/graphql/paging';

const LEVEL = {
  NATIONAL_MODEL: '全国示范性',
  PROVINCIAL: '省级',
  MUNICIPAL: '市级',
  ENTERPRISE: '企业级',
} as const;
const STATUS = {
  APPLIED: '已申报',
  UNDER_REVIEW: '审核中',
  NAMED: '已命名',
  REJECTED: '未通过',
  REVOKED: '已撤销',
} as const;
const ASSESSMENT = { PASS: '合格', NEEDS_IMPROVEMENT: '需改进', FAIL: '不合格' } as const;

export const STUDIO_REGISTRY_HEADINGS = [
  '工作室名称 Studio',
  '级别 Level',
  '领域 Field',
  '所在单位 Host',
  '领办人 Leader',
  '状态 Status',
  '命名日期 Named on',
  '命名单位 Naming union',
  '命名文号 Document number',
  '最近考核 Last assessment',
  '考核年度 Assessment year',
];

/** More than any union keeps; the export stops here rather than run unbounded. */
const MAX_ROWS = 20_000;

/** Studios read of those to export, then rows written: for a command's progress bar. */
export type RegistryExportProgress = (stage: 'read' | 'write', done: number, total: number) => void;

/**
 * The studio registry as a file: exactly the studios `Query.studios` lists for the caller with
 * the same filter (named and revoked ones for everyone, applications for the host's organizers).
 */
export async function studioRegistryFile(
  ctx: Context,
  filter: StudioFilter | null,
  format: 'CSV' | 'XLSX',
  onProgress: RegistryExportProgress = () => {},
): Promise<TabularFile> {
  const studios: Studio[] = [];
  let after: string | null = null;
  let total: number | null = null;
  for (;;) {
    const page = await listStudios(ctx, filter, pageRequest<Studio>({ first: MAX_PAGE_SIZE, after }));
    total ??= page.hasNextPage ? Math.min(await page.totalCount(), MAX_ROWS) : page.nodes.length;
    studios.push(...page.nodes);
    onProgress('read', Math.min(studios.length, total), total);
    if (!page.hasNextPage || studios.length >= MAX_ROWS) break;
    after = page.cursorOf(page.nodes[page.nodes.length - 1]!);
  }
  const rows = [STUDIO_REGISTRY_HEADINGS] as (string | number | null)[][];
  for (const s of studios) {
    const done = rows.length - 1;
    if (done > 0 && done % MAX_PAGE_SIZE === 0) onProgress('write', done, studios.length);
    const [host, naming, leader] = await Promise.all([
      ctx.loaders.organizationById.load(s.host.id),
      s.namingUnion ? ctx.loaders.organizationById.load(s.namingUnion.id) : null,
      ctx.loaders.personById.load(s.leader.id),
    ]);
    rows.push([
      s.name,
      LEVEL[s.level],
      s.field,
      host?.name ?? null,
      leader?.name ?? null,
      STATUS[s.status],
      s.namedOn ?? null,
      naming?.name ?? null,
      s.documentNumber ?? null,
      s.lastAssessment ? ASSESSMENT[s.lastAssessment] : null,
      s.lastAssessmentYear ?? null,
    ]);
  }
  onProgress('write', studios.length, studios.length);
  return tabularFile('studio-registry', '工作室名录 Studios', rows, format);
}
