import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { print } from 'graphql';
import { withDatabase } from '../src/shared/db/database';
import { OrganizationCountDocument } from './generated/graphql';
import { adminUrl, withAdminClient } from './support/db';

/**
 * The production start as an operator runs it: the compiled output (`npm run build`) beside
 * production dependencies only (`npm ci --omit=dev`), started with `npm run start:prod`. Nothing
 * from devDependencies (TypeScript, swc, jest) is there, so anything that still needs them fails.
 */
const root = path.resolve(__dirname, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const dir = mkdtempSync(path.join(os.tmpdir(), 'jingsai-prod-'));
const database = `jingsai_t_${process.env.JINGSAI_TEST_RUN_PID}_prod`;
let child: ChildProcess | undefined;

jest.setTimeout(600_000);

beforeAll(async () => {
  for (const file of ['package.json', 'package-lock.json'])
    cpSync(path.join(root, file), path.join(dir, file));
  // Compiled into the copy, so the checkout's own dist/ is left as it is.
  execFileSync(npm, ['run', '--silent', 'build', '--', '--out-dir', path.join(dir, 'dist')], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  execFileSync(npm, ['ci', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await withAdminClient((c) => c.query(`create database "${database}"`));
});

afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((r) => child!.once('exit', r));
    child.kill('SIGTERM');
    const late = setTimeout(() => child!.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(late);
  }
  rmSync(dir, { recursive: true, force: true });
});

test('npm run start:prod serves the API from dist/ with production dependencies only', async () => {
  child = spawn(npm, ['run', '--silent', 'start:prod'], {
    cwd: dir,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: '0',
      DATABASE_URL: withDatabase(adminUrl(), database),
      JWT_SECRET: 'a-production-secret-of-at-least-32-characters',
      PERSON_ID_HMAC_KEY: 'a-production-person-id-key-of-32-characters',
      SEED_DEMO: 'never',
    },
  });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (b: Buffer) => {
      out += b.toString();
      const m = /Jingsai GraphQL API: (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    };
    child!.stdout!.on('data', onData);
    child!.stderr!.on('data', onData);
    child!.once('exit', (code) => reject(new Error(`start:prod exited with ${code}:\n${out}`)));
  });
  expect(out).toContain('Applied migrations');

  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: print(OrganizationCountDocument) }),
  });
  expect(await res.json()).toEqual({ data: { organizations: { totalCount: 0 } } });

  // The files read beside the code at run time were copied into dist/ by the build.
  const script = await fetch(new URL('/screen/screen.js', url));
  expect(script.status).toBe(200);
  // Production: no IDE, no introspection.
  const ide = await fetch(url, { headers: { accept: 'text/html' } });
  expect(ide.headers.get('content-type') ?? '').not.toContain('text/html');
  const introspection = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ __schema { queryType { name } } }' }),
  });
  expect(((await introspection.json()) as { errors?: unknown[] }).errors?.length).toBeGreaterThan(0);

  const exited = new Promise<number | null>((r) => child!.once('exit', r));
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
});
