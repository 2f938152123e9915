import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Logger } from './logger';

interface Session {
  socketId: string;
  at: number;
  caller: string;
  operations: Map<string, { operation: string | null; at: number }>;
  /** Cut as a slow consumer. */
  cut?: boolean;
}

/**
 * Close code of a socket cut for holding more unsent bytes than `WS_MAX_BUFFERED_BYTES` (a slow
 * consumer; src/transport/slow-consumers.ts). It is what the log says; the client sees the
 * connection drop (1006), since no close frame can get through a full buffer.
 */
export const SLOW_CONSUMER_CLOSE_CODE = 4008;

const ms = (since: number) => Math.round((performance.now() - since) * 10) / 10;

/**
 * Log lines of WebSocket sessions: each subscription's start and end (operation name, caller kind,
 * how long it lived) under the socket's id, and the socket's close code.
 */
export class SocketLog {
  private readonly sessions = new WeakMap<object, Session>();
  constructor(private readonly logger: Logger | undefined) {}

  opened(socket: object): void {
    this.sessions.set(socket, {
      socketId: randomUUID(),
      at: performance.now(),
      caller: 'unknown',
      operations: new Map(),
    });
  }

  subscribed(socket: object, id: string, operation: string | null | undefined, caller: string): void {
    const s = this.sessions.get(socket);
    if (!s) return;
    s.caller = caller;
    s.operations.set(id, { operation: operation ?? null, at: performance.now() });
    this.logger?.info(
      { socketId: s.socketId, subscriptionId: id, operation, caller },
      'subscription started',
    );
  }

  completed(socket: object, id: string, why = 'completed'): void {
    const s = this.sessions.get(socket);
    const op = s?.operations.get(id);
    if (!s || !op) return;
    s.operations.delete(id);
    this.logger?.info(
      {
        socketId: s.socketId,
        subscriptionId: id,
        operation: op.operation,
        caller: s.caller,
        durationMs: ms(op.at),
        why,
      },
      'subscription ended',
    );
  }

  /**
   * The socket was cut for holding more than `maxBytes` unsent (4008, slow consumer): a warning
   * now, and its `websocket closed` line says 4008 rather than the 1006 of a dropped connection.
   */
  slowConsumer(socket: object, bufferedBytes: number, maxBytes: number): void {
    const s = this.sessions.get(socket);
    if (s) s.cut = true;
    this.logger?.warn(
      { socketId: s?.socketId, caller: s?.caller, code: SLOW_CONSUMER_CLOSE_CODE, bufferedBytes, maxBytes },
      'websocket cut: slow consumer',
    );
  }

  closed(socket: object, code: number): void {
    const s = this.sessions.get(socket);
    if (!s) return;
    for (const id of [...s.operations.keys()]) this.completed(socket, id, 'socket closed');
    this.sessions.delete(socket);
    this.logger?.info(
      {
        socketId: s.socketId,
        caller: s.caller,
        code: s.cut ? SLOW_CONSUMER_CLOSE_CODE : code,
        durationMs: ms(s.at),
      },
      'websocket closed',
    );
  }
}
