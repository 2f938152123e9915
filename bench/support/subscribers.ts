import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

/**
 * A client process of bench/score-to-screen.ts: opens `count` WebSockets to the API, each with
 * one `boardUpdates` subscription (the graphql-transport-ws protocol, spoken directly so the
 * client costs little), and notes when each frame arrives (epoch ms, sub-millisecond, taken
 * before the message is parsed). Driven over IPC: `open`, `collect`, `close`.
 */
interface Open {
  type: 'open';
  url: string;
  count: number;
  query: string;
  variables: Record<string, unknown>;
  parallel: number;
  /**
   * Stalled screens: each socket sends `stall` subscriptions and stops reading at once (its TCP
   * socket paused, before the snapshots arrive), as a screen whose browser hangs. Had it read
   * the snapshots first, the kernel would have grown its receive buffer to several MB. 0:
   * reading screens, one subscription each.
   */
  stall?: number;
}

interface Frame {
  kind: string;
  seq: number;
  rows?: { entrantId: string }[];
}

const now = () => performance.timeOrigin + performance.now();
const SEQ = /"seq":(\d+)/;

/** Per socket: [seq, arrival] of each DELTA; the first socket also keeps the entrant ids of each. */
const arrivals: number[][] = [];
const firstSocketRows: Record<number, string[]> = {};
/** The payload of the last DELTA the first socket received, as JSON (the floor peer replays it). */
let lastPayload: string | null = null;
const sockets: WebSocket[] = [];
let errors = 0;
let closedEarly = 0;

function openOne(o: Open, index: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(o.url, 'graphql-transport-ws');
    const mine: number[] = [];
    arrivals[index] = mine;
    let subscribed = false;
    ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: {} })));
    ws.on('message', (data: Buffer) => {
      const t = now();
      const text = data.toString('utf8');
      // Once subscribed, a frame is read only for its kind and seq (the first socket keeps its
      // rows too): the clients share the CPU with the server, so they must cost it little.
      if (subscribed && index !== 0 && text.startsWith('{"id":"1","type":"next"')) {
        if (text.includes('"kind":"DELTA"')) mine.push(Number(SEQ.exec(text)?.[1]), t);
        return;
      }
      const msg = JSON.parse(text) as {
        type: string;
        payload?: { data?: { boardUpdates?: Frame }; errors?: unknown } | unknown[];
      };
      if (msg.type === 'connection_ack') {
        for (let k = 1; k <= Math.max(1, o.stall ?? 0); k++)
          ws.send(
            JSON.stringify({
              id: String(k),
              type: 'subscribe',
              payload: { query: o.query, variables: o.variables },
            }),
          );
        if (o.stall) {
          subscribed = true;
          (ws as unknown as { _socket: { pause(): void } })._socket.pause();
          resolve();
        }
      } else if (msg.type === 'next') {
        const p = msg.payload as { data?: { boardUpdates?: Frame }; errors?: unknown };
        const f = p.data?.boardUpdates;
        if (!f) {
          errors++;
          return reject(new Error(JSON.stringify(p).slice(0, 300)));
        }
        if (f.kind === 'SNAPSHOT' && !subscribed) {
          subscribed = true;
          resolve();
        } else if (f.kind === 'DELTA') {
          mine.push(f.seq, t);
          if (index === 0) {
            firstSocketRows[f.seq] = (f.rows ?? []).map((r) => r.entrantId);
            lastPayload = JSON.stringify(p);
          }
        }
      } else if (msg.type === 'error') {
        errors++;
        reject(new Error(JSON.stringify(msg.payload).slice(0, 300)));
      }
    });
    ws.on('error', (e) => {
      errors++;
      reject(e);
    });
    ws.on('close', (code) => {
      if (!subscribed) reject(new Error(`closed before the snapshot: ${code}`));
      else if (!closing) closedEarly++;
    });
    sockets.push(ws);
  });
}

let closing = false;

process.on('message', (m: Open | { type: 'collect' } | { type: 'close' } | { type: 'stop' }) => {
  if (m.type === 'open') {
    const o = m;
    const t0 = now();
    void (async () => {
      let next = 0;
      await Promise.all(
        Array.from({ length: o.parallel }, async () => {
          while (next < o.count) await openOne(o, next++);
        }),
      );
      process.send?.({ type: 'opened', count: o.count, ms: now() - t0 });
    })().catch((e: Error) => process.send?.({ type: 'failed', message: e.message }));
  } else if (m.type === 'collect') {
    process.send?.({ type: 'collected', arrivals, firstSocketRows, lastPayload, errors, closedEarly });
  } else if (m.type === 'close' || m.type === 'stop') {
    closing = true;
    for (const ws of sockets) ws.terminate();
    process.exit(0);
  }
});
process.send?.({ type: 'ready', url: '' });
