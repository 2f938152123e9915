import type { IncomingMessage, ServerResponse } from 'node:http';
import { context } from '@opentelemetry/api';
import type { GraphQLError } from 'graphql';
import type { Config } from '../config';
import { ANONYMOUS } from '../shared/access/viewer';
import type { Context } from '../shared/graphql/context';
import { type Language, languageFromAcceptLanguage } from '../shared/i18n';
import {
  type Logger,
  logUnexpected,
  openRequestScope,
  type Tracing,
  unexpectedAnswer,
} from '../shared/observability';
import { clientIp, originAllowed } from '../shared/security/origins';
import type { RateLimits } from '../shared/security/rate-limits';
import type { Manifest } from '../shared/security/trusted-documents';
import { type Admit, documentIdOf, type OperationRequest } from './admission';
import { admittedOperation, type CompiledQueries, JSON_UTF8 } from './compiled';
import type { FormatError } from './errors';
import { NO_STORE, VARY } from './http-cache';
import { EARLY_BODY, type EarlyBody, rateLimited, refusal, timedOut, wellFormed } from './http';
import { busy, type Lane } from './lanes';

export interface DirectQueriesOptions {
  config: Config;
  path: string;
  tracing: Tracing;
  logger: Logger;
  rateLimits: RateLimits;
  admit: Admit;
  lane: Lane;
  format: FormatError;
  trusted: Manifest;
  compiled: CompiledQueries;
  contextFor: (ip: string, language: Language) => Context;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** Bodies of the public reads are a few hundred bytes; anything larger goes the long way. */
const MAX_DIRECT_BODY = 16 * 1024;
const JSON_TYPE = /^application\/json\s*(;\s*charset="?utf-8"?\s*)?$/i;
/** The `Accept` values fetch, curl and the union apps send, for which Apollo answers `application/json`. */
const JSON_ACCEPTS = new Set(['*/*', 'application/json', 'application/json, */*']);
/** `Vary` as the Express chain leaves it: the cache step's fields, then CORS's `Origin`. */
const VARY_HEADER = VARY.join(', ');
const VARY_WITH_ORIGIN = [...VARY, 'Origin'].join(', ');

/**
 * The hottest public reads without Express: an anonymous POST of a query that has already run
 * compiled (./compiled.ts) is answered by this listener in front of the Express app, doing what
 * the Express chain does for it (./http.ts), in the same order where it matters: the request's
 * scope and id, the headers (`nosniff`, `no-store`, `Vary`, CORS's), the deadline, the rate
 * limit, the public lane, admission (limits, trusted documents, input bounds), then the compiled
 * run with the shared answers, log line, metric and span.
 *
 * Everything else goes to Express untouched: other methods and paths (a CORS preflight is an
 * OPTIONS), callers with credentials, other media types, bodies that are large, chunked or
 * compressed. A body this listener read and then leaves (not JSON, a mutation, a text not compiled
 * yet) goes to Express with the body attached, so it is not read twice; Express then does every
 * step itself.
 */
export function directQueries(o: DirectQueriesOptions, express: Handler): Handler {
  const refuse = (res: ServerResponse, status: number, errors: GraphQLError[]) => {
    if (!res.headersSent) send(res, status, refusal(o.format, errors));
  };
  /** Logged with an error id, which the client gets too (unless the answer has begun). */
  const unexpected = (res: ServerResponse, err: unknown) => {
    if (res.headersSent) logUnexpected(o.logger, err);
    else send(res, 500, JSON.stringify(unexpectedAnswer(o.logger, err)));
  };

  const serve = (req: IncomingMessage, res: ServerResponse, request: OperationRequest) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', NO_STORE);
    // CORS as the Express chain's step (the `cors` package) answers a request after its preflight:
    // an allowed origin is named back, with credentials allowed and `Vary: Origin`; for a request
    // from an origin not allowed it adds nothing (the browser then withholds the answer).
    const origin = req.headers.origin;
    if (originAllowed(origin, o.config.CORS_ORIGINS, req)) {
      if (origin) res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Vary', VARY_WITH_ORIGIN);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
    } else res.setHeader('Vary', VARY_HEADER);
    const timer = setTimeout(() => refuse(res, 503, [timedOut()]), o.config.REQUEST_TIMEOUT_MS);
    const clear = () => clearTimeout(timer);
    res.once('finish', clear);
    res.once('close', clear);
    const ip = clientIp(req, o.config.TRUST_PROXY);
    const language = languageFromAcceptLanguage(req.headers['accept-language']);

    const run = (leave: () => void) => {
      res.once('finish', leave);
      res.once('close', leave);
      if (res.writableEnded || res.destroyed) leave();
      const { query, document, errors } = o.admit(request, ANONYMOUS, 'http');
      if (errors.length || !document) return refuse(res, 400, errors);
      const op = admittedOperation(request, query, document);
      const runnable = o.compiled.compiledFor(op);
      // Known texts compile to queries; anything else here would be a fault of this listener.
      if (!runnable) return unexpected(res, new Error('direct listener took an operation it cannot run'));
      o.compiled.respond(
        op,
        runnable,
        language,
        () => o.contextFor(ip, language),
        'direct',
        (body) => send(res, 200, body),
        (err) => unexpected(res, err),
      );
    };

    o.rateLimits
      .request(ip, ANONYMOUS)
      .then(async (decision) => {
        if (!decision.allowed) {
          res.setHeader('Retry-After', String(decision.retryAfterSeconds));
          return refuse(res, 429, [rateLimited(decision.retryAfterSeconds, decision.scope)]);
        }
        const entered = await o.lane.enter();
        if (typeof entered !== 'function') {
          res.setHeader('Retry-After', '1');
          return refuse(res, 503, [busy(1)]);
        }
        run(entered);
      })
      .catch((err: unknown) => unexpected(res, err));
  };

  /** Called with the whole body: answers the request here, or hands it to Express with the body. */
  const received = (req: IncomingMessage, res: ServerResponse, raw: string) => {
    const parsed = parseStrict(raw);
    if (parsed === undefined || Array.isArray(parsed)) {
      const early: EarlyBody =
        parsed === undefined
          ? { error: Object.assign(new Error('The request body is not valid JSON.'), { status: 400 }) }
          : { value: parsed };
      return handOn(req, res, early);
    }
    const request = parsed as OperationRequest;
    const text = textOf(request, o.trusted);
    const name = typeof request.operationName === 'string' ? request.operationName : null;
    if (text === null || !wellFormed(request) || !o.compiled.knows(text, name)) {
      return handOn(req, res, { value: parsed });
    }
    context.with(openRequestScope(o.tracing, req, res, o.path), () => serve(req, res, request));
  };

  const handOn = (req: IncomingMessage, res: ServerResponse, early: EarlyBody) => {
    (req as { [EARLY_BODY]?: EarlyBody })[EARLY_BODY] = early;
    express(req, res);
  };

  return (req, res) => {
    if (!takes(req, o.path)) return express(req, res);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      try {
        received(req, res, Buffer.concat(chunks).toString('utf8'));
      } catch (err) {
        // Nothing above throws by design; if it does, the client still gets an answer with an id.
        unexpected(res, err);
      }
    });
    // A client that goes away mid-body has nobody to answer.
    req.on('error', () => res.destroy());
  };
}

/** Whether the request can be answered here, judging by its line and headers alone. */
function takes(req: IncomingMessage, path: string): boolean {
  const h = req.headers;
  if (req.method !== 'POST' || req.url !== path) return false;
  if (h.authorization || h['x-api-key'] || h.expect) return false;
  if (h['content-encoding'] || h['transfer-encoding']) return false;
  if (!h['content-type'] || !JSON_TYPE.test(h['content-type'])) return false;
  if (h.accept !== undefined && !JSON_ACCEPTS.has(h.accept)) return false;
  const length = Number(h['content-length']);
  return Number.isInteger(length) && length > 0 && length <= MAX_DIRECT_BODY;
}

/** The body as body-parser's strict JSON reads it (an object or an array), or undefined. */
function parseStrict(raw: string): unknown {
  let i = 0;
  // JSON's whitespace: space, tab, line feed, carriage return.
  while (i < raw.length && ' \t\n\r'.includes(raw[i]!)) i++;
  if (raw[i] !== '{' && raw[i] !== '[') return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

/** The text that would run, as admission picks it (a trusted document's, when sent by id). */
function textOf(request: OperationRequest, trusted: Manifest): string | null {
  const id = documentIdOf(request);
  if (typeof id === 'string' && id) return trusted[id] ?? null;
  return typeof request.query === 'string' ? request.query : null;
}

function send(res: ServerResponse, status: number, body: string): void {
  if (res.headersSent || res.destroyed) return;
  res.statusCode = status;
  res.setHeader('Content-Type', JSON_UTF8);
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}
