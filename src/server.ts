import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import express from 'express';
import type { GraphQLSchema } from 'graphql';
import type { DestinationStream } from 'pino';
import Redis from 'ioredis';
import type { Config } from './config';
import { createDomainEvents } from './events';
import { createLoaders } from './loaders';
import { authenticate, type Credentials, type TokenSettings } from './modules/account/auth.service';
import { SignedInAccounts } from './modules/account/signed-in';
import { BoardHub } from './modules/leaderboard/board.service';
import { screenRouter, venueScreens } from './modules/leaderboard/screen/screen.route';
import { devPagesRouter } from './shared/http/dev-pages';
import { createSchema } from './schema';
import { ANONYMOUS, type Viewer } from './shared/access/viewer';
import { isDatabaseUnavailable } from './shared/db/availability';
import { DatabaseChanges } from './shared/db/changes';
import { pendingMigrations } from './shared/db/orm';
import { TopLevelCode } from './shared/errors';
import { documentsRouter } from './modules/documents/documents.route';
import { DOCUMENTS_PATH, DocumentLinks } from './modules/documents/links';
import { PersonKeys } from './modules/person/person-keys';
import { createContext, type Context, type Services } from './shared/graphql/context';
import { Outbox } from './shared/events/outbox';
import { WebhookWorker } from './modules/webhook/worker';
import { createEventBus } from './shared/graphql/pubsub';
import {
  addSources,
  createLogger,
  healthRouter,
  operationPlugin,
  requestScope,
  startMetricsServer,
  Tracing,
  currentScope,
  unexpectedErrors,
  type Logger,
} from './shared/observability';
import { ReadCaches } from './shared/cache';
import type { OperationLimits } from './shared/security/operation-limits';
import { RateLimits } from './shared/security/rate-limits';
import { loadManifest, type Manifest } from './shared/security/trusted-documents';
import { admission } from './transport/admission';
import { DATABASE_UNAVAILABLE_TEXT, formatError, topLevel } from './transport/errors';
import { languageFromAcceptLanguage } from './shared/i18n';
import { CompiledQueries } from './transport/compiled';
import { directQueries } from './transport/direct';
import { httpGate } from './transport/http';
import { trustedOperations } from './transport/http-cache';
import { Lane } from './transport/lanes';
import { attachWebSocket } from './transport/websocket';

export { formatError };

export const GRAPHQL_PATH = '/graphql';

interface TarnPool {
  numUsed(): number;
  numPendingAcquires(): number;
}

export interface App {
  httpServer: Server;
  /** Full URL of the GraphQL endpoint (http://host:port/graphql). */
  url: string;
  schema: GraphQLSchema;
  /** The separate `/metrics` listener's URL, when METRICS_PORT is set. */
  metricsUrl: string | null;
  logger: Logger;
  /**
   * The SIGTERM path: `/readyz` turns 503 at once; after SHUTDOWN_READY_DELAY_MS WebSocket clients
   * are told to reconnect elsewhere (close code 1012), HTTP drains, and everything closes.
   */
  shutdown(): Promise<void>;
  /** Drops the anonymous reads shared for a moment (after a write made behind the API's back). */
  forgetRecentReads(): void;
  /** Resolves when the events committed so far have been handed on and marked delivered. */
  eventsSettled(): Promise<void>;
  close(): Promise<void>;
}

export interface AppOptions {
  config: Config;
  orm: MikroORM;
  log?: (line: string) => void;
  /** The time webhook deliveries go by (tests move it forward to walk the retry schedule). */
  clock?: () => Date;
  /** Where the structured (pino) log goes; stdout unless given (tests read their own). */
  logDestination?: DestinationStream;
  /** The process's logger, when the caller has one already (src/main.ts). */
  logger?: Logger;
}

/** The close code that tells a WebSocket client this instance is going away: reconnect (elsewhere). */
export const RECONNECT_CLOSE_CODE = 1012;

export async function createApp(options: AppOptions): Promise<App> {
  const { config, orm, log: logLine, logDestination, clock = () => new Date() } = options;
  const production = config.NODE_ENV === 'production';
  const logger = options.logger ?? createLogger(config.LOG_LEVEL, logDestination);
  const log = logLine ?? ((line: string) => logger.info(line));
  const tracing = new Tracing(config.OTEL_EXPORTER_OTLP_ENDPOINT);
  const health = { draining: false };
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
      authFailuresPerMinute: config.AUTH_FAILURES_PER_MINUTE,
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
      onChange: (c) => {
        if (c.table === 'trade') boards.heard(c.id);
        else if (c.table === 'competition') recent.forget();
        else accounts.forget();
      },
      onGap: () => {
        boards.checkAll();
        accounts.forget();
      },
    },
    log,
  );
  const trusts = (readAt: number) => changes.trusts(readAt);
  // Anonymous reads shared for a moment; a board change this instance hears of ends them at once.
  const recent = new ReadCaches(config.SHARED_READS_MS, config.SHARED_ROWS_MS, trusts);
  const boards = new BoardHub(orm, pubsub, 200, log, () => recent.forget(), trusts);
  const accounts = new SignedInAccounts(trusts);
  await changes.start();
  const events = createDomainEvents(pubsub, log);
  // Every commit through this instance ends the anonymous reads shared until then.
  events.onCommit(() => recent.forget());
  // A change to accounts made through this instance is seen by its next request, notice or not.
  events.on('VIEWER_REVOKED', () => accounts.forget());
  events.on('ORGANIZATION_MOVED', () => accounts.forget());
  const documentLinks = new DocumentLinks(config.JWT_SECRET, config.DOCUMENT_LINK_TTL_SECONDS);
  const outbox = new Outbox(
    () => orm.em.fork() as EntityManager,
    events,
    { pollMs: config.OUTBOX_POLL_MS, graceMs: config.OUTBOX_GRACE_MS },
    log,
  );
  const webhooks = new WebhookWorker(
    () => orm.em.fork() as EntityManager,
    {
      pollMs: config.WEBHOOKS_POLL_MS,
      timeoutMs: config.WEBHOOKS_TIMEOUT_MS,
      allowPrivate: config.WEBHOOKS_ALLOW_PRIVATE,
      clock,
    },
    log,
  );
  // Every outbox event, live or redelivered, becomes its webhook deliveries.
  webhooks.listen(events);
  const services: Services = {
    orm,
    pubsub,
    rateLimits,
    recent,
    events,
    modules: {
      tokens,
      boards,
      documentLinks,
      personKeys: new PersonKeys(config.PERSON_ID_HMAC_KEY),
      webhooks,
    },
    loaders: createLoaders,
  };
  const format = formatError(production, (error, errorId) =>
    logger.error({ err: error, errorId, requestId: currentScope()?.requestId }, 'unexpected error'),
  );

  async function viewerFor(creds: Credentials): Promise<Viewer> {
    try {
      return await authenticate(() => orm.em.fork() as never, tokens, creds, accounts);
    } catch (err) {
      if (isDatabaseUnavailable(err)) {
        throw topLevel(TopLevelCode.DATABASE_UNAVAILABLE, DATABASE_UNAVAILABLE_TEXT, {
          retryable: true,
        });
      }
      throw err;
    }
  }

  const admit = admission(schema, trusted, limits);
  // One public lane for both transports: anonymous work is bounded, judges and staff go first.
  const lane = new Lane({
    concurrency: config.PUBLIC_CONCURRENCY,
    queueMax: config.PUBLIC_QUEUE_MAX,
    waitMs: config.PUBLIC_QUEUE_WAIT_MS,
  });

  const app = express();
  app.disable('x-powered-by');
  // No answer of this server is ever to be sniffed into another type.
  app.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    next();
  });
  app.use(requestScope(tracing));
  // The direct listener (set below) answers the hottest public reads before Express sees them.
  let handle: (req: IncomingMessage, res: ServerResponse) => void = app;
  const httpServer = createServer((req, res) => handle(req, res));

  const ws = attachWebSocket({
    httpServer,
    path: GRAPHQL_PATH,
    config,
    schema,
    pubsub,
    rateLimits,
    admit,
    lane,
    format,
    viewerFor,
    contextFor: (viewer, ip, language) => createContext(services, viewer, ip, false, language),
    logger,
  });

  const drainWs: ApolloServerPlugin = {
    async serverWillStart() {
      return {
        async drainServer() {
          // Board subscriptions first end with a frame saying why (a shutdown), then the sockets close.
          boards.close();
          await new Promise((r) => setTimeout(r, 50));
          await ws.dispose();
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
      recent.plugin(),
      operationPlugin<Context>(logger, (c) => c.viewer.kind),
    ],
    formatError: format,
    introspection: config.INTROSPECTION,
    includeStacktraceInErrorResponses: !production,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
  });
  await apollo.start();

  app.use(
    healthRouter(health, async () => {
      try {
        await orm.em.getConnection().execute('select 1');
      } catch {
        return 'database unavailable';
      }
      return (await pendingMigrations(orm)).length ? 'migrations pending' : null;
    }),
  );

  // Printable documents behind signed links (GraphQL hands out the links).
  app.use(
    DOCUMENTS_PATH,
    documentsRouter(documentLinks, (viewer) => createContext(services, viewer)),
  );

  // The venue big screen: GET /screen/trades/:tradeId, its script and style, /screen/graphql-ws.js.
  app.use('/screen', screenRouter(GRAPHQL_PATH));
  // The IDE on GET /graphql for browsers, the start page and the README: never in production.
  if (!production)
    app.use(devPagesRouter({ graphqlPath: GRAPHQL_PATH, venueScreens: () => venueScreens(orm.em.fork()) }));

  // The GraphQL path is an app of its own so that Express's weak ETag is off there only: public
  // reads carry a strong ETag of their own (src/transport/http-cache.ts), no other answer has one;
  // static files (the screen's font) keep theirs.
  const graphqlApp = express();
  graphqlApp.disable('x-powered-by');
  graphqlApp.set('etag', false);
  const httpContext = (req: express.Request, res: express.Response) =>
    createContext(
      services,
      res.locals.viewer as Viewer,
      res.locals.ip as string,
      true,
      languageFromAcceptLanguage(req.headers['accept-language']),
    );
  graphqlApp.use(
    httpGate({ config, rateLimits, admit, operations: trustedOperations(trusted), lane, format, viewerFor }),
  );
  // Anonymous queries run compiled, past Apollo; everything else, and any request it leaves, goes on.
  const compiled = new CompiledQueries({ schema, format, logger, production, shared: recent.shared });
  if (config.COMPILED_QUERIES) graphqlApp.use(compiled.middleware(httpContext));
  graphqlApp.use(expressMiddleware(apollo, { context: async ({ req, res }) => httpContext(req, res) }));
  app.use(GRAPHQL_PATH, graphqlApp);

  app.use(unexpectedErrors(logger));
  // Anonymous POSTs of queries already compiled skip Express altogether (src/transport/direct.ts).
  if (config.COMPILED_QUERIES && config.DIRECT_QUERIES)
    handle = directQueries(
      {
        config,
        path: GRAPHQL_PATH,
        tracing,
        logger,
        rateLimits,
        admit,
        lane,
        format,
        trusted,
        compiled,
        contextFor: (ip, language) => createContext(services, ANONYMOUS, ip, true, language),
      },
      app,
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
    await tracing.close();
    throw err;
  });
  const { port } = httpServer.address() as AddressInfo;
  const host = config.HOST === '0.0.0.0' ? 'localhost' : config.HOST;
  const url = `http://${host}:${port}${GRAPHQL_PATH}`;
  log(`GraphQL API ready at ${url}`);
  // Events a previous process committed but did not deliver (it died) go out now.
  await outbox.start();
  await webhooks.start();
  const metricsServer =
    config.METRICS_PORT === undefined
      ? null
      : await startMetricsServer(config.METRICS_HOST, config.METRICS_PORT);
  const pool = () => (orm.em.getConnection().getKnex().client as { pool?: TarnPool }).pool;
  const dropSources = addSources({
    websockets: ws.stats,
    pool: () => ({ inUse: pool()?.numUsed() ?? 0, waiting: pool()?.numPendingAcquires() ?? 0 }),
  });

  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await apollo.stop();
    await outbox.close();
    await webhooks.close();
    boards.close();
    await changes.close();
    await ws.close();
    await pubsub.close();
    redis?.disconnect();
    dropSources();
    await metricsServer?.close();
    await tracing.close();
  };
  return {
    httpServer,
    url,
    schema,
    metricsUrl: metricsServer?.url ?? null,
    logger,
    forgetRecentReads: () => recent.forget(),
    eventsSettled: () => outbox.settled(),
    close,
    shutdown: async () => {
      if (health.draining) return;
      health.draining = true;
      logger.info({ delayMs: config.SHUTDOWN_READY_DELAY_MS }, 'draining: not ready');
      // The orchestrator or proxy sees /readyz fail and stops sending before anything closes.
      await new Promise((r) => setTimeout(r, config.SHUTDOWN_READY_DELAY_MS));
      // Board subscriptions end with a frame saying why, then the sockets close with "reconnect".
      boards.close();
      await new Promise((r) => setTimeout(r, 50));
      ws.closeAll(RECONNECT_CLOSE_CODE, 'Server shutting down; reconnect');
      await close();
      logger.info('drained');
    },
  };
}
