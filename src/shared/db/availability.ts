/**
 * Errors that mean "the database cannot be reached right now" rather than
 * "this request is wrong": clients should retry these later.
 */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
]);
// Connection exceptions (not 08P01, a protocol violation such as a NUL byte in text)
// and operator intervention (shutdown, crash recovery).
const SQLSTATE = /^(0800[0-4]|08006|08007|57P0[1-3])$/;
const MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  // pg's own connect timeout, when a new pool connection cannot be opened in time under load.
  'timeout expired',
  'Knex: Timeout acquiring a connection',
  'Client has encountered a connection error',
  'the database system is starting up',
  'the database system is shutting down',
  'Connection ended unexpectedly',
];

export function isDatabaseUnavailable(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 5) return false;
  const e = err as {
    code?: unknown;
    message?: unknown;
    cause?: unknown;
    originalError?: unknown;
    errors?: unknown;
  };
  if (typeof e.code === 'string' && (NETWORK_CODES.has(e.code) || SQLSTATE.test(e.code))) return true;
  if (typeof e.message === 'string' && MESSAGES.some((m) => (e.message as string).includes(m))) return true;
  if (Array.isArray(e.errors) && e.errors.some((x) => isDatabaseUnavailable(x, depth + 1))) return true;
  return isDatabaseUnavailable(e.cause, depth + 1) || isDatabaseUnavailable(e.originalError, depth + 1);
}
