import type { EntityManager } from '@mikro-orm/postgresql';
import { ErrorCode, Problems } from '../../shared/errors';
import type { Context } from '../../shared/graphql/context';
import { loadManagedCompetition } from '../competition/competition.service';
import { type CertificateTemplate, DEFAULT_TEMPLATE } from './certificates';
import { DOCUMENTS_PATH, type DocumentSpec } from './links';
import { renderDocument } from './render';
import type { DocumentLink, SetCertificateTemplateInput } from './documents.types';
import { text } from '../../shared/i18n';

export const PDF = 'application/pdf';

/** A signed link to the document, or null when the caller may not read it (as in the API). */
export async function documentLink(ctx: Context, spec: DocumentSpec): Promise<DocumentLink | null> {
  const allowed = await renderDocument(ctx, spec, true);
  if (!allowed) return null;
  const { token, expiresAt } = ctx.documentLinks.sign(spec, ctx.viewer);
  return { url: `${DOCUMENTS_PATH}/${token}`, filename: filenameOf(spec), contentType: PDF, expiresAt };
}

function filenameOf(spec: DocumentSpec): string {
  switch (spec.kind) {
    case 'RESULTS_SUMMARY':
      return 'results-summary.pdf';
    case 'MARKING_SHEET':
      return spec.judgeId === null ? 'marking-sheet-blank.pdf' : 'marking-sheet.pdf';
    case 'NOTICE':
      return 'results-notice.pdf';
    case 'TRADE_CERTIFICATES':
      return 'certificates.pdf';
    case 'STUDIO_NAMING_CERTIFICATE':
      return 'naming-certificate.pdf';
  }
}

const LIMITS = { title: 20, awardingBody: 100, dateText: 30, sealText: 20 } as const;

/** Sets a competition's certificate wording; host organizers only. */
export async function setCertificateTemplate(
  ctx: Context,
  em: EntityManager,
  input: SetCertificateTemplateInput,
) {
  const c = await loadManagedCompetition(ctx, em, input.competitionId, 'input.competitionId', true);
  const p = new Problems();
  const clean = (field: keyof typeof LIMITS, v: string | null | undefined): string | null => {
    const t = v?.trim() ?? '';
    if (t.length > LIMITS[field]) {
      p.add(
        ErrorCode.TOO_LONG,
        text(`最多 ${LIMITS[field]} 个字符。`, `At most ${LIMITS[field]} characters.`),
        `input.${field}`,
      );
    }
    return t === '' ? null : t;
  };
  const title = clean('title', input.title);
  if (title === null)
    p.add(ErrorCode.REQUIRED, text('证书须有名称。', 'A certificate has a title.'), 'input.title');
  const template: CertificateTemplate = {
    title: title ?? DEFAULT_TEMPLATE.title,
    awardingBody: clean('awardingBody', input.awardingBody),
    dateText: clean('dateText', input.dateText),
    sealText: clean('sealText', input.sealText) ?? DEFAULT_TEMPLATE.sealText,
  };
  p.throwIfAny();
  await em.execute('update competition set certificate_template = ? where id = ?', [
    JSON.stringify(template),
    c.id,
  ]);
  return c;
}
