import { readFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import {
  MarkingSchemeFileDocument,
  SetMarkingSchemeDocument,
  WorldSkillsSchemeViewDocument,
} from './generated/graphql';
import { startTestApp, type TestApp } from './support/app';
import { buildWorld, createCompetition, createTrade, dbId, tableCounts, type World } from './support/world';

const EXAMPLE = readFileSync(path.join(__dirname, '../docs/examples/worldskills-marking-scheme.xlsx'));

/** A scheme using everything the WorldSkills layout cannot hold: own codes, weights, a deduction, trimming. */
const WELDING = {
  modules: [
    {
      code: '理论',
      name: '理论知识',
      weight: 30,
      criteria: [
        {
          code: 'T1',
          name: '笔试',
          aspects: [
            {
              code: 'T1.1',
              description: '理论考试成绩',
              kind: 'MEASUREMENT',
              maxMark: 100,
              aggregation: { method: 'MEAN' },
              requirement: '闭卷 90 分钟',
            },
          ],
        },
      ],
    },
    {
      code: '实操',
      name: '实际操作',
      weight: 70,
      criteria: [
        {
          code: 'P-weld',
          name: '焊缝质量',
          aspects: [
            {
              code: 'P1.1',
              description: '=HYPERLINK("http://example.test","焊缝外观")',
              kind: 'MEASUREMENT',
              maxMark: 60,
              aggregation: { method: 'TRIMMED_MEAN', trim: 1, minJudges: 5 },
              tolerance: 6,
              extraDescription: "'-两端各去掉一个分数",
            },
            {
              code: 'P1.2',
              description: '工艺规范',
              kind: 'JUDGEMENT',
              maxMark: 40,
              aggregation: { method: 'JUDGEMENT_AVERAGE' },
              tolerance: 1,
              standardSection: '3',
              scale: {
                min: 0,
                max: 3,
                descriptors: { '0': '不符合', '1': '+基本符合', '2': '符合', '3': '@优秀' },
              },
            },
            {
              code: 'P1.3',
              description: '安全文明生产扣分',
              kind: 'DEDUCTION',
              maxMark: 10,
              aggregation: { method: 'MEAN' },
            },
          ],
        },
      ],
    },
  ],
};

type Cell = string | number | null;

async function sheets(file: Buffer): Promise<Map<string, Cell[][]>> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(file as unknown as ArrayBuffer);
  const out = new Map<string, Cell[][]>();
  for (const ws of wb.worksheets) {
    const rows: Cell[][] = [];
    ws.eachRow((row) => {
      const cells: Cell[] = [];
      row.eachCell({ includeEmpty: true }, (c) => cells.push((c.value as Cell) ?? null));
      while (cells.length && cells[cells.length - 1] === null) cells.pop();
      rows.push(cells);
    });
    out.set(ws.name, rows);
  }
  return out;
}

let t: TestApp;
let w: World;
beforeAll(async () => {
  t = await startTestApp();
  w = await buildWorld(t);
});
afterAll(async () => t?.close());

async function setXlsx(tradeId: string, file: Buffer) {
  const r = await t.gql(
    SetMarkingSchemeDocument,
    { input: { tradeId, format: 'WORLDSKILLS_XLSX', content: file.toString('base64') } },
    { token: w.tokens.xian },
  );
  return r.data!.setMarkingScheme;
}

async function exportFile(tradeId: string, format: 'JSON' | 'CSV' | 'WORLDSKILLS_XLSX'): Promise<string> {
  const r = await t.gql(MarkingSchemeFileDocument, { id: tradeId, format }, { token: w.tokens.xian });
  return r.data!.trade!.markingSchemeFile!;
}

test('the example WorldSkills file imports as criteria → modules, and exports the same first sheet', async () => {
  const competitionId = await createCompetition(t, w.tokens.xian, w.orgs.xian);
  const tradeId = await createTrade(t, w.tokens.xian, competitionId, { name: '焊接' });
  expect((await setXlsx(tradeId, EXAMPLE)).errors).toEqual([]);

  const view = (await t.gql(WorldSkillsSchemeViewDocument, { id: tradeId }, { token: w.tokens.xian })).data!
    .trade!.markingScheme!;
  // Weights from the criterion totals (10 + 90 = 100).
  expect(view.modules.map((m) => [m.code, m.name, m.weight])).toEqual([
    ['A', '焊前准备 Preparation', 10],
    ['B', '焊接质量 Weld quality', 90],
  ]);
  expect(view.modules[0]!.criteria.map((c) => c.code)).toEqual(['A1', 'A2']);
  expect(view.modules[0]!.criteria[0]!.aspects[0]).toEqual({
    code: 'A1.1',
    description: '坡口角度 Bevel angle',
    kind: 'MEASUREMENT',
    maxMark: 4,
    extraDescription: '用角度尺测量 Measured with a protractor',
    requirement: '60° ± 2°',
    standardSection: '2',
    scale: null,
  });
  const judged = view.modules[1]!.criteria[0]!.aspects[1]!;
  expect(judged).toMatchObject({ code: 'B1.2', kind: 'JUDGEMENT', maxMark: 30, requirement: null });
  expect(judged.scale!.descriptors.map((d) => d.point)).toEqual([0, 1, 2, 3]);
  expect(judged.scale!.descriptors[3]!.text).toBe('优秀：成形美观 Excellent: industry leading');

  const exported = Buffer.from(await exportFile(tradeId, 'WORLDSKILLS_XLSX'), 'base64');
  const [original, again] = [await sheets(EXAMPLE), await sheets(exported)];
  expect(again.get('Marking Scheme')).toEqual(original.get('Marking Scheme'));
  // WorldSkills tools read the first sheet; the second holds codes, weights, kinds, aggregation.
  expect([...again.keys()]).toEqual(['Marking Scheme', 'Jingsai']);
  expect(again.get('Jingsai')![0]).toEqual([
    'Ref',
    'Code',
    'Weight',
    'Kind',
    'Aggregation',
    'Trim',
    'Min Judges',
    'Tolerance',
  ]);

  // The first sheet alone (as a WorldSkills tool would save it) reads back the same scheme.
  const firstOnly = new ExcelJS.Workbook();
  await firstOnly.xlsx.load(exported as unknown as ArrayBuffer);
  firstOnly.removeWorksheet(firstOnly.getWorksheet('Jingsai')!.id);
  const other = await createTrade(t, w.tokens.xian, competitionId, { name: '焊接（二）' });
  expect((await setXlsx(other, Buffer.from(await firstOnly.xlsx.writeBuffer()))).errors).toEqual([]);
  expect(await exportFile(other, 'JSON')).toBe(await exportFile(tradeId, 'JSON'));
});

test('a scheme exported in the WorldSkills layout imports as the same scheme, formula-like text included', async () => {
  const competitionId = await createCompetition(t, w.tokens.xian, w.orgs.xian);
  const source = await createTrade(t, w.tokens.xian, competitionId, { name: '焊工' });
  const set = await t.gql(
    SetMarkingSchemeDocument,
    { input: { tradeId: source, format: 'JSON', content: JSON.stringify(WELDING) } },
    { token: w.tokens.xian },
  );
  expect(set.data!.setMarkingScheme.errors).toEqual([]);

  const file = Buffer.from(await exportFile(source, 'WORLDSKILLS_XLSX'), 'base64');
  const book = await sheets(file);
  const first = book.get('Marking Scheme')!;
  // Own codes become WorldSkills ids; the deduction is an M row; formula-like text is guarded.
  expect(first.slice(1, 4).map((r) => r.slice(0, 4))).toEqual([
    ['A', '理论知识'],
    ['A1', '笔试', 'M', '理论考试成绩'],
    ['B', '实际操作'],
  ]);
  expect(first[4]!.slice(0, 4)).toEqual([
    'B1',
    '焊缝质量',
    'M',
    `'=HYPERLINK("http://example.test","焊缝外观")`,
  ]);
  expect(first[4]![5]).toBe("''-两端各去掉一个分数");
  expect(first.filter((r) => r[4] !== undefined && r[4] !== null && r[2] === null).map((r) => r[5])).toEqual([
    '不符合',
    "'+基本符合",
    '符合',
    "'@优秀",
  ]);
  expect(book.get('Jingsai')).toEqual(
    expect.arrayContaining([
      ['A', '理论', 30],
      ['B1', 'P-weld'],
      ['B1/1', 'P1.1', null, 'MEASUREMENT', 'TRIMMED_MEAN', 1, 5, 6],
      ['B1/3', 'P1.3', null, 'DEDUCTION', 'MEAN'],
    ]),
  );

  const copy = await createTrade(t, w.tokens.xian, competitionId, { name: '焊工（次年）' });
  expect((await setXlsx(copy, file)).errors).toEqual([]);
  expect(await exportFile(copy, 'JSON')).toBe(await exportFile(source, 'JSON'));
  expect(JSON.parse(await exportFile(copy, 'JSON'))).toEqual(
    expect.objectContaining({ modules: expect.any(Array) }),
  );

  // The scheme CSV goes through the same guard and reads back to the same scheme.
  const csv = await exportFile(source, 'CSV');
  expect(csv).toContain(`"'=HYPERLINK(""http://example.test"",""焊缝外观"")"`);
  expect(csv).not.toMatch(/(^|,)[=+@-]/m);
  const viaCsv = await createTrade(t, w.tokens.xian, competitionId, { name: '焊工（CSV）' });
  const fromCsv = await t.gql(
    SetMarkingSchemeDocument,
    { input: { tradeId: viaCsv, format: 'CSV', content: csv } },
    { token: w.tokens.xian },
  );
  expect(fromCsv.data!.setMarkingScheme.errors).toEqual([]);
  expect(await exportFile(viaCsv, 'JSON')).toBe(await exportFile(source, 'JSON'));
});

test('every problem of a spreadsheet is reported by sheet, row and column, and nothing is written', async () => {
  const competitionId = await createCompetition(t, w.tokens.xian, w.orgs.xian);
  const tradeId = await createTrade(t, w.tokens.xian, competitionId, { name: '焊接' });
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(EXAMPLE as unknown as ArrayBuffer);
  const ws = wb.worksheets[0]!;
  ws.getCell('C4').value = 'X'; // not M or J
  ws.getCell('I5').value = 'three'; // max mark not a number
  ws.getCell('G8').value = '1 mm'; // a requirement on a J aspect
  ws.getCell('F11').value = null; // score 2 without its descriptor
  ws.getCell('E16').value = 5; // B2's scale: 0, 1, 5, 3 — point 2 missing, 5 out of place
  ws.getCell('I13').value = 0; // a maximum mark of 0 (found by the scheme rules)
  const extras = wb.addWorksheet('Jingsai');
  extras.addRow(['Ref', 'Code', 'Weight', 'Kind', 'Aggregation', 'Trim', 'Min Judges', 'Tolerance']);
  extras.addRow(['C', 'Z', 10]); // no criterion C on the first sheet
  extras.addRow(['B1/2', 'B1.2', null, 'DEDUCTION', 'MEAN']); // a J aspect cannot be a deduction
  const before = await tableCounts(t);
  const r = await setXlsx(tradeId, Buffer.from(await wb.xlsx.writeBuffer()));
  expect(r.trade).toBeNull();
  const found = r.errors.map((e) => [e.field, e.code]);
  expect(found).toEqual(
    expect.arrayContaining([
      ["input.content['Marking Scheme'!C4]", 'INVALID_VALUE'],
      ["input.content['Marking Scheme'!I5]", 'INVALID_MAX_MARK'],
      ["input.content['Marking Scheme'!G8]", 'SHEET_FORMAT'],
      ["input.content['Marking Scheme'!F11]", 'REQUIRED'],
      ["input.content['Jingsai'!A2]", 'SHEET_FORMAT'],
      ["input.content['Jingsai'!D3]", 'INVALID_VALUE'],
    ]),
  );
  expect(r.errors.find((e) => e.field === "input.content['Marking Scheme'!C4]")!.message).toMatch(
    /^Sheet "Marking Scheme", row 4, column C \(Aspect Type\): /,
  );
  expect(await tableCounts(t)).toEqual(before);

  // Once the row-level problems are fixed, the scheme rules point at their cells too.
  const wb2 = new ExcelJS.Workbook();
  await wb2.xlsx.load(EXAMPLE as unknown as ArrayBuffer);
  wb2.worksheets[0]!.getCell('E16').value = 5;
  wb2.worksheets[0]!.getCell('I13').value = 0;
  const r2 = await setXlsx(tradeId, Buffer.from(await wb2.xlsx.writeBuffer()));
  expect(r2.errors.map((e) => [e.field, e.code])).toEqual(
    expect.arrayContaining([
      ["input.content['Marking Scheme'!E13]", 'INVALID_SCALE'],
      ["input.content['Marking Scheme'!I13]", 'INVALID_MAX_MARK'],
    ]),
  );
  const stored = await t.sql<{ n: string }>(
    'select count(*) n from trade where marking_scheme is not null and id = ?',
    [dbId(tradeId)],
  );
  expect(stored[0]!.n).toBe('0');

  const notXlsx = await setXlsx(tradeId, Buffer.from('not a workbook'));
  expect(notXlsx.errors).toEqual([
    {
      field: 'input.content',
      code: 'SHEET_FORMAT',
      message: expect.stringMatching(/^Not a readable XLSX file/),
    },
  ]);
});
