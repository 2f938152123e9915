import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { guardText, unguardText, writeCsv, writeXlsx } from '../src/shared/spreadsheet';

const FORMULA_START = /^[=+\-@\t\r]/;

test('no guarded text starts like a formula, and unguarding gives back the text (property)', () => {
  const risky = fc.oneof(
    fc.string(),
    fc.tuple(fc.constantFrom('=', '+', '-', '@', '\t', '\r', "'", "''="), fc.string()).map(([a, b]) => a + b),
  );
  fc.assert(
    fc.property(risky, (text) => {
      const g = guardText(text);
      expect(FORMULA_START.test(g)).toBe(false);
      expect(unguardText(g)).toBe(text);
    }),
    { numRuns: 2000 },
  );
});

test('CSV and XLSX cells read back guarded; numbers stay numbers', async () => {
  const rows = [
    ['名称 Name', '分数 Score'],
    ['=HYPERLINK("http://x.test","点击")', 1.5],
    ['@SUM(A1)', -2],
    ['-3+4', null],
    ['普通文本', 0],
  ];
  const csv = parse(writeCsv(rows, { bom: true }), { bom: true }) as string[][];
  expect(csv.map((r) => r[0])).toEqual([
    '名称 Name',
    `'=HYPERLINK("http://x.test","点击")`,
    "'@SUM(A1)",
    "'-3+4",
    '普通文本',
  ]);
  expect(csv.map((r) => r[1])).toEqual(['分数 Score', '1.5', '-2', '', '0']);

  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load((await writeXlsx([{ name: 'T', rows, headerRows: 1 }])) as unknown as ArrayBuffer);
  const ws = wb.worksheets[0]!;
  expect([2, 3, 4].map((r) => ws.getCell(r, 1).value)).toEqual([
    `'=HYPERLINK("http://x.test","点击")`,
    "'@SUM(A1)",
    "'-3+4",
  ]);
  expect(ws.getCell(3, 2).value).toBe(-2);
  // Stored as text, never as a formula.
  expect([2, 3, 4].every((r) => ws.getCell(r, 1).type === ExcelJS.ValueType.String)).toBe(true);
});
