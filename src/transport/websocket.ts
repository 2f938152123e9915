import type { IncomingMessage, Server } from 'node:http';
import { execute, getOperationAST, type ExecutionArgs, type GraphQLError, type GraphQLSchema } from 'graphql';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Config } from '../config';
import type { Viewer } from '../shared/access/viewer';
import { TopLevelCode } from '../shared/errors';
import { sharedSubscribe, withDirectDelivery } from '../shared/cache';
import type { PubSub } from '../shared/graphql/pubsub';
import { metrics, SocketLog, type Logger } from '../shared/observability';
import { clientIp, originAllowed } from '../shared/security/origins';
import type { RateLimits } from '../shared/security/rate-limits';
import type { Admit, OperationRequest } from './admission';
import { languageFromConnectionParams, text, type Language } from '../shared/i18n';
import { type FormatError, topLevel } from './errors';
import { type Lane, laneExecute } from './lanes';
import { boundSends } from './slow-consumers';

interface SocketState {
  viewer: Viewer;
  ip: string;
  language: Language;
}

export interface WebSocketOptions {
  httpServer: Server;
  path: string;
  config: Config;
  schema: GraphQLSchema;
  pubsub: PubSub;
  rateLimits: RateLimits;
  admit: Admit;
  /** The public lane HTTP uses too: anonymous queries over a socket wait in it as well. */
  lane: Lane;
  format: FormatError;
  /** The caller's identity from its connection parameters; throws when they are not valid. */
  viewerFor: (creds: { authorization?: string | null; apiKey?: string | null }) => Promise<Viewer>;
  /** A subscription operation's context. */
  contextFor: (viewer: Viewer, ip: string, language: Language) => object;
  /** Where subscriptions and closes are logged. */
  logger?: Logger;
}

/**
 * graphql-ws on the GraphQL path: origin and per-IP caps at the upgrade, per-account caps at
 * `connection_init`, then each subscription through the same gate as HTTP (rate limit, trusted
 * documents, operation limits). Revoked viewers lose their sockets at once.
 */
export function attachWebSocket(o: WebSocketOptions): {
  dispose(): Promise<void>;
  close(): Promise<void>;
  /** Closes every socket with `code` (shutdown: reconnect elsewhere). */
  closeAll(code: number, reason: string): void;
  stats(): { connections: number; subscriptions: number };
} {
  const { config } = o;
  const sockets = new Map<WebSocket, SocketState>();
  // Each accepted session's subscriptions, for the metrics.
  const sessions = new Map<WebSocket, { subscriptions: Record<string, unknown> }>();
  const count = (pred: (s: SocketState) => boolean) => [...sockets.values()].filter(pred).length;
  const perIp = new Map<string, number>();
  const socketLog = new SocketLog(o.logger);

  const wsServer = new WebSocketServer({
    server: o.httpServer,
    path: o.path,
    verifyClient: (
      info: { origin: string; req: IncomingMessage },
      done: (ok: boolean, code?: number, message?: string, headers?: Record<string, string>) => void,
    ) => {
      // A refusal is a plain HTTP answer: the same header as every other answer of ours.
      const refuse = (code: number, message: string) =>
        done(false, code, message, { 'X-Content-Type-Options': 'nosniff' });
      if (!originAllowed(info.origin || undefined, config.CORS_ORIGINS, info.req)) {
        metrics.refusals.inc({ reason: 'ORIGIN_NOT_ALLOWED', transport: 'ws' });
        return refuse(403, 'Origin not allowed');
      }
      const ip = clientIp(info.req, config.TRUST_PROXY);
      if ((perIp.get(ip) ?? 0) >= config.WS_MAX_SOCKETS_PER_IP) {
        metrics.refusals.inc({ reason: 'TOO_MANY_CONNECTIONS', transport: 'ws' });
        return refuse(429, 'Too many connections');
      }
      done(true);
    },
  });
  wsServer.on('connection', (socket: WebSocket, req: IncomingMessage) => {
    const ip = clientIp(req, config.TRUST_PROXY);
    perIp.set(ip, (perIp.get(ip) ?? 0) + 1);
    socketLog.opened(socket);
    // A screen that stops reading is cut before it holds more than the bound (slow-consumers.ts).
    boundSends(socket, config.WS_MAX_BUFFERED_BYTES, (bufferedBytes) => {
      metrics.wsSlowConsumersClosed.inc();
      socketLog.slowConsumer(socket, bufferedBytes, config.WS_MAX_BUFFERED_BYTES);
    });
    socket.once('close', (code: number) => {
      socketLog.closed(socket, code);
      const n = (perIp.get(ip) ?? 1) - 1;
      if (n > 0) perIp.set(ip, n);
      else perIp.delete(ip);
      sockets.delete(socket);
      sessions.delete(socket);
    });
  });

  const wsCleanup = useServer<Record<string, unknown>, { socket: WebSocket; request: IncomingMessage }>(
    {
      schema: o.schema,
      subscribe: sharedSubscribe,
      execute: laneExecute(o.lane, execute),
      connectionInitWaitTimeout: config.WS_INIT_TIMEOUT_MS,
      onConnect: async (ctx) => {
        const params = ctx.connectionParams ?? {};
        const str = (v: unknown) => (typeof v === 'string' ? v : null);
        let viewer: Viewer;
        const ip = clientIp(ctx.extra.request, config.TRUST_PROXY);
        const creds = {
          authorization: str(params.authorization) ?? str(params.Authorization),
          apiKey: str(params.apiKey) ?? str(params['x-api-key']),
        };
        // As over HTTP, an address that keeps failing is refused before any lookup.
        if ((creds.authorization || creds.apiKey) && !(await o.rateLimits.authAllowed(ip)).allowed)
          return false;
        try {
          viewer = await o.viewerFor(creds);
        } catch (err) {
          const outage = (err as GraphQLError).extensions?.code === TopLevelCode.DATABASE_UNAVAILABLE;
          if ((creds.authorization || creds.apiKey) && !outage) await o.rateLimits.authFailed(ip);
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
        const language = languageFromConnectionParams(params, ctx.extra.request.headers['accept-language']);
        sockets.set(ctx.extra.socket, { viewer, ip, language });
        sessions.set(ctx.extra.socket, ctx);
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
              text(
                `每个连接最多 ${config.WS_MAX_SUBSCRIPTIONS_PER_SOCKET} 个订阅。`,
                `At most ${config.WS_MAX_SUBSCRIPTIONS_PER_SOCKET} subscriptions per connection.`,
              ),
            ),
          ];
        }
        const rate = await o.rateLimits.request(state.ip, state.viewer);
        if (!rate.allowed) {
          return [
            topLevel(TopLevelCode.RATE_LIMITED, text('请求过于频繁。', 'Too many requests.'), {
              retryAfterSeconds: rate.retryAfterSeconds,
            }),
          ];
        }
        const { document, errors } = o.admit(payload as OperationRequest, state.viewer, 'ws');
        if (errors.length || !document) return errors;
        const operation = getOperationAST(document, payload.operationName)?.name?.value;
        socketLog.subscribed(ctx.extra.socket, id, operation, state.viewer.kind);
        // Returning ready arguments: graphql-ws then executes exactly what was checked.
        return {
          schema: o.schema,
          document,
          variableValues: payload.variables ?? {},
          operationName: payload.operationName ?? null,
          contextValue: withDirectDelivery(o.contextFor(state.viewer, state.ip, state.language), {
            id,
            socket: ctx.extra.socket,
          }),
        };
      },
      onComplete: (ctx, id) => socketLog.completed(ctx.extra.socket, id),
      onNext: (ctx, _id, _payload, _args, result) => {
        if (!result.errors?.length) return;
        const language = sockets.get(ctx.extra.socket)?.language;
        return { ...result, errors: result.errors.map((e) => o.format(e.toJSON(), e, language)) };
      },
      onError: (ctx, _id, _payload, errors) => {
        const language = sockets.get(ctx.extra.socket)?.language;
        for (const e of errors)
          metrics.refusals.inc({
            reason: String(e.extensions?.code ?? 'GRAPHQL_VALIDATION_FAILED'),
            transport: 'ws',
          });
        return errors.map((e) => o.format(e.toJSON(), e, language));
      },
    },
    wsServer,
  );

  // Revoked accounts and keys lose their live connections at once.
  const revocations = o.pubsub.subscribe('VIEWER_REVOKED');
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

  return {
    dispose: async () => {
      await wsCleanup.dispose();
    },
    close: async () => {
      await revocations.return?.();
    },
    closeAll: (code, reason) => {
      for (const socket of wsServer.clients) socket.close(code, reason);
    },
    stats: () => ({
      connections: sessions.size,
      subscriptions: [...sessions.values()].reduce((n, s) => n + Object.keys(s.subscriptions).length, 0),
    }),
  };
}
