import { DomainError, ErrorCode } from '../../shared/errors';
import { type CellValue, writeXlsx } from '../../shared/spreadsheet';
import type { MarkingScheme } from './scheme';
import { canonicalScheme } from './scheme-validation';
import {
  COLUMN_LETTERS,
  EXTRAS_COLUMNS,
  EXTRAS_SHEET,
  WS_COLUMNS,
  WS_SHEET,
  worldSkillsIds,
} from './scheme-worldskills';
import { text } from '../../shared/i18n';

/** The first sheet's rows (header included) for a scheme, in the layout the reader reads back. */
export function worldSkillsRows(scheme: MarkingScheme): CellValue[][] {
  const { letters, subIds } = worldSkillsIds(scheme);
  const rows: CellValue[][] = [[...WS_COLUMNS]];
  scheme.modules.forEach((m, i) => {
    const letter = letters[i]!;
    // A module named by its letter alone needs no criterion row: the reader names it so.
    if (m.name !== letter) rows.push([letter, m.name]);
    m.criteria.forEach((c, j) => {
      c.aspects.forEach((a, k) => {
        rows.push([
          k === 0 ? subIds[i]![j]! : null,
          k === 0 ? c.name : null,
          a.kind === 'JUDGEMENT' ? 'J' : 'M',
          a.description,
          null,
          a.extraDescription ?? null,
          a.requirement ?? null,
          a.standardSection ?? null,
          a.maxMark,
        ]);
        if (a.scale) {
          for (let p = a.scale.min; p <= a.scale.max; p++) {
            rows.push([null, null, null, null, p, a.scale.descriptors[String(p)]!]);
          }
        }
      });
    });
  });
  return rows;
}

/** The second sheet: every code, weight, kind, aggregation and tolerance, keyed by WorldSkills id. */
export function extrasRows(scheme: MarkingScheme): CellValue[][] {
  const { letters, subIds } = worldSkillsIds(scheme);
  const rows: CellValue[][] = [[...EXTRAS_COLUMNS]];
  scheme.modules.forEach((m, i) => {
    rows.push([letters[i]!, m.code, m.weight]);
    m.criteria.forEach((c, j) => {
      const subId = subIds[i]![j]!;
      rows.push([subId, c.code]);
      c.aspects.forEach((a, k) => {
        const agg = a.aggregation;
        rows.push([
          `${subId}/${k + 1}`,
          a.code,
          null,
          a.kind,
          agg.method,
          agg.method === 'TRIMMED_MEAN' ? agg.trim : null,
          agg.method === 'TRIMMED_MEAN' ? agg.minJudges : null,
          a.tolerance,
        ]);
      });
    });
  });
  return rows;
}

/** The scheme as an XLSX file in the WorldSkills layout, with the second sheet of what it cannot hold. */
export async function schemeToWorldSkillsXlsx(input: MarkingScheme): Promise<Buffer> {
  if (input.modules.length > COLUMN_LETTERS.length) {
    throw new DomainError(
      ErrorCode.SHEET_FORMAT,
      text(
        `WorldSkills 格式用 A–Z 命名评分项：${input.modules.length} 个模块的评分标准无法容纳。`,
        `The WorldSkills layout names criteria A–Z: a scheme of ${input.modules.length} modules does not fit.`,
      ),
      'format',
    );
  }
  const scheme = canonicalScheme(input);
  return writeXlsx([
    {
      name: WS_SHEET,
      rows: worldSkillsRows(scheme),
      headerRows: 1,
      widths: [10, 28, 8, 40, 8, 40, 20, 10, 9],
    },
    { name: EXTRAS_SHEET, rows: extrasRows(scheme), headerRows: 1 },
  ]);
}
