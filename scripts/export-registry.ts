import 'reflect-metadata';
import { commandConfig, commandLine, err, out, runCommand, UsageError } from './support/command';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { studioRegistryFile } from '../src/modules/studio/studio-export';
import { StudioLevel, StudioStatus } from '../src/modules/studio/studio.entity';
import type { StudioFilter } from '../src/modules/studio/studio.types';
import { fromGlobalId, toGlobalId } from '../src/shared/graphql/relay';
import { progressFor } from './support/progress';
import { openToolContext, type ToolContext } from './support/tool-context';

/**
 * Writes the studio registry (工作室名录) to a CSV or XLSX file with the same columns and rows as
 * the `studioRegistryFile` query, showing progress: a national registry runs to thousands of
 * studios, more than one answer of the API should carry at once.
 *
 * Exit codes: 0 written; 1 failed; 2 usage error.
 */

const USAGE = `Usage: npm run export:registry -- --out <path.csv|path.xlsx> [options]

Writes the studio registry, one row per studio (name, level, field, host, leader, state,
naming date, naming union, document number, last assessment), with Chinese and English
headings, through the same guarded writer as the API's studioRegistryFile. At most 20,000
studios.

Options:
  -o, --out <path>      The file to write; the format is taken from its extension.
      --format <fmt>    CSV or XLSX, when the extension does not say.
  -u, --union <id>      Only studios hosted under this union (its global ID or numeric id).
      --level <level>   Only this level (repeatable): ${Object.values(StudioLevel).join(', ')}.
      --status <state>  Only this state (repeatable): ${Object.values(StudioStatus).join(', ')}.
  -h, --help            Print this help.

The database is DATABASE_URL, or else the embedded PostgreSQL (EMBEDDED_PG_DIR,
EMBEDDED_PG_PORT). The command reads as a platform admin, so applications are included
unless --status leaves them out.

Exit codes: 0 written, 1 failed, 2 usage error.`;

interface Options {
  out: string;
  format: 'CSV' | 'XLSX';
  filter: StudioFilter;
}

function oneOf<T extends string>(values: readonly T[], given: string, option: string): T {
  const v = given.trim().toUpperCase() as T;
  if (!values.includes(v))
    throw new UsageError(`${option} must be one of ${values.join(', ')}, not "${given}".`);
  return v;
}

function parseOptions(argv: string[]): Options | 'help' {
  let values: {
    out?: string;
    format?: string;
    union?: string;
    level?: string[];
    status?: string[];
    help?: boolean;
  };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        out: { type: 'string', short: 'o' },
        format: { type: 'string' },
        union: { type: 'string', short: 'u' },
        level: { type: 'string', multiple: true },
        status: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) return 'help';
  if (!values.out) throw new UsageError('--out is required.');
  let format: 'CSV' | 'XLSX';
  if (values.format) format = oneOf(['CSV', 'XLSX'] as const, values.format, '--format');
  else {
    const ext = path.extname(values.out).toLowerCase();
    if (ext === '.csv') format = 'CSV';
    else if (ext === '.xlsx') format = 'XLSX';
    else throw new UsageError(`Cannot tell the format of "${values.out}" from its extension; give --format.`);
  }
  const filter: StudioFilter = {};
  if (values.union) {
    const u = values.union.trim();
    if (/^[1-9][0-9]{0,9}$/.test(u)) filter.unionId = toGlobalId('Organization', Number(u));
    else if (fromGlobalId(u)?.type === 'Organization') filter.unionId = u;
    else
      throw new UsageError(
        `--union "${values.union}" is neither a numeric id nor an Organization global ID.`,
      );
  }
  if (values.level?.length)
    filter.levels = values.level.map((l) => oneOf(Object.values(StudioLevel), l, '--level'));
  if (values.status?.length) {
    filter.statuses = values.status.map((s) => oneOf(Object.values(StudioStatus), s, '--status'));
  }
  return { out: values.out, format, filter };
}

async function main(argv: string[]): Promise<number> {
  const options = commandLine(USAGE, () => parseOptions(argv));
  if (typeof options === 'number') return options;
  const config = commandConfig();
  if (!config) return 1;
  const progress = progressFor(process.stdout, 'studios');
  let tool: ToolContext | null = null;
  try {
    tool = await openToolContext(config, err);
    let written = 0;
    const file = await studioRegistryFile(tool.ctx, options.filter, options.format, (stage, done, total) => {
      if (stage === 'write') written = done;
      progress.update(stage, done, total);
    });
    progress.stop();
    const bytes = Buffer.from(file.content, file.encoding === 'base64' ? 'base64' : 'utf8');
    await fs.writeFile(options.out, bytes);
    out(`Wrote ${written} studios to ${options.out} (${options.format}, ${bytes.length} bytes).`);
    return 0;
  } finally {
    progress.stop();
    await tool?.close();
  }
}

runCommand(main);
