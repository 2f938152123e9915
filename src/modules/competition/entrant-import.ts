import type { EntityManager } from '@mikro-orm/postgresql';
import { pgArray } from '../../shared/db/paging';
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { DomainError, ErrorCode, type UserError } from '../../shared/errors';
import type { Context } from '../../shared/graphql/context';
import { fromGlobalId } from '../../shared/graphql/relay';
import { Gender } from '../person/person.entity';
import { NATIONAL_ID_PROBLEMS, nationalIdProblem, normalizeNationalId } from '../person/person-keys';
import { atLine, matchPeople, writePeople, type PersonRow } from '../person/person-match';
import type { Text } from '../../shared/i18n';
import { ACTIVE_ENTRANT_STATUSES } from './entrant.entity';
import { assertConfigurable, loadManagedTradeById } from './competition.service';
import { ImportFormat } from './competition.types';
import { text } from '../../shared/i18n';

export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;
export const MAX_IMPORT_ROWS = 50_000;

/** A data row as read from the file; `line` counts the header as line 1. */
export interface RawRow {
  line: number;
  values: Record<string, string>;
}

/** Accepted column headers, English or the Chinese ones union spreadsheets use. */
const HEADER_ALIASES = new Map<string, string>(
  Object.entries({
    name: 'name',
    姓名: 'name',
    employer: 'employer',
    单位: 'employer',
    工作单位: 'employer',
    gender: 'gender',
    性别: 'gender',
    birthyear: 'birthYear',
    出生年份: 'birthYear',
    occupation: 'occupation',
    工种: 'occupation',
    employeenumber: 'employeeNumber',
    employee_number: 'employeeNumber',
    工号: 'employeeNumber',
    员工编号: 'employeeNumber',
    nationalid: 'nationalId',
    national_id: 'nationalId',
    身份证号: 'nationalId',
    身份证号码: 'nationalId',
  }),
);

function canonicalHeader(h: string): string | null {
  const key = h.trim().replace(/\s+/g, '');
  return HEADER_ALIASES.get(key) ?? HEADER_ALIASES.get(key.toLowerCase()) ?? null;
}

export class ImportFileError extends DomainError {}

function fileError(message: Text, field = 'input.content'): ImportFileError {
  return new ImportFileError(ErrorCode.IMPORT_INVALID, message, field);
}

function toRows(header: string[], body: string[][], firstLine: number): RawRow[] {
  const columns = header.map(canonicalHeader);
  const unknown = header.filter((h, i) => h.trim() && !columns[i]);
  if (unknown.length)
    throw fileError(text(`未知列：${unknown.join('、')}。`, `Unknown column(s): ${unknown.join(', ')}.`));
  for (const required of ['name', 'employer']) {
    if (!columns.includes(required))
      throw fileError(text(`表头缺少“${required}”列。`, `The header has no "${required}" column.`));
  }
  const rows: RawRow[] = [];
  body.forEach((cells, i) => {
    if (cells.every((c) => !c?.trim())) return;
    const values: Record<string, string> = {};
    columns.forEach((col, j) => {
      if (col) values[col] = (cells[j] ?? '').trim();
    });
    rows.push({ line: firstLine + i, values });
  });
  if (rows.length === 0) throw fileError(text('文件中没有数据行。', 'The file has no data rows.'));
  if (rows.length > MAX_IMPORT_ROWS)
    throw fileError(
      text(`每次导入最多 ${MAX_IMPORT_ROWS} 行。`, `At most ${MAX_IMPORT_ROWS} rows per import.`),
    );
  return rows;
}

export async function parseEntrantFile(format: ImportFormat, content: Buffer): Promise<RawRow[]> {
  if (content.length > MAX_IMPORT_BYTES)
    throw fileError(text('文件大于 5 MB。', 'The file is larger than 5 MB.'));
  if (format === ImportFormat.CSV) {
    let records: string[][];
    try {
      records = parseCsv(content, {
        bom: true,
        relax_column_count: true,
        skip_empty_lines: false,
      }) as string[][];
    } catch (err) {
      throw fileError(
        text(`无法按 CSV 读取：${(err as Error).message}`, `Not readable as CSV: ${(err as Error).message}`),
      );
    }
    if (records.length === 0) throw fileError(text('文件为空。', 'The file is empty.'));
    return toRows(records[0]!, records.slice(1), 2);
  }
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(content as unknown as ArrayBuffer);
  } catch {
    throw fileError(text('无法按 XLSX 工作簿读取。', 'Not readable as an XLSX workbook.'));
  }
  const sheet = workbook.worksheets[0];
  if (!sheet || sheet.rowCount === 0)
    throw fileError(text('工作簿中没有任何行。', 'The workbook has no rows.'));
  const width = sheet.columnCount;
  const cellsOf = (rowNo: number): string[] => {
    const row = sheet.getRow(rowNo);
    return Array.from({ length: width }, (_, j) => {
      const v = row.getCell(j + 1).text;
      return typeof v === 'string' ? v : String(v ?? '');
    });
  };
  const body: string[][] = [];
  for (let r = 2; r <= sheet.rowCount; r++) body.push(cellsOf(r));
  return toRows(cellsOf(1), body, 2);
}

// Maps, not object literals: a cell reading "constructor" must not match an inherited key.
const GENDERS = new Map<string, Gender>(
  Object.entries({
    男: Gender.MALE,
    女: Gender.FEMALE,
    male: Gender.MALE,
    female: Gender.FEMALE,
    m: Gender.MALE,
    f: Gender.FEMALE,
  }),
);

export interface ImportProgress {
  (stage: 'validate' | 'write', done: number, total: number): void;
}

/**
 * Registers every row into the trade, or nothing: all rows are checked first
 * and each bad one is reported with its line and reason. People are matched by
 * national ID, then employee number, then name and employer (see `matchPeople`),
 * and created when new.
 */
export async function importEntrants(
  ctx: Context,
  em: EntityManager,
  tradeId: number,
  rows: RawRow[],
  onProgress: ImportProgress = () => {},
): Promise<{ imported: number; peopleCreated: number }> {
  const { trade, competition } = await loadManagedTradeById(ctx, em, tradeId, 'input.tradeId', true);
  assertConfigurable(competition, 'input.tradeId');
  const errors: UserError[] = [];
  const bad = (line: number, column: string, code: ErrorCode, message: Text) =>
    errors.push({ field: `rows.${line}.${column}`, code, message: atLine(line, message) });

  // Employers by name or ID, restricted to what the caller manages.
  const scope = ctx.access.managed;
  const employerRefs = [...new Set(rows.map((r) => r.values.employer ?? '').filter(Boolean))];
  const orgs = await em.execute<{ id: number; name: string; path: string }[]>(
    `select id, name, path::text as path from organization
      where (name = any(?::text[]) or id = any(?::int[]))`,
    [pgArray(employerRefs), pgArray(employerRefs.map((e) => fromGlobalId(e)?.id ?? 0))],
  );
  const inScope = (path: string) =>
    scope === '*' || (scope !== null && (path === scope || path.startsWith(`${scope}.`)));
  const byName = new Map<string, { id: number; path: string }[]>();
  const byId = new Map<number, { id: number; path: string }>();
  for (const o of orgs) {
    byName.set(o.name, [...(byName.get(o.name) ?? []), o]);
    byId.set(o.id, o);
  }

  const valid: PersonRow[] = [];
  rows.forEach((r, i) => {
    const v = r.values;
    let ok = true;
    const name = v.name ?? '';
    if (!name) {
      bad(r.line, 'name', ErrorCode.REQUIRED, text('姓名（name）为空。', 'name is empty.'));
      ok = false;
    } else if ([...name].length > 100) {
      bad(
        r.line,
        'name',
        ErrorCode.TOO_LONG,
        text('姓名（name）超过 100 个字符。', 'name is longer than 100 characters.'),
      );
      ok = false;
    }
    let employerId = 0;
    const employer = v.employer ?? '';
    if (!employer) {
      bad(r.line, 'employer', ErrorCode.REQUIRED, text('工作单位（employer）为空。', 'employer is empty.'));
      ok = false;
    } else {
      const d = fromGlobalId(employer);
      const candidates =
        d?.type === 'Organization' ? [byId.get(d.id)].filter((x) => !!x) : (byName.get(employer) ?? []);
      const visible = candidates.filter((c) => inScope(c!.path));
      if (candidates.length === 0) {
        bad(
          r.line,
          'employer',
          ErrorCode.NOT_FOUND,
          text(`没有名为“${employer}”的组织。`, `no organization is called "${employer}".`),
        );
        ok = false;
      } else if (visible.length === 0) {
        bad(
          r.line,
          'employer',
          ErrorCode.OUTSIDE_SCOPE,
          text(`“${employer}”不在您所属工会的范围内。`, `"${employer}" lies outside your union.`),
        );
        ok = false;
      } else if (visible.length > 1) {
        bad(
          r.line,
          'employer',
          ErrorCode.VALIDATION,
          text(
            `名为“${employer}”的组织不止一个，请使用其 ID。`,
            `"${employer}" names several organizations; use its ID.`,
          ),
        );
        ok = false;
      } else employerId = visible[0]!.id;
    }
    let gender: Gender | null = null;
    if (v.gender) {
      gender = GENDERS.get(v.gender.toLowerCase()) ?? null;
      if (!gender) {
        bad(
          r.line,
          'gender',
          ErrorCode.VALIDATION,
          text(
            `性别“${v.gender}”不是 男/女/MALE/FEMALE 之一。`,
            `gender "${v.gender}" is not 男/女/MALE/FEMALE.`,
          ),
        );
        ok = false;
      }
    }
    let birthYear: number | null = null;
    if (v.birthYear) {
      birthYear = Number(v.birthYear);
      if (!Number.isInteger(birthYear) || birthYear < 1900 || birthYear > 2100) {
        bad(
          r.line,
          'birthYear',
          ErrorCode.OUT_OF_RANGE,
          text(
            `出生年份“${v.birthYear}”不在 1900 到 2100 之间。`,
            `birthYear "${v.birthYear}" is not a year from 1900 to 2100.`,
          ),
        );
        ok = false;
      }
    }
    const occupation = v.occupation || null;
    if (occupation && [...occupation].length > 100) {
      bad(
        r.line,
        'occupation',
        ErrorCode.TOO_LONG,
        text('工种/职业（occupation）超过 100 个字符。', 'occupation is longer than 100 characters.'),
      );
      ok = false;
    }
    const employeeNumber = v.employeeNumber || null;
    if (employeeNumber && [...employeeNumber].length > 50) {
      bad(
        r.line,
        'employeeNumber',
        ErrorCode.TOO_LONG,
        text('工号（employee_number）超过 50 个字符。', 'employee_number is longer than 50 characters.'),
      );
      ok = false;
    }
    let nationalIdHash: string | null = null;
    if (v.nationalId) {
      // Hashed at once; the ID never reaches a message, a log or the database.
      const id = normalizeNationalId(v.nationalId);
      const problem = nationalIdProblem(id);
      if (problem) {
        bad(
          r.line,
          'nationalId',
          ErrorCode.NATIONAL_ID_INVALID,
          text(
            `身份证号（national_id）${NATIONAL_ID_PROBLEMS[problem].zh}。`,
            `national_id ${NATIONAL_ID_PROBLEMS[problem].en}.`,
          ),
        );
        ok = false;
      } else nationalIdHash = ctx.personKeys.hashNationalId(id);
    }
    if (ok) {
      valid.push({
        line: r.line,
        name,
        employerId,
        employeeNumber,
        nationalIdHash,
        gender,
        birthYear,
        occupation,
      });
    }
    if (i % 1000 === 0) onProgress('validate', i, rows.length);
  });

  // Existing people, by key first; then their registrations, in one statement.
  const { matches, problems } = await matchPeople(em, valid, inScope);
  for (const p of problems)
    errors.push({ field: `rows.${p.line}.${p.column}`, code: p.code, message: p.message });
  const matchedIds = matches.filter((m) => m.personId).map((m) => m.personId);
  if (matchedIds.length) {
    const existing = await em.execute<{ person_id: number }[]>(
      `select person_id from entrant where trade_id = ? and person_id = any(?::int[])`,
      [trade.id, pgArray(matchedIds)],
    );
    const registered = new Set(existing.map((e) => e.person_id));
    for (const m of matches) {
      if (m.personId && registered.has(m.personId)) {
        bad(
          m.row.line,
          'name',
          ErrorCode.DUPLICATE,
          text(`${m.row.name} 已报名此工种。`, `${m.row.name} is already registered in this trade.`),
        );
      }
    }
  }

  const [{ n: activeCount } = { n: '0' }] = await em.execute<{ n: string }[]>(
    `select count(*) as n from entrant where trade_id = ? and status = any(?::text[])`,
    [trade.id, pgArray(ACTIVE_ENTRANT_STATUSES)],
  );
  const room = trade.capacity - Number(activeCount);
  if (rows.length > room) {
    const firstOver = rows[Math.max(room, 0)]!;
    bad(
      firstOver.line,
      'name',
      ErrorCode.CAPACITY_EXCEEDED,
      text(
        `该工种还有 ${Math.max(room, 0)} 个空余名额，文件中有 ${rows.length} 名参赛选手。`,
        `the trade has ${Math.max(room, 0)} free places; the file brings ${rows.length} entrants.`,
      ),
    );
  }
  onProgress('validate', rows.length, rows.length);
  if (errors.length) {
    errors.sort((a, b) => Number(a.field!.split('.')[1]) - Number(b.field!.split('.')[1]));
    throw DomainError.many(errors);
  }

  // Write in chunks: a few set-based statements per chunk for people and for entrants.
  const CHUNK = 1000;
  let peopleCreated = 0;
  for (let i = 0; i < matches.length; i += CHUNK) {
    const chunk = matches.slice(i, i + CHUNK);
    peopleCreated += await writePeople(em, chunk);
    await em.execute(`insert into entrant (trade_id, person_id) select ?, unnest(?::int[])`, [
      trade.id,
      pgArray(chunk.map((m) => m.personId)),
    ]);
    onProgress('write', Math.min(i + CHUNK, matches.length), matches.length);
  }
  return { imported: matches.length, peopleCreated };
}
