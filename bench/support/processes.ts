import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { ServerMemory } from './serve';

/** A child process started from a .ts file (through @swc-node/register) that reports `ready` over IPC. */
export interface Child {
  process: ChildProcess;
  url: string;
  /** Memory as the child measures it (after a full GC if started with --expose-gc). */
  memory(): Promise<ServerMemory>;
  /** SQL statements the API has sent so far (src/shared/db/orm.ts counts them). */
  sqlCount(): Promise<number>;
  /** Sockets the API has cut as slow consumers so far (serve.ts). */
  slowCut(): Promise<number>;
  /** Starts a CPU profile of the child (serve.ts); `profileStop` writes it to `file`. */
  profileStart(): Promise<void>;
  profileStop(file: string): Promise<void>;
  /** Starts sampling allocations; `heapStop` (after a full GC) writes the live samples to `file`. */
  heapStart(): Promise<void>;
  heapStop(file: string): Promise<void>;
  stop(): Promise<void>;
}

let nextId = 0;

export async function forkTs(
  file: string,
  env: Record<string, string>,
  { execArgv = [], args = [], log = false }: { execArgv?: string[]; args?: string[]; log?: boolean } = {},
): Promise<Child> {
  const child = fork(path.resolve(__dirname, file), args, {
    execArgv: ['-r', '@swc-node/register', ...execArgv],
    env: { ...process.env, ...env },
    stdio: log ? 'inherit' : ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    const onExit = (code: number | null) =>
      reject(new Error(`${file} exited with ${code} before it was ready`));
    child.once('exit', onExit);
    child.on('message', (m: { type: string; url?: string }) => {
      if (m.type === 'ready') {
        child.off('exit', onExit);
        resolve(m.url!);
      }
    });
  });
  const ask = <T>(type: string, pick: (m: Record<string, unknown>) => T, extra: object = {}) =>
    new Promise<T>((resolve) => {
      const id = ++nextId;
      const on = (m: Record<string, unknown>) => {
        if (m.type !== type || m.id !== id) return;
        child.off('message', on);
        resolve(pick(m));
      };
      child.on('message', on);
      child.send({ type, id, ...extra });
    });
  return {
    process: child,
    url,
    memory: () => ask('memory', (m) => m.memory as ServerMemory),
    sqlCount: () => ask('sql', (m) => m.count as number),
    slowCut: () => ask('slow', (m) => m.count as number),
    profileStart: () => ask('profile-start', () => undefined),
    profileStop: (file: string) => ask('profile-stop', () => undefined, { file }),
    heapStart: () => ask('heap-start', () => undefined),
    heapStop: (file: string) => ask('heap-stop', () => undefined, { file }),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.send({ type: 'stop' });
      }),
  };
}

/**
 * V8 flags `npm start` runs the API with (package.json): a young generation of 32 MB per
 * semi-space that an idle spell does not shrink, so the collector stops requests about half as
 * often and not in a burst after a quiet moment (boardRank at concurrency 1 in isolation: p99 from
 * 4.4–6.8 ms to 2.7–2.9 ms).
 */
export const START_FLAGS = ['--min-semi-space-size=32', '--max-semi-space-size=32'];

/**
 * Our API in a child process (bench/support/serve.ts), production mode, on the given database,
 * with the V8 flags of `npm start`; rate limits and WebSocket caps out of the way unless `env`
 * says otherwise.
 */
export function forkServer(
  databaseUrl: string,
  env: Record<string, string> = {},
  execArgv: string[] = [],
): Promise<Child> {
  return forkTs(
    'serve.ts',
    {
      NODE_ENV: 'production',
      JWT_SECRET: randomBytes(32).toString('hex'),
      PERSON_ID_HMAC_KEY: randomBytes(32).toString('hex'),
      DATABASE_URL: databaseUrl,
      PORT: '0',
      HOST: '127.0.0.1',
      SEED_DEMO: 'never',
      RATE_LIMIT_IP_PER_MINUTE: '1000000000',
      RATE_LIMIT_ACCOUNT_PER_MINUTE: '1000000000',
      RATE_LIMIT_API_KEY_PER_MINUTE: '1000000000',
      ...env,
    },
    { execArgv: [...START_FLAGS, ...execArgv] },
  );
}
