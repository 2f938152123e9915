/**
 * The database layer against a real PostgreSQL: the embedded server's
 * lifecycle, recovery from a parent killed with SIGKILL, and the API's
 * behaviour while the database is down and after it comes back.
 *
 * Every test starts its own embedded server in its own folder under `.data/`
 * (reachable by the `postgres` user when we run as root) on a free port.
 * `startEmbeddedPostgres` runs in a controller child process (see
 * support/postgres-outage.ts: its dynamic ESM import cannot run in jest's vm
 * realm); everything else — pg clients, MikroORM, the API — runs here.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { loadConfig } from '../src/config';
import { Organization, OrganizationLevel } from '../src/modules/organization/organization.entity';
import { createApp, type App } from '../src/server';
import { ensureDatabase, withDatabase } from '../src/shared/db/database';
import { initOrm, type MikroORM } from '../src/orm';
import { print } from 'graphql';
import { OrganizationCountDocument } from './generated/graphql';
import { PostgresController, type ControlledPostgres } from './support/postgres-outage';

const execFileAsync = promisify(execFile);

const ROOT = path.resolve(__dirname, '..');
const DATA = path.join(ROOT, '.data');

/** Made by this file; stopped, killed and removed in afterAll whatever happens. */
const folders: string[] = [];
const handles: ControlledPostgres[] = [];
const controllers: PostgresController[] = [];
const orphanPids: number[] = [];
let pg: PostgresController;

function tempDir(): string {
  const p = path.join(DATA, `test-embedded-${randomBytes(5).toString('hex')}`);
  folders.push(p);
  return p;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function launchController(): Promise<PostgresController> {
  const c = await PostgresController.launch(ROOT);
  controllers.push(c);
  return c;
}

async function start(dataDir: string, port: number, via = pg): Promise<ControlledPostgres> {
  const h = await via.start(dataDir, port);
  handles.push(h);
  return h;
}

async function withClient<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function postmasterPid(dataDir: string): Promise<number | null> {
  try {
    const content = await fs.readFile(path.join(dataDir, 'postmaster.pid'), 'utf8');
    const pid = Number.parseInt(content.split('\n')[0] ?? '', 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

beforeAll(async () => {
  await fs.mkdir(DATA, { recursive: true });
  pg = await launchController();
});

afterAll(async () => {
  for (const h of handles) await h.stop().catch(() => {});
  for (const c of controllers) await c.close().catch(() => {});
  for (const pid of orphanPids) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  for (const f of folders) await fs.rm(f, { recursive: true, force: true }).catch(() => {});
});

describe('embedded PostgreSQL', () => {
  it('initialises a fresh folder, serves queries, stops, and restarts on the same data', async () => {
    const dataDir = tempDir();
    const port = await freePort();

    const first = await start(dataDir, port);
    expect(first.url).toBe(`postgres://postgres:postgres@127.0.0.1:${port}/postgres`);
    expect(existsSync(path.join(dataDir, 'PG_VERSION'))).toBe(true);
    await withClient(first.url, async (c) => {
      const { rows } = await c.query<{ one: number }>('select 1 as one');
      expect(rows).toEqual([{ one: 1 }]);
      await c.query('create table kept (id int primary key, label text not null)');
      await c.query(`insert into kept values (1, 'before restart'), (2, '重启前')`);
    });
    await first.stop();
    // A clean stop removes the lock file and closes the port.
    expect(existsSync(path.join(dataDir, 'postmaster.pid'))).toBe(false);
    await expect(withClient(first.url, async () => undefined)).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });

    const second = await start(dataDir, port);
    await withClient(second.url, async (c) => {
      const { rows } = await c.query('select id, label from kept order by id');
      expect(rows).toEqual([
        { id: 1, label: 'before restart' },
        { id: 2, label: '重启前' },
      ]);
    });
    await second.stop();
    expect(existsSync(path.join(dataDir, 'postmaster.pid'))).toBe(false);
  });

  it('recovers a folder whose previous parent was killed with SIGKILL', async () => {
    const dataDir = tempDir();
    const port = await freePort();

    // A parent process starts the server, which takes writes, then the parent is SIGKILLed.
    const doomed = await launchController();
    const before = await start(dataDir, port, doomed);
    await withClient(before.url, async (c) => {
      await c.query('create table survivor (id int primary key, note text not null)');
      await c.query(`insert into survivor values (1, 'written before the parent died')`);
    });
    await doomed.kill();
    expect(doomed.alive).toBe(false);

    // The orphaned server still runs and still holds the folder.
    const stalePid = await postmasterPid(dataDir);
    expect(stalePid).not.toBeNull();
    orphanPids.push(stalePid!);
    expect(isAlive(stalePid!)).toBe(true);
    await withClient(before.url, async (c) => {
      expect((await c.query('select count(*)::int as n from survivor')).rows).toEqual([{ n: 1 }]);
    });

    // A new start on the same folder stops the stale server and takes over, data intact.
    const startedAt = Date.now();
    const after = await start(dataDir, port);
    // Fast shutdown of the orphan, not the 15 s wait before the SIGKILL fallback.
    expect(Date.now() - startedAt).toBeLessThan(15000);
    expect(isAlive(stalePid!)).toBe(false);
    const newPid = await postmasterPid(dataDir);
    expect(newPid).not.toBeNull();
    expect(newPid).not.toBe(stalePid);
    await withClient(after.url, async (c) => {
      const { rows } = await c.query('select id, note from survivor');
      expect(rows).toEqual([{ id: 1, note: 'written before the parent died' }]);
    });
    await after.stop();
    expect(existsSync(path.join(dataDir, 'postmaster.pid'))).toBe(false);
  });
});

describe('the API while the database is down', () => {
  const DATABASE = 'jingsai_outage';
  const QUERY = print(OrganizationCountDocument);
  let dataDir: string;
  let port: number;
  let handle: ControlledPostgres;
  let orm: MikroORM | undefined;
  let app: App | undefined;

  interface Reply {
    status: number;
    ms: number;
    body: {
      data?: { organizations?: { totalCount: number } } | null;
      errors?: { message: string; extensions?: Record<string, unknown> }[];
    };
  }

  // Well-formed but unknown: checking it needs the database (authentication in the context function).
  const API_KEY = `jsk_${'0'.repeat(12)}_${'A'.repeat(32)}`;

  async function query(headers: Record<string, string> = {}): Promise<Reply> {
    const t0 = Date.now();
    const res = await fetch(app!.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query: QUERY }),
      signal: AbortSignal.timeout(20000),
    });
    const body = (await res.json()) as Reply['body'];
    return { status: res.status, ms: Date.now() - t0, body };
  }

  async function health(): Promise<{ status: number; ms: number }> {
    const t0 = Date.now();
    const res = await fetch(new URL('/healthz', app!.url), { signal: AbortSignal.timeout(20000) });
    await res.arrayBuffer();
    return { status: res.status, ms: Date.now() - t0 };
  }

  beforeAll(async () => {
    dataDir = tempDir();
    port = await freePort();
    handle = await start(dataDir, port);
    await ensureDatabase(handle.url, DATABASE);
    const url = withDatabase(handle.url, DATABASE);
    // Migrations in a child process, as the global setup does (MikroORM metadata stays out of this realm).
    await execFileAsync(
      process.execPath,
      ['-r', '@swc-node/register', path.join(ROOT, 'scripts', 'migrate.ts')],
      {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: url },
      },
    );
    const config = loadConfig({ NODE_ENV: 'test', PORT: '0', DATABASE_URL: url, LOG_LEVEL: 'silent' });
    orm = await initOrm({ databaseUrl: url, poolMax: 5 });
    app = await createApp({ config, orm });

    const em = orm.em.fork();
    const root = em.create(Organization, { name: '停机测试总工会', level: OrganizationLevel.PROVINCE });
    await em.flush();
    em.create(Organization, {
      name: '停机测试企业工会',
      level: OrganizationLevel.ENTERPRISE,
      parent: em.getReference(Organization, root.id),
    });
    await em.flush();
  });

  afterAll(async () => {
    await app?.close();
    await orm?.close(true);
    await handle?.stop();
  });

  it('answers DATABASE_UNAVAILABLE quickly while PostgreSQL is down, then recovers', async () => {
    const before = await query();
    expect(before.status).toBe(200);
    expect(before.body.errors).toBeUndefined();
    expect(before.body.data?.organizations?.totalCount).toBe(2);
    expect((await health()).status).toBe(200);
    const badKey = await query({ 'x-api-key': API_KEY });
    expect(badKey.status).toBe(401);
    expect(badKey.body.errors?.[0]?.extensions?.code).not.toBe('DATABASE_UNAVAILABLE');

    const uncaught = jest.fn();
    const unhandled = jest.fn();
    process.on('uncaughtException', uncaught);
    process.on('unhandledRejection', unhandled);
    try {
      // Pooled idle connections are terminated by the shutdown (pg emits `error` on them).
      await handle.stop();

      for (let i = 0; i < 4; i += 1) {
        const r = await query();
        expect(r.ms).toBeLessThan(5000);
        expect(r.body.errors?.[0]?.extensions).toMatchObject({
          code: 'DATABASE_UNAVAILABLE',
          retryable: true,
        });
        expect(r.body.data?.organizations ?? null).toBeNull();
        const h = await health();
        expect(h.ms).toBeLessThan(5000);
        expect(h.status).toBe(503);
      }
      // Also when the failure happens while authenticating, in the context function.
      const keyed = await query({ 'x-api-key': API_KEY });
      expect(keyed.ms).toBeLessThan(5000);
      expect(keyed.status).toBe(503);
      expect(keyed.body.errors?.[0]?.extensions).toMatchObject({
        code: 'DATABASE_UNAVAILABLE',
        retryable: true,
      });

      // Several at once as well: no request waits for another's failed connection attempt.
      const burst = await Promise.all(Array.from({ length: 8 }, () => query()));
      for (const r of burst) {
        expect(r.ms).toBeLessThan(5000);
        expect(r.body.errors?.[0]?.extensions).toMatchObject({
          code: 'DATABASE_UNAVAILABLE',
          retryable: true,
        });
      }

      handle = await start(dataDir, port);

      let recovered: Reply | undefined;
      const deadline = Date.now() + 15000;
      while (Date.now() < deadline) {
        const r = await query();
        if (!r.body.errors) {
          recovered = r;
          break;
        }
        expect(r.body.errors[0]?.extensions?.code).toBe('DATABASE_UNAVAILABLE');
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(recovered).toBeDefined();
      expect(recovered!.status).toBe(200);
      expect(recovered!.body.data?.organizations?.totalCount).toBe(2);
      expect((await health()).status).toBe(200);

      // Nothing escaped as an uncaught error while the database was gone.
      expect(uncaught).not.toHaveBeenCalled();
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('uncaughtException', uncaught);
      process.off('unhandledRejection', unhandled);
    }
  });
});
