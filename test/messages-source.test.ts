import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * Every message a caller may read is written in both languages (`text(zh, en)`): a source scan
 * fails when an error is raised with a bare string, so no English-only message creeps back.
 */

const SRC = path.join(__dirname, '..', 'src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Calls whose message argument must be a localized text, and which argument it is (0-based). */
const SITES: [RegExp, number][] = [
  [/new DomainError\(/g, 1],
  [/new ImportFileError\(/g, 1],
  [/\.add\(\s*ErrorCode\./g, 1],
  [/\bforbidden\(/g, 0],
  [/\bunauthenticated\(/g, 0],
  [/\btopLevel\(/g, 1],
  [/\blocalizedError\(/g, 1],
  [/\bbadInput\(/g, 0],
  [/\brefused\(\s*LimitCode\./g, 1],
  [/new Refused\(/g, 1],
  [/new RefusedUrl\(/g, 0],
  [/new AssignmentImpossible\(/g, 0],
  [/new InvalidAwardRule\(/g, 0],
  [/\bfileError\(/g, 0],
  [/\bcsvError\(/g, 2],
  [/\bbad\(/g, 3],
  [/\bfail\(/g, -1],
  [/\bwhole\(/g, 0],
  [/\bmustBeEmpty\(/g, 3],
];

/** The top-level arguments of the call whose `(` is at `open`. */
function args(source: string, open: number): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = open + 1;
  let quote: string | null = null;
  for (let i = open; i < source.length; i++) {
    const ch = source[i]!;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = null;
      continue;
    }
    if (ch === "'" || ch === '"' || ch === '`') quote = ch;
    else if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) {
      depth--;
      if (depth === 0) {
        out.push(source.slice(start, i).trim());
        return out.filter(Boolean);
      }
    } else if (ch === ',' && depth === 1) {
      out.push(source.slice(start, i).trim());
      start = i + 1;
    }
  }
  return out;
}

const BARE = /^(['"`])/;

test('no error site in src passes a bare string as its message', () => {
  const offenders: string[] = [];
  let checked = 0;
  for (const file of files(SRC)) {
    const source = readFileSync(file, 'utf8');
    for (const [pattern, index] of SITES) {
      for (const m of source.matchAll(pattern)) {
        const open = m.index + m[0].lastIndexOf('(');
        // A declaration (`function bad(`) is not a call.
        const before = source.slice(Math.max(0, m.index - 9), m.index);
        if (/function\s*$/.test(before)) continue;
        const list = args(source, open);
        const message = index < 0 ? list[list.length - 1] : list[index];
        if (message === undefined) continue;
        checked++;
        if (BARE.test(message)) {
          const line = source.slice(0, m.index).split('\n').length;
          offenders.push(`${path.relative(SRC, file)}:${line}: ${message.slice(0, 80)}`);
        }
      }
    }
  }
  expect(offenders).toEqual([]);
  expect(checked).toBeGreaterThan(250);
});

test('every text(zh, en) in src has Chinese first', () => {
  const wrong: string[] = [];
  // Printed documents have a `text` of their own (and are Chinese only).
  for (const file of files(SRC).filter((f) => !f.includes(`${path.sep}documents${path.sep}`))) {
    const source = readFileSync(file, 'utf8');
    for (const m of source.matchAll(/\btext\(\s*(['"`])/g)) {
      const list = args(source, m.index + m[0].indexOf('('));
      const zh = list[0] ?? '';
      // The Chinese side has Chinese in it, builds on Chinese parts (`.zh`), or is the same
      // formula as the English (numbers only).
      if (!/[\u4e00-\u9fff]|\.zh\b/.test(zh) && zh !== list[1]) {
        const line = source.slice(0, m.index).split('\n').length;
        wrong.push(`${path.relative(SRC, file)}:${line}: ${zh.slice(0, 60)}`);
      }
    }
  }
  expect(wrong).toEqual([]);
});
