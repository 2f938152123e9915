import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { ApolloServerPlugin } from '@apollo/server';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Context as OtelContext, context } from '@opentelemetry/api';
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import type { GraphQLError } from 'graphql';
import { languageFromAcceptLanguage, text } from '../i18n';
import { newErrorId, type Logger } from './logger';
import { metrics } from './metrics';
import { currentScope, endSpan, startHttpSpan, startOperationSpan, withScope, type Tracing } from './tracing';

const INTERNAL_ERROR = text('服务器内部错误。', 'Internal server error.');
const REQUEST_ID = /^[\w.:-]{1,100}$/;

/**
 * Opens a request's scope: its id (the caller's `X-Request-Id` when well formed, else a new one,
 * echoed in the response), and its HTTP span when traced. Everything the request does later, in
 * Apollo, the ORM and the error policy, finds the scope on the async context.
 */
export function requestScope(tracing: Tracing): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const ctx = openRequestScope(tracing, req, res, req.path);
    // The body arrives on the request's own events: bind them, or body parsing loses the scope.
    context.bind(ctx, req);
    context.with(ctx, next);
  };
}

/** The scope `requestScope` opens, for a listener that answers without Express (`path`: the URL's). */
export function openRequestScope(
  tracing: Tracing,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): OtelContext {
  const incoming = req.headers['x-request-id'];
  const requestId = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  req.headers['x-request-id'] = requestId;
  res.setHeader('X-Request-Id', requestId);
  const span = startHttpSpan(tracing.tracer, req.method ?? 'GET', path);
  if (span) {
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      span.setAttribute('http.response.status_code', res.statusCode);
      endSpan(span, res.statusCode >= 500);
    };
    res.once('finish', end);
    res.once('close', end);
  }
  const language = languageFromAcceptLanguage(req.headers['accept-language']);
  return withScope({ requestId, tracer: tracing.tracer, span, language }, span);
}

// Operation names are the client's choice: a bounded set of well-formed ones become label values.
const MAX_OPERATION_LABELS = 300;
const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const seenNames = new Set<string>();
function operationLabel(name: string | null | undefined): string {
  if (!name) return 'anonymous';
  if (!OPERATION_NAME.test(name)) return 'other';
  if (seenNames.has(name)) return name;
  if (seenNames.size >= MAX_OPERATION_LABELS) return 'other';
  seenNames.add(name);
  return name;
}

/** An operation over HTTP being timed: what `finishOperation` needs to log it. */
export interface OperationRecord {
  started: number;
  scope: ReturnType<typeof currentScope>;
  name: string | null;
  type: string;
  span: ReturnType<typeof startOperationSpan>;
}

/** Starts timing an operation; `nameOperation` once it is known which operation runs (opens its span). */
export function beginOperation(): OperationRecord {
  return { started: performance.now(), scope: currentScope(), name: null, type: 'unknown', span: null };
}

export function nameOperation(record: OperationRecord, name: string | null, type: string): void {
  record.name = name;
  record.type = type;
  record.span = startOperationSpan(record.scope, name ?? 'anonymous');
}

/** The operation's log line, duration sample and span end, with the error codes returned. */
export function finishOperation(
  logger: Logger,
  record: OperationRecord,
  caller: string,
  errors: readonly { extensions?: Record<string, unknown> | undefined }[],
  path: 'apollo' | 'compiled' | 'direct',
): void {
  const seconds = (performance.now() - record.started) / 1000;
  const outcome = errors.length ? 'error' : 'ok';
  metrics.operationDuration.observe(
    { operation: operationLabel(record.name), type: record.type, outcome },
    seconds,
  );
  const codes = errors.map((e) => String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR'));
  logger.info(
    {
      requestId: record.scope?.requestId,
      operation: record.name,
      type: record.type,
      caller,
      durationMs: Math.round(seconds * 10_000) / 10,
      outcome,
      path,
      ...(codes.length ? { errorCodes: codes } : {}),
    },
    'graphql operation',
  );
  endSpan(record.span, outcome === 'error');
}

/**
 * One log line, one duration sample and one span per GraphQL operation over HTTP: request id,
 * operation name and type, caller kind, duration, outcome and the error codes returned.
 */
export function operationPlugin<C>(
  logger: Logger,
  callerOf: (contextValue: C) => string,
): ApolloServerPlugin<C & object> {
  return {
    async requestDidStart({ contextValue }) {
      const record = beginOperation();
      let errors: readonly GraphQLError[] = [];
      return {
        async didResolveOperation(rc) {
          nameOperation(record, rc.operationName ?? null, rc.operation?.operation ?? record.type);
        },
        async didEncounterErrors(rc) {
          errors = rc.errors;
        },
        async willSendResponse() {
          finishOperation(logger, record, callerOf(contextValue), errors, 'apollo');
        },
      };
    },
  };
}

/**
 * The last Express error handler: an error no handler before it expected is logged with its stack
 * and an error id, and the client gets the id in GraphQL's shape (never Express's HTML page).
 */
export function unexpectedErrors(logger: Logger): ErrorRequestHandler {
  return (err: unknown, _req, res, next) => {
    if (res.headersSent) {
      logUnexpected(logger, err);
      return next(err);
    }
    res.status(500).json(unexpectedAnswer(logger, err));
  };
}

/** Logs an unexpected error with a new error id and its stack; returns the id. */
export function logUnexpected(logger: Logger, err: unknown): string {
  const errorId = newErrorId();
  metrics.unexpectedErrors.inc();
  logger.error({ err, errorId, requestId: currentScope()?.requestId }, 'unexpected error');
  return errorId;
}

/** What `unexpectedErrors` answers (status 500), for a listener that answers without Express. */
export function unexpectedAnswer(
  logger: Logger,
  err: unknown,
): { errors: { message: string; extensions: { code: string; errorId: string } }[] } {
  const errorId = logUnexpected(logger, err);
  return {
    errors: [
      {
        message: INTERNAL_ERROR[currentScope()?.language ?? 'zh'],
        extensions: { code: 'INTERNAL_SERVER_ERROR', errorId },
      },
    ],
  };
}
