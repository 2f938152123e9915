import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * The peer of bench/score-to-screen.ts: the least a Node process can do to put a board frame on
 * N graphql-ws screens — the graphql-transport-ws handshake, then, on each `publish` over IPC,
 * the same 200 ms coalescing window as the API and one prebuilt frame (a real DELTA captured
 * from the API, with its seq replaced) written to every socket. No database, no GraphQL, no
 * per-subscriber state but the socket: the floor the fan-out and the memory can be held to.
 */
const FLUSH_MS = 200;
const subscriptions = new Map<WebSocket, string>();
let pending: { seq: number; frame: string } | null = null;
let timer: NodeJS.Timeout | null = null;
let previousSeq = 0;

const server = createServer();
const wss = new WebSocketServer({ server, path: '/graphql' });
wss.on('connection', (ws) => {
  ws.on('message', (data: Buffer) => {
    const m = JSON.parse(data.toString('utf8')) as { type: string; id?: string };
    if (m.type === 'connection_init') ws.send('{"type":"connection_ack"}');
    else if (m.type === 'subscribe' && m.id) {
      subscriptions.set(ws, m.id);
      ws.send(
        JSON.stringify({
          id: m.id,
          type: 'next',
          payload: { data: { boardUpdates: { kind: 'SNAPSHOT', seq: previousSeq, rows: [] } } },
        }),
      );
    }
  });
  ws.on('close', () => subscriptions.delete(ws));
});

function flush() {
  timer = null;
  if (!pending) return;
  const { seq, frame } = pending;
  pending = null;
  const payload = frame
    .replace(/"seq":\d+/, `"seq":${seq}`)
    .replace(/"previousSeq":(\d+|null)/, `"previousSeq":${previousSeq}`);
  previousSeq = seq;
  const byId = new Map<string, Buffer>();
  for (const [ws, id] of subscriptions) {
    let bytes = byId.get(id);
    if (!bytes)
      byId.set(id, (bytes = Buffer.from(`{"id":${JSON.stringify(id)},"type":"next","payload":${payload}}`)));
    ws.send(bytes);
  }
}

const gc = (globalThis as { gc?: () => void }).gc;
process.on('message', (msg: { type: string; id?: number; seq?: number; frame?: string }) => {
  if (msg.type === 'publish') {
    pending = { seq: msg.seq!, frame: msg.frame! };
    timer ??= setTimeout(flush, FLUSH_MS);
  } else if (msg.type === 'memory') {
    gc?.();
    gc?.();
    const m = process.memoryUsage();
    const rss =
      Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) * 1024;
    process.send?.({
      type: 'memory',
      id: msg.id,
      memory: {
        rss,
        heapUsed: m.heapUsed,
        heapTotal: m.heapTotal,
        external: m.external,
        arrayBuffers: m.arrayBuffers,
      },
    });
  } else if (msg.type === 'stop') {
    for (const ws of subscriptions.keys()) ws.terminate();
    process.exit(0);
  }
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.send?.({ type: 'ready', url: `http://127.0.0.1:${port}/graphql` });
});
