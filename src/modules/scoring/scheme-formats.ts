import { parse as parseCsv } from 'csv-parse/sync';
import { unguardText, writeCsv } from '../../shared/spreadsheet';
import type { MarkingScheme, SchemeErrorCode, SchemeValidation } from './scheme';
import { canonicalScheme, validateScheme } from './scheme-validation';
import { isText, text, type Text } from '../../shared/i18n';

// ---------------------------------------------------------------------------------------------
// JSON

/** Pretty JSON with a fixed key order, so the same scheme always prints the same text. */
export function schemeToJson(scheme: MarkingScheme): string {
  return `${JSON.stringify(canonicalScheme(scheme), null, 2)}\n`;
}

export function schemeFromJson(content: string): SchemeValidation {
  let data: unknown;
  try {
    data = JSON.parse(content.replace(/^\uFEFF/, ''));
  } catch (e) {
    return {
      scheme: null,
      errors: [
        {
          path: '',
          code: 'INVALID_JSON',
          message: text(
            `不是有效的 JSON：${(e as Error).message}`,
            `Not valid JSON: ${(e as Error).message}`,
          ),
        },
      ],
    };
  }
  return validateScheme(data);
}

// ---------------------------------------------------------------------------------------------
// CSV: one row per aspect; module and criterion columns repeat on each of their rows.

export const SCHEME_CSV_COLUMNS = [
  'module_code',
  'module_name',
  'module_weight',
  'criterion_code',
  'criterion_name',
  'aspect_code',
  'aspect_description',
  'kind',
  'max_mark',
  'aggregation',
  'trim',
  'min_judges',
  'tolerance',
  'scale_min',
  'scale_max',
  'descriptors',
  'extra_description',
  'requirement',
  'standard_section',
] as const;

/** Added after the first files were written: a file without them still reads. */
const OPTIONAL_CSV_COLUMNS: readonly string[] = ['extra_description', 'requirement', 'standard_section'];

type CsvColumn = (typeof SCHEME_CSV_COLUMNS)[number];

/** `0=text|1=text`; a `|` or `\` inside a descriptor is escaped with `\`. */
function encodeDescriptors(d: Record<string, string>): string {
  return Object.entries(d)
    .map(([k, v]) => `${k}=${v.replace(/\\/g, '\\\\').replace(/\|/g, '\\|')}`)
    .join('|');
}

function decodeDescriptors(cell: string): Record<string, string> | Text {
  const entries: string[] = [];
  let cur = '';
  for (let i = 0; i < cell.length; i++) {
    const ch = cell[i]!;
    if (ch === '\\' && i + 1 < cell.length) cur += cell[++i];
    else if (ch === '|') {
      entries.push(cur);
      cur = '';
    } else cur += ch;
  }
  entries.push(cur);
  const out: Record<string, string> = {};
  for (const e of entries) {
    const eq = e.indexOf('=');
    if (eq < 0)
      return text(`描述“${e}”未按“分值=描述”的格式书写。`, `Descriptor "${e}" is not written point=text.`);
    const key = e.slice(0, eq).trim();
    if (Object.hasOwn(out, key)) return text(`分值 ${key} 有两个描述。`, `Point ${key} has two descriptors.`);
    out[key] = e.slice(eq + 1);
  }
  return out;
}

export function schemeToCsv(scheme: MarkingScheme): string {
  const rows: string[][] = [[...SCHEME_CSV_COLUMNS]];
  for (const m of canonicalScheme(scheme).modules) {
    for (const c of m.criteria) {
      for (const a of c.aspects) {
        const agg = a.aggregation;
        const row: Record<CsvColumn, string> = {
          module_code: m.code,
          module_name: m.name,
          module_weight: String(m.weight),
          criterion_code: c.code,
          criterion_name: c.name,
          aspect_code: a.code,
          aspect_description: a.description,
          kind: a.kind,
          max_mark: String(a.maxMark),
          aggregation: agg.method,
          trim: agg.method === 'TRIMMED_MEAN' ? String(agg.trim) : '',
          min_judges: agg.method === 'TRIMMED_MEAN' ? String(agg.minJudges) : '',
          // String(number) is the shortest text that reads back as the same double: lossless.
          tolerance: a.tolerance === null ? '' : String(a.tolerance),
          scale_min: a.scale ? String(a.scale.min) : '',
          scale_max: a.scale ? String(a.scale.max) : '',
          descriptors: a.scale ? encodeDescriptors(a.scale.descriptors) : '',
          extra_description: a.extraDescription ?? '',
          requirement: a.requirement ?? '',
          standard_section: a.standardSection ?? '',
        };
        rows.push(SCHEME_CSV_COLUMNS.map((col) => row[col]));
      }
    }
  }
  return writeCsv(rows, { quoteBlankEdges: true });
}

const NUMBER_TEXT = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

/** A number when the cell reads as one; otherwise the text, so validation names the field. */
function numberCell(cell: string): number | string {
  return NUMBER_TEXT.test(cell) ? Number(cell) : cell;
}

function csvError(path: string, code: SchemeErrorCode, message: Text): SchemeValidation {
  return { scheme: null, errors: [{ path, code, message }] };
}

/**
 * Reads the format `schemeToCsv` writes (header names in any order, an optional UTF-8 BOM as
 * Excel saves it). Rows of one module (or criterion) need not be adjacent but must repeat the
 * same name and weight. Validation errors keep their object path and name the CSV line.
 */
export function schemeFromCsv(content: string): SchemeValidation {
  let parsed: { record: string[]; info: { lines: number } }[];
  try {
    parsed = parseCsv(content, { bom: true, skip_empty_lines: true, info: true }) as unknown as typeof parsed;
  } catch (e) {
    return csvError(
      '',
      'CSV_FORMAT',
      text(
        `无法读取的 CSV 文件：${(e as Error).message}`,
        `Not a readable CSV file: ${(e as Error).message}`,
      ),
    );
  }
  if (parsed.length === 0) return csvError('', 'CSV_FORMAT', text('文件为空。', 'The file is empty.'));
  const header = parsed[0]!.record.map((h) => h.trim().toLowerCase());
  const index = new Map<string, number>();
  for (const [i, h] of header.entries()) {
    if (h === '') continue; // a trailing empty column, as spreadsheets sometimes save
    if (!(SCHEME_CSV_COLUMNS as readonly string[]).includes(h)) {
      return csvError(
        'line 1',
        'CSV_FORMAT',
        text(`未知列“${parsed[0]!.record[i]}”。`, `Unknown column "${parsed[0]!.record[i]}".`),
      );
    }
    if (index.has(h))
      return csvError(
        'line 1',
        'CSV_FORMAT',
        text(`列“${h}”出现了两次。`, `The column "${h}" appears twice.`),
      );
    index.set(h, i);
  }
  const missing = SCHEME_CSV_COLUMNS.filter((c) => !index.has(c) && !OPTIONAL_CSV_COLUMNS.includes(c));
  if (missing.length)
    return csvError(
      'line 1',
      'CSV_FORMAT',
      text(`缺少列：${missing.join('、')}。`, `Missing column(s): ${missing.join(', ')}.`),
    );

  interface RawCriterion {
    code: string;
    name: string;
    aspects: unknown[];
    line: number;
    aspectLines: number[];
  }
  interface RawModule {
    code: string;
    name: string;
    weight: number | string;
    criteria: Map<string, RawCriterion>;
    line: number;
  }
  const modules = new Map<string, RawModule>();
  for (const { record, info } of parsed.slice(1)) {
    const line = info.lines;
    const cell = (c: CsvColumn) => (index.has(c) ? unguardText(record[index.get(c)!] ?? '') : '');
    const moduleCode = cell('module_code').trim();
    let m = modules.get(moduleCode);
    if (!m) {
      m = {
        code: moduleCode,
        name: cell('module_name'),
        weight: numberCell(cell('module_weight')),
        criteria: new Map(),
        line,
      };
      modules.set(moduleCode, m);
    } else if (m.name !== cell('module_name') || m.weight !== numberCell(cell('module_weight'))) {
      return csvError(
        `line ${line}`,
        'CSV_INCONSISTENT',
        text(
          `模块“${moduleCode}”在此处的名称或权重与第 ${m.line} 行不同。`,
          `Module "${moduleCode}" has a different name or weight here than on line ${m.line}.`,
        ),
      );
    }
    const criterionCode = cell('criterion_code').trim();
    let c = m.criteria.get(criterionCode);
    if (!c) {
      c = { code: criterionCode, name: cell('criterion_name'), aspects: [], line, aspectLines: [] };
      m.criteria.set(criterionCode, c);
    } else if (c.name !== cell('criterion_name')) {
      return csvError(
        `line ${line}`,
        'CSV_INCONSISTENT',
        text(
          `评分项“${criterionCode}”在此处的名称与第 ${c.line} 行不同。`,
          `Criterion "${criterionCode}" has a different name here than on line ${c.line}.`,
        ),
      );
    }
    const method = cell('aggregation').trim();
    const aggregation: Record<string, unknown> = { method };
    if (cell('trim').trim()) aggregation.trim = numberCell(cell('trim'));
    if (cell('min_judges').trim()) aggregation.minJudges = numberCell(cell('min_judges'));
    const aspect: Record<string, unknown> = {
      code: cell('aspect_code'),
      description: cell('aspect_description'),
      kind: cell('kind').trim(),
      maxMark: numberCell(cell('max_mark')),
      aggregation,
      tolerance: cell('tolerance').trim() ? numberCell(cell('tolerance')) : null,
    };
    for (const [column, key] of [
      ['extra_description', 'extraDescription'],
      ['requirement', 'requirement'],
      ['standard_section', 'standardSection'],
    ] as const) {
      if (cell(column).trim()) aspect[key] = cell(column);
    }
    if (cell('scale_min').trim() || cell('scale_max').trim() || cell('descriptors').trim()) {
      const descriptors = decodeDescriptors(cell('descriptors'));
      if (isText(descriptors)) return csvError(`line ${line}`, 'CSV_FORMAT', descriptors);
      aspect.scale = {
        min: cell('scale_min').trim() ? numberCell(cell('scale_min')) : undefined,
        max: cell('scale_max').trim() ? numberCell(cell('scale_max')) : undefined,
        descriptors,
      };
    }
    c.aspects.push(aspect);
    c.aspectLines.push(line);
  }

  const lines = new Map<string, number>();
  const raw = {
    modules: [...modules.values()].map((m, i) => {
      lines.set(`modules[${i}]`, m.line);
      return {
        code: m.code,
        name: m.name,
        weight: m.weight,
        criteria: [...m.criteria.values()].map((c, j) => {
          lines.set(`modules[${i}].criteria[${j}]`, c.line);
          c.aspectLines.forEach((l, k) => lines.set(`modules[${i}].criteria[${j}].aspects[${k}]`, l));
          return { code: c.code, name: c.name, aspects: c.aspects };
        }),
      };
    }),
  };
  const result = validateScheme(raw);
  // Point at the row, so an organizer can fix the spreadsheet.
  for (const e of result.errors) {
    const prefix = /^modules\[\d+\](\.criteria\[\d+\](\.aspects\[\d+\])?)?/.exec(e.path)?.[0];
    const line = prefix ? lines.get(prefix) : undefined;
    if (line !== undefined)
      e.message = text(`${e.message.zh}（CSV 第 ${line} 行）`, `${e.message.en} (CSV line ${line})`);
  }
  return result;
}
