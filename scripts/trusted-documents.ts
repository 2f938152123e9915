import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type DefinitionNode, Kind, parse, print, visit } from 'graphql';
import { documentId, MANIFEST_PATH } from '../src/shared/security/trusted-documents';

/**
 * Builds the trusted-document manifest from clients/first-party/*.graphql (tablets, screens) and
 * clients/public/*.graphql (anonymous public reads, sent as cacheable GETs): one entry per
 * operation (with the fragments it uses), keyed by the sha256 of its printed text. With --check,
 * fails when the committed manifest is stale.
 */
const dirs = ['first-party', 'public'].map((d) => path.resolve(__dirname, '..', 'clients', d));

function build(): Record<string, string> {
  const definitions: DefinitionNode[] = dirs.flatMap((dir) =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.graphql'))
      .sort()
      .flatMap((f) => parse(readFileSync(path.join(dir, f), 'utf8')).definitions),
  );
  const names = definitions.flatMap((d) =>
    d.kind === Kind.OPERATION_DEFINITION && d.name ? [d.name.value] : [],
  );
  const twice = names.filter((n, i) => names.indexOf(n) !== i);
  // Policies (src/transport/http-cache.ts) and tests name operations: a name means one document.
  if (twice.length) throw new Error(`Operations named twice in clients/: ${twice.join(', ')}`);
  const fragments = new Map(
    definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])),
  );
  const manifest: Record<string, string> = {};
  for (const op of definitions) {
    if (op.kind !== Kind.OPERATION_DEFINITION) continue;
    const used = new Set<string>();
    const collect = (node: DefinitionNode) =>
      visit(node, {
        FragmentSpread(spread) {
          if (used.has(spread.name.value)) return;
          used.add(spread.name.value);
          const frag = fragments.get(spread.name.value);
          if (frag) collect(frag);
        },
      });
    collect(op);
    const text = [op, ...[...used].sort().map((n) => fragments.get(n)!)].map((d) => print(d)).join('\n\n');
    manifest[documentId(text)] = text;
  }
  return manifest;
}

const json = `${JSON.stringify(build(), null, 2)}\n`;
if (process.argv.includes('--check')) {
  let committed = '';
  try {
    committed = readFileSync(MANIFEST_PATH, 'utf8');
  } catch {
    // missing counts as stale
  }
  if (committed !== json) {
    console.error('schema/trusted-documents.json is stale: run `npm run trusted-documents` and commit it.');
    process.exit(1);
  }
  console.log('schema/trusted-documents.json is up to date.');
} else {
  writeFileSync(MANIFEST_PATH, json);
  console.log(
    `Wrote ${path.relative(process.cwd(), MANIFEST_PATH)} (${Object.keys(JSON.parse(json)).length} documents)`,
  );
}
