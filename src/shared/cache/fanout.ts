import {
  createSourceEventStream,
  type ExecutionArgs,
  type ExecutionResult,
  execute,
  getOperationAST,
  print,
  subscribe,
} from 'graphql';

/**
 * Fan-out of shared subscription events. graphql-ws executes a subscription's selection for each
 * subscriber and serialises each result: at thousands of screens on one board that is most of
 * the cost. For root fields whose events are shared, viewer-independent objects (a board frame is
 * computed once per group of subscribers who see the same thing), the selection runs once per
 * event and document and is serialised once; each socket then gets that JSON inside its own
 * `next` message (direct delivery, below).
 */
const SHARED_ROOT_FIELDS = new Set(['boardUpdates']);

/** Counters, for tests and diagnostics: selections executed vs. messages delivered. */
export const fanoutStats = { executions: 0, deliveries: 0 };

/** An event's result for one document, and the JSON of its root field (null when it has errors). */
interface SharedResult {
  result: ExecutionResult;
  json: string | null;
}
/** Per event object, per document: dropped with the event. */
const perEvent = new WeakMap<object, Map<string, Promise<SharedResult>>>();

/** graphql-ws's `next` message for a shared event; built per message, so idle screens hold nothing more. */
function nextMessage(id: string, key: string, json: string): string {
  return `{"id":${JSON.stringify(id)},"type":"next","payload":{"data":{${JSON.stringify(key)}:${json}}}}`;
}

/** Where a subscription's shared events can be written straight to its socket. */
export interface DirectDelivery {
  /** The graphql-ws subscription id. */
  id: string;
  /**
   * The subscription's socket: one graphql-ws message (JSON text) per `send`. The transport bounds
   * it (src/transport/slow-consumers.ts): a socket holding more than `WS_MAX_BUFFERED_BYTES` unsent
   * is cut there and what is sent to it afterwards is dropped, so this loop never buffers for a
   * screen that stopped reading.
   */
  socket: { send(message: string): void };
}

const DIRECT = Symbol('direct delivery');

/** Marks a subscription's context with its socket and id (graphql-ws `onSubscribe`). */
export function withDirectDelivery<T extends object>(context: T, delivery: DirectDelivery): T {
  Object.defineProperty(context, DIRECT, { value: delivery, enumerable: false });
  return context;
}

/** Drop-in for graphql's `subscribe`, sharing the work for the fields above. */
export async function sharedSubscribe(
  args: ExecutionArgs,
): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  const op = getOperationAST(args.document, args.operationName);
  const field = op?.selectionSet.selections.length === 1 ? op.selectionSet.selections[0] : undefined;
  if (!field || field.kind !== 'Field' || !SHARED_ROOT_FIELDS.has(field.name.value)) return subscribe(args);
  const key = field.alias?.value ?? field.name.value;
  const source = await createSourceEventStream(args);
  if (!(Symbol.asyncIterator in source)) return source as ExecutionResult;
  // The shared events need nothing of the request's context (its EntityManager, its loaders) once
  // subscribed: graphql-ws holds these arguments as long as the subscription lives, so keep only
  // the viewer there, for the access guard.
  const context = args.contextValue as { viewer?: unknown; [DIRECT]?: DirectDelivery } | undefined;
  const viewer = context?.viewer;
  const direct = context?.[DIRECT];
  (args as { contextValue: unknown }).contextValue = { viewer };
  const events = source as AsyncIterableIterator<unknown>;
  const docKey = `${print(args.document)}\n${args.operationName ?? ''}\n${JSON.stringify(args.variableValues ?? {})}`;

  const map = async (event: unknown): Promise<SharedResult> => {
    if (typeof event !== 'object' || event === null)
      return { result: await execute({ ...args, rootValue: event }), json: null };
    let byDoc = perEvent.get(event);
    if (!byDoc) perEvent.set(event, (byDoc = new Map()));
    let shared = byDoc.get(docKey);
    fanoutStats.deliveries++;
    if (!shared) {
      fanoutStats.executions++;
      shared = Promise.resolve(execute({ ...args, rootValue: event })).then((result) => ({
        result,
        json: result.errors?.length ? null : JSON.stringify(result.data?.[key] ?? null),
      }));
      byDoc.set(docKey, shared);
    }
    return shared;
  };

  /**
   * With direct delivery, a shared event is written to the socket here, as the message graphql-ws
   * would have built, without passing each of thousands of subscribers through graphql-ws's own
   * loop (several promises, a copy and a serialisation per subscriber and event). What is not a
   * shared event (an error), or has no socket to go to, is handed to graphql-ws. The subscription
   * stays graphql-ws's: `complete` and closing the socket end it through `return()` as before.
   */
  const nextResult = async (): Promise<IteratorResult<ExecutionResult>> => {
    for (;;) {
      const n = await events.next();
      if (n.done) return { done: true, value: undefined };
      const { result, json } = await map(n.value);
      if (!direct || json === null) return { done: false, value: result };
      direct.socket.send(nextMessage(direct.id, key, json));
    }
  };

  // A plain iterator (not an async generator), so `return()` reaches the source at once even
  // while a `next()` is waiting for an event: the subscriber leaves its group immediately.
  const mapped: AsyncIterableIterator<ExecutionResult> = {
    next: nextResult,
    return: async () => {
      await events.return?.();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return mapped;
    },
  };
  return mapped;
}
