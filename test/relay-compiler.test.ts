import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Relay's compiler is the frontends' judge of a connection: it refuses `@connection` on a field
 * without `edges { cursor node }` and `pageInfo`, and `@refetchable` pagination over arguments it
 * cannot page with. Every connection of the committed schema gets a bidirectional pagination
 * fragment (test/relay/pagination.graphql) that must compile.
 */

const root = join(__dirname, '..');
// The npm package resolves a binary per platform; null where Meta ships none.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const binary = require('relay-compiler') as string | null;

function compile(fragments: string): { status: number | null; output: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'relay-'));
  mkdirSync(join(dir, 'src'));
  mkdirSync(join(dir, 'generated'));
  copyFileSync(join(root, 'schema/schema.graphql'), join(dir, 'schema.graphql'));
  writeFileSync(
    join(dir, 'relay.config.json'),
    JSON.stringify({
      src: './src',
      schema: './schema.graphql',
      language: 'typescript',
      artifactDirectory: './generated',
    }),
  );
  // One definition per tagged template, as Relay requires.
  const docs = fragments
    .replace(/^#.*$/gm, '')
    .split(/\n(?=fragment )/)
    .map((d) => d.trim())
    .filter(Boolean);
  writeFileSync(join(dir, 'src/Lists.ts'), docs.map((d) => `graphql\`\n${d}\n\`;\n`).join('\n'));
  const r = spawnSync(binary!, [], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, output: `${r.stdout}${r.stderr}`, dir };
}

test('relay-compiler runs on this platform', () => {
  if (!binary || !existsSync(binary))
    throw new Error(`relay-compiler ships no binary for ${process.platform}-${process.arch}`);
  const v = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  expect(v.stdout).toMatch(/Relay Compiler \d+/);
});

test('pagination fragments over every connection compile, both directions', () => {
  const source = readFileSync(join(root, 'test/relay/pagination.graphql'), 'utf8');
  // Every connection field of the schema has its fragment.
  const schema = readFileSync(join(root, 'schema/schema.graphql'), 'utf8');
  const connectionTypes = [...schema.matchAll(/^type (\w+Connection) \{/gm)].map((m) => m[1]!);
  expect(connectionTypes.length).toBeGreaterThan(5);
  const { status, output, dir } = compile(source);
  try {
    // The compiler's own message on failure.
    expect(status === 0 ? 'compiled' : output).toBe('compiled');
    const artifacts = readdirSync(join(dir, 'generated'));
    for (const q of [...source.matchAll(/queryName: "(\w+)"/g)].map((m) => m[1]!)) {
      expect(artifacts).toContain(`${q}.graphql.ts`);
    }
    const used = new Set<string>();
    for (const f of artifacts) {
      for (const m of readFileSync(join(dir, 'generated', f), 'utf8').matchAll(
        /"concreteType": "(\w+Connection)"/g,
      ))
        used.add(m[1]!);
    }
    expect([...used].sort()).toEqual([...new Set(connectionTypes)].sort());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the compiler refuses @connection on a list that is not a connection', () => {
  const { status, output, dir } = compile(
    readFileSync(join(root, 'test/relay/not-a-connection.graphql'), 'utf8'),
  );
  rmSync(dir, { recursive: true, force: true });
  expect(status).not.toBe(0);
  expect(output).toMatch(/connection/i);
});
