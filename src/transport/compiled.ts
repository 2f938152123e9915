import { createHash } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import {
  type DocumentNode,
  type ExecutionResult,
  type FormattedExecutionResult,
  getOperationAST,
  GraphQLError,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from 'graphql';
import { compileQuery, type CompiledQuery, isCompiledQuery } from 'graphql-jit';
import type { Viewer } from '../shared/access/viewer';
import { SharedAnswers } from '../shared/cache';
import { type Language, languageFromAcceptLanguage } from '../shared/i18n';
import type { Context } from '../shared/graphql/context';
import { beginOperation, finishOperation, type Logger, nameOperation } from '../shared/observability';
import type { OperationRequest } from './admission';
import type { FormatError } from './errors';

/** What the gate (./http.ts) found a request to ask, once it passed every check. */
export interface AdmittedOperation {
  document: DocumentNode;
  operationName: string | null;
  variables: Record<string, unknown>;
  /** The text that runs (a trusted document's, when sent by id). */
  query: string;
}

export interface CompiledQueriesOptions {
  schema: GraphQLSchema;
  format: FormatError;
  logger: Logger;
  production: boolean;
  shared: SharedAnswers;
}

/** A document's compiled operations, and its hash (the shared answers' key, as Apollo's `queryHash`). */
interface Compiled {
  hash: string;
  byOperation: Map<string, CompiledQuery | null>;
}

/** A compiled operation ready to run. */
export interface Runnable {
  hash: string;
  query: CompiledQuery;
  /** The operation's name, for the log line (the request's, or the document's own). */
  name: string | null;
}

/** What admission found a request to ask, as both HTTP paths hand it on. */
export function admittedOperation(
  request: OperationRequest,
  query: string,
  document: DocumentNode,
): AdmittedOperation {
  return {
    document,
    query,
    operationName: typeof request.operationName === 'string' ? request.operationName : null,
    variables: (request.variables ?? {}) as Record<string, unknown>,
  };
}

const PREFLIGHT_HEADERS = ['x-apollo-operation-name', 'apollo-require-preflight'];
/** Texts kept compiled, as many as the parse cache keeps parsed (src/shared/security/operation-limits.ts). */
const COMPILED_TEXTS = 500;

/**
 * The light path of the hottest public reads: an anonymous query over HTTP, admitted by the gate,
 * runs as a function compiled once per document (graphql-jit) and its answer is written here,
 * without Apollo's request pipeline (its plugins, its second look at the document, its response
 * machinery). Everything the gate does (limits, lanes, trusted documents, input bounds, cache
 * headers) has already happened; what Apollo would do after it is done the same way: the shared
 * anonymous answers, the operation's log line, duration sample and span, the error policy and
 * Apollo's own shape of the answer (`application/json`, status 200, errors with a code).
 *
 * Requests it does not take go on to Apollo unchanged: callers with an identity, mutations,
 * anything that asks for another media type, GETs without the CSRF preflight Apollo requires,
 * and documents graphql-jit cannot compile. The direct listener (./direct.ts) runs the texts
 * compiled here without Express.
 */
export class CompiledQueries {
  private readonly byText = new Map<string, Compiled>();

  constructor(private readonly o: CompiledQueriesOptions) {}

  /**
   * The compiled form of an admitted query, compiled on first sight; null for a mutation or when
   * graphql-jit cannot compile it.
   */
  compiledFor(op: AdmittedOperation): Runnable | null {
    const operation = getOperationAST(op.document, op.operationName ?? undefined);
    if (operation?.operation !== 'query') return null;
    let entry = this.byText.get(op.query);
    if (!entry) {
      entry = { hash: createHash('sha256').update(op.query).digest('hex'), byOperation: new Map() };
      if (this.byText.size >= COMPILED_TEXTS) this.byText.delete(this.byText.keys().next().value!);
      this.byText.set(op.query, entry);
    }
    const name = op.operationName ?? '';
    let query = entry.byOperation.get(name);
    if (query === undefined) {
      const result = compileQuery(this.o.schema, op.document, op.operationName ?? undefined);
      query = isCompiledQuery(result) ? result : null;
      if (!query)
        this.o.logger.warn(
          { operation: op.operationName, errors: result },
          'query not compiled: Apollo runs it',
        );
      entry.byOperation.set(name, query);
    }
    return query
      ? { hash: entry.hash, query, name: op.operationName ?? operation.name?.value ?? null }
      : null;
  }

  /** Whether this text's operation has run compiled already: only such requests skip Express. */
  knows(text: string, operationName: string | null): boolean {
    return Boolean(this.byText.get(text)?.byOperation.get(operationName ?? ''));
  }

  /**
   * Runs an admitted anonymous query (or takes its answer shared from a moment ago) and hands the
   * body to `write`; the operation is logged, timed and traced as `path`. What fails in writing
   * goes to `unexpected`.
   */
  respond(
    op: AdmittedOperation,
    runnable: Runnable,
    language: Language,
    contextFor: () => Context,
    path: 'compiled' | 'direct',
    write: (body: string) => void,
    unexpected: (err: unknown) => void,
  ): void {
    const record = beginOperation();
    nameOperation(record, runnable.name, 'query');
    const reply = (result: FormattedExecutionResult) => {
      finishOperation(this.o.logger, record, 'anonymous', result.errors ?? [], path);
      write(`${JSON.stringify(result)}\n`);
    };
    const compute = async (): Promise<FormattedExecutionResult> => {
      const result: ExecutionResult = await runnable.query.query(undefined, contextFor(), op.variables);
      return result.errors?.length
        ? {
            ...(result.data !== undefined ? { data: result.data } : {}),
            errors: this.formatted(result.errors),
          }
        : { data: result.data };
    };
    const failed = (err: unknown) => {
      // What graphql-jit throws rather than returns is unexpected: the error policy logs it with an id.
      const error =
        err instanceof GraphQLError
          ? err
          : new GraphQLError('Unexpected error', { originalError: err as Error });
      reply({ errors: this.formatted([error]) });
    };

    const shared = this.o.shared;
    if (!shared.enabled) return void compute().then(reply, failed).catch(unexpected);
    const found = shared.lookup(SharedAnswers.key(language, runnable.hash, op.operationName, op.variables));
    const settle = (lookup: Awaited<typeof found>) => {
      if (lookup.answer) return reply(lookup.answer);
      const claim = lookup.claim;
      return compute().then(
        (result) => {
          claim?.settle(result.errors?.length ? null : result);
          reply(result);
        },
        (err: unknown) => {
          claim?.settle(null);
          failed(err);
        },
      );
    };
    void Promise.resolve(found).then(settle).catch(unexpected);
  }

  /**
   * Apollo's error shape (a code on every error, a stack outside production), then our policy.
   * graphql-jit's errors carry the resolver's error as `originalError` and its extensions, as
   * graphql-js's do, but no extensions at all when it had none.
   */
  private formatted(errors: readonly GraphQLError[]): GraphQLFormattedError[] {
    return errors.map((e) => {
      const extensions: Record<string, unknown> = {
        ...e.extensions,
        code: e.extensions?.code ?? 'INTERNAL_SERVER_ERROR',
      };
      if (!this.o.production) extensions.stacktrace = e.stack?.split('\n');
      const shape: GraphQLFormattedError = {
        message: e.message,
        ...(e.locations?.length ? { locations: e.locations } : {}),
        ...(e.path ? { path: e.path } : {}),
        extensions,
      };
      return this.o.format(shape, e);
    });
  }

  /** The Express step after the gate (src/transport/http.ts): takes what it can, passes the rest on. */
  middleware(contextFor: (req: Request, res: Response) => Context): RequestHandler {
    return (req: Request, res: Response, next: NextFunction) => {
      const op = res.locals.operation as AdmittedOperation | undefined;
      if (!op || (res.locals.viewer as Viewer | undefined)?.kind !== 'anonymous') return next();
      if (!takes(req)) return next();
      const runnable = this.compiledFor(op);
      if (!runnable) return next();
      this.respond(
        op,
        runnable,
        languageFromAcceptLanguage(req.headers['accept-language']),
        () => contextFor(req, res),
        'compiled',
        (body) => {
          res.status(200);
          res.setHeader('Content-Type', JSON_UTF8);
          res.send(body);
        },
        // Whatever fails in writing the answer goes to the app's last error handler (logged, with an id).
        (err) => next(err),
      );
    };
  }
}

export const JSON_UTF8 = 'application/json; charset=utf-8';

/**
 * Whether Apollo would answer this request with a single JSON result and no refusal of its own:
 * `application/json` is what the client prefers (or it names nothing), and a GET carries the CSRF
 * preflight header Apollo asks of it (the gate adds it to a GET of a trusted query by id).
 */
function takes(req: Request): boolean {
  const accept = req.headers.accept;
  if (accept && req.accepts(['application/json', 'application/graphql-response+json']) !== 'application/json')
    return false;
  if (req.method === 'POST') return req.is('application/json') === 'application/json';
  if (req.method !== 'GET') return false;
  const contentType = req.headers['content-type'];
  if (contentType !== undefined && !/^application\/json\s*(;|$)/i.test(contentType)) return false;
  return PREFLIGHT_HEADERS.some((h) => {
    const v = req.headers[h];
    return typeof v === 'string' && v.length > 0;
  });
}
