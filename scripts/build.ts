import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * `npm run build [-- --out-dir DIR]`: compiles TypeScript into `dist/` (or DIR), then copies
 * the files the server reads beside its code at run time (the venue page's HTML, CSS, script
 * and icon; the trusted-document manifest) to the same relative places, so the output runs on
 * production dependencies alone (`npm run start:prod`).
 */
const root = path.resolve(__dirname, '..');
const flag = process.argv.indexOf('--out-dir');
const out = path.resolve(flag > 0 ? process.argv[flag + 1]! : path.join(root, 'dist'));

rmSync(out, { recursive: true, force: true });
execFileSync(
  process.execPath,
  [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json'), '--outDir', out],
  { stdio: 'inherit' },
);

function copyNonTypeScript(dir: string): number {
  let copied = 0;
  for (const name of readdirSync(dir)) {
    const from = path.join(dir, name);
    if (statSync(from).isDirectory()) copied += copyNonTypeScript(from);
    else if (!name.endsWith('.ts')) {
      const to = path.join(out, path.relative(root, from));
      mkdirSync(path.dirname(to), { recursive: true });
      cpSync(from, to);
      copied++;
    }
  }
  return copied;
}

const assets = copyNonTypeScript(path.join(root, 'src'));
mkdirSync(path.join(out, 'schema'), { recursive: true });
cpSync(
  path.join(root, 'schema', 'trusted-documents.json'),
  path.join(out, 'schema', 'trusted-documents.json'),
);
console.log(
  `build: compiled into ${path.relative(root, out) || '.'}; ${assets} assets and the trusted-document manifest copied`,
);
