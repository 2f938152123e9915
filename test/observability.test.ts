import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { print } from 'graphql';
import { RECONNECT_CLOSE_CODE } from '../src/server';
import { withDatabase } from '../src/shared/db/database';
import { OrganizationCountDocument } from './generated/graphql';
import { startTestApp, type TestApp } from './support/app';
import { adminUrl } from './support/db';
import { buildWorld, runningTrade, tablet } from './support/world';
import { Peer, watchBoard } from './support/ws';

/**
 * What a venue's operators see: structured logs with error ids, /metrics on its own port,
 * OTLP traces, and the health endpoints through a SIGTERM-style drain.
 */

jest.setTimeout(120_000);

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
}

let t: TestApp;
let collector: Server;
const logLines: Record<string, unknown>[] = [];
const received: OtlpSpan[] = [];

/** Polls `check` until it holds (a condition, not a sleep); fails with `what` after `ms`. */
async function until<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  ms = 20_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function scrape(): Promise<string> {
  const res = await fetch(t.app.metricsUrl!);
  expect(res.status).toBe(200);
  return res.text();
}

function sample(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) : 0;
}

beforeAll(async () => {
  // A tiny OTLP/HTTP (JSON) collector: the spans the app exports land here.
  collector = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const doc = JSON.parse(body) as { resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[] };
      for (const r of doc.resourceSpans) for (const s of r.scopeSpans) received.push(...s.spans);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => collector.listen(0, '127.0.0.1', () => r()));
  t = await startTestApp(
    { LOG_LEVEL: 'info', METRICS_PORT: '0', SHUTDOWN_READY_DELAY_MS: '3000' },
    { logDestination: { write: (line: string) => void logLines.push(JSON.parse(line)) } },
  );
});

afterAll(async () => {
  await t?.close();
  await new Promise((r) => collector?.close(r));
});

test('every operation is logged with its request id, name, caller kind and duration', async () => {
  const requestId = `req-${randomUUID()}`;
  const r = await t.gql(OrganizationCountDocument, {}, { headers: { 'x-request-id': requestId } });
  expect(r.errors).toBeUndefined();
  const line = await until('the operation log line', () =>
    logLines.find((l) => l.requestId === requestId && l.msg === 'graphql operation'),
  );
  expect(line).toMatchObject({
    operation: 'OrganizationCount',
    type: 'query',
    caller: 'anonymous',
    outcome: 'ok',
  });
  expect(typeof line.durationMs).toBe('number');
});

// The OTLP exporter loads its HTTP client by dynamic import, which jest's module sandbox refuses:
// the traced server runs as `npm start` runs it, in a process of its own, on this test's database.
test('a trace goes to the collector: HTTP request, then the operation, then its SQL', async () => {
  const { port } = collector.address() as AddressInfo;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'test',
    PORT: '0',
    DATABASE_URL: withDatabase(adminUrl(), t.database),
    SEED_DEMO: 'never',
    LOG_LEVEL: 'warn',
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
    SHUTDOWN_READY_DELAY_MS: '0',
  };
  const root = path.resolve(__dirname, '..');
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'src/main.ts'], { cwd: root, env });
  const exited = new Promise<number | null>((r) => child.once('exit', r));
  try {
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      const onData = (b: Buffer) => {
        out += b.toString();
        const m = /Jingsai GraphQL API: (http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]!);
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', (code) => reject(new Error(`the server exited with ${code}:\n${out}`)));
    });
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: print(OrganizationCountDocument) }),
    });
    expect(res.status).toBe(200);
    const op = await until('the operation span', () =>
      received.find((s) => s.name === 'graphql OrganizationCount'),
    );
    const http = await until('the HTTP span', () => received.find((s) => s.spanId === op.parentSpanId));
    expect(http.name).toBe('POST /graphql');
    const sql = await until('an SQL span under the operation', () =>
      received.find((s) => s.name === 'sql' && s.parentSpanId === op.spanId),
    );
    expect(sql.traceId).toBe(op.traceId);
    // SIGTERM drains (no delay here) and the process exits cleanly.
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  }
});

test('/metrics (on its own port only) shows marks accepted, board frames and their lag, sockets', async () => {
  expect((await fetch(new URL('/metrics', t.url))).status).toBe(404);
  const w = await buildWorld(t);
  const { tradeId, judge, entrants } = await runningTrade(t, w, { name: '观测', entrants: 1 });
  const before = await scrape();
  const screen = watchBoard(t.url, tradeId);
  await until('the first frame', () => screen.frames.length > 0 || undefined);
  expect(sample(await scrape(), 'jingsai_websocket_subscriptions')).toBe(1);
  const mark = { idempotencyKey: randomUUID(), entrantId: entrants[0], aspectCode: 'P1', value: 88 };
  const r = await tablet<{ submitMarks: { outcomes: { code: string | null }[] } }>(
    t,
    judge,
    'TabletSubmitMarks',
    {
      input: { deviceId: 'tablet', marks: [mark] },
    },
  );
  expect(r.submitMarks.outcomes[0]!.code).toBeNull();
  await until('the delta frame', () => screen.frames.length > 1 || undefined);
  // A replay of the same mark answers the same and is not counted again.
  await tablet(t, judge, 'TabletSubmitMarks', { input: { deviceId: 'tablet', marks: [mark] } });
  const after = await scrape();
  await screen.dispose();
  // The screen's subscription is in the log from start to end, under its socket's id.
  const started = logLines.find((l) => l.msg === 'subscription started' && l.operation === 'BoardFrames');
  expect(started).toMatchObject({ caller: 'anonymous' });
  const ended = await until("the subscription's end in the log", () =>
    logLines.find((l) => l.msg === 'subscription ended' && l.socketId === started!.socketId),
  );
  expect(typeof ended.durationMs).toBe('number');
  expect(sample(after, 'jingsai_marks_accepted_total') - sample(before, 'jingsai_marks_accepted_total')).toBe(
    1,
  );
  expect(sample(after, 'jingsai_board_frames_total')).toBeGreaterThan(
    sample(before, 'jingsai_board_frames_total'),
  );
  expect(sample(after, 'jingsai_board_frame_lag_seconds_count')).toBeGreaterThan(0);
  expect(after).toMatch(
    /jingsai_graphql_operation_duration_seconds_count\{operation="TabletSubmitMarks",type="mutation",outcome="ok"\} [1-9]/,
  );
  expect(after).toMatch(/^jingsai_db_pool_in_use \d+$/m);
  expect(after).toMatch(/^jingsai_db_pool_waiting \d+$/m);
});

test('a refusal is counted by its reason', async () => {
  const before = await scrape();
  const r = await t.raw([
    { query: print(OrganizationCountDocument) },
    { query: print(OrganizationCountDocument) },
  ]);
  expect(r.status).toBe(400);
  const line = (text: string) =>
    /jingsai_refusals_total\{reason="BATCHING_DISABLED",transport="http"\} (\d+)/.exec(text)?.[1];
  expect(Number(line(await scrape()))).toBe(Number(line(before) ?? 0) + 1);
});

test('an unexpected error reaches the client as an error id, and the log has it with the stack', async () => {
  // A table gone behind the server's back: a failure no code path expects.
  await t.sql('alter table organization rename to organization_away');
  try {
    const r = await t.gql(OrganizationCountDocument, {});
    const errorId = r.errors?.[0]?.extensions?.errorId;
    expect(r.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    expect(typeof errorId).toBe('string');
    const logged = logLines.find((l) => l.errorId === errorId);
    expect(logged).toMatchObject({ level: 50, msg: 'unexpected error' });
    expect((logged!.err as { stack: string }).stack).toMatch(/organization/);
    expect(typeof logged!.requestId).toBe('string');
  } finally {
    await t.sql('alter table organization_away rename to organization');
  }
});

test('not ready while a migration is pending, alive all the same', async () => {
  const base = new URL('/', t.url);
  const [last] = await t.sql<{ id: number; name: string; executed_at: Date }>(
    'select id, name, executed_at from mikro_orm_migrations order by id desc limit 1',
  );
  await t.sql('delete from mikro_orm_migrations where id = ?', [last!.id]);
  try {
    const ready = await fetch(new URL('/readyz', base));
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'migrations pending' });
    expect((await fetch(new URL('/livez', base))).status).toBe(200);
  } finally {
    await t.sql('insert into mikro_orm_migrations (id, name, executed_at) values (?, ?, ?)', [
      last!.id,
      last!.name,
      last!.executed_at,
    ]);
  }
  expect((await fetch(new URL('/readyz', base))).status).toBe(200);
});

test('SIGTERM path: not ready while draining yet alive, and WebSocket clients told to reconnect', async () => {
  const base = new URL('/', t.url);
  expect((await fetch(new URL('/readyz', base))).status).toBe(200);
  expect((await fetch(new URL('/healthz', base))).status).toBe(200);
  const peer = new Peer(t.url);
  await peer.init();
  const drained = t.app.shutdown();
  const ready = await fetch(new URL('/readyz', base));
  expect(ready.status).toBe(503);
  expect(await ready.json()).toEqual({ status: 'draining' });
  expect((await fetch(new URL('/livez', base))).status).toBe(200);
  // Still open during the readiness delay: the proxy stops routing first.
  expect(peer.open).toBe(true);
  const closed = await peer.closed;
  expect(closed.code).toBe(RECONNECT_CLOSE_CODE);
  await drained;
});
