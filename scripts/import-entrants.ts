import 'reflect-metadata';
import { commandConfig, commandLine, err, out, runCommand, UsageError } from './support/command';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  importEntrants,
  parseEntrantFile,
  type ImportProgress,
  type RawRow,
} from '../src/modules/competition/entrant-import';
import { ImportFormat } from '../src/modules/competition/competition.types';
import type { UserError } from '../src/shared/errors';
import { asDomainError, inTransaction } from '../src/shared/graphql/mutation';
import { fromGlobalId } from '../src/shared/graphql/relay';
import { progressFor } from './support/progress';
import { openToolContext, type ToolContext } from './support/tool-context';

/**
 * Registers the entrants listed in a CSV or XLSX file into one trade, with the
 * same rules as the `importEntrants` mutation: every bad row is reported and
 * then nothing is written.
 *
 * Exit codes: 0 imported; 1 refused (bad rows, bad file, unknown trade) or failed; 2 usage error.
 */

const USAGE = `Usage: npm run import:entrants -- --trade <id> --file <path.csv|path.xlsx> [--format CSV|XLSX]

Registers every row of the file as an individual entrant of the trade, or none:
each bad row is listed with its line and reason, and then nothing is written.

Options:
  -t, --trade <id>      The trade: its global ID (as the API returns it) or its numeric id.
  -f, --file <path>     The file. Columns (header row, any order): name (姓名), employer (单位;
                        an organization name or global ID), gender (性别: 男/女/MALE/FEMALE),
                        birthYear (出生年份), occupation (工种), employee_number (工号),
                        national_id (身份证号; only its keyed hash is stored). At most 5 MB.
                        People are matched by national ID, then by employee number
                        within the employer, then by name and employer when exactly
                        one person fits; ambiguous rows are reported.
      --format <fmt>    CSV or XLSX; by default taken from the file extension.
  -h, --help            Print this help.

National IDs are hashed with PERSON_ID_HMAC_KEY (required when NODE_ENV=production;
the server must use the same key).

The database is DATABASE_URL, or else the embedded PostgreSQL (EMBEDDED_PG_DIR,
EMBEDDED_PG_PORT). The import runs as a platform admin: anyone who may run this
command on the machine already has the database.

Exit codes: 0 imported, 1 refused or failed (nothing written), 2 usage error.`;

/** Thrown from the progress callback after Ctrl-C, so the transaction rolls back. */
class Interrupted extends Error {}

interface Options {
  tradeId: number;
  file: string;
  format: ImportFormat;
}

/** A numeric id, or a Trade global ID. */
function parseTradeId(value: string): number | null {
  if (/^[1-9][0-9]{0,9}$/.test(value)) {
    const n = Number(value);
    return n <= 2147483647 ? n : null;
  }
  const d = fromGlobalId(value);
  return d?.type === 'Trade' ? d.id : null;
}

function parseOptions(argv: string[]): Options | 'help' {
  let values: { trade?: string; file?: string; format?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        trade: { type: 'string', short: 't' },
        file: { type: 'string', short: 'f' },
        format: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) return 'help';
  if (!values.trade) throw new UsageError('--trade is required.');
  if (!values.file) throw new UsageError('--file is required.');
  const tradeId = parseTradeId(values.trade.trim());
  if (tradeId === null) {
    throw new UsageError(`--trade "${values.trade}" is neither a numeric id nor a Trade global ID.`);
  }
  let format: ImportFormat;
  if (values.format) {
    const f = values.format.trim().toUpperCase();
    if (f !== ImportFormat.CSV && f !== ImportFormat.XLSX) {
      throw new UsageError(`--format must be CSV or XLSX, not "${values.format}".`);
    }
    format = f;
  } else {
    const ext = path.extname(values.file).toLowerCase();
    if (ext === '.csv') format = ImportFormat.CSV;
    else if (ext === '.xlsx') format = ImportFormat.XLSX;
    else
      throw new UsageError(`Cannot tell the format of "${values.file}" from its extension; give --format.`);
  }
  return { tradeId, file: values.file, format };
}

// ---------------------------------------------------------------- errors

/** `line <n> <column>: <message> [<code>]` for a row error; the option for a file or trade error. */
function formatError(e: UserError): string {
  const m = /^rows\.(\d+)\.(\w+)$/.exec(e.field ?? '');
  if (m) {
    const message = e.message.en.replace(/^Line \d+:\s*/, '');
    return `line ${m[1]} ${m[2]}: ${message} [${e.code}]`;
  }
  const where =
    e.field === 'input.tradeId' ? '--trade' : e.field === 'input.content' ? '--file' : (e.field ?? 'error');
  return `${where}: ${e.message.en} [${e.code}]`;
}

// ---------------------------------------------------------------- database

async function main(argv: string[]): Promise<number> {
  const parsed = commandLine(USAGE, () => parseOptions(argv));
  if (typeof parsed === 'number') return parsed;
  const options = parsed;

  let content: Buffer;
  try {
    content = await fs.readFile(options.file);
  } catch (e) {
    err(`--file: cannot read ${options.file}: ${(e as Error).message}`);
    return 1;
  }

  const config = commandConfig({ hashesNationalIds: true });
  if (!config) return 1;
  if (config.PERSON_ID_HMAC_KEY_IS_DEFAULT && config.NODE_ENV === 'development') {
    err('Warning: PERSON_ID_HMAC_KEY is not set; national IDs are hashed with the public development key.');
  }

  // Parse before touching the database: a malformed file needs no connection.
  let rows: RawRow[];
  try {
    rows = await parseEntrantFile(options.format, content);
  } catch (e) {
    const expected = asDomainError(e);
    if (!expected) throw e;
    for (const line of expected.errors.map(formatError)) err(line);
    return 1;
  }
  out(`Read ${rows.length} rows from ${options.file} (${options.format}).`);

  let tool: ToolContext | null = null;
  const progress = progressFor(process.stdout);
  let cleaning: Promise<void> | null = null;
  const cleanup = () =>
    (cleaning ??= (async () => {
      progress.stop();
      await tool?.close();
    })());
  // First signal: stop at the next progress step, inside the transaction, so it rolls back.
  // A second one: close everything now (an open transaction dies with its connection).
  let interrupted: NodeJS.Signals | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    if (!interrupted) {
      interrupted = signal;
      progress.stop();
      err(`\n${signal}: stopping; the import will be rolled back (again to quit at once).`);
      return;
    }
    void cleanup().finally(() => process.exit(130));
  };
  const onProgress: ImportProgress = (stage, done, total) => {
    if (interrupted) throw new Interrupted(interrupted);
    progress.update(stage, done, total);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    tool = await openToolContext(config, err);
    const { ctx } = tool;
    let result: { imported: number; peopleCreated: number };
    try {
      result = await inTransaction(ctx, (em) => importEntrants(ctx, em, options.tradeId, rows, onProgress));
    } catch (e) {
      if (e instanceof Interrupted) {
        err(`Interrupted (${e.message}): nothing was imported.`);
        return 130;
      }
      const expected = asDomainError(e);
      if (!expected) throw e;
      progress.stop();
      for (const line of expected.errors.map(formatError)) err(line);
      err(`Nothing was imported: ${expected.errors.length} problem(s).`);
      return 1;
    }
    progress.stop();
    out(`Imported ${result.imported} entrants (${result.peopleCreated} new people)`);
    return 0;
  } finally {
    await cleanup();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

runCommand(main);
