import type { Context } from '../../shared/graphql/context';
import { Studio, StudioLevel, StudioStatus } from '../studio/studio.entity';
import { certificatePage, DEFAULT_TEMPLATE } from './certificates';
import { newPdf, toBuffer } from './pdf';
import { fileName, MAY_RENDER, type RenderedDocument } from './results-summary';

/** The name a studio carries at each level, as printed on its plaque and certificate. */
const LEVEL_TITLE: Record<StudioLevel, string> = {
  [StudioLevel.NATIONAL_MODEL]: '全国示范性劳模和工匠人才创新工作室',
  [StudioLevel.PROVINCIAL]: '省级劳模和工匠人才创新工作室',
  [StudioLevel.MUNICIPAL]: '市级劳模和工匠人才创新工作室',
  [StudioLevel.ENTERPRISE]: '企业级劳模和工匠人才创新工作室',
};

/** A day written YYYY-MM-DD, as printed on Chinese certificates: 2025年1月10日. */
function printedDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

/**
 * The naming certificate (命名证书) of a named studio: one page for the host enterprise, naming
 * the studio at its current level, issued by the naming union on the day it was named, with the
 * naming document's number. It exists while the studio is NAMED, for everyone (the registry of
 * named studios is public); null for an application, a rejection or a revoked name.
 */
export async function studioNamingCertificatePdf(
  ctx: Context,
  studioId: number,
  probe = false,
): Promise<RenderedDocument | null> {
  const studio = await ctx.em.findOne(Studio, { id: studioId });
  if (!studio || studio.status !== StudioStatus.NAMED || !studio.namedOn) return null;
  if (probe) return MAY_RENDER;
  const [host, namingUnion] = await Promise.all([
    ctx.loaders.organizationById.load(studio.host.id),
    studio.namingUnion ? ctx.loaders.organizationById.load(studio.namingUnion.id) : null,
  ]);
  const awardingBody = namingUnion?.name ?? host?.name ?? '';
  const title = '命名证书';
  const doc = newPdf(`${studio.name} ${title}`, 'landscape');
  certificatePage(
    doc,
    { ...DEFAULT_TEMPLATE, title },
    {
      recipient: host?.name ?? '',
      unit: null,
      body:
        `经${awardingBody}研究决定${studio.documentNumber ? `（${studio.documentNumber}）` : ''}，` +
        `你单位“${studio.name}”被命名为`,
      award: LEVEL_TITLE[studio.level],
      closing: '特发此证。',
    },
    awardingBody,
    printedDay(studio.namedOn),
  );
  return { filename: fileName(studio.name, title), content: await toBuffer(doc) };
}
