import ExcelJS from 'exceljs';
import { type Text, text } from '../../shared/i18n';
import type { SchemeError, SchemeErrorCode, SchemeValidation } from './scheme';
import { validateScheme } from './scheme-validation';
import {
  applyExtras,
  normalize,
  placeOf,
  range,
  sheetValues,
  type Cell,
  type Place,
  type RawAspect,
  type RawCriterion,
  type RawModule,
} from './scheme-worldskills-sheet';
import {
  COLUMN_LETTERS,
  CRITERION_ID,
  EXTRAS_COLUMNS,
  EXTRAS_SHEET,
  MAX_SHEET_ROWS,
  SUB_CRITERION_ID,
  WS_COLUMNS,
  weightsFromTotals,
} from './scheme-worldskills';

/**
 * Reads a marking scheme from an XLSX file in the WorldSkills layout (see `scheme-worldskills.ts`).
 * Every problem is reported with its sheet, row and column; nothing is returned on any error.
 */
export async function schemeFromWorldSkillsXlsx(file: Buffer): Promise<SchemeValidation> {
  const errors: SchemeError[] = [];
  const fail = (at: Place, code: SchemeErrorCode, message: Text) => {
    const letter = COLUMN_LETTERS[at.column] ?? '?';
    const heading = at.sheet === EXTRAS_SHEET ? EXTRAS_COLUMNS[at.column] : WS_COLUMNS[at.column as 0];
    errors.push({
      path: `'${at.sheet}'!${letter}${at.row}`,
      code,
      message: text(
        `工作表“${at.sheet}”第 ${at.row} 行 ${letter} 列${heading ? `（${heading}）` : ''}：${message.zh}`,
        `Sheet "${at.sheet}", row ${at.row}, column ${letter}${heading ? ` (${heading})` : ''}: ${message.en}`,
      ),
    });
  };
  const whole = (message: Text): SchemeValidation => ({
    scheme: null,
    errors: [{ path: '', code: 'SHEET_FORMAT', message }],
  });

  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(file as unknown as ArrayBuffer);
  } catch (e) {
    return whole(
      text(
        `无法读取的 XLSX 文件：${(e as Error).message}`,
        `Not a readable XLSX file: ${(e as Error).message}`,
      ),
    );
  }
  const first = workbook.worksheets[0];
  if (!first) return whole(text('工作簿中没有工作表。', 'The workbook has no sheet.'));
  const extrasSheet = workbook.getWorksheet(EXTRAS_SHEET);
  for (const s of [first, extrasSheet]) {
    if (s && s.rowCount > MAX_SHEET_ROWS)
      return whole(
        text(
          `工作表“${s.name}”超过 ${MAX_SHEET_ROWS} 行。`,
          `Sheet "${s.name}" has more than ${MAX_SHEET_ROWS} rows.`,
        ),
      );
  }
  const rows = sheetValues(first, WS_COLUMNS.length);
  const at = (row: number, column: number): Place => ({ sheet: first.name, row, column });

  const header = rows.shift();
  if (!header || header.row !== 1)
    return whole(
      text(`工作表“${first.name}”的表头须在第 1 行。`, `Sheet "${first.name}" needs its header on row 1.`),
    );
  WS_COLUMNS.forEach((name, c) => {
    const got = header.cells[c];
    // WorldSkills templates add hints after the name ("Aspect Type M = Meas J = Judg").
    if (typeof got !== 'string' || !normalize(got).startsWith(normalize(name))) {
      fail(at(1, c), 'SHEET_FORMAT', text(`表头应为“${name}”。`, `The heading should be "${name}".`));
    }
  });
  for (let c = WS_COLUMNS.length; c < header.cells.length; c++) {
    if (header.cells[c] !== null) fail(at(1, c), 'SHEET_FORMAT', text('未知列。', 'Unknown column.'));
  }
  if (errors.length) return { scheme: null, errors };

  const modules = new Map<string, RawModule>();
  const criteria = new Map<string, RawCriterion>();
  let criterion: RawCriterion | null = null;
  let aspect: RawAspect | null = null;
  const mustBeEmpty = (row: number, cells: Cell[], columns: number[], why: Text) => {
    for (const c of columns) if (cells[c] !== null) fail(at(row, c), 'SHEET_FORMAT', why);
  };
  const moduleFor = (letter: string, row: number): RawModule => {
    let m = modules.get(letter);
    if (!m) {
      m = { ref: letter, code: letter, name: letter, criteria: [], row };
      modules.set(letter, m);
    }
    return m;
  };

  for (const { row, cells } of rows) {
    const [id, name, type, description, score, extra, requirement, wsss, maxMark] = cells;
    mustBeEmpty(
      row,
      cells,
      range(WS_COLUMNS.length, cells.length),
      text('“Max Mark”右侧的单元格须为空。', 'Cells right of "Max Mark" must be empty.'),
    );
    const idText = id === null ? null : String(id);
    if (idText !== null && CRITERION_ID.test(idText)) {
      if (modules.has(idText))
        fail(
          at(row, 0),
          'DUPLICATE_CODE',
          text(`模块 ${idText} 在上方已有行。`, `Criterion ${idText} already has rows above.`),
        );
      else modules.set(idText, { ref: idText, code: idText, name, criteria: [], row });
      if (name === null)
        fail(at(row, 1), 'REQUIRED', text('模块行须写明模块名称。', 'A criterion row names the criterion.'));
      mustBeEmpty(
        row,
        cells,
        range(2, WS_COLUMNS.length),
        text('模块行只填写编号和名称。', 'A criterion row has only an id and a name.'),
      );
      criterion = null;
      aspect = null;
      continue;
    }
    if (idText !== null) {
      const sub = SUB_CRITERION_ID.exec(idText);
      if (!sub) {
        fail(
          at(row, 0),
          'INVALID_CODE',
          text(
            `“${idText}”不是模块（A）或子模块（A1）编号。`,
            `"${idText}" is not a criterion (A) or sub-criterion (A1) id.`,
          ),
        );
        continue;
      }
      const seen = criteria.get(idText);
      if (seen && seen !== criterion) {
        fail(
          at(row, 0),
          'DUPLICATE_CODE',
          text(
            `子模块 ${idText} 从第 ${seen.row} 行开始，请将其各行放在一起。`,
            `Sub-criterion ${idText} began on row ${seen.row}; keep its rows together.`,
          ),
        );
        continue;
      }
      if (!seen) {
        if (name === null)
          fail(
            at(row, 1),
            'REQUIRED',
            text('子模块的第一行须写明其名称。', 'The first row of a sub-criterion names it.'),
          );
        criterion = { ref: idText, code: idText, name, aspects: [], row };
        criteria.set(idText, criterion);
        moduleFor(sub[1]!, row).criteria.push(criterion);
        aspect = null;
      } else if (name !== null && name !== seen.name) {
        fail(
          at(row, 1),
          'SHEET_FORMAT',
          text(
            `子模块 ${idText} 在第 ${seen.row} 行的名称不同。`,
            `Sub-criterion ${idText} is named differently on row ${seen.row}.`,
          ),
        );
      }
    } else if (name !== null) {
      fail(at(row, 0), 'REQUIRED', text('子模块名称须有编号。', 'A sub-criterion name needs its id.'));
      continue;
    }

    if (type !== null) {
      const kind = String(type).toUpperCase();
      if (kind !== 'M' && kind !== 'J') {
        fail(
          at(row, 2),
          'INVALID_VALUE',
          text(
            '评分要素类型为 M（测量）或 J（评价）。',
            'The aspect type is M (measurement) or J (judgement).',
          ),
        );
        continue;
      }
      if (!criterion) {
        fail(
          at(row, 0),
          'REQUIRED',
          text(
            '评分要素须属于某个子模块：请在本行或上方填写其编号（A1）。',
            'An aspect belongs to a sub-criterion: give its id (A1) on or above this row.',
          ),
        );
        continue;
      }
      mustBeEmpty(
        row,
        cells,
        [4],
        text(
          '评分要素行不填写评价分值；分值写在 J 类评分要素下方的行中。',
          'An aspect row has no judgement score; scores go on the rows below a J aspect.',
        ),
      );
      if (kind === 'J')
        mustBeEmpty(
          row,
          cells,
          [6],
          text(
            '只有测量（M）类评分要素才有要求或标称尺寸。',
            'Only measurement (M) aspects have a requirement or nominal size.',
          ),
        );
      if (maxMark === null)
        fail(at(row, 8), 'REQUIRED', text('评分要素须有最高分。', 'An aspect has a maximum mark.'));
      else if (typeof maxMark !== 'number') {
        fail(at(row, 8), 'INVALID_MAX_MARK', text('最高分须为数字。', 'The maximum mark is a number.'));
      }
      const n = criterion.aspects.length + 1;
      aspect = {
        code: `${criterion.code}.${n}`,
        ref: `${criterion.code}/${n}`,
        description,
        kind: kind === 'J' ? 'JUDGEMENT' : 'MEASUREMENT',
        maxMark,
        aggregation: { method: kind === 'J' ? 'JUDGEMENT_AVERAGE' : 'MEAN' },
        tolerance: null,
        row,
      };
      if (extra !== null) aspect.extraDescription = extra;
      if (requirement !== null) aspect.requirement = String(requirement);
      if (wsss !== null) aspect.standardSection = String(wsss);
      if (kind === 'J') aspect.scale = { min: Infinity, max: -Infinity, descriptors: {} };
      criterion.aspects.push(aspect);
      continue;
    }
    if (score !== null) {
      mustBeEmpty(
        row,
        cells,
        [0, 1, 2, 3, 6, 7, 8],
        text(
          '评价分值行只填写分值及其描述。',
          'A judgement score row has only the score and its descriptor.',
        ),
      );
      if (!aspect?.scale) {
        fail(
          at(row, 4),
          'SHEET_FORMAT',
          text('评价分值须位于 J 类评分要素之下。', 'A judgement score belongs under a J aspect.'),
        );
        continue;
      }
      if (typeof score !== 'number' || !Number.isInteger(score) || score < 0) {
        fail(
          at(row, 4),
          'INVALID_SCALE',
          text('评价分值须为整数（0–3）。', 'A judgement score is a whole number (0–3).'),
        );
        continue;
      }
      if (Object.hasOwn(aspect.scale.descriptors, String(score))) {
        fail(
          at(row, 4),
          'INVALID_SCALE',
          text(`分值 ${score} 在上方已有描述。`, `Score ${score} is already described above.`),
        );
        continue;
      }
      if (extra === null)
        fail(
          at(row, 5),
          'REQUIRED',
          text('每个评价分值都须有描述。', 'Each judgement score has its descriptor.'),
        );
      aspect.scale.descriptors[String(score)] = extra;
      aspect.scale.min = Math.min(aspect.scale.min, score);
      aspect.scale.max = Math.max(aspect.scale.max, score);
      continue;
    }
    if (idText === null) {
      fail(
        at(row, 2),
        'SHEET_FORMAT',
        text(
          '该行既不是模块，也不是评分要素或评价分值。',
          'The row is neither a criterion, an aspect nor a judgement score.',
        ),
      );
    }
  }
  for (const m of modules.values()) {
    if (m.criteria.length === 0)
      fail(
        at(m.row, 0),
        'REQUIRED',
        text(`模块 ${m.ref} 没有子模块。`, `Criterion ${m.ref} has no sub-criteria.`),
      );
  }
  for (const c of criteria.values()) {
    if (c.aspects.length === 0)
      fail(
        at(c.row, 2),
        'REQUIRED',
        text(`子模块 ${c.code} 没有评分要素。`, `Sub-criterion ${c.code} has no aspects.`),
      );
  }
  if (modules.size === 0)
    fail(at(2, 0), 'REQUIRED', text('工作表中没有评分要素。', 'The sheet has no aspects.'));

  const extrasPlaces = extrasSheet
    ? applyExtras(extrasSheet, modules, criteria, fail)
    : new Map<string, number>();
  if (errors.length) return { scheme: null, errors };

  const list = [...modules.values()];
  const derived = weightsFromTotals(
    list.map((m) =>
      m.criteria.reduce((s, c) => s + c.aspects.reduce((t, a) => t + (a.maxMark as number), 0), 0),
    ),
  );
  const raw = {
    modules: list.map((m, i) => ({
      code: m.code,
      name: m.name,
      weight: m.weight ?? derived[i]!,
      criteria: m.criteria.map((c) => ({
        code: c.code,
        name: c.name,
        aspects: c.aspects.map(({ row: _row, ref: _ref, ...a }) =>
          a.scale && a.scale.min > a.scale.max ? { ...a, scale: undefined } : a,
        ),
      })),
    })),
  };
  const result = validateScheme(JSON.parse(JSON.stringify(raw)));
  // Point each rule the scheme breaks at the cell that says it.
  for (const e of result.errors) {
    const place = placeOf(e.path, list, first.name, extrasPlaces);
    if (place) {
      const before = errors.length;
      fail(place, e.code, e.message);
      e.path = errors[before]!.path;
      e.message = errors[before]!.message;
      errors.pop();
    }
  }
  return result;
}
