import type { IncomingMessage } from 'node:http';
import cors from 'cors';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { getOperationAST, GraphQLError } from 'graphql';
import type { Config } from '../config';
import type { Viewer } from '../shared/access/viewer';
import { TopLevelCode } from '../shared/errors';
import { metrics } from '../shared/observability';
import { clientIp, originAllowed } from '../shared/security/origins';
import type { RateLimits } from '../shared/security/rate-limits';
import type { Admit, OperationRequest } from './admission';
import { text } from '../shared/i18n';
import { type FormatError, topLevel } from './errors';
import { httpCache, type TrustedOperations } from './http-cache';
import { admittedOperation } from './compiled';
import { type Lane, publicLane } from './lanes';

export interface HttpGateOptions {
  config: Config;
  rateLimits: RateLimits;
  admit: Admit;
  /** What each trusted document names, and the cache policy of the public reads (./http-cache.ts). */
  operations: TrustedOperations;
  /** The bounded lane anonymous operations run in (src/transport/lanes.ts). */
  lane: Lane;
  format: FormatError;
  /** The caller's identity from the request headers; throws a GraphQLError when they are not valid. */
  viewerFor: (creds: { authorization?: string | undefined; apiKey?: string | undefined }) => Promise<Viewer>;
}

/**
 * What a GraphQL request over HTTP passes before Apollo sees it, in order: the cache headers
 * (./http-cache.ts), CORS, a deadline, the caller's identity (from headers), the rate limit, the
 * public lane for anonymous callers, the JSON body (errors in GraphQL's shape), and the gate (one
 * operation per request, trusted documents, limits, input bounds; a GET by the id of a trusted
 * query passes CSRF prevention). `res.locals` carries viewer and ip on.
 */
export function httpGate(o: HttpGateOptions): RequestHandler[] {
  const { config, format } = o;
  const refuse = (res: Response, status: number, errors: GraphQLError[]) => {
    if (res.headersSent) return;
    res.status(status).type('json').send(refusal(format, errors));
  };

  const tooMany = (res: Response, retryAfterSeconds: number, per: string | undefined) => {
    res.setHeader('Retry-After', String(retryAfterSeconds));
    refuse(res, 429, [rateLimited(retryAfterSeconds, per)]);
  };

  const deadline = (_req: Request, res: Response, next: NextFunction) => {
    const timer = setTimeout(() => {
      if (res.headersSent) return;
      refuse(res, 503, [timedOut()]);
      // The late GraphQL response must not try to write to the finished one.
      res.setHeader = (() => res) as never;
      res.status = (() => res) as never;
      res.send = (() => res) as never;
      res.end = (() => res) as never;
    }, config.REQUEST_TIMEOUT_MS);
    const clear = () => clearTimeout(timer);
    res.once('finish', clear);
    res.once('close', clear);
    next();
  };

  // body-parser's own error page is HTML with a stack; answer in GraphQL's shape instead.
  const badBody = (err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (!err) return next();
    const status = (err as { status?: number }).status ?? 400;
    refuse(res, status, [badBodyError(status)]);
  };

  const authenticateRequest = async (req: Request, res: Response, next: NextFunction) => {
    const header = (name: string) => {
      const v = req.headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    const ip = clientIp(req, config.TRUST_PROXY);
    const creds = { authorization: header('authorization'), apiKey: header('x-api-key') };
    // An address that keeps presenting bad credentials is refused before any lookup.
    if (creds.authorization || creds.apiKey) {
      const allowed = await o.rateLimits.authAllowed(ip);
      if (!allowed.allowed) return tooMany(res, allowed.retryAfterSeconds, 'failed authentication');
    }
    try {
      res.locals.viewer = await o.viewerFor(creds);
      res.locals.ip = ip;
      next();
    } catch (err) {
      if (err instanceof GraphQLError) {
        const code = err.extensions.code;
        if (code === TopLevelCode.DATABASE_UNAVAILABLE) return refuse(res, 503, [err]);
        await o.rateLimits.authFailed(ip);
        return refuse(res, 401, [err]);
      }
      next(err);
    }
  };

  const rateLimit = async (_req: Request, res: Response, next: NextFunction) => {
    const decision = await o.rateLimits.request(res.locals.ip as string, res.locals.viewer as Viewer);
    if (decision.allowed) return next();
    tooMany(res, decision.retryAfterSeconds, decision.scope);
  };

  const gate = (req: Request, res: Response, next: NextFunction) => {
    if (Array.isArray(req.body)) {
      return refuse(res, 400, [
        topLevel(
          TopLevelCode.BATCHING_DISABLED,
          text('每个请求只能发送一个操作。', 'Send one operation per request.'),
        ),
      ]);
    }
    let request: OperationRequest;
    let badVariables = false;
    if (req.method === 'GET') {
      const q = req.query as Record<string, string | undefined>;
      let variables: unknown = {};
      try {
        variables = q.variables ? JSON.parse(q.variables) : {};
      } catch {
        // Apollo answers this request itself (400): the compiled path does not take it.
        variables = {};
        badVariables = true;
      }
      request = { query: q.query, variables, operationName: q.operationName, documentId: q.documentId };
    } else {
      request = (req.body ?? {}) as OperationRequest;
    }
    const { query, document, errors } = o.admit(request, res.locals.viewer as Viewer, 'http');
    if (errors.length) return refuse(res, 400, errors);
    if (req.method === 'GET') {
      const name = typeof request.operationName === 'string' ? request.operationName : undefined;
      const operation = document && getOperationAST(document, name);
      if (operation?.operation === 'mutation') {
        res.setHeader('Allow', 'POST');
        return refuse(res, 405, [
          topLevel(
            'BAD_REQUEST',
            text('变更操作（mutation）须以 POST 发送。', 'A mutation is sent with POST.'),
          ),
        ]);
      }
      const id = request.documentId;
      if (typeof id === 'string' && o.operations.kindOf(id) === 'query') {
        // A trusted id can only name this query, and a query changes nothing: a cross-site GET
        // (a CDN, a union's web page) may send it without the preflight header CSRF prevention
        // asks of every other request. Apollo runs the trusted text.
        req.headers['apollo-require-preflight'] = 'true';
        const [pathname, search] = req.url.split('?', 2) as [string, string | undefined];
        const params = new URLSearchParams(search);
        params.set('query', query);
        req.url = `${pathname}?${params.toString()}`;
      }
    } else if (req.body && typeof req.body === 'object') {
      // A document sent by id runs as the trusted text.
      req.body.query = query;
    }
    if (document && !badVariables && wellFormed(request))
      res.locals.operation = admittedOperation(request, query, document);
    next();
  };

  // A body the direct listener (./direct.ts) read before handing the request on is not read again.
  const json = express.json({ limit: '8mb' });
  const jsonBody = (req: Request, res: Response, next: NextFunction) => {
    const early = (req as { [EARLY_BODY]?: EarlyBody })[EARLY_BODY];
    if (!early) return json(req, res, next);
    if ('error' in early) return next(early.error);
    req.body = early.value;
    next();
  };

  return [
    httpCache(o.operations),
    cors((req, done) =>
      done(null, {
        origin: originAllowed(req.headers.origin, config.CORS_ORIGINS, req as IncomingMessage),
        credentials: true,
        maxAge: 600,
      }),
    ),
    deadline,
    authenticateRequest,
    rateLimit,
    // Anonymous requests wait for the public lane before their bodies are even read and parsed.
    publicLane(o.lane, refuse),
    jsonBody,
    badBody as unknown as RequestHandler,
    gate,
  ];
}

/** The body of a refusal before execution, in GraphQL's shape; each error is counted by its code. */
export function refusal(format: FormatError, errors: GraphQLError[]): string {
  for (const e of errors) metrics.refusals.inc({ reason: String(e.extensions.code), transport: 'http' });
  return JSON.stringify({ errors: errors.map((e) => format(e.toJSON(), e)) });
}

/** The refusal of a caller past its rate limit (429, with `Retry-After`). */
export function rateLimited(retryAfterSeconds: number, per: string | undefined): GraphQLError {
  return topLevel(
    TopLevelCode.RATE_LIMITED,
    text(
      `请求过于频繁，请 ${retryAfterSeconds} 秒后重试。`,
      `Too many requests per ${per}; retry in ${retryAfterSeconds} s.`,
    ),
    { retryAfterSeconds },
  );
}

/** The answer to a request still running at REQUEST_TIMEOUT_MS (503). */
export function timedOut(): GraphQLError {
  return topLevel(
    TopLevelCode.REQUEST_TIMEOUT,
    text('请求耗时过长，请稍后重试。', 'The request took too long; retry shortly.'),
    { retryable: true },
  );
}

/** The refusal of a body that is too large (413) or not JSON (400), in GraphQL's shape. */
export function badBodyError(status: number): GraphQLError {
  return topLevel(
    status === 413 ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST',
    status === 413
      ? text('请求体过大。', 'The request body is too large.')
      : text('请求体不是有效的 JSON。', 'The request body is not valid JSON.'),
  );
}

/** A request body the direct listener read (and parsed, or failed to) before Express saw it. */
export const EARLY_BODY = Symbol('early body');
export type EarlyBody = { value: unknown } | { error: Error & { status: number } };

/**
 * Whether Apollo would take the request's fields as they are (it refuses `variables` that is not
 * an object and an `operationName` that is not a string); only such a request may skip it.
 */
export function wellFormed(request: OperationRequest): boolean {
  const { variables, operationName } = request;
  const objectOrNothing =
    variables === undefined ||
    variables === null ||
    (typeof variables === 'object' && !Array.isArray(variables));
  return (
    objectOrNothing &&
    (operationName === undefined || operationName === null || typeof operationName === 'string')
  );
}
