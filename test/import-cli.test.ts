import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { Role } from '../src/modules/account/account.entity';
import { type Organization, OrganizationLevel } from '../src/modules/organization/organization.entity';
import { fromGlobalId } from '../src/shared/graphql/relay';
import { startTestApp, type TestApp } from './support/app';
import { runCommand } from './support/command';
import { createCompetition, createPerson, createTrade, orgId, tableCounts } from './support/world';

/**
 * `npm run import:entrants` end to end: the command runs as a child process
 * against this file's own test database, and the database is checked after.
 */

let t: TestApp;
let dir: string;
let token: string;
let firms: Organization[];
/** Trades as global IDs, with their numeric ids. */
let main: { gid: string; id: number };
let small: { gid: string; id: number };
let sheet: { gid: string; id: number };
/** People that exist before the first import: name → id. */
const existing = new Map<string, number>();

const runCli = (args: string[]) => runCommand('import-entrants.ts', args, t.database);

/** RFC 4180 CSV, every field quoted, CRLF line ends and a BOM as Excel writes them. */
async function writeCsv(name: string, rows: string[][]): Promise<string> {
  const text = rows.map((r) => r.map((v) => `"${v.replace(/"/g, '""')}"`).join(',')).join('\r\n');
  const file = path.join(dir, name);
  await fs.writeFile(file, `\uFEFF${text}\r\n`, 'utf8');
  return file;
}

const HEADER = ['name', 'employer', 'gender', 'birthYear', 'occupation'];
const GENDERS = ['男', '女', 'MALE', 'female'];
const contestant = (i: number) => `参赛选手${String(i).padStart(3, '0')}`;
const firmOf = (i: number) => firms[i % firms.length]!;

async function count(sql: string, params: unknown[] = []): Promise<number> {
  const [row] = await t.sql<{ n: string }>(sql, params);
  return Number(row!.n);
}

const entrantsOf = (tradeId: number) =>
  count('select count(*) as n from entrant where trade_id = ?', [tradeId]);
const duplicatePeople = () =>
  t.sql<{ name: string }>('select name from person group by name, employer_id having count(*) > 1');

beforeAll(async () => {
  t = await startTestApp();
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'jingsai-import-cli-'));

  const national = await t.org('中华全国总工会', OrganizationLevel.NATIONAL);
  const shandong = await t.org('山东省总工会', OrganizationLevel.PROVINCE, national);
  const jinan = await t.org('济南市总工会', OrganizationLevel.CITY, shandong);
  const lixia = await t.org('历下区总工会', OrganizationLevel.DISTRICT, jinan);
  firms = [
    await t.org('济南重型机械有限公司', OrganizationLevel.ENTERPRISE, lixia),
    await t.org('济南轨道交通集团', OrganizationLevel.ENTERPRISE, jinan),
    await t.org('济南热电有限公司', OrganizationLevel.ENTERPRISE, jinan),
  ];
  token = (await t.account(Role.PLATFORM_ADMIN, null)).token;

  const competition = await createCompetition(t, token, jinan, { name: '2025年济南市职工职业技能大赛' });
  const trade = async (name: string, capacity: number) => {
    const g = await createTrade(t, token, competition, { name, capacity });
    return { gid: g, id: fromGlobalId(g)!.id };
  };
  main = await trade('焊工', 1000);
  small = await trade('电工', 5);
  sheet = await trade('钳工', 100);
  const status = await t.sql<{ status: string }>('select status from competition where id = ?', [
    fromGlobalId(competition)!.id,
  ]);
  expect(status[0]!.status).toBe('DRAFT');

  // The first 20 contestants are already on record: the import must match them, not duplicate them.
  await Promise.all(
    Array.from({ length: 20 }, async (_, i) => {
      const id = await createPerson(t, token, firmOf(i), contestant(i));
      existing.set(contestant(i), fromGlobalId(id)!.id);
    }),
  );
});

afterAll(async () => {
  await t?.close();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

describe('import:entrants command', () => {
  test('imports a CSV of 300 rows, matching people already on record', async () => {
    const rows = Array.from({ length: 300 }, (_, i) => [
      contestant(i),
      firmOf(i).name,
      GENDERS[i % 4]!,
      String(1970 + (i % 30)),
      '焊工',
    ]);
    const file = await writeCsv('entrants.csv', [HEADER, ...rows]);
    const peopleBefore = await count('select count(*) as n from person');

    const r = await runCli(['--trade', main.gid, '--file', file]);

    expect(r.stderr).not.toMatch(/line \d+/);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Read 300 rows');
    expect(r.stdout).toMatch(/^validate: 0\/300 rows \(0%\)$/m);
    expect(r.stdout).toMatch(/^validate: 300\/300 rows \(100%\)$/m);
    expect(r.stdout).toMatch(/^write: 300\/300 rows \(100%\)$/m);
    expect(r.stdout).toContain('Imported 300 entrants (280 new people)');
    // Plain lines, not a redrawn bar: stdout is a pipe here.
    expect(r.stdout).not.toContain('\r');

    expect(await entrantsOf(main.id)).toBe(300);
    expect(await count('select count(*) as n from person')).toBe(peopleBefore + 280);
    expect(await duplicatePeople()).toEqual([]);
    expect(
      await count('select count(*) as n from entrant where trade_id = ? and person_id = any(?::int[])', [
        main.id,
        `{${[...existing.values()].join(',')}}`,
      ]),
    ).toBe(20);
    // Every row became exactly one entrant, with the employer and details from the file.
    const written = await t.sql<{ name: string; employer_id: number; gender: string; birth_year: number }>(
      `select p.name, p.employer_id, p.gender, p.birth_year
         from entrant e join person p on p.id = e.person_id where e.trade_id = ? order by p.name`,
      [main.id],
    );
    expect(written.map((p) => p.name)).toEqual(rows.map((r) => r[0]));
    expect(written[22]).toEqual({
      name: contestant(22),
      employer_id: firmOf(22).id,
      gender: 'MALE',
      birth_year: 1992,
    });
    expect(written[23]).toMatchObject({ gender: 'FEMALE' });
  });

  test('refuses a file with bad rows, names each one, and writes nothing', async () => {
    const [a, b, c] = firms.map((f) => f.name) as [string, string, string];
    const file = await writeCsv('bad.csv', [
      HEADER,
      ['新选手甲', a, '男', '1990', '焊工'], // line 2: fine
      ['', a, '女', '1991', '焊工'], // line 3: no name
      ['新选手乙', '不存在的公司', '男', '1992', '焊工'], // line 4: unknown employer
      ['新选手丙', b, 'X', '1993', '焊工'], // line 5: bad gender
      ['新选手甲', a, '男', '1990', '焊工'], // line 6: the same person as line 2
      [contestant(0), firmOf(0).name, '男', '1970', '焊工'], // line 7: already registered
      ['新选手丁', c, '女', '1994', '焊工'], // line 8: fine
      ['新选手戊', c, '', '1800', ''], // line 9: birth year out of range
    ]);
    const before = await tableCounts(t);

    const r = await runCli(['--trade', String(main.id), '--file', file]);

    expect(r.code).toBe(1);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('line '));
    expect(lines).toEqual([
      'line 3 name: name is empty. [REQUIRED]',
      'line 4 employer: no organization is called "不存在的公司". [NOT_FOUND]',
      'line 5 gender: gender "X" is not 男/女/MALE/FEMALE. [VALIDATION]',
      'line 6 name: the same person as line 2. [DUPLICATE]',
      `line 7 name: ${contestant(0)} is already registered in this trade. [DUPLICATE]`,
      'line 9 birthYear: birthYear "1800" is not a year from 1900 to 2100. [OUT_OF_RANGE]',
    ]);
    expect(r.stderr).toContain('Nothing was imported');
    expect(r.stdout).not.toContain('Imported');
    expect(await tableCounts(t)).toEqual(before);
    expect(await count('select count(*) as n from person where name like ?', ['新选手%'])).toBe(0);
  });

  test('refuses a file bigger than the free places, and writes nothing', async () => {
    const rows = Array.from({ length: 8 }, (_, i) => [
      `电工选手${i + 1}`,
      firmOf(i).name,
      '男',
      '1988',
      '电工',
    ]);
    const file = await writeCsv('too-many.csv', [HEADER, ...rows]);
    const before = await tableCounts(t);

    const r = await runCli(['--trade', small.gid, '--file', file]);

    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'line 7 name: the trade has 5 free places; the file brings 8 entrants. [CAPACITY_EXCEEDED]',
    );
    expect(r.stdout).not.toContain('Imported');
    expect(await tableCounts(t)).toEqual(before);
    expect(await entrantsOf(small.id)).toBe(0);
  });

  test('imports an XLSX workbook with Chinese headers', async () => {
    const workbook = new ExcelJS.Workbook();
    const ws = workbook.addWorksheet('报名表');
    ws.addRow(['姓名', '单位', '性别', '出生年份', '工种']);
    // Five people already on record (and registered in another trade), then 35 new ones;
    // one row names its employer by global ID instead of by name.
    for (let i = 0; i < 40; i++) {
      const name = i < 5 ? contestant(i) : `钳工选手${i}`;
      const employer = i === 7 ? orgId(firmOf(i)) : firmOf(i).name;
      ws.addRow([name, employer, i % 2 ? '女' : '男', 1980 + i, '钳工']);
    }
    const file = path.join(dir, 'entrants.xlsx');
    await workbook.xlsx.writeFile(file);
    const peopleBefore = await count('select count(*) as n from person');

    const r = await runCli(['--trade', sheet.gid, '--file', file]);

    expect(r.stderr).not.toMatch(/line \d+/);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Read 40 rows');
    expect(r.stdout).toMatch(/^write: 40\/40 rows \(100%\)$/m);
    expect(r.stdout).toContain('Imported 40 entrants (35 new people)');
    expect(await entrantsOf(sheet.id)).toBe(40);
    expect(await count('select count(*) as n from person')).toBe(peopleBefore + 35);
    expect(await duplicatePeople()).toEqual([]);
    const [seventh] = await t.sql<{ employer_id: number; gender: string; birth_year: number }>(
      'select employer_id, gender, birth_year from person where name = ?',
      ['钳工选手7'],
    );
    expect(seventh).toEqual({ employer_id: firmOf(7).id, gender: 'FEMALE', birth_year: 1987 });
  });

  test('prints usage, and refuses bad options and an unknown trade', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: npm run import:entrants');

    const noFile = await runCli(['--trade', main.gid]);
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toContain('--file is required');

    const file = await writeCsv('one.csv', [HEADER, ['孤单选手', firms[0]!.name, '男', '1990', '焊工']]);
    const before = await tableCounts(t);
    const unknown = await runCli(['--trade', '999999', '--file', file]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('--trade: No such trade. [NOT_FOUND]');
    expect(await tableCounts(t)).toEqual(before);
  });
});
