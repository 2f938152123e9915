import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The process's metrics, one registry for the process (as Prometheus scrapes a process): modules
 * record through `metrics`, the composition root registers what only it can read (pool, sockets).
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'jingsai_process_' });

const seconds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** What may be read at scrape time; each source is set by the app that owns it. */
export interface Sources {
  websockets?: () => { connections: number; subscriptions: number };
  pool?: () => { inUse: number; waiting: number };
}
const sources: Sources[] = [];

function sum(pick: (s: Sources) => number | undefined): number {
  return sources.reduce((n, s) => n + (pick(s) ?? 0), 0);
}

export const metrics = {
  operationDuration: new Histogram({
    name: 'jingsai_graphql_operation_duration_seconds',
    help: 'GraphQL operations over HTTP, by operation name, type and outcome (ok, error, refused).',
    labelNames: ['operation', 'type', 'outcome'] as const,
    buckets: seconds,
    registers: [registry],
  }),
  wsConnections: new Gauge({
    name: 'jingsai_websocket_connections',
    help: 'Open WebSocket connections (acknowledged graphql-ws sessions).',
    registers: [registry],
    collect() {
      this.set(sum((s) => s.websockets?.().connections));
    },
  }),
  wsSubscriptions: new Gauge({
    name: 'jingsai_websocket_subscriptions',
    help: 'Live subscriptions over WebSocket.',
    registers: [registry],
    collect() {
      this.set(sum((s) => s.websockets?.().subscriptions));
    },
  }),
  wsSlowConsumersClosed: new Counter({
    name: 'jingsai_websocket_slow_consumers_closed_total',
    help: 'WebSockets cut because they held more unsent bytes than WS_MAX_BUFFERED_BYTES (close code 4008).',
    registers: [registry],
  }),
  boardFrames: new Counter({
    name: 'jingsai_board_frames_total',
    help: 'Board frames pushed to subscribers (one per subscriber).',
    registers: [registry],
  }),
  boardLag: new Histogram({
    name: 'jingsai_board_frame_lag_seconds',
    help: 'From a board change being heard (its commit notice) to its frame being pushed.',
    buckets: [0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 5, 10],
    registers: [registry],
  }),
  poolInUse: new Gauge({
    name: 'jingsai_db_pool_in_use',
    help: 'Database connections checked out of the pool.',
    registers: [registry],
    collect() {
      this.set(sum((s) => s.pool?.().inUse));
    },
  }),
  poolWaiting: new Gauge({
    name: 'jingsai_db_pool_waiting',
    help: 'Requests waiting for a database connection.',
    registers: [registry],
    collect() {
      this.set(sum((s) => s.pool?.().waiting));
    },
  }),
  refusals: new Counter({
    name: 'jingsai_refusals_total',
    help: 'Requests and subscriptions refused before any resolver ran, by reason (the error code).',
    labelNames: ['reason', 'transport'] as const,
    registers: [registry],
  }),
  marksAccepted: new Counter({
    name: 'jingsai_marks_accepted_total',
    help: 'Judges’ marks written (replays of an accepted mark are not counted again).',
    registers: [registry],
  }),
  markBatchesSplit: new Counter({
    name: 'jingsai_mark_batches_split_total',
    help: 'Batches of marks whose one transaction failed (a race, a deadlock) and that were submitted mark by mark.',
    registers: [registry],
  }),
  unexpectedErrors: new Counter({
    name: 'jingsai_unexpected_errors_total',
    help: 'Unexpected errors (each logged with its error id).',
    registers: [registry],
  }),
};

/** Adds an app's scrape-time sources; the returned function removes them (the app closed). */
export function addSources(s: Sources): () => void {
  sources.push(s);
  return () => {
    const i = sources.indexOf(s);
    if (i >= 0) sources.splice(i, 1);
  };
}
