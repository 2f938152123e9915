import type { EntityManager } from '@mikro-orm/postgresql';
import type { Context } from '../../shared/graphql/context';
import type { Competition } from '../competition/competition.entity';
import type { Trade } from '../competition/trade.entity';
import { identity } from '../scoring/results-export';
import { type TradeResults, tradeResults } from '../scoring/results.service';
import { chineseDate, newPdf, toBuffer, type Pdf } from './pdf';
import { fileName, MAY_RENDER, type RenderedDocument } from './results-summary';
import { namesPublished, tradeCompetition } from './trade-data';

/** What an organizer sets for a competition's certificates; blanks fall back to the defaults. */
export interface CertificateTemplate {
  title: string;
  awardingBody: string | null;
  /** As printed, e.g. 2026年12月; null: the day results were published. */
  dateText: string | null;
  /** Text in the seal's circle until the paper is stamped, e.g. 盖章处. */
  sealText: string;
}

export const DEFAULT_TEMPLATE: CertificateTemplate = {
  title: '获奖证书',
  awardingBody: null,
  dateText: null,
  sealText: '（盖章）',
};

export async function loadTemplate(em: EntityManager, competitionId: number): Promise<CertificateTemplate> {
  const [row] = await em.execute<{ certificate_template: Partial<CertificateTemplate> | null }[]>(
    'select certificate_template from competition where id = ?',
    [competitionId],
  );
  return { ...DEFAULT_TEMPLATE, ...(row?.certificate_template ?? {}) };
}

export interface CertificateText {
  recipient: string;
  unit: string | null;
  body: string;
  award: string;
  /** The last line of the citation; 特发此证，以资鼓励。 unless given. */
  closing?: string;
}

/** One landscape A4 page: border, title, recipient, citation, awarding body, date and seal. */
export function certificatePage(
  doc: Pdf,
  t: CertificateTemplate,
  c: CertificateText,
  awardingBody: string,
  date: string,
): void {
  const { width, height } = doc.page;
  doc
    .rect(28, 28, width - 56, height - 56)
    .lineWidth(3)
    .stroke();
  doc
    .rect(38, 38, width - 76, height - 76)
    .lineWidth(0.8)
    .stroke();
  doc
    .font('bold')
    .fontSize(40)
    .text(t.title, 60, 90, { width: width - 120, align: 'center' });
  doc
    .font('bold')
    .fontSize(22)
    .text(`${c.recipient}${c.unit ? `（${c.unit}）` : ''}：`, 100, 200, {
      width: width - 200,
    });
  doc
    .font('regular')
    .fontSize(18)
    .text(c.body, 130, 250, { width: width - 260, lineGap: 8 });
  doc
    .font('bold')
    .fontSize(26)
    .text(c.award, 60, 330, { width: width - 120, align: 'center' });
  doc
    .font('regular')
    .fontSize(16)
    .text(c.closing ?? '特发此证，以资鼓励。', 130, 390, { width: width - 260 });
  const rightX = width - 330;
  doc.fontSize(16).text(awardingBody, rightX, height - 150, { width: 250, align: 'center' });
  doc.text(date, rightX, height - 120, { width: 250, align: 'center' });
  // The seal goes over the awarding body's name; a dashed circle shows where.
  doc
    .circle(rightX + 125, height - 135, 48)
    .dash(4, { space: 3 })
    .lineWidth(1)
    .stroke()
    .undash();
  doc.fontSize(9).text(t.sealText, rightX + 77, height - 176, { width: 96, align: 'center' });
}

/**
 * 获奖证书 for the trade's award winners, one page each. Certificates name people, so they exist
 * once results are published (then the results are public); null before, or with no award.
 */
export async function tradeCertificatesPdf(
  ctx: Context,
  trade: Trade,
  probe = false,
): Promise<RenderedDocument | null> {
  const scheme = await ctx.loaders.markingSchemeByTrade.load(trade.id);
  const competition = await tradeCompetition(ctx, trade);
  if (!scheme || !namesPublished(competition)) return null;
  const results = await tradeResults(ctx, trade, scheme);
  const winners = results.entries.filter((r) => r.awardLabel);
  if (winners.length === 0) return null;
  if (probe) return MAY_RENDER;
  const template = await loadTemplate(ctx.em, competition.id);
  const { awardingBody, date } = await signOff(ctx, competition, template);
  const doc = newPdf(`${competition.name} ${trade.name} ${template.title}`, 'landscape');
  let first = true;
  for (const r of winners) {
    if (!first) doc.addPage();
    first = false;
    certificatePage(doc, template, await citation(ctx, competition, trade, r), awardingBody, date);
  }
  return { filename: fileName(competition.name, trade.name, template.title), content: await toBuffer(doc) };
}

/**
 * Who is honoured and for what: a person, team or enterprise in a skills trade; in a campaign,
 * the submission's author (a person, a team or a studio) for the named entry in its category.
 */
async function citation(
  ctx: Context,
  competition: Competition,
  trade: Trade,
  r: TradeResults['entries'][number],
): Promise<CertificateText> {
  const [submission] = await ctx.em.execute<
    { title: string; studio: string | null; category: string | null }[]
  >(
    `select s.title, st.name as studio, k.name as category
       from entrant e join submission s on s.id = e.submission_id
       left join studio st on st.id = s.studio_id
       left join campaign_category k on k.id = s.category_id
      where e.id = ?`,
    [r.entrant.id],
  );
  const [name, unit] = submission?.studio ? [submission.studio, null] : await identity(ctx, r.entrant);
  const body = submission
    ? `在${competition.name}${submission.category ?? ''}评选中，参赛项目《${submission.title}》荣获`
    : `在${competition.name}${trade.name}赛项中，成绩优异，荣获`;
  return { recipient: name ?? '', unit: unit && unit !== name ? unit : null, body, award: r.awardLabel! };
}

export async function signOff(ctx: Context, competition: Competition, template: CertificateTemplate) {
  const host = await ctx.loaders.organizationById.load(competition.host.id);
  return {
    awardingBody: template.awardingBody ?? host?.name ?? '',
    date: template.dateText ?? chineseDate(competition.resultsPublishedAt ?? new Date(), false),
  };
}
