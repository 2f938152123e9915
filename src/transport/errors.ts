import type { GraphQLError, GraphQLFormattedError } from 'graphql';
import { isDatabaseUnavailable } from '../shared/db/availability';
import { DomainError, localizedError, textOf, TopLevelCode } from '../shared/errors';
import { DEFAULT_LANGUAGE, text, type Language, type Text } from '../shared/i18n';
import { currentScope, metrics, newErrorId, unwrapError } from '../shared/observability';

const STATEMENT_CANCELLED = '57014';

/** A top-level GraphQL error with its code (refusals before any resolver runs). */
export function topLevel(code: string, message: Text, extra: Record<string, unknown> = {}): GraphQLError {
  return localizedError(code, message, extra);
}

export const DATABASE_UNAVAILABLE_TEXT = text(
  '数据库暂时不可用，请稍后重试。',
  'The database is unavailable; retry shortly.',
);
const STATEMENT_TIMEOUT_TEXT = text(
  '请求耗时过长，已被取消，请稍后重试。',
  'The request took too long and was cancelled; retry shortly.',
);
const INTERNAL_TEXT = text('服务器内部错误。', 'Internal server error.');

function isStatementTimeout(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 5) return false;
  const e = error as { code?: unknown; originalError?: unknown; cause?: unknown };
  return (
    e.code === STATEMENT_CANCELLED ||
    isStatementTimeout(e.originalError, depth + 1) ||
    isStatementTimeout(e.cause, depth + 1)
  );
}

/**
 * `language`: the caller's; over HTTP it is found on the request's scope when not given
 * (Apollo's error hook has no context).
 */
export type FormatError = (
  formatted: GraphQLFormattedError,
  error: unknown,
  language?: Language,
) => GraphQLFormattedError;

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
  return (formatted, error, given) => {
    const language = given ?? currentScope()?.language ?? DEFAULT_LANGUAGE;
    const where = {
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      ...(formatted.path ? { path: formatted.path } : {}),
    };
    if (isDatabaseUnavailable(error)) {
      return {
        message: DATABASE_UNAVAILABLE_TEXT[language],
        ...where,
        extensions: { code: TopLevelCode.DATABASE_UNAVAILABLE, retryable: true },
      };
    }
    if (isStatementTimeout(error)) {
      return {
        message: STATEMENT_TIMEOUT_TEXT[language],
        ...where,
        extensions: { code: TopLevelCode.STATEMENT_TIMEOUT, retryable: true },
      };
    }
    // An expected failure raised outside a mutation payload (e.g. in a query) keeps its own code.
    const original = (error as { originalError?: unknown } | null)?.originalError ?? error;
    if (original instanceof DomainError) {
      const first = original.errors[0]!;
      return {
        message: first.message[language],
        ...where,
        extensions: { code: first.code, field: first.field },
      };
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
        message: INTERNAL_TEXT[language],
        ...where,
        extensions: { code: TopLevelCode.INTERNAL_SERVER_ERROR, errorId },
      };
    }
    // Our own refusals carry both languages (their English is the message as it stands);
    // graphql-js's own messages (syntax, validation) are English.
    const localized = language === 'en' ? undefined : textOf(error)?.[language];
    const message =
      localized ?? (production ? formatted.message.replace(/ ?Did you mean .*\?$/, '') : formatted.message);
    const extensions: Record<string, unknown> = {
      ...formatted.extensions,
      code: code ?? TopLevelCode.INTERNAL_SERVER_ERROR,
      ...(errorId ? { errorId } : {}),
    };
    if (production) delete extensions.stacktrace;
    return { ...formatted, message, extensions };
  };
}
