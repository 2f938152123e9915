import { randomUUID } from 'node:crypto';
import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * The process's structured log: one JSON object a line, to stdout unless a destination is given
 * (tests pass a stream they read). `service` tells this log apart in a venue's shared collector.
 */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return pino({ level, base: { service: 'jingsai' } }, destination ?? pino.destination({ sync: false }));
}

/** A fresh id for one unexpected error: logged with its stack and handed to the client in `extensions`. */
export function newErrorId(): string {
  return randomUUID();
}

/** The error worth logging behind a GraphQL wrapper: its original, with the stack. */
export function unwrapError(error: unknown): unknown {
  let e = error;
  for (let i = 0; i < 5 && e && typeof e === 'object' && 'originalError' in e; i++) {
    const inner = (e as { originalError?: unknown }).originalError;
    if (!inner) break;
    e = inner;
  }
  return e;
}
