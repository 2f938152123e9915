import {
  context,
  createContextKey,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';

// Request scopes ride on the async context (AsyncLocalStorage) whether or not traces are exported.
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());

/** What one HTTP request carries through its async work: its id, and its spans when traced. */
export interface RequestScope {
  requestId: string;
  tracer: Tracer | null;
  /** The HTTP request's span, then the GraphQL operation's once it starts (SQL spans go under it). */
  span: Span | null;
  /** The caller's language for messages (from `Accept-Language`). */
  language?: 'zh' | 'en';
}

const SCOPE = createContextKey('jingsai.request-scope');

/** The scope of the request whose async work is running now, if any. */
export function currentScope(): RequestScope | undefined {
  return context.active().getValue(SCOPE) as RequestScope | undefined;
}

/** `ctx` carrying `scope`: run a request's work inside it (`context.with`, `context.bind`). */
export function withScope(scope: RequestScope, span: Span | null): Context {
  const ctx = context.active().setValue(SCOPE, scope);
  return span ? trace.setSpan(ctx, span) : ctx;
}

/** Traces of one app: exported over OTLP/HTTP (JSON) to `endpoint`, or nothing when it is unset. */
export class Tracing {
  private readonly provider: TracerProvider | null;
  readonly tracer: Tracer | null;

  constructor(endpoint: string | undefined, serviceName = 'jingsai') {
    if (!endpoint) {
      this.provider = null;
      this.tracer = null;
      return;
    }
    const exporter = new OTLPTraceExporter({ url: `${endpoint.replace(/\/+$/, '')}/v1/traces` });
    this.provider = new TracerProvider({
      resource: resourceFromAttributes({ 'service.name': serviceName }),
      spanProcessors: [new BatchSpanProcessor({ exporter, scheduledDelayMillis: 500 })],
    });
    this.tracer = this.provider.getTracer('jingsai');
  }

  /** Sends what is buffered and stops; spans after this are dropped. */
  async close(): Promise<void> {
    await this.provider?.forceFlush().catch(() => {});
    await this.provider?.shutdown().catch(() => {});
  }
}

/** Starts a server span for an HTTP request (null when not traced). */
export function startHttpSpan(tracer: Tracer | null, method: string, route: string): Span | null {
  if (!tracer) return null;
  return tracer.startSpan(`${method} ${route}`, {
    kind: SpanKind.SERVER,
    attributes: { 'http.request.method': method, 'url.path': route },
  });
}

/** Starts the GraphQL operation's span under the request's, and makes it the parent of what follows. */
export function startOperationSpan(scope: RequestScope | undefined, name: string): Span | null {
  if (!scope?.tracer) return null;
  const parent = scope.span ? trace.setSpan(context.active(), scope.span) : context.active();
  const span = scope.tracer.startSpan(
    `graphql ${name}`,
    { attributes: { 'graphql.operation.name': name } },
    parent,
  );
  scope.span = span;
  return span;
}

export function endSpan(span: Span | null, error?: boolean): void {
  if (!span) return;
  if (error) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end();
}

/**
 * Records a finished SQL statement as a span under the current request's innermost span. The ORM
 * reports a statement once it is done, with its duration, so the span is back-dated.
 */
export function recordSqlSpan(sql: string, tookMs: number | undefined): void {
  const scope = currentScope();
  if (!scope?.tracer || !scope.span) return;
  const end = Date.now();
  const parent = trace.setSpan(context.active(), scope.span);
  const span = scope.tracer.startSpan(
    'sql',
    {
      kind: SpanKind.CLIENT,
      startTime: end - (tookMs ?? 0),
      attributes: { 'db.system.name': 'postgresql', 'db.query.text': sql.slice(0, 2_000) },
    },
    parent,
  );
  span.end(end);
}
