/**
 * Logs, metrics, traces and health: shared infrastructure that imports no module. Modules record
 * metrics through `metrics`; the composition root wires the rest (src/server.ts).
 */
export { createLogger, LOG_LEVELS, newErrorId, unwrapError, type Logger, type LogLevel } from './logger';
export { addSources, metrics, registry, type Sources } from './metrics';
export { currentScope, recordSqlSpan, Tracing, type RequestScope } from './tracing';
export {
  beginOperation,
  finishOperation,
  logUnexpected,
  nameOperation,
  operationPlugin,
  openRequestScope,
  requestScope,
  unexpectedAnswer,
  unexpectedErrors,
  type OperationRecord,
} from './requests';
export { healthRouter, startMetricsServer } from './health';
export { SLOW_CONSUMER_CLOSE_CODE, SocketLog } from './sockets';
