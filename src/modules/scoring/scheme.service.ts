import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError, ErrorCode, Problems, type UserError } from '../../shared/errors';
import type { Context } from '../../shared/graphql/context';
import { decodeId } from '../../shared/validation';
import { assertConfigurable, loadManagedTradeById } from '../competition/competition.service';
import { type MarkingScheme, type SchemeError, moduleMaxMarks } from './scheme';
import { schemeFromCsv, schemeFromJson } from './scheme-formats';
import { schemeFromWorldSkillsXlsx } from './scheme-worldskills-read';
import { type MarkingSchemeType, SchemeFormat, type SetMarkingSchemeInput } from './scheme.types';
import { text } from '../../shared/i18n';

const MAX_SCHEME_BYTES = 1024 * 1024;

/** Each scheme problem keeps its own code: `ErrorCode` has every `SchemeErrorCode` under the same name. */
function toUserError(e: SchemeError): UserError {
  return {
    field: e.path.startsWith("'")
      ? `input.content[${e.path}]`
      : e.path
        ? `scheme.${e.path}`
        : 'input.content',
    code: ErrorCode[e.code],
    message: e.message,
  };
}

/**
 * Replaces a trade's marking scheme from a JSON, CSV or WorldSkills-layout XLSX file. Every problem of
 * the file is reported; the scheme can change only while the competition is
 * being configured (it freezes when the contest runs).
 */
export async function setMarkingScheme(ctx: Context, em: EntityManager, input: SetMarkingSchemeInput) {
  const p = new Problems();
  const tradeId = decodeId(p, 'input.tradeId', input.tradeId, 'Trade');
  if (Buffer.byteLength(input.content, 'utf8') > MAX_SCHEME_BYTES) {
    p.add(
      ErrorCode.IMPORT_INVALID,
      text('文件大于 1 MB。', 'The file is larger than 1 MB.'),
      'input.content',
    );
  }
  p.throwIfAny();
  const { trade, competition } = await loadManagedTradeById(ctx, em, tradeId, 'input.tradeId', true);
  assertConfigurable(competition, 'input.tradeId');
  const parsed =
    input.format === SchemeFormat.JSON
      ? schemeFromJson(input.content)
      : input.format === SchemeFormat.WORLDSKILLS_XLSX
        ? await schemeFromWorldSkillsXlsx(Buffer.from(input.content, 'base64'))
        : schemeFromCsv(input.content);
  if (!parsed.scheme || parsed.errors.length) {
    throw DomainError.many(
      parsed.errors.length
        ? parsed.errors.map(toUserError)
        : [
            {
              field: 'input.content',
              code: ErrorCode.IMPORT_INVALID,
              message: text('不是评分标准文件。', 'Not a marking scheme.'),
            },
          ],
    );
  }
  trade.markingScheme = parsed.scheme;
  await em.flush();
  return trade;
}

/** The stored scheme in GraphQL shape (descriptors as a list, module maxima computed). */
export function schemeView(scheme: MarkingScheme): MarkingSchemeType {
  const maxima = moduleMaxMarks(scheme);
  return {
    modules: scheme.modules.map((m) => ({
      code: m.code,
      name: m.name,
      weight: m.weight,
      maxMarks: maxima.get(m.code) ?? 0,
      criteria: m.criteria.map((c) => ({
        code: c.code,
        name: c.name,
        aspects: c.aspects.map((a) => ({
          code: a.code,
          description: a.description,
          kind: a.kind as never,
          maxMark: a.maxMark,
          aggregation: a.aggregation.method as never,
          trim: a.aggregation.method === 'TRIMMED_MEAN' ? a.aggregation.trim : null,
          minJudges: a.aggregation.method === 'TRIMMED_MEAN' ? a.aggregation.minJudges : null,
          tolerance: a.tolerance,
          extraDescription: a.extraDescription ?? null,
          requirement: a.requirement ?? null,
          standardSection: a.standardSection ?? null,
          scale: a.scale
            ? {
                min: a.scale.min,
                max: a.scale.max,
                descriptors: Object.entries(a.scale.descriptors)
                  .map(([point, text]) => ({ point: Number(point), text }))
                  .sort((x, y) => x.point - y.point),
              }
            : null,
        })),
      })),
    })),
  };
}
