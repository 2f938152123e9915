import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { print } from 'graphql';
import {
  DashboardDocument,
  type DashboardQuery,
  SignInTokenDocument,
  type SignInTokenMutation,
} from './generated/graphql';

/**
 * The README's start command, as a user runs it: embedded PostgreSQL, migrations,
 * demo data, a printed URL that answers, and a clean stop on SIGTERM.
 */
const root = path.resolve(__dirname, '..');
const dataDir = path.join(os.tmpdir(), `jingsai-startup-test-${process.pid}`);
/** A port nothing listens on now (asked of the system), for the embedded PostgreSQL. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

let port = 0;
beforeAll(async () => {
  port = await freePort();
});

function start(): { child: ChildProcess; output: () => string; url: Promise<string> } {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: '0',
    EMBEDDED_PG_DIR: dataDir,
    EMBEDDED_PG_PORT: String(port),
    SEED_ADMIN_PASSWORD: 'demo-password-1',
  };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'src/main.ts'], { cwd: root, env });
  let out = '';
  const url = new Promise<string>((resolve, reject) => {
    const onData = (b: Buffer) => {
      out += b.toString();
      const m = /Jingsai GraphQL API: (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`exited with ${code}:\n${out}`)));
  });
  return { child, output: () => out, url };
}

async function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.on('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

test('npm start brings up a seeded API on an embedded database and stops cleanly', async () => {
  const first = start();
  const url = await first.url;
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query: print(SignInTokenDocument),
      variables: { input: { username: 'shijiazhuang', password: 'demo-password-1' } },
    }),
  });
  const token = ((await res.json()) as { data: SignInTokenMutation }).data.signIn.token;
  expect(token).toBeTruthy();
  const stats = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: print(DashboardDocument) }),
  });
  const body = (await stats.json()) as { data: DashboardQuery };
  expect(body.data.viewer.organization!.name).toBe('石家庄市总工会');
  expect(body.data.competitions.totalCount).toBeGreaterThan(0);
  expect(first.output()).toContain('Empty database: loading the demo data set');

  expect(await stop(first.child)).toBe(0);
  // PostgreSQL stopped with the server: no lock file left behind.
  expect(existsSync(path.join(dataDir, 'postmaster.pid'))).toBe(false);

  // Second start: data kept, no second seeding.
  const second = start();
  await second.url;
  expect(second.output()).not.toContain('loading the demo data set');
  expect(second.output()).toContain('Database schema is up to date');
  expect(readFileSync(path.join(dataDir, 'PG_VERSION'), 'utf8').trim()).toMatch(/^\d+$/);
  expect(await stop(second.child)).toBe(0);
}, 300_000);
