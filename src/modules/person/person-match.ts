import type { EntityManager } from '@mikro-orm/postgresql';
import { pgArray } from '../../shared/db/paging';
import { ErrorCode } from '../../shared/errors';
import { type Text, text } from '../../shared/i18n';
import { Gender } from './person.entity';

/**
 * Finds the existing person each import row means, by stable key first:
 *
 * 1. the national ID hash (anywhere: it follows a person who changed employer);
 * 2. the employee number within the row's employer;
 * 3. otherwise name and employer, only when exactly one person there has that name and
 *    no key recorded that contradicts the row's.
 *
 * A row whose keys point at two different people, or at a person whose recorded key differs,
 * is PERSON_KEYS_CONFLICT; a row that several namesakes fit is PERSON_AMBIGUOUS. Neither is
 * guessed at: the row is reported.
 */

/** One row, validated, as the import understands it. */
export interface PersonRow {
  line: number;
  name: string;
  employerId: number;
  employeeNumber: string | null;
  nationalIdHash: string | null;
  gender: Gender | null;
  birthYear: number | null;
  occupation: string | null;
}

export interface RowProblem {
  line: number;
  column: string;
  code: ErrorCode;
  message: Text;
}

interface Candidate {
  id: number;
  employer_id: number;
  employee_number: string | null;
  national_id_hash: string | null;
  path: string;
}

/** The match of one row: an existing person (with the keys to record on it) or a new one. */
export interface RowMatch {
  row: PersonRow;
  personId: number | null;
  /** The person exists and their employer or keys change (moved employer, key first given). */
  update: boolean;
}

const COLUMNS = `p.id, p.employer_id, p.employee_number, p.national_id_hash, o.path::text as path`;

/** A problem of an imported row, prefixed with its line. */
export function atLine(line: number, message: Text): Text {
  return text(`第 ${line} 行：${message.zh}`, `Line ${line}: ${message.en}`);
}

export async function matchPeople(
  em: EntityManager,
  rows: PersonRow[],
  inScope: (path: string) => boolean,
): Promise<{ matches: RowMatch[]; problems: RowProblem[] }> {
  const problems: RowProblem[] = [];
  const bad = (line: number, column: string, code: ErrorCode, message: Text) =>
    problems.push({ line, column, code, message: atLine(line, message) });

  const hashes = rows.map((r) => r.nationalIdHash).filter((h): h is string => !!h);
  const numbered = rows.filter((r) => r.employeeNumber);
  // One after another: inside the import's transaction they share one connection.
  const byHashRows: Candidate[] = hashes.length
    ? await em.execute<Candidate[]>(
        `select ${COLUMNS} from person p join organization o on o.id = p.employer_id
            where p.national_id_hash = any(?::text[])`,
        [pgArray(hashes)],
      )
    : [];
  const byNumberRows: Candidate[] = numbered.length
    ? await em.execute<Candidate[]>(
        `select ${COLUMNS} from person p join organization o on o.id = p.employer_id
             join unnest(?::int[], ?::text[]) as x(employer_id, employee_number)
               on p.employer_id = x.employer_id and p.employee_number = x.employee_number`,
        [pgArray(numbered.map((r) => r.employerId)), pgArray(numbered.map((r) => r.employeeNumber))],
      )
    : [];
  const byNameRows = await em.execute<(Candidate & { name: string })[]>(
    `select distinct ${COLUMNS}, p.name from person p join organization o on o.id = p.employer_id
         join unnest(?::text[], ?::int[]) as x(name, employer_id)
           on p.name = x.name and p.employer_id = x.employer_id`,
    [pgArray(rows.map((r) => r.name)), pgArray(rows.map((r) => r.employerId))],
  );
  const byHash = new Map(byHashRows.map((c) => [c.national_id_hash!, c]));
  const byNumber = new Map(byNumberRows.map((c) => [`${c.employer_id}|${c.employee_number}`, c]));
  const byName = new Map<string, Candidate[]>();
  for (const c of byNameRows) {
    const key = `${c.employer_id}|${c.name}`;
    byName.set(key, [...(byName.get(key) ?? []), c]);
  }

  /** A key recorded on the person that says the row is someone else. */
  const contradicts = (r: PersonRow, c: Candidate): boolean =>
    (!!r.nationalIdHash && !!c.national_id_hash && c.national_id_hash !== r.nationalIdHash) ||
    (!!r.employeeNumber &&
      c.employer_id === r.employerId &&
      !!c.employee_number &&
      c.employee_number !== r.employeeNumber);

  const matches: RowMatch[] = [];
  for (const r of rows) {
    const a = r.nationalIdHash ? byHash.get(r.nationalIdHash) : undefined;
    const b = r.employeeNumber ? byNumber.get(`${r.employerId}|${r.employeeNumber}`) : undefined;
    let found: Candidate | null = null;
    if (a && b && a.id !== b.id) {
      bad(
        r.line,
        'employeeNumber',
        ErrorCode.PERSON_KEYS_CONFLICT,
        text(
          '身份证号与工号分属两个不同的人。',
          'the national ID and the employee number belong to two different people.',
        ),
      );
      continue;
    }
    const keyed = a ?? b;
    if (keyed) {
      if (contradicts(r, keyed)) {
        bad(
          r.line,
          a ? 'employeeNumber' : 'nationalId',
          ErrorCode.PERSON_KEYS_CONFLICT,
          a
            ? text(
                '持此身份证号的人员在该单位登记的是另一个工号。',
                'the person with this national ID has another employee number at this employer.',
              )
            : text(
                '持此工号的人员登记的是另一个身份证号。',
                'the person with this employee number has another national ID on record.',
              ),
        );
        continue;
      }
      if (!inScope(keyed.path)) {
        bad(
          r.line,
          'nationalId',
          ErrorCode.OUTSIDE_SCOPE,
          text(
            '持此身份证号的人员所在单位不在您所属工会的范围内。',
            'the person with this national ID is employed outside your union.',
          ),
        );
        continue;
      }
      found = keyed;
    } else {
      const fitting = (byName.get(`${r.employerId}|${r.name}`) ?? []).filter((c) => !contradicts(r, c));
      if (fitting.length > 1) {
        bad(
          r.line,
          'name',
          ErrorCode.PERSON_AMBIGUOUS,
          text(
            `该单位有 ${fitting.length} 名叫 ${r.name} 的职工，请填写工号（employee_number）或身份证号（national_id）。`,
            `${fitting.length} people called ${r.name} work there; give employee_number or national_id.`,
          ),
        );
        continue;
      }
      found = fitting[0] ?? null;
    }
    const update =
      !!found &&
      (found.employer_id !== r.employerId ||
        (!!r.employeeNumber && found.employee_number !== r.employeeNumber) ||
        (!!r.nationalIdHash && found.national_id_hash !== r.nationalIdHash));
    matches.push({ row: r, personId: found?.id ?? null, update });
  }

  // The same person twice in one file: by person, by key, or by name when a row has no key.
  const seen = new Map<string, number>();
  const byNameInFile = new Map<string, { line: number; keyed: boolean }>();
  const kept: RowMatch[] = [];
  for (const m of matches) {
    const r = m.row;
    const keys = [
      m.personId ? `p:${m.personId}` : null,
      r.nationalIdHash ? `h:${r.nationalIdHash}` : null,
      r.employeeNumber ? `n:${r.employerId}|${r.employeeNumber}` : null,
    ].filter((k): k is string => !!k);
    const keyed = !!(r.nationalIdHash || r.employeeNumber);
    const nameKey = `${r.employerId}|${r.name}`;
    const sameName = byNameInFile.get(nameKey);
    const first =
      keys.map((k) => seen.get(k)).find((l) => l !== undefined) ??
      (sameName && !(keyed && sameName.keyed) ? sameName.line : undefined);
    if (first !== undefined) {
      bad(
        r.line,
        'name',
        ErrorCode.DUPLICATE,
        text(`与第 ${first} 行是同一人。`, `the same person as line ${first}.`),
      );
      continue;
    }
    for (const k of keys) seen.set(k, r.line);
    if (!sameName) byNameInFile.set(nameKey, { line: r.line, keyed });
    kept.push(m);
  }
  return { matches: kept, problems };
}

/**
 * Writes the matched rows' people: records new keys (and a changed employer) on the people
 * found, creates the others. Returns the person id of every row, in order.
 */
export async function writePeople(em: EntityManager, matches: RowMatch[]): Promise<number> {
  const moved = matches.filter((m) => m.update);
  if (moved.length) {
    // A move to another employer drops the old employee number: it meant something only there.
    await em.execute(
      `update person p
          set employee_number = case when p.employer_id = x.employer_id
                                     then coalesce(x.employee_number, p.employee_number)
                                     else x.employee_number end,
              employer_id = x.employer_id,
              national_id_hash = coalesce(x.national_id_hash, p.national_id_hash),
              updated_at = now()
         from unnest(?::int[], ?::int[], ?::text[], ?::text[])
              as x(id, employer_id, employee_number, national_id_hash)
        where p.id = x.id`,
      [
        pgArray(moved.map((m) => m.personId)),
        pgArray(moved.map((m) => m.row.employerId)),
        pgArray(moved.map((m) => m.row.employeeNumber)),
        pgArray(moved.map((m) => m.row.nationalIdHash)),
      ],
    );
  }
  const fresh = matches.filter((m) => !m.personId);
  if (fresh.length) {
    // Ids taken first, so each row knows its person without relying on RETURNING order
    // (namesakes at one employer are distinct rows with equal names).
    const ids = await em.execute<{ id: string }[]>(
      `select nextval(pg_get_serial_sequence('person', 'id')) as id from generate_series(1, ?)`,
      [fresh.length],
    );
    fresh.forEach((m, i) => (m.personId = Number(ids[i]!.id)));
    await em.execute(
      `insert into person (id, name, employer_id, gender, birth_year, occupation, employee_number, national_id_hash)
       select * from unnest(?::int[], ?::text[], ?::int[], ?::text[], ?::int[], ?::text[], ?::text[], ?::text[])`,
      [
        pgArray(fresh.map((m) => m.personId)),
        pgArray(fresh.map((m) => m.row.name)),
        pgArray(fresh.map((m) => m.row.employerId)),
        pgArray(fresh.map((m) => m.row.gender)),
        pgArray(fresh.map((m) => m.row.birthYear)),
        pgArray(fresh.map((m) => m.row.occupation)),
        pgArray(fresh.map((m) => m.row.employeeNumber)),
        pgArray(fresh.map((m) => m.row.nationalIdHash)),
      ],
    );
  }
  return fresh.length;
}
