import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { isDatabaseUnavailable } from '../shared/db/availability';
import { DomainError, TopLevelCode } from '../shared/errors';
import { metrics, newErrorId, unwrapError } from '../shared/observability';

const STATEMENT_CANCELLED = '57014';

/** A top-level GraphQL error with its code (refusals before any resolver runs). */
export function topLevel(code: string, message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extra } });
}

function isStatementTimeout(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 5) return false;
  const e = error as { code?: unknown; originalError?: unknown; cause?: unknown };
  return (
    e.code === STATEMENT_CANCELLED ||
    isStatementTimeout(e.originalError, depth + 1) ||
    isStatementTimeout(e.cause, depth + 1)
  );
}

export type FormatError = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

/**
 * One error policy for both transports: expected codes pass through, database
 * outages and timeouts become retryable codes, and in production nothing
 * internal leaks (no stack traces, no messages, no field suggestions).
 */
export function formatError(
  production: boolean,
  /** Logs an unexpected error (its original, with the stack) under the id the client is given. */
  onUnexpected: (error: unknown, errorId: string) => void = () => {},
): FormatError {
  return (formatted, error) => {
    const where = {
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      ...(formatted.path ? { path: formatted.path } : {}),
    };
    if (isDatabaseUnavailable(error)) {
      return {
        message: 'The database is unavailable; retry shortly.',
        ...where,
        extensions: { code: TopLevelCode.DATABASE_UNAVAILABLE, retryable: true },
      };
    }
    if (isStatementTimeout(error)) {
      return {
        message: 'The request took too long and was cancelled; retry shortly.',
        ...where,
        extensions: { code: TopLevelCode.STATEMENT_TIMEOUT, retryable: true },
      };
    }
    // An expected failure raised outside a mutation payload (e.g. in a query) keeps its own code.
    const original = (error as { originalError?: unknown } | null)?.originalError ?? error;
    if (original instanceof DomainError) {
      const first = original.errors[0]!;
      return { message: first.message, ...where, extensions: { code: first.code, field: first.field } };
    }
    const code = formatted.extensions?.code;
    const unexpected = code === undefined || code === TopLevelCode.INTERNAL_SERVER_ERROR;
    // The id ties what the client saw to the log line with the stack.
    const errorId = unexpected ? newErrorId() : undefined;
    if (errorId) {
      metrics.unexpectedErrors.inc();
      onUnexpected(unwrapError(error), errorId);
    }
    if (production && unexpected) {
      return {
        message: 'Internal server error.',
        ...where,
        extensions: { code: TopLevelCode.INTERNAL_SERVER_ERROR, errorId },
      };
    }
    const message = production ? formatted.message.replace(/ ?Did you mean .*\?$/, '') : formatted.message;
    const extensions: Record<string, unknown> = {
      ...formatted.extensions,
      code: code ?? TopLevelCode.INTERNAL_SERVER_ERROR,
      ...(errorId ? { errorId } : {}),
    };
    if (production) delete extensions.stacktrace;
    return { ...formatted, message, extensions };
  };
}
