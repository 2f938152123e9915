import type ExcelJS from 'exceljs';
import { unguardText } from '../../shared/spreadsheet';
import type { SchemeErrorCode } from './scheme';
import { EXTRAS_COLUMNS, EXTRAS_SHEET } from './scheme-worldskills';
import type { Text } from '../../shared/i18n';
import { text } from '../../shared/i18n';

// Cell reading, the second sheet, and where each scheme rule points, for `scheme-worldskills-read.ts`.

export type Cell = string | number | null;

/** One sheet as plain values: text trimmed and unguarded, numbers as numbers, blanks as null. */
export function sheetValues(sheet: ExcelJS.Worksheet, width: number): { row: number; cells: Cell[] }[] {
  const out: { row: number; cells: Cell[] }[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: Cell[] = [];
    for (let c = 1; c <= Math.max(width, row.cellCount); c++) cells.push(plain(row.getCell(c).value));
    if (cells.some((v) => v !== null)) out.push({ row: rowNumber, cells });
  });
  return out;
}

function plain(v: ExcelJS.CellValue): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const t = unguardText(v).trim();
    return t === '' ? null : t;
  }
  if (typeof v === 'boolean') return String(v);
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') {
    if ('richText' in v) return plain(v.richText.map((r) => r.text).join(''));
    if ('result' in v) return plain((v.result ?? null) as ExcelJS.CellValue);
    if ('text' in v) return plain(v.text as string);
  }
  return null;
}

export const normalize = (s: string) => s.replace(/\s+/g, ' ').trim().toLowerCase();

export interface Place {
  sheet: string;
  row: number;
  column: number; // 0-based
}

export interface RawAspect {
  code: string;
  description: Cell;
  kind: string;
  maxMark: Cell;
  aggregation: Record<string, unknown>;
  tolerance: Cell;
  extraDescription?: Cell;
  requirement?: Cell;
  standardSection?: Cell;
  scale?: { min: number; max: number; descriptors: Record<string, Cell> };
  row: number;
  ref: string;
}
export interface RawCriterion {
  ref: string;
  code: string;
  name: Cell;
  aspects: RawAspect[];
  row: number;
}
export interface RawModule {
  ref: string;
  code: string;
  name: Cell;
  weight?: number;
  criteria: RawCriterion[];
  row: number;
}

const ASPECT_COLUMN: Record<string, number> = {
  code: 0,
  kind: 2,
  description: 3,
  scale: 4,
  extraDescription: 5,
  requirement: 6,
  standardSection: 7,
  maxMark: 8,
};

export function placeOf(
  path: string,
  modules: RawModule[],
  sheet: string,
  extras: Map<string, number>,
): Place | null {
  const m = /^modules(?:\[(\d+)\](?:\.criteria\[(\d+)\](?:\.aspects\[(\d+)\])?)?)?\.?(\w*)/.exec(path);
  if (!m) return null;
  const [, mi, ci, ai, field] = m;
  const mod = mi === undefined ? undefined : modules[Number(mi)];
  const crit = ci === undefined ? undefined : mod?.criteria[Number(ci)];
  const asp = ai === undefined ? undefined : crit?.aspects[Number(ai)];
  const inExtras = (ref: string, column: number): Place | null => {
    const row = extras.get(ref);
    return row === undefined ? null : { sheet: EXTRAS_SHEET, row, column };
  };
  if (asp) {
    if (field === 'aggregation') return inExtras(asp.ref, 4) ?? { sheet, row: asp.row, column: 2 };
    if (field === 'tolerance') return inExtras(asp.ref, 7) ?? { sheet, row: asp.row, column: 2 };
    if (field === 'code') return inExtras(asp.ref, 1) ?? { sheet, row: asp.row, column: 0 };
    return { sheet, row: asp.row, column: ASPECT_COLUMN[field!] ?? 2 };
  }
  if (crit)
    return field === 'code'
      ? (inExtras(crit.ref, 1) ?? { sheet, row: crit.row, column: 0 })
      : { sheet, row: crit.row, column: field === 'name' ? 1 : 0 };
  if (mod) {
    if (field === 'weight' || field === 'code')
      return (
        inExtras(mod.ref, field === 'code' ? 1 : 2) ?? {
          sheet,
          row: mod.row,
          column: field === 'code' ? 0 : 8,
        }
      );
    return { sheet, row: mod.row, column: field === 'name' ? 1 : 0 };
  }
  return extras.size ? { sheet: EXTRAS_SHEET, row: 1, column: 2 } : { sheet, row: 1, column: 8 };
}

export function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}

/**
 * Applies the second sheet to what the first one gave. Returns the row of each ref, so that
 * rule violations on these values point at the second sheet.
 */
export function applyExtras(
  sheet: ExcelJS.Worksheet,
  modules: Map<string, RawModule>,
  criteria: Map<string, RawCriterion>,
  fail: (at: Place, code: SchemeErrorCode, message: Text) => void,
): Map<string, number> {
  const places = new Map<string, number>();
  const at = (row: number, column: number): Place => ({ sheet: EXTRAS_SHEET, row, column });
  const rows = sheetValues(sheet, EXTRAS_COLUMNS.length);
  const header = rows.shift();
  let ok = header?.row === 1;
  EXTRAS_COLUMNS.forEach((name, c) => {
    if (
      !header ||
      typeof header.cells[c] !== 'string' ||
      normalize(header.cells[c] as string) !== normalize(name)
    ) {
      fail(at(1, c), 'SHEET_FORMAT', text(`表头应为“${name}”。`, `The heading should be "${name}".`));
      ok = false;
    }
  });
  if (!ok) return places;
  const aspects = new Map<string, RawAspect>();
  for (const c of criteria.values()) for (const a of c.aspects) aspects.set(a.ref, a);
  for (const { row, cells } of rows) {
    const [ref, code, weight, kind, aggregation, trim, minJudges, tolerance] = cells;
    const key = ref === null ? '' : String(ref);
    if (places.has(key)) {
      fail(
        at(row, 0),
        'DUPLICATE_CODE',
        text(
          `${key} 已有一行（第 ${places.get(key)} 行）。`,
          `${key} already has a row (row ${places.get(key)}).`,
        ),
      );
      continue;
    }
    places.set(key, row);
    const mod = modules.get(key);
    const crit = criteria.get(key);
    const asp = aspects.get(key);
    const target = mod ?? crit ?? asp;
    if (!target) {
      fail(
        at(row, 0),
        'SHEET_FORMAT',
        text(
          `“${key}”不是第一个工作表中的模块、子模块或评分要素。`,
          `"${key}" is not a criterion, sub-criterion or aspect of the first sheet.`,
        ),
      );
      continue;
    }
    if (code === null) fail(at(row, 1), 'REQUIRED', text('代码为必填项。', 'The code is required.'));
    else target.code = String(code);
    if (mod) {
      if (typeof weight !== 'number')
        fail(
          at(row, 2),
          'INVALID_WEIGHT',
          text('模块行须填写模块权重。', 'A criterion row gives its module weight.'),
        );
      else mod.weight = weight;
    }
    if (!asp) continue;
    if (kind === 'DEDUCTION' && asp.kind === 'MEASUREMENT') asp.kind = 'DEDUCTION';
    else if (kind !== asp.kind) {
      fail(
        at(row, 3),
        'INVALID_VALUE',
        text(
          `该评分要素类型对应的种类为 ${asp.kind}（M 类评分要素也可为 DEDUCTION）。`,
          `The kind is ${asp.kind} for this aspect type (or DEDUCTION for an M aspect).`,
        ),
      );
    }
    if (aggregation === null)
      fail(at(row, 4), 'REQUIRED', text('汇总方式为必填项。', 'The aggregation is required.'));
    else asp.aggregation = { method: String(aggregation) };
    if (trim !== null) asp.aggregation.trim = trim;
    if (minJudges !== null) asp.aggregation.minJudges = minJudges;
    if (tolerance !== null && typeof tolerance !== 'number') {
      fail(
        at(row, 7),
        'INVALID_TOLERANCE',
        text('允许误差须为数字，不设误差时留空。', 'The tolerance is a number, or blank for none.'),
      );
    } else asp.tolerance = tolerance;
  }
  return places;
}
