import { createHmac } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, DEV_PERSON_ID_HMAC_KEY, loadConfig, loadToolConfig } from '../src/config';
import { Role } from '../src/modules/account/account.entity';
import { type Organization, OrganizationLevel } from '../src/modules/organization/organization.entity';
import { nationalIdCheckChar, nationalIdProblem } from '../src/modules/person/person-keys';
import { fromGlobalId, toGlobalId } from '../src/shared/graphql/relay';
import {
  AccessUpdatePersonDocument,
  ImportEntrantsDocument,
  PersonKeysPeopleDocument,
} from './generated/graphql';
import { startTestApp, type TestApp } from './support/app';
import { runCommand } from './support/command';
import { createCompetition, createTrade, tableCounts } from './support/world';

/**
 * People matched on import by stable key (national ID hash, then employee number within the
 * employer, then name and employer when exactly one fits), through the importEntrants
 * mutation and the import command, against real PostgreSQL.
 */

const ROOT = path.resolve(__dirname, '..');

let t: TestApp;
let token: string;
let firmA: Organization;
let firmB: Organization;
let competition: string;
let tradeNo = 0;

/** A valid 18-character ID from 17 digits, with its ISO 7064 MOD 11-2 check character. */
const withCheck = (first17: string) => first17 + nationalIdCheckChar(first17);
const LI_NA = withCheck('11010519491231002');
const WANG = withCheck('44030419900101123');

async function newTrade(): Promise<string> {
  tradeNo += 1;
  return createTrade(t, token, competition, { name: `工种${tradeNo}`, capacity: 100 });
}

async function importCsv(tradeId: string, lines: string[]) {
  const r = await t.gql(
    ImportEntrantsDocument,
    { input: { tradeId, format: 'CSV', content: lines.join('\n') } },
    { token },
  );
  if (!r.data) throw new Error(`importEntrants failed: ${JSON.stringify(r.errors)}`);
  return r.data.importEntrants;
}

const peopleNamed = (name: string) =>
  t.sql<{ id: number; employer_id: number; employee_number: string | null; national_id_hash: string | null }>(
    'select id, employer_id, employee_number, national_id_hash from person where name = ? order by id',
    [name],
  );

beforeAll(async () => {
  t = await startTestApp();
  const national = await t.org('中华全国总工会', OrganizationLevel.NATIONAL);
  const province = await t.org('广东省总工会', OrganizationLevel.PROVINCE, national);
  firmA = await t.org('深圳地铁集团', OrganizationLevel.ENTERPRISE, province);
  firmB = await t.org('广州供电局', OrganizationLevel.ENTERPRISE, province);
  token = (await t.account(Role.PLATFORM_ADMIN, null)).token;
  competition = await createCompetition(t, token, province, { name: '2026年广东省职工职业技能大赛' });
});

afterAll(async () => {
  await t?.close();
});

describe('national ID check character', () => {
  test('only the MOD 11-2 check character passes; every other one is refused', () => {
    expect(nationalIdProblem(LI_NA)).toBeNull();
    const first17 = LI_NA.slice(0, 17);
    const wrong = '0123456789X'.split('').filter((c) => c !== LI_NA[17]);
    for (const c of wrong) expect(nationalIdProblem(first17 + c)).toBe('CHECK_DIGIT');
    // A known published example: 11010519491231002X.
    expect(nationalIdCheckChar('11010519491231002')).toBe('X');
    expect(nationalIdProblem('1101051949123100')).toBe('FORMAT');
    expect(nationalIdProblem(withCheck('11010519490231002'))).toBe('BIRTH_DATE');
  });
});

describe('PERSON_ID_HMAC_KEY', () => {
  const prod = { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32), SEED_DEMO: 'never' };
  test('is required in production, by the server and by the import command', () => {
    expect(() => loadConfig(prod)).toThrow(ConfigError);
    expect(() => loadConfig(prod)).toThrow(/PERSON_ID_HMAC_KEY: required when NODE_ENV=production/);
    expect(() => loadToolConfig(prod, { hashesNationalIds: true })).toThrow(/PERSON_ID_HMAC_KEY/);
    expect(() => loadConfig({ ...prod, PERSON_ID_HMAC_KEY: 'short' })).toThrow(/at least 32 characters/);
    expect(loadConfig({ ...prod, PERSON_ID_HMAC_KEY: 'k'.repeat(32) }).PERSON_ID_HMAC_KEY).toBe(
      'k'.repeat(32),
    );
    // Commands that hash no IDs (migrate, seed) do not ask for it.
    expect(() => loadToolConfig(prod)).not.toThrow();
  });

  test('falls back to the fixed development key elsewhere, so hashes survive a restart', () => {
    const a = loadConfig({ NODE_ENV: 'development' });
    const b = loadConfig({ NODE_ENV: 'development' });
    expect(a.PERSON_ID_HMAC_KEY).toBe(DEV_PERSON_ID_HMAC_KEY);
    expect(b.PERSON_ID_HMAC_KEY).toBe(a.PERSON_ID_HMAC_KEY);
    expect(a.PERSON_ID_HMAC_KEY_IS_DEFAULT).toBe(true);
  });
});

describe('matching people on import', () => {
  test('namesakes at one employer with different employee numbers stay two people', async () => {
    const r = await importCsv(await newTrade(), [
      'name,employer,employee_number',
      `张伟,${firmA.name},SZ-001`,
      `张伟,${firmA.name},SZ-002`,
    ]);
    expect(r).toEqual({ imported: 2, peopleCreated: 2, errors: [] });
    const zhang = await peopleNamed('张伟');
    expect(zhang.map((p) => p.employee_number)).toEqual(['SZ-001', 'SZ-002']);

    // The second one again, in another trade: matched by number, not created.
    const trade = await newTrade();
    const again = await importCsv(trade, ['姓名,单位,工号', `张伟,${firmA.name},SZ-002`]);
    expect(again).toEqual({ imported: 1, peopleCreated: 0, errors: [] });
    const registered = await t.sql<{ person_id: number }>(
      'select person_id from entrant where trade_id = ?',
      [fromGlobalId(trade)!.id],
    );
    expect(registered).toEqual([{ person_id: zhang[1]!.id }]);
    expect(await peopleNamed('张伟')).toHaveLength(2);
  });

  test('a row without a key that fits several namesakes is ambiguous, and nothing is written', async () => {
    const trade = await newTrade();
    const before = await tableCounts(t);
    const r = await importCsv(trade, ['name,employer', `新人甲,${firmA.name}`, `张伟,${firmA.name}`]);
    expect(r.imported).toBe(0);
    expect(r.errors.map((e) => [e.field, e.code])).toEqual([['rows.3.name', 'PERSON_AMBIGUOUS']]);
    expect(r.errors[0]!.message).toMatch(/^Line 3: 2 people called 张伟/);
    expect(await tableCounts(t)).toEqual(before);
  });

  test('a person who changed employer is matched by national ID and keeps one record', async () => {
    const first = await importCsv(await newTrade(), [
      'name,employer,national_id,employee_number',
      `李娜,${firmA.name},${LI_NA},SZ-100`,
    ]);
    expect(first).toEqual({ imported: 1, peopleCreated: 1, errors: [] });
    const [before] = await peopleNamed('李娜');
    expect(before).toMatchObject({ employer_id: firmA.id, employee_number: 'SZ-100' });

    // Now at another employer, with a lower-case check character and spaces as people type them.
    const moved = await importCsv(await newTrade(), [
      '姓名,单位,身份证号,工号',
      `李娜,${firmB.name},${LI_NA.slice(0, 6)} ${LI_NA.slice(6).toLowerCase()},GZ-7`,
    ]);
    expect(moved).toEqual({ imported: 1, peopleCreated: 0, errors: [] });
    const after = await peopleNamed('李娜');
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ id: before!.id, employer_id: firmB.id, employee_number: 'GZ-7' });
  });

  test('keys pointing at two different people are a conflict, reported by row', async () => {
    const trade = await newTrade();
    const before = await tableCounts(t);
    const r = await importCsv(trade, [
      'name,employer,national_id,employee_number',
      `王芳,${firmA.name},${WANG},`,
      // 李娜's ID with 张伟's number at the first employer.
      `李娜,${firmA.name},${LI_NA},SZ-001`,
      // A number on record for someone else, with a name that does not matter.
      `张伟,${firmA.name},,SZ-001`,
    ]);
    expect(r.imported).toBe(0);
    expect(r.errors.map((e) => [e.field, e.code])).toEqual([
      ['rows.3.employeeNumber', 'PERSON_KEYS_CONFLICT'],
    ]);
    expect(await tableCounts(t)).toEqual(before);
  });

  test('an ID with a wrong check digit is refused with a stable code, and never echoed', async () => {
    const wrongCheck = LI_NA.slice(0, 17) + (LI_NA[17] === '0' ? '1' : '0');
    const trade = await newTrade();
    const before = await tableCounts(t);
    const r = await importCsv(trade, [
      'name,employer,national_id',
      `赵敏,${firmB.name},${wrongCheck}`,
      `钱进,${firmB.name},12345`,
    ]);
    expect(r.imported).toBe(0);
    expect(r.errors.map((e) => [e.field, e.code])).toEqual([
      ['rows.2.nationalId', 'NATIONAL_ID_INVALID'],
      ['rows.3.nationalId', 'NATIONAL_ID_INVALID'],
    ]);
    expect(r.errors[0]!.message).toMatch(/check digit/);
    expect(JSON.stringify(r)).not.toContain(wrongCheck.slice(0, 17));
    expect(JSON.stringify(r)).not.toContain('12345');
    expect(await tableCounts(t)).toEqual(before);
  });

  test('the database holds the keyed hash, never the number', async () => {
    const [li] = await peopleNamed('李娜');
    const expected = createHmac('sha256', DEV_PERSON_ID_HMAC_KEY)
      .update(`national-id:${LI_NA}`)
      .digest('hex');
    expect(li!.national_id_hash).toBe(expected);
    // Every row of the table as text: neither the ID nor its digits before the check character.
    const rows = await t.sql<{ row: string }>('select p::text as row from person p');
    expect(rows.length).toBeGreaterThan(0);
    for (const { row } of rows) {
      expect(row).not.toContain(LI_NA.slice(0, 17));
      expect(row).not.toContain(LI_NA.slice(6, 14));
    }
  });

  test('the API tells only whether an ID is on record', async () => {
    const r = await t.gql(PersonKeysPeopleDocument, { filter: { search: '李娜' } }, { token });
    expect(r.errors).toBeUndefined();
    expect(r.data!.people.nodes).toEqual([
      expect.objectContaining({
        name: '李娜',
        employeeNumber: 'GZ-7',
        hasNationalId: true,
        employer: expect.objectContaining({ name: firmB.name }),
      }),
    ]);
    expect(JSON.stringify(r)).not.toContain(LI_NA.slice(0, 17));
    const zhang = await t.gql(PersonKeysPeopleDocument, { filter: { search: '张伟' } }, { token });
    expect(zhang.data!.people.nodes.map((p) => p.hasNationalId)).toEqual([false, false]);
    // No field of the schema can return the ID or its hash.
    const schema = await fs.readFile(path.join(ROOT, 'schema', 'schema.graphql'), 'utf8');
    const fields = [...schema.matchAll(/^\s+(\w*(?:national|idHash)\w*)\s*[(:]/gim)].map((m) => m[1]);
    expect(fields).toEqual(['hasNationalId']);
  });
});

describe('import:entrants command with keys', () => {
  test('matches by national ID in Chinese columns and shows progress', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'jingsai-person-keys-'));
    try {
      const file = path.join(dir, 'keys.csv');
      await fs.writeFile(
        file,
        ['姓名,单位,工号,身份证号', `李娜,${firmB.name},GZ-7,${LI_NA}`, `周杰,${firmB.name},GZ-8,`].join(
          '\n',
        ),
        'utf8',
      );
      const trade = await newTrade();
      const r = await runCommand('import-entrants.ts', ['-t', trade, '-f', file], t.database);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^write: 2\/2 rows \(100%\)$/m);
      expect(r.stdout).toContain('Imported 2 entrants (1 new people)');
      expect(r.stdout + r.stderr).not.toContain(LI_NA.slice(0, 17));
      expect(await peopleNamed('李娜')).toHaveLength(1);

      // Moved by hand to another employer, 周杰 loses the number that meant something only at the old one.
      const [zhou] = await peopleNamed('周杰');
      expect(zhou).toMatchObject({ employer_id: firmB.id, employee_number: 'GZ-8' });
      const moved = await t.gql(
        AccessUpdatePersonDocument,
        { i: { id: toGlobalId('Person', zhou!.id), employerId: toGlobalId('Organization', firmA.id) } },
        { token },
      );
      expect(moved.data!.updatePerson.errors).toEqual([]);
      expect(await peopleNamed('周杰')).toEqual([
        expect.objectContaining({ employer_id: firmA.id, employee_number: null }),
      ]);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
