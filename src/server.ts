import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import type { MikroORM } from '@mikro-orm/postgresql';
import express from 'express';
import { GraphQLError, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Config } from './config';
import { authenticate, type Credentials, type TokenSettings } from './modules/account/auth.service';
import { createSchema } from './schema';
import type { Viewer } from './shared/access/viewer';
import { isDatabaseUnavailable } from './shared/db/availability';
import { TopLevelCode } from './shared/errors';
import { createContext, type Context, type Services } from './shared/graphql/context';
import { createEventBus } from './shared/graphql/pubsub';

export const GRAPHQL_PATH = '/graphql';

export interface App {
  httpServer: Server;
  /** Full URL of the GraphQL endpoint (http://host:port/graphql). */
  url: string;
  schema: GraphQLSchema;
  close(): Promise<void>;
}

export interface AppOptions {
  config: Config;
  orm: MikroORM;
  log?: (line: string) => void;
}

function unavailable(): GraphQLError {
  return new GraphQLError('The database is unavailable; retry shortly.', {
    extensions: { code: TopLevelCode.DATABASE_UNAVAILABLE, retryable: true, http: { status: 503 } },
  });
}

/** Expected top-level errors keep their code; anything else is masked in production. */
export function formatError(production: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    if (isDatabaseUnavailable(error)) {
      return {
        message: 'The database is unavailable; retry shortly.',
        ...(formatted.locations ? { locations: formatted.locations } : {}),
        ...(formatted.path ? { path: formatted.path } : {}),
        extensions: { code: TopLevelCode.DATABASE_UNAVAILABLE, retryable: true },
      };
    }
    const code = formatted.extensions?.code;
    if (production && (code === undefined || code === TopLevelCode.INTERNAL_SERVER_ERROR)) {
      return {
        message: 'Internal server error.',
        ...(formatted.path ? { path: formatted.path } : {}),
        extensions: { code: TopLevelCode.INTERNAL_SERVER_ERROR },
      };
    }
    if (code === undefined)
      return { ...formatted, extensions: { ...formatted.extensions, code: 'INTERNAL_SERVER_ERROR' } };
    return formatted;
  };
}

export async function createApp({ config, orm, log = () => {} }: AppOptions): Promise<App> {
  const pubsub = createEventBus();
  const schema = await createSchema(pubsub);
  const tokens: TokenSettings = { secret: config.JWT_SECRET, ttlSeconds: config.JWT_TTL_SECONDS };
  const services: Services = { orm, pubsub, tokens };
  const production = config.NODE_ENV === 'production';

  async function viewerFor(creds: Credentials): Promise<Viewer> {
    try {
      return await authenticate(orm.em.fork() as never, tokens, creds);
    } catch (err) {
      if (isDatabaseUnavailable(err)) throw unavailable();
      if (err instanceof GraphQLError) {
        throw new GraphQLError(err.message, { extensions: { ...err.extensions, http: { status: 401 } } });
      }
      throw err;
    }
  }

  const app = express();
  app.disable('x-powered-by');
  const httpServer = createServer(app);

  const wsServer = new WebSocketServer({ server: httpServer, path: GRAPHQL_PATH });
  const wsCleanup = useServer<Record<string, unknown>, { viewer?: Viewer }>(
    {
      schema,
      onConnect: async (ctx) => {
        const params = ctx.connectionParams ?? {};
        const str = (v: unknown) => (typeof v === 'string' ? v : null);
        try {
          ctx.extra.viewer = await viewerFor({
            authorization: str(params.authorization) ?? str(params.Authorization),
            apiKey: str(params.apiKey) ?? str(params['x-api-key']),
          });
          return true;
        } catch {
          return false;
        }
      },
      // One forked EntityManager and one DataLoader set per subscription operation.
      context: (ctx): Context => createContext(services, ctx.extra.viewer!),
    },
    wsServer,
  );

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
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer }), drainWs],
    formatError: formatError(production),
    introspection: !production,
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

  app.use(
    GRAPHQL_PATH,
    express.json({ limit: '8mb' }),
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        const header = (name: string) => {
          const v = req.headers[name];
          return Array.isArray(v) ? v[0] : v;
        };
        const viewer = await viewerFor({
          authorization: header('authorization'),
          apiKey: header('x-api-key'),
        });
        return createContext(services, viewer);
      },
    }),
  );

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.PORT, config.HOST, () => resolve());
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
    close: async () => {
      if (closed) return;
      closed = true;
      await apollo.stop();
    },
  };
}
