import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'graphql';
import ts from 'typescript';

/**
 * Tests and benches send the typed operations codegen makes from test/operations/*.graphql,
 * so a schema change breaks them at compile time. This counts the GraphQL documents still
 * written inline as strings in test/ and bench/ and fails when a file holds more than its
 * allowance below: the files that send malformed, hostile or deliberately unusual input on
 * purpose. `--list` prints every inline document found.
 */
const ALLOWED: Record<string, number> = {
  // Well-formed documents with variables the typed path would refuse to compile, and values
  // the Date and Decimal scalars refuse (impossible days, money as a float or with 3 decimals).
  'test/bad-input.test.ts': 78,
  // CSRF prevention still refusing query text over GET, and text sent beside a trusted id;
  // manifest entries that do not parse or hold two operations.
  'test/http-cache.test.ts': 7,
  // Depth, alias, directive, token, size and cost limits: oversized documents built on purpose.
  'test/limits.test.ts': 16,
  // CSRF, GET, batching, introspection, unknown fields, brute force, statement timeouts.
  'test/protection.test.ts': 20,
  // Replays of what the fuzzer sent: the wrong transport, NUL, lone surrogates, values that do not coerce.
  'test/fuzz-regressions.test.ts': 8,
  'test/fuzz.test.ts': 1,
  'test/support/fuzz.ts': 1,
  // An enum value the schema does not have.
  'test/competitions.test.ts': 1,
  // Every mutation, built from the schema, to try each of its id arguments (a new one included).
  'test/reference-scope.test.ts': 1,
  // Too many aliases over graphql-ws.
  'test/websocket.test.ts': 1,
  // Text a person types into the IDE in the browser; the IDE's URL still answering GraphQL (GET, POST).
  'test/dev-pages.test.ts': 4,
  // Introspection probed on the production start, where it must be refused.
  'test/production-start.test.ts': 1,
  // The PostGraphile peer's own schema.
  'bench/board-read.ts': 1,
};

const root = path.resolve(__dirname, '..');
const OPERATION = /^\s*(query|mutation|subscription|fragment)\b|^\s*\{\s*[_A-Za-z]/;

function files(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.posix.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'generated' ? [] : files(rel);
    return e.name.endsWith('.ts') ? [rel] : [];
  });
}

/** Whether a string's text looks like a GraphQL operation (placeholders in templates count as names). */
function isOperation(text: string): boolean {
  if (!OPERATION.test(text)) return false;
  try {
    parse(text);
    // `{x,y}` parses too: a Postgres array literal, not an operation.
    return /[_A-Za-z][_0-9A-Za-z]/.test(text);
  } catch {
    // Malformed on purpose: still inline, still counted; `{ modules: ` is JSON gone wrong.
    return /\{/.test(text) && (/^\s*(query|mutation|subscription)\b/.test(text) || /\{[^{]*\{/.test(text));
  }
}

function inlineOperations(file: string): { line: number; text: string }[] {
  const source = ts.createSourceFile(
    file,
    readFileSync(path.join(root, file), 'utf8'),
    ts.ScriptTarget.Latest,
  );
  const found: { line: number; text: string }[] = [];
  const visit = (node: ts.Node) => {
    let text: string | null = null;
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) text = node.text;
    else if (ts.isTemplateExpression(node))
      text = node.head.text + node.templateSpans.map((s) => `x${s.literal.text}`).join('');
    if (text !== null && isOperation(text)) {
      const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
      found.push({ line, text: text.replace(/\s+/g, ' ').slice(0, 100) });
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const all = ['test', 'bench'].flatMap(files).sort();
const counts = all.map((f) => ({ file: f, found: inlineOperations(f) }));
if (process.argv.includes('--list')) {
  for (const { file, found } of counts) for (const o of found) console.log(`${file}:${o.line}  ${o.text}`);
}
const over = counts.filter(({ file, found }) => found.length > (ALLOWED[file] ?? 0));
const total = counts.reduce((s, c) => s + c.found.length, 0);
if (over.length) {
  for (const { file, found } of over) {
    console.error(
      `${file}: ${found.length} inline GraphQL documents, ${ALLOWED[file] ?? 0} allowed. ` +
        'Write the operation in test/operations/*.graphql, run `npm run codegen` and send the typed document.',
    );
    for (const o of found) console.error(`  ${file}:${o.line}  ${o.text}`);
  }
  process.exit(1);
}
for (const { file, found } of counts) {
  const allowed = ALLOWED[file] ?? 0;
  if (found.length < allowed)
    console.log(`${file}: ${found.length} inline documents now; lower its allowance from ${allowed}.`);
}
console.log(`${total} inline GraphQL documents, all in files that send raw input on purpose.`);
