import ExcelJS from 'exceljs';

/**
 * The one writer for every tabular export (CSV and XLSX). A spreadsheet runs a cell whose text
 * starts with `= + - @`, a tab or a carriage return as a formula (CSV/formula injection), so
 * every text cell passes through `guardText`, which prefixes such text with an apostrophe.
 * Text that already starts with apostrophes before one of those characters gets one more, so
 * `unguardText` (used by the importers) gives back exactly the text that was written.
 */
const GUARDED = /^'*[=+\-@\t\r]/;

export type CellValue = string | number | null | undefined;

export function guardText(text: string): string {
  return GUARDED.test(text) ? `'${text}` : text;
}

/** The inverse of `guardText`, for text read back from a file this writer produced. */
export function unguardText(text: string): string {
  return text.startsWith("'") && GUARDED.test(text.slice(1)) ? text.slice(1) : text;
}

function guardCell(v: CellValue): string | number | null {
  if (v === null || v === undefined) return null;
  return typeof v === 'number' ? v : guardText(v);
}

export interface CsvOptions {
  /** Prefix a UTF-8 byte order mark, so Excel reads Chinese text correctly. */
  bom?: boolean;
  /** Quote cells with leading or trailing blanks too (files read back by a trimming importer). */
  quoteBlankEdges?: boolean;
}

function csvField(v: CellValue, quoteBlankEdges: boolean): string {
  const g = guardCell(v);
  if (g === null) return '';
  const s = String(g);
  const needs = /[",\r\n]/.test(s) || (quoteBlankEdges && /^\s|\s$/.test(s));
  return needs ? `"${s.replace(/"/g, '""')}"` : s;
}

/** RFC 4180 CSV, CRLF line ends, every text cell guarded. */
export function writeCsv(rows: readonly (readonly CellValue[])[], options: CsvOptions = {}): string {
  const q = options.quoteBlankEdges ?? false;
  const body = rows.map((r) => r.map((v) => csvField(v, q)).join(',')).join('\r\n') + '\r\n';
  return options.bom ? `\uFEFF${body}` : body;
}

export interface SheetSpec {
  /** At most 31 characters (Excel's limit); longer names are cut. */
  name: string;
  rows: readonly (readonly CellValue[])[];
  /** Rows at the top set in bold and kept in view when scrolling. */
  headerRows?: number;
  /** Column widths in characters, by position. */
  widths?: readonly number[];
}

/** An XLSX workbook with one worksheet per spec, every text cell guarded. */
export async function writeXlsx(sheets: readonly SheetSpec[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  for (const spec of sheets) {
    const sheet = workbook.addWorksheet(spec.name.slice(0, 31) || 'Sheet1');
    spec.rows.forEach((r, i) => {
      const row = sheet.addRow(r.map(guardCell));
      if (i < (spec.headerRows ?? 0)) row.font = { bold: true };
    });
    if (spec.headerRows) sheet.views = [{ state: 'frozen', ySplit: spec.headerRows }];
    spec.widths?.forEach((w, i) => (sheet.getColumn(i + 1).width = w));
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export interface TabularFile {
  filename: string;
  contentType: string;
  /** `utf-8` for CSV (with a BOM, for spreadsheet programs), `base64` for XLSX. */
  encoding: 'utf-8' | 'base64';
  content: string;
}

/** One table (a header row, then data) as a CSV or XLSX download, through the guarded writers. */
export async function tabularFile(
  base: string,
  sheetName: string,
  rows: readonly (readonly CellValue[])[],
  format: 'CSV' | 'XLSX',
): Promise<TabularFile> {
  const name = base.replace(/[\\/:*?"<>|\s]+/g, '_');
  if (format === 'CSV') {
    return {
      filename: `${name}.csv`,
      contentType: 'text/csv; charset=utf-8',
      encoding: 'utf-8',
      content: writeCsv(rows, { bom: true }),
    };
  }
  const buffer = await writeXlsx([{ name: sheetName, rows, headerRows: 1 }]);
  return {
    filename: `${name}.xlsx`,
    contentType: XLSX_CONTENT_TYPE,
    encoding: 'base64',
    content: buffer.toString('base64'),
  };
}
