import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { loadConfig } from '../../src/config';
import { createApp } from '../../src/server';
import { initOrm, sqlStatements } from '../../src/orm';
import { metrics } from '../../src/shared/observability';

/**
 * The API in a process of its own, for the benches that start it as a child (`forkServer` in
 * bench/support/processes.ts): the same `createApp` as `npm start`, configured from the
 * environment, on an existing database (no migrations, no demo data). Over IPC it reports its
 * URL when listening and, on request, its memory (after a full GC when run with --expose-gc) and
 * the sockets it cut as slow consumers.
 */
export interface ServerMemory {
  /** VmRSS from /proc/self/status, bytes. */
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}

function vmRss(): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : process.memoryUsage().rss;
}

async function main() {
  // A log line per operation would measure stdout, not the server: quiet unless asked for.
  const config = loadConfig({ LOG_LEVEL: 'warn', ...process.env });
  if (!config.DATABASE_URL) throw new Error('serve.ts needs DATABASE_URL');
  const orm = await initOrm({
    databaseUrl: config.DATABASE_URL,
    poolMax: config.DB_POOL_MAX,
    connectTimeoutMs: config.DB_CONNECT_TIMEOUT_MS,
    statementTimeoutMs: config.DB_STATEMENT_TIMEOUT_MS,
    logQueries: config.LOG_QUERIES,
  });
  const app = await createApp({ config, orm });
  const gc = (globalThis as { gc?: () => void }).gc;
  // CPU profile, or sampling heap profile, of a phase of a bench (`--profile`), over IPC.
  const inspector = new Session();
  const post = (method: string, params: object = {}) =>
    new Promise<unknown>((resolve, reject) =>
      inspector.post(method, params, (err, result) => (err ? reject(err) : resolve(result))),
    );
  process.on('message', (msg: { type: string; id?: number; file?: string }) => {
    if (msg.type === 'profile-start') {
      inspector.connect();
      void post('Profiler.enable')
        .then(() => post('Profiler.setSamplingInterval', { interval: 200 }))
        .then(() => post('Profiler.start'))
        .then(() => process.send?.({ type: 'profile-start', id: msg.id }));
    } else if (msg.type === 'heap-start') {
      inspector.connect();
      void post('HeapProfiler.enable')
        .then(() => post('HeapProfiler.startSampling', { samplingInterval: 1024 }))
        .then(() => process.send?.({ type: 'heap-start', id: msg.id }));
    } else if (msg.type === 'heap-stop') {
      gc?.();
      gc?.();
      void post('HeapProfiler.stopSampling').then((r) => {
        writeFileSync(msg.file!, JSON.stringify((r as { profile: unknown }).profile));
        inspector.disconnect();
        process.send?.({ type: 'heap-stop', id: msg.id });
      });
    } else if (msg.type === 'profile-stop') {
      void post('Profiler.stop').then((r) => {
        writeFileSync(msg.file!, JSON.stringify((r as { profile: unknown }).profile));
        inspector.disconnect();
        process.send?.({ type: 'profile-stop', id: msg.id });
      });
    } else if (msg.type === 'memory') {
      // Two passes: the first may only promote what the second frees.
      gc?.();
      gc?.();
      const m = process.memoryUsage();
      const memory: ServerMemory = {
        rss: vmRss(),
        heapUsed: m.heapUsed,
        heapTotal: m.heapTotal,
        external: m.external,
        arrayBuffers: m.arrayBuffers,
      };
      process.send?.({ type: 'memory', id: msg.id, memory });
    } else if (msg.type === 'slow') {
      // Sockets cut as slow consumers (WS_MAX_BUFFERED_BYTES) so far.
      void metrics.wsSlowConsumersClosed
        .get()
        .then((m) => process.send?.({ type: 'slow', id: msg.id, count: m.values[0]?.value ?? 0 }));
    } else if (msg.type === 'sql') {
      process.send?.({ type: 'sql', id: msg.id, count: sqlStatements.count });
    } else if (msg.type === 'stop') {
      void app
        .close()
        .then(() => orm.close(true))
        .finally(() => process.exit(0));
    }
  });
  process.send?.({ type: 'ready', url: app.url });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
