import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { ApolloServerPlugin } from '@apollo/server';
import { context } from '@opentelemetry/api';
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
    const incoming = req.headers['x-request-id'];
    const requestId = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    req.headers['x-request-id'] = requestId;
    res.setHeader('X-Request-Id', requestId);
    const span = startHttpSpan(tracing.tracer, req.method, req.path);
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
    const ctx = withScope({ requestId, tracer: tracing.tracer, span, language }, span);
    // The body arrives on the request's own events: bind them, or body parsing loses the scope.
    context.bind(ctx, req);
    context.with(ctx, next);
  };
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
      const started = performance.now();
      const scope = currentScope();
      let name: string | null = null;
      let type = 'unknown';
      let span: ReturnType<typeof startOperationSpan> = null;
      let errors: readonly GraphQLError[] = [];
      return {
        async didResolveOperation(rc) {
          name = rc.operationName ?? null;
          type = rc.operation?.operation ?? type;
          span = startOperationSpan(scope, name ?? 'anonymous');
        },
        async didEncounterErrors(rc) {
          errors = rc.errors;
        },
        async willSendResponse() {
          const seconds = (performance.now() - started) / 1000;
          const outcome = errors.length ? 'error' : 'ok';
          metrics.operationDuration.observe({ operation: operationLabel(name), type, outcome }, seconds);
          const codes = errors.map((e) => String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR'));
          logger.info(
            {
              requestId: scope?.requestId,
              operation: name,
              type,
              caller: callerOf(contextValue),
              durationMs: Math.round(seconds * 10_000) / 10,
              outcome,
              ...(codes.length ? { errorCodes: codes } : {}),
            },
            'graphql operation',
          );
          endSpan(span, outcome === 'error');
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
    const errorId = newErrorId();
    metrics.unexpectedErrors.inc();
    logger.error({ err, errorId, requestId: currentScope()?.requestId }, 'unexpected error');
    if (res.headersSent) return next(err);
    res.status(500).json({
      errors: [
        {
          message: INTERNAL_ERROR[currentScope()?.language ?? 'zh'],
          extensions: { code: 'INTERNAL_SERVER_ERROR', errorId },
        },
      ],
    });
  };
}
