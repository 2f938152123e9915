import type { Context } from '../../shared/graphql/context';
import { Competition } from '../competition/competition.entity';
import { Trade } from '../competition/trade.entity';
import { tradeCertificatesPdf } from './certificates';
import type { DocumentSpec } from './links';
import { markingSheetPdf } from './marking-sheet';
import { noticePdf } from './notice';
import { resultsSummaryPdf, type RenderedDocument } from './results-summary';
import { studioNamingCertificatePdf } from './studio-certificate';

/**
 * Renders a document as the given context's viewer may see it: the same checks run when the
 * link is made (`probe`: checks only) and when it is fetched, so a link never shows more than
 * the API would.
 */
export async function renderDocument(
  ctx: Context,
  spec: DocumentSpec,
  probe = false,
): Promise<RenderedDocument | null> {
  if (spec.kind === 'STUDIO_NAMING_CERTIFICATE') return studioNamingCertificatePdf(ctx, spec.studioId, probe);
  if (spec.kind === 'NOTICE') {
    const c = await ctx.em.findOne(Competition, { id: spec.competitionId });
    return c ? noticePdf(ctx, c, probe) : null;
  }
  const trade = await ctx.em.findOne(Trade, { id: spec.tradeId });
  if (!trade) return null;
  switch (spec.kind) {
    case 'RESULTS_SUMMARY':
      return resultsSummaryPdf(ctx, trade, probe);
    case 'MARKING_SHEET':
      return markingSheetPdf(ctx, trade, spec.judgeId, probe);
    case 'TRADE_CERTIFICATES':
      return tradeCertificatesPdf(ctx, trade, probe);
  }
}
