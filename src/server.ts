import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import type { MikroORM } from '@mikro-orm/postgresql';
import cors from 'cors';
import express, { type NextFunction, type Request, type Response } from 'express';
import {
  type DocumentNode,
  type ExecutionArgs,
  GraphQLError,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from 'graphql';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import Redis from 'ioredis';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Config } from './config';
import { authenticate, type Credentials, type TokenSettings } from './modules/account/auth.service';
import { createLoaders } from './loaders';
import { createSchema } from './schema';
import type { Viewer } from './shared/access/viewer';
import { isDatabaseUnavailable } from './shared/db/availability';
import { DatabaseChanges } from './shared/db/changes';
import { DomainError, TopLevelCode } from './shared/errors';
import { createContext, type Context, type Services } from './shared/graphql/context';
import { createEventBus } from './shared/graphql/pubsub';
import { sharedSubscribe, withDirectDelivery } from './shared/graphql/fanout';
import { RecentReads } from './shared/graphql/recent';
import { sharedAnonymousReads } from './shared/graphql/shared-reads';
import { BoardHub } from './modules/leaderboard/board.service';
import { screenRouter } from './modules/leaderboard/screen/screen.route';
import { checkOperation, type OperationLimits } from './shared/security/operation-limits';
import { clientIp, originAllowed } from './shared/security/origins';
import { RateLimits } from './shared/security/rate-limits';
import { isFirstParty, loadManifest, type Manifest } from './shared/security/trusted-documents';

export const GRAPHQL_PATH = '/graphql';

export interface App {
  httpServer: Server;
  /** Full URL of the GraphQL endpoint (http://host:port/graphql). */
  url: string;
  schema: GraphQLSchema;
  /** Drops the anonymous reads shared for a moment (after a write made behind the API's back). */
  forgetRecentReads(): void;
  close(): Promise<void>;
}

export interface AppOptions {
  config: Config;
  orm: MikroORM;
  log?: (line: string) => void;
}

const STATEMENT_CANCELLED = '57014';

function topLevel(code: string, message: string, extra: Record<string, unknown> = {}): GraphQLError {
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

/**
 * One error policy for both transports: expected codes pass through, database
 * outages and timeouts become retryable codes, and in production nothing
 * internal leaks (no stack traces, no messages, no field suggestions).
 */
export function formatError(production: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
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
    if (production && (code === undefined || code === TopLevelCode.INTERNAL_SERVER_ERROR)) {
      return {
        message: 'Internal server error.',
        ...where,
        extensions: { code: TopLevelCode.INTERNAL_SERVER_ERROR },
      };
    }
    const message = production ? formatted.message.replace(/ ?Did you mean .*\?$/, '') : formatted.message;
    const extensions: Record<string, unknown> = {
      ...formatted.extensions,
      code: code ?? TopLevelCode.INTERNAL_SERVER_ERROR,
    };
    if (production) delete extensions.stacktrace;
    return { ...formatted, message, extensions };
  };
}

interface OperationRequest {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
  documentId?: unknown;
  extensions?: unknown;
}

interface SocketState {
  viewer: Viewer;
  ip: string;
}

export async function createApp({ config, orm, log = () => {} }: AppOptions): Promise<App> {
  const production = config.NODE_ENV === 'production';
  const redis = config.REDIS_URL
    ? new Redis(config.REDIS_URL, { maxRetriesPerRequest: 2, lazyConnect: false })
    : null;
  redis?.on('error', (e) => log(`redis: ${e.message}`));
  const rateLimits = new RateLimits(
    {
      ipPerMinute: config.RATE_LIMIT_IP_PER_MINUTE,
      accountPerMinute: config.RATE_LIMIT_ACCOUNT_PER_MINUTE,
      apiKeyPerMinute: config.RATE_LIMIT_API_KEY_PER_MINUTE,
      signInMaxFailures: config.SIGN_IN_MAX_FAILURES,
      signInLockoutSeconds: config.SIGN_IN_LOCKOUT_SECONDS,
    },
    redis,
    config.REDIS_KEY_PREFIX,
  );
  const limits: OperationLimits = {
    maxCharacters: config.MAX_QUERY_CHARACTERS,
    maxTokens: config.MAX_QUERY_TOKENS,
    maxDepth: config.MAX_QUERY_DEPTH,
    maxAliases: config.MAX_QUERY_ALIASES,
    maxDirectives: config.MAX_QUERY_DIRECTIVES,
    maxCost: config.MAX_QUERY_COST,
    introspection: config.INTROSPECTION,
  };
  const trusted: Manifest = loadManifest(config.TRUSTED_DOCUMENTS_PATH);
  const pubsub = createEventBus(config, log);
  const schema = await createSchema(pubsub);
  const tokens: TokenSettings = { secret: config.JWT_SECRET, ttlSeconds: config.JWT_TTL_SECONDS };
  // PostgreSQL announces every committed change to a trade or competition, whoever made it: while
  // that is heard, boards and shared rows are trusted until a notice comes, not re-checked every 50 ms.
  const changes = new DatabaseChanges(
    orm.config.get('clientUrl')!,
    {
      // The board hub forgets the shared reads itself when it hears of a trade.
      onChange: (c) => (c.table === 'trade' ? boards.heard(c.id) : recent.forget()),
      onGap: () => boards.checkAll(),
    },
    log,
  );
  const trusts = (readAt: number) => changes.trusts(readAt);
  // Anonymous reads shared for a moment; a board change this instance hears of ends them at once.
  const recent = new RecentReads(config.SHARED_READS_MS, trusts);
  const boards = new BoardHub(orm, pubsub, 200, log, () => recent.forget(), trusts);
  await changes.start();
  const services: Services = {
    orm,
    pubsub,
    rateLimits,
    recent,
    modules: { tokens, boards },
    loaders: createLoaders,
  };
  const format = formatError(production);

  async function viewerFor(creds: Credentials): Promise<Viewer> {
    try {
      return await authenticate(() => orm.em.fork() as never, tokens, creds);
    } catch (err) {
      if (isDatabaseUnavailable(err)) {
        throw topLevel(TopLevelCode.DATABASE_UNAVAILABLE, 'The database is unavailable; retry shortly.', {
          retryable: true,
        });
      }
      throw err;
    }
  }

  /**
   * The gate every operation passes on either transport, before any resolver
   * or SQL: trusted documents for first-party clients, then the limits.
   */
  function admit(
    request: OperationRequest,
    viewer: Viewer,
    transport: 'http' | 'ws',
  ): { query: string; document: DocumentNode | null; errors: GraphQLError[] } {
    const ext = (request.extensions ?? {}) as { documentId?: unknown };
    const id = request.documentId ?? ext.documentId;
    let query = typeof request.query === 'string' ? request.query : '';
    if (typeof id === 'string' && id) {
      const doc = trusted[id];
      if (!doc) {
        return {
          query,
          document: null,
          errors: [topLevel(TopLevelCode.TRUSTED_DOCUMENT_NOT_FOUND, `No trusted document has id ${id}.`)],
        };
      }
      query = doc;
    } else if (isFirstParty(viewer)) {
      return {
        query,
        document: null,
        errors: [
          topLevel(
            TopLevelCode.TRUSTED_DOCUMENT_REQUIRED,
            'This client may send only trusted documents, by documentId.',
          ),
        ],
      };
    }
    const variables = (
      request.variables && typeof request.variables === 'object' ? request.variables : {}
    ) as Record<string, unknown>;
    const operationName = typeof request.operationName === 'string' ? request.operationName : null;
    const { document, errors } = checkOperation(schema, query, variables, operationName, limits, transport);
    return { query, document, errors };
  }

  const app = express();
  app.disable('x-powered-by');
  const httpServer = createServer(app);

  // ------------------------------------------------------------ WebSocket
  const sockets = new Map<WebSocket, SocketState>();
  const count = (pred: (s: SocketState) => boolean) => [...sockets.values()].filter(pred).length;
  const perIp = new Map<string, number>();

  const wsServer = new WebSocketServer({
    server: httpServer,
    path: GRAPHQL_PATH,
    verifyClient: (
      info: { origin: string; req: IncomingMessage },
      done: (ok: boolean, code?: number, message?: string) => void,
    ) => {
      if (!originAllowed(info.origin || undefined, config.CORS_ORIGINS, info.req))
        return done(false, 403, 'Origin not allowed');
      const ip = clientIp(info.req);
      if ((perIp.get(ip) ?? 0) >= config.WS_MAX_SOCKETS_PER_IP)
        return done(false, 429, 'Too many connections');
      done(true);
    },
  });
  wsServer.on('connection', (socket: WebSocket, req: IncomingMessage) => {
    const ip = clientIp(req);
    perIp.set(ip, (perIp.get(ip) ?? 0) + 1);
    socket.once('close', () => {
      const n = (perIp.get(ip) ?? 1) - 1;
      if (n > 0) perIp.set(ip, n);
      else perIp.delete(ip);
      sockets.delete(socket);
    });
  });

  const wsCleanup = useServer<Record<string, unknown>, { socket: WebSocket; request: IncomingMessage }>(
    {
      schema,
      subscribe: sharedSubscribe,
      connectionInitWaitTimeout: config.WS_INIT_TIMEOUT_MS,
      onConnect: async (ctx) => {
        const params = ctx.connectionParams ?? {};
        const str = (v: unknown) => (typeof v === 'string' ? v : null);
        let viewer: Viewer;
        try {
          viewer = await viewerFor({
            authorization: str(params.authorization) ?? str(params.Authorization),
            apiKey: str(params.apiKey) ?? str(params['x-api-key']),
          });
        } catch {
          return false; // 4403 Forbidden
        }
        if (viewer.kind === 'account') {
          const mine = count((s) => s.viewer.kind === 'account' && s.viewer.accountId === viewer.accountId);
          if (mine >= config.WS_MAX_SOCKETS_PER_ACCOUNT) {
            ctx.extra.socket.close(CloseCode.Forbidden, 'Too many connections for this account');
            return false;
          }
        }
        // The socket may have closed while we authenticated; tracking it now would leak its place.
        if (ctx.extra.socket.readyState !== ctx.extra.socket.OPEN) return false;
        sockets.set(ctx.extra.socket, { viewer, ip: clientIp(ctx.extra.request) });
        // Nothing reads the upgrade request again; a screen connected for hours need not keep it.
        delete (ctx.extra as { request?: IncomingMessage }).request;
        return true;
      },
      onSubscribe: async (ctx, id, payload): Promise<ExecutionArgs | GraphQLError[]> => {
        const state = sockets.get(ctx.extra.socket)!;
        // graphql-ws records the id before this runs and drops it when `complete` arrives,
        // so a burst of subscribes cannot slip past the cap.
        if (Object.keys(ctx.subscriptions).length > config.WS_MAX_SUBSCRIPTIONS_PER_SOCKET) {
          return [
            topLevel(
              TopLevelCode.TOO_MANY_SUBSCRIPTIONS,
              `At most ${config.WS_MAX_SUBSCRIPTIONS_PER_SOCKET} subscriptions per connection.`,
            ),
          ];
        }
        const rate = await rateLimits.request(state.ip, state.viewer);
        if (!rate.allowed) {
          return [
            topLevel(TopLevelCode.RATE_LIMITED, 'Too many requests.', {
              retryAfterSeconds: rate.retryAfterSeconds,
            }),
          ];
        }
        const { document, errors } = admit(payload as OperationRequest, state.viewer, 'ws');
        if (errors.length || !document) return errors;
        // Returning ready arguments: graphql-ws then executes exactly what was checked.
        return {
          schema,
          document,
          variableValues: payload.variables ?? {},
          operationName: payload.operationName ?? null,
          contextValue: withDirectDelivery(createContext(services, state.viewer, state.ip), {
            id,
            socket: ctx.extra.socket,
          }),
        };
      },
      onNext: (_ctx, _id, _payload, _args, result) => {
        if (!result.errors?.length) return;
        return { ...result, errors: result.errors.map((e) => format(e.toJSON(), e)) };
      },
      onError: (_ctx, _id, _payload, errors) => errors.map((e) => format(e.toJSON(), e)),
    },
    wsServer,
  );

  // Revoked accounts and keys lose their live connections at once.
  const revocations = pubsub.subscribe('VIEWER_REVOKED');
  void (async () => {
    for await (const revoked of revocations) {
      for (const [socket, state] of sockets) {
        const v = state.viewer;
        const hit =
          (revoked.accountId !== undefined && v.kind === 'account' && v.accountId === revoked.accountId) ||
          (revoked.apiKeyId !== undefined && v.kind === 'apiKey' && v.apiKeyId === revoked.apiKeyId);
        if (hit) socket.close(CloseCode.Forbidden, 'Access revoked');
      }
    }
  })();

  const drainWs: ApolloServerPlugin = {
    async serverWillStart() {
      return {
        async drainServer() {
          await wsCleanup.dispose();
        },
      };
    },
  };

  const apollo = new ApolloServer<Context>({
    schema,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      drainWs,
      // No HTTP cache hints are served; the plugin would wrap every field's resolver.
      ApolloServerPluginCacheControlDisabled(),
      sharedAnonymousReads(recent.answers),
    ],
    formatError: format,
    introspection: config.INTROSPECTION,
    includeStacktraceInErrorResponses: !production,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
  });
  await apollo.start();

  app.get('/healthz', async (_req, res) => {
    try {
      await orm.em.getConnection().execute('select 1');
      res.json({ status: 'ok' });
    } catch {
      res.status(503).json({ status: 'database unavailable' });
    }
  });

  // The venue big screen: GET /screen/trades/:tradeId, its script and style, /screen/graphql-ws.js.
  app.use('/screen', screenRouter(GRAPHQL_PATH));

  // ------------------------------------------------------------ HTTP
  const refuse = (res: Response, status: number, errors: GraphQLError[]) => {
    if (res.headersSent) return;
    res.status(status).json({ errors: errors.map((e) => format(e.toJSON(), e)) });
  };

  const deadline = (_req: Request, res: Response, next: NextFunction) => {
    const timer = setTimeout(() => {
      if (res.headersSent) return;
      refuse(res, 503, [
        topLevel(TopLevelCode.REQUEST_TIMEOUT, 'The request took too long; retry shortly.', {
          retryable: true,
        }),
      ]);
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
    refuse(res, status, [
      topLevel(
        status === 413 ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST',
        status === 413 ? 'The request body is too large.' : 'The request body is not valid JSON.',
      ),
    ]);
  };

  const authenticateRequest = async (req: Request, res: Response, next: NextFunction) => {
    const header = (name: string) => {
      const v = req.headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    try {
      res.locals.viewer = await viewerFor({
        authorization: header('authorization'),
        apiKey: header('x-api-key'),
      });
      res.locals.ip = clientIp(req);
      next();
    } catch (err) {
      if (err instanceof GraphQLError) {
        const code = err.extensions.code;
        return refuse(res, code === TopLevelCode.DATABASE_UNAVAILABLE ? 503 : 401, [err]);
      }
      next(err);
    }
  };

  const rateLimit = async (_req: Request, res: Response, next: NextFunction) => {
    const decision = await rateLimits.request(res.locals.ip as string, res.locals.viewer as Viewer);
    if (decision.allowed) return next();
    res.setHeader('Retry-After', String(decision.retryAfterSeconds));
    refuse(res, 429, [
      topLevel(
        TopLevelCode.RATE_LIMITED,
        `Too many requests per ${decision.scope}; retry in ${decision.retryAfterSeconds} s.`,
        {
          retryAfterSeconds: decision.retryAfterSeconds,
        },
      ),
    ]);
  };

  const gate = (req: Request, res: Response, next: NextFunction) => {
    if (Array.isArray(req.body)) {
      return refuse(res, 400, [topLevel(TopLevelCode.BATCHING_DISABLED, 'Send one operation per request.')]);
    }
    let request: OperationRequest;
    if (req.method === 'GET') {
      const q = req.query as Record<string, string | undefined>;
      let variables: unknown = {};
      try {
        variables = q.variables ? JSON.parse(q.variables) : {};
      } catch {
        variables = {};
      }
      request = { query: q.query, variables, operationName: q.operationName, documentId: q.documentId };
    } else {
      request = (req.body ?? {}) as OperationRequest;
    }
    const { query, errors } = admit(request, res.locals.viewer as Viewer, 'http');
    if (errors.length) return refuse(res, 400, errors);
    // A document sent by id runs as the trusted text.
    if (req.method !== 'GET' && req.body && typeof req.body === 'object') req.body.query = query;
    next();
  };

  app.use(
    GRAPHQL_PATH,
    cors((req, done) =>
      done(null, {
        origin: originAllowed(req.headers.origin, config.CORS_ORIGINS, req as IncomingMessage),
        credentials: true,
        maxAge: 600,
      }),
    ),
    deadline,
    express.json({ limit: '8mb' }),
    badBody,
    authenticateRequest,
    rateLimit,
    gate,
    expressMiddleware(apollo, {
      context: async ({ res }) =>
        createContext(services, res.locals.viewer as Viewer, res.locals.ip as string, true),
    }),
  );

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.PORT, config.HOST, () => resolve());
  }).catch(async (err: unknown) => {
    // The port is taken (say): nothing of this app may keep the process alive.
    await apollo.stop();
    boards.close();
    await changes.close();
    await pubsub.close();
    redis?.disconnect();
    throw err;
  });
  const { port } = httpServer.address() as AddressInfo;
  const host = config.HOST === '0.0.0.0' ? 'localhost' : config.HOST;
  const url = `http://${host}:${port}${GRAPHQL_PATH}`;
  log(`GraphQL API ready at ${url}`);

  let closed = false;
  return {
    httpServer,
    url,
    schema,
    forgetRecentReads: () => recent.forget(),
    close: async () => {
      if (closed) return;
      closed = true;
      await apollo.stop();
      boards.close();
      await changes.close();
      await revocations.return?.();
      await pubsub.close();
      redis?.disconnect();
    },
  };
}
