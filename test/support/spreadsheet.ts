import ExcelJS from 'exceljs';

type Cell = string | number | null;

/** The first sheet of a base64 XLSX file as rows of plain values (trailing blanks dropped). */
export async function xlsxRows(base64: string): Promise<{ sheet: string; rows: Cell[][] }> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(base64, 'base64') as unknown as ArrayBuffer);
  const ws = wb.worksheets[0]!;
  const rows: Cell[][] = [];
  ws.eachRow((row) => {
    const cells: Cell[] = [];
    row.eachCell({ includeEmpty: true }, (c) => cells.push((c.value as Cell) ?? null));
    while (cells.length && cells[cells.length - 1] === null) cells.pop();
    rows.push(cells);
  });
  return { sheet: ws.name, rows };
}
